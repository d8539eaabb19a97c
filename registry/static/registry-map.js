// Maps of places (the _map.html macro): draws a Leaflet map (vendored) into each .map element
// from its data-points. The list of places beside it works without JavaScript; the map is only
// an enhancement. Names come from the data: they are set as text, never as HTML.
(function () {
  "use strict";
  if (typeof L === "undefined") {
    return; // Leaflet did not load: the list of places stays
  }

  function readJSON(text, fallback) {
    try {
      return JSON.parse(text);
    } catch (e) {
      return fallback;
    }
  }

  // Only links to web pages (a relative address or http/https) go into a popup.
  function safeHref(href) {
    if (typeof href !== "string" || href === "") {
      return null;
    }
    try {
      var url = new URL(href, document.baseURI);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function popupContent(point) {
    var box = document.createElement("p");
    box.className = "map-popup";
    var name = String(point.name == null ? "" : point.name);
    var href = safeHref(point.href);
    var label;
    if (href) {
      label = document.createElement("a");
      label.href = href;
    } else {
      label = document.createElement("strong");
    }
    label.textContent = name;
    box.appendChild(label);
    return box;
  }

  function draw(element) {
    if (element.dataset.mapReady) {
      return;
    }
    var points = readJSON(element.dataset.points, []);
    if (!Array.isArray(points)) {
      return;
    }
    points = points.filter(function (p) {
      return p && isFinite(p.lat) && isFinite(p.lon) && p.lat !== null && p.lon !== null;
    });
    if (!points.length || !element.dataset.tiles) {
      return;
    }
    var labels = readJSON(element.dataset.labels, {}) || {};
    var figure = element.closest("figure") || element.parentNode;
    var list = figure.querySelector(".map-list");

    element.hidden = false;
    element.dataset.mapReady = "1";
    if (element.dataset.images) {
      L.Icon.Default.imagePath = element.dataset.images;
    }
    // Keyboard: the map takes focus (arrows pan, +/- zoom) and every marker is a button
    // (Enter opens its popup); these are Leaflet's defaults, kept on.
    var map = L.map(element, { zoomControl: false, scrollWheelZoom: false, keyboard: true });
    L.control.zoom({
      zoomInTitle: labels.zoomIn || "Zoom in",
      zoomOutTitle: labels.zoomOut || "Zoom out",
    }).addTo(map);

    var tiles = L.tileLayer(element.dataset.tiles, {
      attribution: element.dataset.attribution || "",
      maxZoom: 19,
    });
    // Without tiles (no network, the server down) the markers stay on a plain background, a
    // note says so and the list opens again.
    tiles.once("tileerror", function () {
      var note = document.createElement("p");
      note.className = "map-note";
      note.textContent = labels.tilesFailed || "";
      element.insertAdjacentElement("afterend", note);
      element.classList.add("map-no-tiles");
      if (list) {
        list.open = true;
      }
    });
    tiles.addTo(map);

    var bounds = [];
    points.forEach(function (point) {
      var name = String(point.name == null ? "" : point.name);
      var marker = L.marker([point.lat, point.lon], { title: name, alt: name, keyboard: true });
      marker.bindPopup(popupContent(point));
      marker.addTo(map);
      bounds.push([point.lat, point.lon]);
    });
    if (bounds.length === 1) {
      map.setView(bounds[0], 15);
    } else {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
    }
    if (list) {
      list.open = false;
    }
  }

  document.querySelectorAll(".map[data-points]").forEach(draw);
})();
