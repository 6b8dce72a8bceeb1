/*
 * The viewer core: the Viewer, built once per map by init (start.js). It draws the
 * layers embedded in the page as JSON, binds their tooltips and popups, formats numbers
 * in the map's language, turns layers and phases on and off and switches basemaps; its
 * constructor adds the controls. Its big-layer methods are in viewer-biglayer.js, the
 * controls in controls.js and panel.js.
 *
 * Uses: el, own, asText, safeUrl, escapeHtml, fold, control, stopEvents (dom.js); unmercLat,
 * unmercLon (coords.js); BigLayer (biglayer-raster.js); statusStyle, statusOf, timelineNode,
 * labelLayer (facts.js); setupTime, addTimePanel, itemOn, statusHeading (time.js);
 * setTwinOn (swipe.js).
 * Provides: Viewer.
 */

function Viewer(map, data, decoded) {
  this.map = map;
  this.decoded = decoded || [];
  this.data = data;
  this.t = data.t;
  this.locale = data.locale;
  this.categories = data.categories;
  this.phaseOn = data.phases.map(function () { return true; });
  this.layers = [];
  this.panes = [];
  this.basemap = null;
  this.measureState = { mode: null, points: [], shape: null, done: false };
  this.labels = {
    statuses: new Map(Object.entries(data.labels.statuses)),
    phases: new Map(Object.entries(data.labels.phases)),
    categories: new Map(Object.entries(data.labels.categories))
  };
  // a phone or tablet without a mouse: no hover tooltips, the readout follows the centre
  this.touchOnly = !!(window.matchMedia && window.matchMedia("(hover: none) and (pointer: coarse)").matches);
  this.setupAccess();
  this.dock = new Dock(map, this.t);
  this.drawLayers();
  this.setupBigEvents();
  this.setupTime();
  this.basemapIndex = data.basemaps.length ? 0 : -1;
  // with a big layer, its first view comes first, then the basemap's tiles (startBasemap)
  if (!this.decoded.some(Boolean)) this.addBasemapLayer(this.basemapIndex);
  this.addTitle();
  this.addFullscreen();
  this.addPrint();
  this.addPanel();
  this.addLegend();
  this.addSearch();
  this.addMeasure();
  this.addFeatureList();
  this.addLabels();
  this.addTimePanel();
  this.setupVersionSwipe();
  this.addMinimap();
  L.control.scale({ metric: true, imperial: false, maxWidth: 160 }).addTo(map);
  this.addCoordinates();
  this.updateLegend();
  this.fitZone();
}

/**
 * The band of the map that the title and the controls above and below leave free, as
 * [top, bottom] margins in pixels: on a compact map, between the title line and the
 * toolbar with the readouts above it; elsewhere a plain margin.
 */
Viewer.prototype.freeMargins = function () {
  if (!this.dock.compact) return [8, 8];
  var container = this.map.getContainer();
  var box = container.getBoundingClientRect();
  var title = container.querySelector(".zp-title");
  var top = title ? title.getBoundingClientRect().bottom - box.top + 8 : 8;
  var bottom = box.height - 8;
  container.querySelectorAll(".zp-toolbar, .zp-sheet, .leaflet-bottom .leaflet-control").forEach(function (node) {
    var r = node.getBoundingClientRect();
    if (r.height) bottom = Math.min(bottom, r.top - box.top - 8);
  });
  return [top, box.height - bottom];
};

/** Open on the zone, clear of the controls around it. */
Viewer.prototype.fitZone = function () {
  var fit = this.data.fit;
  if (!fit) return;
  // at once, not animated: the first tiles are then drawn for the view the map opens on
  var opts = { animate: false, padding: [8, 8] };
  if (this.dock.compact) {
    var m = this.freeMargins();
    opts = { animate: false, paddingTopLeft: [8, m[0]], paddingBottomRight: [8, m[1]] };
  } else if (this.map.getSize().x > 900) {
    // keep the zone clear of the search box (left) and the layer panel and legend (right)
    opts = { paddingTopLeft: [170, 70], paddingBottomRight: [270, 16], animate: false };
  }
  this.map.fitBounds(fit, opts);
};

Viewer.prototype.fmt = function (value, digits) {
  return new Intl.NumberFormat(this.locale, {
    minimumFractionDigits: digits, maximumFractionDigits: digits
  }).format(value);
};

Viewer.prototype.fmtPlain = function (value, digits) {
  return new Intl.NumberFormat(this.locale, {
    minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false
  }).format(value);
};

Viewer.prototype.fmtHa = function (ha) {
  return this.fmt(ha, ha >= 100 ? 1 : 2) + " " + this.t.ha;
};

Viewer.prototype.fmtLength = function (metres) {
  return metres >= 1000 ? this.fmt(metres / 1000, 3) + " " + this.t.km
    : this.fmt(metres, 1) + " " + this.t.m;
};

/* ---------------- layers ---------------- */

Viewer.prototype.drawLayers = function () {
  var self = this;
  // With a big layer on the map, the vector layers between big layers share one canvas
  // (in the pane of the first of them) instead of an SVG per layer: the browser then
  // rasterises no SVG on every zoom, which costs more than drawing these few features.
  var anyBig = this.data.layers.some(function (spec) { return spec.big; });
  var run = null;
  this.data.layers.forEach(function (spec, index) {
    var paneName = "zp-pane-" + index;
    var pane = self.map.createPane(paneName);
    pane.style.zIndex = String(410 + index);
    self.panes.push(pane);
    var entry = { index: index, spec: spec, items: [], group: null, on: !!spec.visible, big: null };
    if (spec.big) {
      run = null;
      entry.big = self.decoded[index];
      entry.group = new BigLayer(self, entry, { pane: paneName });
      self.layers.push(entry);
      if (entry.on) entry.group.addTo(self.map);
      return;
    }
    if (anyBig) {
      if (!run) run = { renderer: L.canvas({ pane: paneName }), entries: [] };
      run.entries.push(entry);
      entry.run = run;
    }
    var group = L.geoJSON(spec.data, {
      pane: paneName,
      style: function (feature) { return self.featureStyle(entry, feature); },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 6, pane: paneName, renderer: entry.run ? entry.run.renderer : undefined });
      },
      onEachFeature: function (feature, layer) { self.bindFeature(entry, feature, layer); }
    });
    entry.group = group;
    if (spec.style && spec.style.label === true) entry.labels = self.labelLayer(entry, paneName);
    self.layers.push(entry);
    if (entry.on) group.addTo(self.map);
    if (entry.on && entry.labels) entry.labels.addTo(self.map);
  });
  var measurePane = this.map.createPane("zp-pane-measure");
  measurePane.style.zIndex = "640";
};

Viewer.prototype.featureStyle = function (entry, feature) {
  var zp = feature.zp;
  var cat = this.categories[zp.cat].style;
  var over = entry.spec.style || {};
  var dash = Object.prototype.hasOwnProperty.call(over, "dash") ? over.dash : cat.dash;
  var style = {
    pane: entry.pane || "zp-pane-" + entry.index,
    color: cat.color,
    fillColor: cat.fill,
    opacity: 1,
    weight: typeof over.weight === "number" ? over.weight : cat.weight,
    fillOpacity: typeof over.fill_opacity === "number" ? over.fill_opacity : cat.fill_opacity,
    dashArray: dash || null,
    className: "zp-f zp-l" + entry.index + " zp-c" + zp.cat + " zp-p" + zp.phase
  };
  if (entry.run) style.renderer = entry.run.renderer;
  return this.statusStyle(feature, style);
};

/**
 * Layers sharing a canvas are drawn in the order they were added to it: after one is
 * shown again, or features come back, put them back in the order of the layer list.
 */
Viewer.prototype.restack = function (entry) {
  if (!entry.run) return;
  var map = this.map;
  entry.run.entries.forEach(function (e) { if (map.hasLayer(e.group)) e.group.bringToFront(); });
};

Viewer.prototype.bindFeature = function (entry, feature, layer) {
  var self = this;
  var item = { feature: feature, layer: layer, entry: entry, shown: true,
    key: fold(feature.zp.names.join(" ")) };
  entry.items.push(item);
  // on a touch screen a tap opens the popup, which says all the tooltip would
  if (!this.touchOnly) {
    layer.bindTooltip(function () { return self.tooltipContent(item); },
      { sticky: true, direction: "top", className: "zp-tooltip", opacity: 1 });
  }
  layer.on("mouseover", function () {
    var base = self.featureStyle(entry, feature);
    // no bringToFront here: moving the hovered path in the DOM loses its mouseout in
    // Chromium, which leaves tooltips open
    layer.setStyle({ weight: base.weight + 2.5, fillOpacity: Math.min(0.85, base.fillOpacity + 0.25) });
  });
  layer.on("mouseout", function () { entry.group.resetStyle(layer); });
  // Leaflet's tooltip focus listeners make Chromium put every SVG path in the Tab order,
  // before all controls; features are reached from search and the list of features in view
  layer.on("add", function () {
    var node = layer.getElement && layer.getElement();
    if (node) node.setAttribute("tabindex", "-1");
  });
  layer.on("tooltipopen", function (ev) {
    self.vectorTip = layer;
    self.announce(ev.tooltip.getElement().textContent);
  });
  layer.on("click", function (ev) {
    if (self.measureState.mode) return;
    self.openPopup(item, ev.latlng);
  });
};

Viewer.prototype.names = function (item) {
  var names = item.feature.zp.names;
  var first = this.data.lang === "vi" ? names[0] : names[1];
  var second = this.data.lang === "vi" ? names[1] : names[0];
  if (!first) { first = second; second = ""; }
  return [first || this.t.unnamed, second && second !== first ? second : ""];
};

/** The language of the second name `names` gives (the other language of the map). */
Viewer.prototype.altLang = function (item) {
  var names = item.feature.zp.names;
  var own = this.data.lang === "vi" ? names[0] : names[1];
  if (!own) return this.data.lang;
  return this.data.lang === "vi" ? "en" : "vi";
};

/** A line holding the second name, marked with its language for screen readers. */
Viewer.prototype.altName = function (item, className, text) {
  var node = el("div", className, text);
  node.lang = this.altLang(item);
  return node;
};

Viewer.prototype.categoryLabel = function (item) {
  return this.categories[item.feature.zp.cat].label;
};

Viewer.prototype.tooltipContent = function (item) {
  var zp = item.feature.zp;
  var names = this.names(item);
  var box = el("div", "zp-tip");
  box.appendChild(el("div", "zp-tip-name", names[0]));
  if (names[1]) box.appendChild(this.altName(item, "zp-tip-alt", names[1]));
  box.appendChild(el("div", "zp-tip-cat", this.categoryLabel(item)));
  var status = this.statusOf(item.feature);
  if (status) box.appendChild(el("div", "zp-tip-status", this.t.status + ": " + status.label));
  if (typeof zp.area_ha === "number") {
    box.appendChild(el("div", "zp-tip-area", this.t.area + ": " + this.fmtHa(zp.area_ha)));
  }
  if (typeof zp.length_km === "number") {
    box.appendChild(el("div", "zp-tip-length",
      this.t.length + ": " + this.fmt(zp.length_km, 2) + " " + this.t.km));
  }
  return box;
};

Viewer.prototype.popupContent = function (item) {
  var self = this;
  var zp = item.feature.zp;
  var props = item.feature.properties || {};
  var names = this.names(item);
  var box = el("div", "zp-popup-body");
  box.appendChild(el("h2", "zp-popup-name", names[0])); // a dialog: next below the h1
  if (names[1]) box.appendChild(this.altName(item, "zp-popup-alt", names[1]));
  var table = el("table", "zp-props");
  function row(label, value, cls) {
    if (value === null || value === undefined || value === "") return; // not an attribute of this feature
    var tr = el("tr", cls);
    tr.appendChild(el("th", null, label));
    var td = el("td");
    if (value instanceof Node) td.appendChild(value); else td.textContent = asText(value);
    tr.appendChild(td);
    table.appendChild(tr);
  }
  row(this.t.layer, item.entry.spec.title, "zp-row-layer");
  row(this.t.category, this.categoryLabel(item), "zp-row-category");
  var status = this.statusOf(item.feature);
  row(this.statusHeading(item), status ? status.label : this.lookup(this.labels.statuses, own(props, "status")),
    "zp-row-status");
  row(this.t.phase, this.lookup(this.labels.phases, own(props, "phase")), "zp-row-phase");
  var asOf = own(props, "as_of");
  if (asOf !== undefined) row(this.t.as_of, zp.as_of_text || asOf, "zp-row-as-of");
  if (typeof zp.area_ha === "number") {
    row(this.t.measured_area, this.fmtHa(zp.area_ha), "zp-row-area");
    if (typeof zp.declared_ha === "number") {
      row(this.t.declared_area, this.fmtHa(zp.declared_ha), "zp-row-declared");
      var diff = zp.area_ha - zp.declared_ha;
      var text = (diff > 0 ? "+" : "") + this.fmtHa(diff);
      if (zp.declared_ha > 0) {
        text += " (" + (diff > 0 ? "+" : "") + this.fmt(100 * diff / zp.declared_ha, 1) + " %)";
      }
      row(this.t.difference, text, "zp-row-difference");
    }
  }
  if (typeof zp.length_km === "number") {
    row(this.t.measured_length, this.fmt(zp.length_km, 3) + " " + this.t.km, "zp-row-length");
  }
  var source = own(props, "source"), url = own(props, "source_url");
  if (!absent(source) || !absent(url)) row(this.t.source, this.sourceNode(source, url), "zp-row-source");
  var acc = own(props, "accuracy_m");
  row(this.t.accuracy, typeof acc === "number" ? "± " + this.fmt(acc, 0) + " " + this.t.m : acc,
    "zp-row-accuracy");
  row(this.t.method, own(props, "method"), "zp-row-method");
  box.appendChild(table);
  var timeline = this.timelineNode(item);
  if (timeline) box.appendChild(timeline);
  var known = new Set(this.data.known_properties);
  var extra = Object.keys(props).filter(function (k) { return !known.has(k) && !absent(props[k]); });
  if (extra.length) {
    box.appendChild(el("div", "zp-popup-extra-title", this.t.other_properties));
    var more = el("table", "zp-props zp-props-extra");
    extra.forEach(function (key) {
      var tr = el("tr");
      tr.appendChild(el("th", null, key));
      tr.appendChild(el("td", null, asText(props[key])));
      more.appendChild(tr);
    });
    box.appendChild(more);
  }
  return box;
};

/** Whether a property value is missing (a column this feature has no value in). */
function absent(value) {
  return value === null || value === undefined || value === "" ||
    (typeof value === "number" && Number.isNaN(value));
}

Viewer.prototype.lookup = function (table, key) {
  if (typeof key === "string" && table.has(key)) return table.get(key);
  return key;
};

Viewer.prototype.sourceNode = function (source, url) {
  var span = el("span", "zp-source");
  span.appendChild(document.createTextNode(asText(source)));
  if (url !== undefined && url !== null && url !== "") {
    span.appendChild(el("br"));
    var href = safeUrl(url);
    if (href) {
      var a = el("a", "zp-source-link", String(url));
      a.href = href;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      span.appendChild(a);
    } else {
      span.appendChild(el("span", "zp-source-url", asText(url)));
    }
  }
  return span;
};

/**
 * Open a feature's popup, at `latlng` or its centre. With focus (opened from a list or by
 * keyboard), the popup takes the focus and gives it back when it closes.
 */
Viewer.prototype.openPopup = function (item, latlng, focus) {
  var where = latlng || this.itemCenter(item);
  var opener = focus ? document.activeElement : null;
  // within the map's free band: on a phone, as wide as the screen allows and scrolling
  // (right of the zoom buttons, which stay above popups)
  var m = this.freeMargins(), size = this.map.getSize();
  var left = this.dock.compact ? 54 : 20, right = this.dock.compact ? 10 : 20;
  var width = size.x - left - right - 26; // the popup's frame and margins
  var opts = { maxWidth: Math.min(380, width), minWidth: Math.min(240, width), className: "zp-popup",
    autoPanPaddingTopLeft: [left, Math.max(20, m[0])], autoPanPaddingBottomRight: [right, Math.max(20, m[1])] };
  if (this.dock.compact) opts.maxHeight = Math.max(120, size.y - m[0] - m[1] - 40);
  var popup = L.popup(opts).setLatLng(where).setContent(this.popupContent(item)).openOn(this.map);
  this.popupOpened(popup, item, opener);
};

Viewer.prototype.itemCenter = function (item) {
  if (item.big !== undefined) {
    var bb = item.entry.big.bbox, i = 4 * item.big;
    return L.latLng(unmercLat((bb[i + 1] + bb[i + 3]) / 2), unmercLon((bb[i] + bb[i + 2]) / 2));
  }
  var l = item.layer;
  if (l.getLatLng) return l.getLatLng();
  if (l.getCenter) {
    try { return l.getCenter(); } catch (err) { /* empty or odd geometry */ }
  }
  return l.getBounds().getCenter();
};

Viewer.prototype.setLayerOn = function (index, on) {
  var entry = this.layers[index];
  entry.on = on;
  if (on) entry.group.addTo(this.map); else this.map.removeLayer(entry.group);
  if (entry.labels) { if (on) entry.labels.addTo(this.map); else this.map.removeLayer(entry.labels); }
  if (on) this.restack(entry);
  if (this.twins) this.setTwinOn(index, on);
  if (this.layerBoxes) this.layerBoxes[index].checked = on;
  this.updateLegend();
};

/** The entries of both sides: the layers, and their twins on the right while swiping. */
Viewer.prototype.allEntries = function () {
  return this.twins && this.swipe && this.swipe.on ? this.layers.concat(this.twins) : this.layers;
};

Viewer.prototype.setPhaseOn = function (phaseIndex, on) {
  this.phaseOn[phaseIndex] = on;
  var self = this;
  this.allEntries().forEach(function (entry) {
    entry.items.forEach(function (item) {
      var show = self.itemOn(item);
      if (show && !item.shown) entry.group.addLayer(item.layer);
      if (!show && item.shown) entry.group.removeLayer(item.layer);
      item.shown = show;
    });
    if (entry.big) entry.group.redraw();
    else if (entry.run && entry.run.entries[0] === entry) self.restack(entry);
  });
  if (this.bigShape) this.hoverBig(null);
  this.updateLegend();
};

/**
 * Resolve once the view as it is now has been painted. Big layers draw when the view
 * changes (while panning, in the next animation frame), once every tile of the view is
 * there (some of them come from the layer's worker); the frame after the next one starts
 * once that drawing has been painted.
 */
Viewer.prototype.whenDrawn = function () {
  // big layers whose tiles are still being drawn (some of them in a worker) first
  var framed = this.layers.concat(this.twins || []).map(function (entry) {
    return entry.big && entry.group && entry.group.whenFramed ? entry.group.whenFramed() : null;
  });
  return Promise.all(framed).then(function () {
    if (document.hidden) return null; // no frames in a hidden tab
    return new Promise(function (resolve) {
      requestAnimationFrame(function () { requestAnimationFrame(function () { resolve(); }); });
    });
  });
};

/* ---------------- basemaps ---------------- */

Viewer.prototype.tileLayer = function (spec) {
  return L.tileLayer(spec.url, {
    subdomains: spec.subdomains || "abc",
    maxZoom: spec.max_zoom || 19,
    maxNativeZoom: spec.max_native_zoom || spec.max_zoom || 19,
    attribution: escapeHtml(spec.attribution || ""),
    crossOrigin: false
  });
};

Viewer.prototype.addBasemapLayer = function (index) {
  if (this.basemap) this.map.removeLayer(this.basemap);
  this.basemap = null;
  this.basemapIndex = index;
  this.basemapPaused = false;
  if (this.basemapNote) this.basemapNote.hidden = true;
  if (index >= 0) {
    this.basemap = this.tileLayer(this.data.basemaps[index]);
    this.watchBasemap(this.basemap);
    // a browser that knows it is offline: no tile asked for (the note says so)
    if (navigator.onLine === false) { this.pauseBasemap(); return; }
    this.basemap.addTo(this.map);
    this.basemap.bringToBack();
  }
  if (this.onBasemap) this.onBasemap(index);
};

/** Put the basemap on the map if it waited for the big layers' first view (init). */
Viewer.prototype.startBasemap = function () {
  if (!this.basemap && !this.basemapPaused && this.basemapIndex >= 0) this.addBasemapLayer(this.basemapIndex);
};

/**
 * An offline basemap stops asking for tiles: when every tile of a view failed (none
 * loaded: no network, as a self-contained map opened offline) or the browser goes offline,
 * the basemap is taken off the map and the overview map (pauseBasemap), so that zooming
 * and panning do not ask for tiles that fail; a note says so, with a button that tries
 * again, as the browser's `online` event does.
 */
Viewer.prototype.watchBasemap = function (layer) {
  var self = this, loaded = 0, failed = 0;
  layer.on("loading", function () { loaded = 0; failed = 0; });
  layer.on("tileload", function () { loaded++; });
  layer.on("tileerror", function () { failed++; });
  layer.on("load", function () { // every tile of the view loaded or failed
    if (!failed || loaded || layer !== self.basemap) return;
    // after Leaflet's own handling of this event, which still needs the layer on the map
    setTimeout(function () { if (layer === self.basemap) self.pauseBasemap(); }, 0);
  });
  if (this.watchingOnline) return;
  this.watchingOnline = true;
  window.addEventListener("online", function () { self.retryBasemap(); });
  window.addEventListener("offline", function () { self.pauseBasemap(); });
};

/** Take the basemap off the map and the overview map, and show the note. */
Viewer.prototype.pauseBasemap = function () {
  if (!this.basemap || this.basemapPaused) return;
  this.basemapPaused = true;
  this.map.removeLayer(this.basemap); // its requests on their way are stopped too
  if (this.onBasemap) this.onBasemap(-1);
  this.showBasemapNote();
};

/** Put a paused basemap back (its tiles asked for again). */
Viewer.prototype.retryBasemap = function () {
  if (this.basemapPaused) this.addBasemapLayer(this.basemapIndex);
};

/**
 * The note of a paused basemap, made the first time: one short line just above the
 * attribution, the basemap's name and what it means in its title; said to screen readers
 * (the viewer's live region) each time it is shown.
 */
Viewer.prototype.showBasemapNote = function () {
  var self = this, t = this.t;
  if (!this.basemapNote) {
    var note = el("div", "zp-box zp-basemap-note");
    stopEvents(note);
    note.appendChild(el("span", "zp-basemap-note-text", t.basemap_offline));
    note.appendChild(document.createTextNode(" "));
    var button = el("button", "zp-basemap-retry", t.basemap_retry);
    button.type = "button";
    button.addEventListener("click", function () { self.retryBasemap(); });
    note.appendChild(button);
    control("bottomright", function () { return note; }).addTo(this.map);
    var attribution = note.parentNode.querySelector(".leaflet-control-attribution");
    if (attribution) note.parentNode.insertBefore(note, attribution);
    this.basemapNote = note;
  }
  var detail = t.basemap_offline_detail.replace("{name}", this.data.basemaps[this.basemapIndex].label);
  this.basemapNote.title = detail;
  this.basemapNote.hidden = false;
  if (this.announce) this.announce(t.basemap_offline + ". " + detail);
};
