// The query editor of /sparql: YASGUI (vendored), set up for this endpoint only.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("sparql-config").textContent);
  // No calls to other hosts: prefix and term completion from public services stays off.
  Yasgui.Yasqe.defaults.autocompleters = ["variables"];
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } },
    yasqe: { value: config.query },
  });
  window.registryYasgui = yasgui;
  var tab = yasgui.getTab();
  tab.getYasqe().setValue(config.query);
  tab.setEndpoint(config.endpoint);
  document.getElementById("add-prefixes").addEventListener("click", function () {
    yasgui.getTab().getYasqe().addPrefixes(config.prefixes);
  });
  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      var example = config.examples[Number(button.dataset.example)];
      var current = yasgui.getTab();
      current.getYasqe().setValue(example.query);
      current.getYasqe().query();
    });
  });
})();
