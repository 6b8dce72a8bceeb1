/*
 * The layer panel of the Viewer (basemaps, overlays by group, opacity, phase filter),
 * the legend (the planning layers' categories, then a section for each of the user's
 * layers) and the overview map.
 *
 * Uses: el, withAlpha, stopEvents, control (dom.js); Dock (dock.js).
 */

Viewer.prototype.addPanel = function () {
  var self = this;
  var t = this.t;
  this.dock.add({
    id: "layers", title: t.layers, short: t.layers_short, position: "topright",
    className: "zp-panel", collapsible: true,
    build: function (body) {
      self.panelBasemaps(body);
      self.panelLayers(body);
      self.panelOpacity(body);
      self.panelPhases(body);
    }
  });
};

Viewer.prototype.panelBasemaps = function (body) {
  var self = this;
  var field = el("fieldset", "zp-basemaps");
  field.appendChild(el("legend", null, this.t.basemaps));
  var choices = this.data.basemaps.map(function (b) { return b.label; });
  choices.push(this.t.no_basemap);
  choices.forEach(function (label, i) {
    var index = i < self.data.basemaps.length ? i : -1;
    var lab = el("label", "zp-basemap");
    var radio = el("input");
    radio.type = "radio";
    radio.name = "zp-basemap";
    radio.value = String(index);
    radio.checked = index === self.basemapIndex;
    radio.addEventListener("change", function () { if (radio.checked) self.addBasemapLayer(index); });
    lab.appendChild(radio);
    lab.appendChild(document.createTextNode(" " + label));
    field.appendChild(lab);
  });
  body.appendChild(field);
};

Viewer.prototype.panelLayers = function (body) {
  var self = this;
  this.layerBoxes = [];
  var field = el("fieldset", "zp-overlays");
  field.appendChild(el("legend", null, this.t.overlays));
  this.data.groups.forEach(function (group) {
    var members = self.layers.filter(function (e) { return e.spec.group === group.key; });
    if (!members.length) return;
    var section = el("div", "zp-group");
    section.appendChild(el("div", "zp-group-title", group.label));
    members.forEach(function (entry) {
      var lab = el("label", "zp-layer");
      var box = el("input", "zp-layer-toggle");
      box.type = "checkbox";
      box.checked = entry.on;
      box.setAttribute("data-layer-index", String(entry.index));
      box.addEventListener("change", function () { self.setLayerOn(entry.index, box.checked); });
      self.layerBoxes[entry.index] = box;
      lab.appendChild(box);
      lab.appendChild(document.createTextNode(" " + entry.spec.title));
      var n = entry.big ? entry.big.n : entry.items.length;
      lab.appendChild(el("span", "zp-layer-count", " (" + self.fmt(n, 0) + ")"));
      section.appendChild(lab);
    });
    field.appendChild(section);
  });
  body.appendChild(field);
};

Viewer.prototype.panelOpacity = function (body) {
  var self = this;
  var lab = el("label", "zp-opacity");
  lab.appendChild(el("span", null, this.t.opacity));
  var range = el("input", "zp-opacity-range");
  range.type = "range";
  range.min = "0";
  range.max = "100";
  range.value = "100";
  range.addEventListener("input", function () {
    var v = String(Number(range.value) / 100);
    self.panes.concat(self.rightPanes || []).forEach(function (pane) { pane.style.opacity = v; });
  });
  lab.appendChild(range);
  body.appendChild(lab);
};

Viewer.prototype.panelPhases = function (body) {
  var self = this;
  this.phaseBoxes = [];
  var field = el("fieldset", "zp-phases");
  field.appendChild(el("legend", null, this.t.phase_filter));
  this.data.phases.forEach(function (phase, i) {
    var lab = el("label", "zp-phase");
    var box = el("input", "zp-phase-toggle");
    box.type = "checkbox";
    box.checked = true;
    box.setAttribute("data-phase-index", String(i));
    box.addEventListener("change", function () { self.setPhaseOn(i, box.checked); });
    self.phaseBoxes.push(box);
    lab.appendChild(box);
    lab.appendChild(document.createTextNode(" " + phase.label));
    field.appendChild(lab);
  });
  body.appendChild(field);
};

Viewer.prototype.addLegend = function () {
  var self = this;
  var t = this.t;
  this.legendSections = [];
  this.dock.add({
    id: "legend", title: t.legend, short: t.legend_short, position: "bottomright",
    className: "zp-legend", collapsible: true, scrollFocus: true,
    build: function (body, panel) {
      self.legend = panel;
      var user = self.layers.filter(function (e) { return e.spec.group === "user"; });
      var plan = self.layers.filter(function (e) { return e.spec.group !== "user"; });
      if (plan.length) self.addLegendSection(user.length ? t.overlays : null, plan);
      user.forEach(function (entry) { self.addLegendSection(entry.spec.title, [entry]); });
      self.statusLegend(body);
    }
  });
};

/** The category indexes the features of a layer have. */
function layerCategories(entry) {
  var cats = new Set();
  if (entry.big) entry.spec.big.cat_phase.forEach(function (cp) { cats.add(cp[0]); });
  else entry.items.forEach(function (item) { cats.add(item.feature.zp.cat); });
  return cats;
}

/**
 * Add a section to the legend: a heading (none when title is null) and an entry for each
 * category the given layers have, shown while one of them draws it. Returns the section
 * element; more entries can go into its list (.zp-legend-list).
 */
Viewer.prototype.addLegendSection = function (title, entries) {
  var self = this;
  var section = el("div", "zp-legend-section");
  if (title !== null) section.appendChild(el("h3", "zp-legend-heading", title));
  var list = el("ul", "zp-legend-list");
  var cats = new Set();
  entries.forEach(function (entry) { layerCategories(entry).forEach(function (c) { cats.add(c); }); });
  var items = [];
  this.categories.forEach(function (cat, i) {
    if (!cats.has(i)) return;
    var li = el("li", "zp-legend-item");
    li.setAttribute("data-category-index", String(i));
    var sw = el("span", "zp-swatch zp-swatch-" + (cat.kind || "fill"));
    sw.setAttribute("aria-hidden", "true");
    sw.style.borderColor = cat.style.color;
    sw.style.backgroundColor = cat.kind === "line" ? cat.style.color
      : withAlpha(cat.style.fill, Math.max(cat.style.fill_opacity, 0.12));
    if (cat.style.dash) sw.style.borderStyle = "dashed";
    li.appendChild(sw);
    if (cat.legend_group) {
      // a styled layer's class: its names, then the count and hectares of what is shown
      var text = el("span", "zp-legend-text");
      text.appendChild(el("span", "zp-legend-label", cat.label));
      if (cat.alt) text.appendChild(el("span", "zp-legend-alt", cat.alt));
      li.countNode = el("span", "zp-legend-count");
      text.appendChild(li.countNode);
      li.appendChild(text);
    } else {
      li.appendChild(el("span", "zp-legend-label", cat.label));
    }
    list.appendChild(li);
    items.push({ cat: i, li: li });
  });
  section.appendChild(list);
  this.legend.body.appendChild(section);
  this.legendSections.push({ node: section, entries: entries, items: items });
  return section;
};

/**
 * Show the legend entries of the categories that are drawn now; for the classes of
 * styled layers, the number of features and their VN-2000 hectares in the layers and
 * phases that are on.
 */
Viewer.prototype.updateLegend = function () {
  if (!this.legendSections) return;
  var self = this;
  if (this.scheduleLabels) this.scheduleLabels(); // labels follow the layers and phases shown
  this.legendSections.forEach(function (section) {
    var shown = new Set();
    var counts = new Map(); // category -> [features, VN-2000 ha], for styled layers' classes
    section.entries.forEach(function (entry) {
      if (!entry.on) return;
      if (entry.spec.thematic) {
        entry.spec.thematic.stats.forEach(function (st) {
          if (!self.phaseOn[st[1]]) return;
          shown.add(st[0]);
          var c = counts.get(st[0]) || [0, 0];
          c[0] += st[2];
          c[1] += st[3];
          counts.set(st[0], c);
        });
        return;
      }
      if (entry.big) {
        (entry.catPhaseNow || entry.spec.big.cat_phase).forEach(function (cp) { if (self.phaseOn[cp[1]]) shown.add(cp[0]); });
        return;
      }
      entry.items.forEach(function (item) { if (item.shown) shown.add(item.feature.zp.cat); });
    });
    section.items.forEach(function (it) {
      it.li.hidden = !shown.has(it.cat);
      if (!it.li.countNode) return;
      var c = counts.get(it.cat);
      it.li.countNode.textContent = c ? self.fmt(c[0], 0) + " · " + self.fmtHa(c[1]) : "";
      it.li.setAttribute("data-count", c ? String(c[0]) : "0");
      it.li.setAttribute("data-ha", c ? String(c[1]) : "0");
    });
    section.node.hidden = !shown.size;
  });
  this.updateStatusLegend();
};

/**
 * The overview map's place in the bottom-left corner, now (the first view is fitted clear
 * of it); the overview itself, a second Leaflet map, is drawn there once the first view is
 * (startMinimap).
 */
Viewer.prototype.addMinimap = function () {
  var self = this;
  control("bottomleft", function () {
    var box = el("div", "zp-minimap");
    box.title = self.t.minimap;
    stopEvents(box);
    return box;
  }).addTo(this.map);
};

/** Draw the overview map in its place, following the map (init, once the first view is drawn). */
Viewer.prototype.startMinimap = function () {
  if (this.minimap) return;
  var self = this, node = this.map.getContainer().querySelector(".zp-minimap");
  var mini = L.map(node, {
    attributionControl: false, zoomControl: false, dragging: false, scrollWheelZoom: false,
    doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false, tap: false,
    // a view before any layer is added: Leaflet cannot add paths to a map without one
    center: this.map.getCenter(), zoom: Math.max(this.map.getZoom() - 4, 0)
  });
  this.minimap = mini;
  var tiles = null;
  this.onBasemap = function (index) {
    if (tiles) mini.removeLayer(tiles);
    tiles = index >= 0 ? self.tileLayer(self.data.basemaps[index]).addTo(mini) : null;
  };
  this.onBasemap(this.basemapPaused ? -1 : this.basemapIndex);
  this.layers.forEach(function (entry) {
    if (entry.spec.group !== "zone") return;
    L.geoJSON(entry.spec.data, {
      style: { color: "#222222", weight: 1, fillOpacity: 0.1, interactive: false }
    }).addTo(mini);
  });
  var frame = L.rectangle([[0, 0], [0, 0]],
    { color: "#D55E00", weight: 2, fillOpacity: 0.1, interactive: false }).addTo(mini);
  function sync() {
    mini.setView(self.map.getCenter(), Math.max(self.map.getZoom() - 4, 0), { animate: false });
    frame.setBounds(self.map.getBounds());
  }
  // the overview follows once the map itself has been drawn (a zoom ends with moveend
  // too): its tiles and shapes do not hold up the map's next frame
  var due = false;
  var later = window.requestIdleCallback
    ? function (fn) { window.requestIdleCallback(fn, { timeout: 250 }); }
    : function (fn) { setTimeout(fn, 50); };
  this.map.on("moveend", function () {
    if (due) return;
    due = true;
    later(function () { due = false; sync(); });
  });
  this.map.whenReady(sync);
};
