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

  // Accessibility of YASGUI's own markup (WCAG 2.1 AA): names for its unlabelled controls, a
  // focusable scroller, and no "add tab" button inside the tab list (one endpoint, one tab is
  // enough here). Applied again whenever YASGUI redraws (e.g. the results table).
  var polish = document.documentElement.lang !== "en";
  var names = {
    ".autocomplete": polish ? "Adres punktu dostępowego SPARQL" : "SPARQL endpoint address",
    ".CodeMirror textarea": polish ? "Zapytanie SPARQL" : "SPARQL query",
    ".tableSizer": polish ? "Wierszy na stronie" : "Rows per page",
    ".yasr select": polish ? "Wybór" : "Choice",
  };
  function mend(root) {
    Object.keys(names).forEach(function (selector) {
      root.querySelectorAll(selector).forEach(function (el) {
        if (!el.getAttribute("aria-label") && !(el.labels && el.labels.length)) {
          el.setAttribute("aria-label", names[selector]);
        }
      });
    });
    root.querySelectorAll(".CodeMirror-scroll:not([tabindex='0'])").forEach(function (el) {
      el.setAttribute("tabindex", "0");
      el.setAttribute("aria-label", polish ? "Treść zapytania" : "Query text");
    });
    root.querySelectorAll("[role=tablist] .addTab, [role=tablist] button.addTab").forEach(function (el) {
      el.remove();
    });
  }
  var root = document.getElementById("yasgui");
  mend(root);
  new MutationObserver(function () { mend(root); }).observe(root, { childList: true, subtree: true });
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
