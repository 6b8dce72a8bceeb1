/*
 * Map controls of the Viewer: the title block, the full-screen button, search, the
 * measure tool (VN-2000 lengths and areas) and the cursor's WGS 84 / VN-2000 readout.
 *
 * Uses: el, fold, fullscreenIcon, stopEvents, control (dom.js); toVN2000, measurePlanar
 * (coords.js); unmercLat, unmercLon (coords.js).
 */

Viewer.prototype.addTitle = function () {
  var t = this.t;
  var box = el("div", "zp-title");
  box.appendChild(el("div", "zp-title-name", t.zone_name));
  box.appendChild(el("div", "zp-title-decision", t.decision));
  box.appendChild(el("div", "zp-title-note", t.indicative));
  stopEvents(box);
  this.map.getContainer().appendChild(box);
};

Viewer.prototype.addFullscreen = function () {
  var self = this;
  control("topleft", function () {
    var bar = el("div", "leaflet-bar zp-fullscreen");
    var btn = el("a", "zp-fullscreen-button");
    btn.appendChild(fullscreenIcon());
    btn.href = "#";
    btn.title = self.t.fullscreen;
    btn.setAttribute("role", "button");
    btn.setAttribute("aria-label", self.t.fullscreen);
    L.DomEvent.on(btn, "click", function (ev) {
      L.DomEvent.preventDefault(ev);
      var box = self.map.getContainer();
      if (document.fullscreenElement) document.exitFullscreen();
      else if (box.requestFullscreen) box.requestFullscreen();
    });
    document.addEventListener("fullscreenchange", function () { self.map.invalidateSize(); });
    stopEvents(bar);
    bar.appendChild(btn);
    return bar;
  }).addTo(this.map);
};

Viewer.prototype.addSearch = function () {
  var self = this;
  control("topleft", function () {
    var box = el("div", "zp-box zp-search");
    var input = el("input", "zp-search-input");
    input.type = "search";
    input.placeholder = self.t.search;
    input.setAttribute("aria-label", self.t.search);
    var list = el("ul", "zp-search-results");
    box.appendChild(input);
    box.appendChild(list);
    var found = [];
    function show() {
      list.textContent = "";
      var q = fold(input.value);
      found = [];
      if (!q) return;
      self.layers.forEach(function (entry) {
        if (entry.big) { self.searchBig(entry, q, found, 12 - found.length); return; }
        entry.items.forEach(function (item) {
          if (found.length < 12 && item.key.indexOf(q) !== -1) found.push(item);
        });
      });
      if (!found.length) { list.appendChild(el("li", "zp-search-none", self.t.search_none)); return; }
      found.forEach(function (item) {
        var li = el("li");
        var btn = el("button", "zp-search-hit");
        btn.type = "button";
        btn.appendChild(el("span", "zp-search-name", self.names(item)[0]));
        btn.appendChild(el("span", "zp-search-layer", item.entry.spec.title));
        btn.addEventListener("click", function () { self.showItem(item); });
        li.appendChild(btn);
        list.appendChild(li);
      });
    }
    input.addEventListener("input", show);
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && found.length) self.showItem(found[0]);
    });
    stopEvents(box);
    return box;
  }).addTo(this.map);
};

Viewer.prototype.showItem = function (item) {
  if (!item.entry.on) this.setLayerOn(item.entry.index, true);
  var phase = item.feature.zp.phase;
  if (!this.phaseOn[phase]) {
    this.setPhaseOn(phase, true);
    if (this.phaseBoxes) this.phaseBoxes[phase].checked = true;
  }
  var l = item.layer;
  if (item.big !== undefined) {
    var bb = item.entry.big.bbox, i = 4 * item.big;
    var box = L.latLngBounds([unmercLat(bb[i + 3]), unmercLon(bb[i])], [unmercLat(bb[i + 1]), unmercLon(bb[i + 2])]);
    this.map.fitBounds(box, { maxZoom: 18, padding: [40, 40] });
  } else if (l.getBounds) this.map.fitBounds(l.getBounds(), { maxZoom: 16, padding: [40, 40] });
  else this.map.setView(l.getLatLng(), Math.max(this.map.getZoom(), 15));
  this.openPopup(item);
};

Viewer.prototype.addMeasure = function () {
  var self = this;
  var st = this.measureState;
  control("topleft", function () {
    var box = el("div", "zp-box zp-measure");
    var line = el("button", "zp-measure-line", self.t.measure_line);
    var area = el("button", "zp-measure-area", self.t.measure_area);
    var clear = el("button", "zp-measure-clear", self.t.measure_clear);
    var out = el("div", "zp-measure-result");
    [line, area, clear].forEach(function (b) { b.type = "button"; box.appendChild(b); });
    box.appendChild(out);
    self.measureOut = out;
    line.addEventListener("click", function () { self.startMeasure("line"); });
    area.addEventListener("click", function () { self.startMeasure("area"); });
    clear.addEventListener("click", function () { self.clearMeasure(); });
    stopEvents(box);
    return box;
  }).addTo(this.map);
  this.map.on("click", function (ev) {
    if (!st.mode) return;
    st.points.push(ev.latlng);
    self.drawMeasure();
  });
  this.map.on("dblclick", function () {
    if (!st.mode) return;
    // a double click also fires two clicks at the same spot; drop the repeat
    var n = st.points.length;
    if (n > 1 && st.points[n - 1].equals(st.points[n - 2])) st.points.pop();
    self.finishMeasure();
  });
};

Viewer.prototype.startMeasure = function (mode) {
  this.clearMeasure();
  this.measureState.mode = mode;
  this.map.doubleClickZoom.disable();
  this.map.getContainer().classList.add("zp-measuring");
  this.measureOut.textContent = this.t.measure_hint;
};

Viewer.prototype.finishMeasure = function () {
  var st = this.measureState;
  st.mode = null;
  this.map.getContainer().classList.remove("zp-measuring");
  var map = this.map;
  // after this double click has passed, unless a new measurement has started
  setTimeout(function () { if (!st.mode) map.doubleClickZoom.enable(); }, 0);
};

Viewer.prototype.clearMeasure = function () {
  var st = this.measureState;
  if (st.shape) this.map.removeLayer(st.shape);
  st.shape = null;
  st.points = [];
  st.kind = null;
  this.finishMeasure();
  if (this.measureOut) this.measureOut.textContent = "";
};

Viewer.prototype.drawMeasure = function () {
  var st = this.measureState;
  var closed = st.mode === "area";
  st.kind = st.mode;
  if (st.shape) this.map.removeLayer(st.shape);
  var opts = { pane: "zp-pane-measure", color: "#000000", weight: 2, dashArray: "5 4",
    fillColor: "#FFFFFF", fillOpacity: 0.25, interactive: false };
  st.shape = (closed ? L.polygon(st.points, opts) : L.polyline(st.points, opts)).addTo(this.map);
  var m = measurePlanar(st.points, closed);
  this.lastMeasure = m;
  var out = this.measureOut;
  out.textContent = "";
  if (closed) {
    out.appendChild(el("div", "zp-measure-area-value", this.t.area + ": " + this.fmtHa(m.area_ha)));
    out.appendChild(el("div", "zp-measure-length-value",
      this.t.perimeter + ": " + this.fmtLength(m.length_m)));
  } else {
    out.appendChild(el("div", "zp-measure-length-value",
      this.t.length + ": " + this.fmtLength(m.length_m)));
  }
};

Viewer.prototype.addCoordinates = function () {
  var self = this;
  var t = this.t;
  control("bottomleft", function () {
    var box = el("div", "zp-box zp-coords");
    var wgs = el("div", "zp-coord-wgs", t.coords_hint);
    var vn = el("div", "zp-coord-vn");
    box.appendChild(wgs);
    box.appendChild(vn);
    self.coordNodes = { wgs: wgs, vn: vn };
    return box;
  }).addTo(this.map);
  this.map.on("mousemove", function (ev) { self.showCoordinates(ev.latlng); });
};

Viewer.prototype.showCoordinates = function (latlng) {
  var t = this.t;
  var nodes = this.coordNodes;
  var lat = latlng.lat, lng = L.Util.wrapNum(latlng.lng, [-180, 180], true);
  nodes.wgs.textContent = "";
  nodes.wgs.appendChild(el("span", "zp-coord-label", t.wgs84 + ": "));
  nodes.wgs.appendChild(el("span", "zp-coord-lat", this.fmtPlain(Math.abs(lat), 6) + "° " + (lat >= 0 ? "N" : "S")));
  nodes.wgs.appendChild(document.createTextNode(", "));
  nodes.wgs.appendChild(el("span", "zp-coord-lon", this.fmtPlain(Math.abs(lng), 6) + "° " + (lng >= 0 ? "E" : "W")));
  var p = toVN2000(lat, lng);
  nodes.vn.textContent = "";
  nodes.vn.appendChild(el("span", "zp-coord-label", t.vn2000 + ": "));
  nodes.vn.appendChild(document.createTextNode("X = "));
  nodes.vn.appendChild(el("span", "zp-coord-x", this.fmtPlain(p.x, 2)));
  nodes.vn.appendChild(document.createTextNode(" m, Y = "));
  nodes.vn.appendChild(el("span", "zp-coord-y", this.fmtPlain(p.y, 2)));
  nodes.vn.appendChild(document.createTextNode(" m"));
};
