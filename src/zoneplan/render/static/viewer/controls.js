/*
 * Map controls of the Viewer: the title block, the full-screen button, search, the
 * measure tool (VN-2000 lengths and areas, by click, tap, or the centre for keyboard and
 * touch, with undo and finish) and the WGS 84 / VN-2000 readout (of the cursor; on a
 * touch screen of the map's centre or the last tap). The print button is in print.js.
 *
 * Uses: el, fold, fullscreenIcon, stopEvents, control (dom.js); toVN2000, measurePlanar
 * (coords.js); unmercLat, unmercLon (coords.js); Dock (dock.js); searchColumns (labels.js).
 */

Viewer.prototype.addTitle = function () {
  var t = this.t;
  var box = el("header", "zp-title");
  box.appendChild(el("h1", "zp-title-name", t.zone_name));
  // on a phone the title keeps one line; this button shows the rest
  var more = el("button", "zp-title-more");
  more.type = "button";
  more.setAttribute("aria-label", t.about);
  more.setAttribute("aria-expanded", "false");
  more.appendChild(el("span", null, "i")).setAttribute("aria-hidden", "true");
  var details = el("div", "zp-title-details");
  details.id = this.map.getContainer().id + "-about";
  more.setAttribute("aria-controls", details.id);
  details.appendChild(el("div", "zp-title-decision", t.decision));
  var facts = this.data.facts_as_of;
  if (facts && typeof facts.text === "string") {
    var line = el("div", "zp-title-facts", facts.text);
    line.setAttribute("data-date", String(facts.date));
    details.appendChild(line);
  }
  details.appendChild(el("div", "zp-title-note", t.indicative));
  this.printDate = el("div", "zp-title-printed zp-print-only");
  details.appendChild(this.printDate);
  more.addEventListener("click", function () {
    var open = !box.classList.contains("zp-title-open");
    box.classList.toggle("zp-title-open", open);
    more.setAttribute("aria-expanded", String(open));
  });
  box.appendChild(more);
  box.appendChild(details);
  stopEvents(box);
  // first in the map: the page's heading comes before everything else
  var container = this.map.getContainer();
  container.insertBefore(box, container.firstChild);
};

Viewer.prototype.addFullscreen = function () {
  var self = this;
  this.dock.addAction({
    id: "fullscreen", title: this.t.fullscreen, icon: fullscreenIcon(), position: "topleft",
    onClick: function () {
      var box = self.map.getContainer();
      if (document.fullscreenElement) document.exitFullscreen();
      else if (box.requestFullscreen) box.requestFullscreen();
    }
  });
  document.addEventListener("fullscreenchange", function () { self.map.invalidateSize(); });
};

Viewer.prototype.addSearch = function () {
  var self = this;
  var input = el("input", "zp-search-input");
  this.dock.add({
    id: "search", title: this.t.search_title, short: this.t.search_short, position: "topleft",
    className: "zp-search", heading: false, focus: function () { return input; },
    build: function (body) { self.searchBody(body, input); }
  });
};

Viewer.prototype.searchBody = function (body, input) {
  var self = this;
  input.type = "search";
  input.placeholder = self.t.search;
  input.setAttribute("aria-label", self.t.search);
  var list = el("ul", "zp-search-results");
  list.id = self.map.getContainer().id + "-search-results";
  input.setAttribute("aria-controls", list.id);
  body.appendChild(input);
  body.appendChild(list);
  var found = [];
  function show() {
    list.textContent = "";
    var q = fold(input.value);
    found = [];
    if (!q) return;
    // the columns named by --search-by first ("tờ 12 thửa 345"), then the names
    self.layers.forEach(function (entry) { self.searchColumns(entry, input.value, found, 12 - found.length); });
    self.layers.forEach(function (entry) {
      if (entry.big) { self.searchBig(entry, q, found, 12 - found.length); return; }
      entry.items.forEach(function (item) {
        if (found.length < 12 && item.key.indexOf(q) !== -1 && found.indexOf(item) === -1) found.push(item);
      });
    });
    var seen = new Set();
    found = found.filter(function (item) {
      if (item.big === undefined) return true;
      var key = item.entry.index + ":" + item.big;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (!found.length) {
      list.appendChild(el("li", "zp-search-none", self.t.search_none));
      self.announce(self.t.search_none);
      return;
    }
    self.announce(self.t.search_found.replace("{n}", self.fmt(found.length, 0)));
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
    if (ev.key === "ArrowDown" && found.length) { ev.preventDefault(); list.querySelector("button").focus(); }
  });
  // up and down arrows move between the results
  list.addEventListener("keydown", function (ev) {
    if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp") return;
    var buttons = Array.prototype.slice.call(list.querySelectorAll("button"));
    var i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    ev.preventDefault();
    var next = ev.key === "ArrowDown" ? i + 1 : i - 1;
    if (next < 0) input.focus(); else if (next < buttons.length) buttons[next].focus();
  });
};

Viewer.prototype.showItem = function (item) {
  if (!item.entry.on) this.setLayerOn(item.entry.index, true);
  var phase = item.feature.zp.phase;
  if (!this.phaseOn[phase]) {
    this.setPhaseOn(phase, true);
    if (this.phaseBoxes) this.phaseBoxes[phase].checked = true;
  }
  // a feature found before it existed on the slider's date: the date moves to its first
  if (item.big === undefined && this.existsOn && !this.existsOn(item)) this.setDate(item.feature.zp.steps[0][0]);
  var opener = document.activeElement;
  // on a phone the panel gives the map back to the feature
  if (this.dock.compact) this.dock.hide(false);
  var l = item.layer;
  if (item.big !== undefined) {
    var bb = item.entry.big.bbox, i = 4 * item.big;
    var box = L.latLngBounds([unmercLat(bb[i + 3]), unmercLon(bb[i])], [unmercLat(bb[i + 1]), unmercLon(bb[i + 2])]);
    this.map.fitBounds(box, { maxZoom: 18, padding: [40, 40] });
  } else if (l.getBounds) this.map.fitBounds(l.getBounds(), { maxZoom: 16, padding: [40, 40] });
  else this.map.setView(l.getLatLng(), Math.max(this.map.getZoom(), 15));
  if (opener && opener !== document.body) opener.focus({ preventScroll: true });
  this.openPopup(item, null, true);
};

Viewer.prototype.addMeasure = function () {
  var self = this;
  var st = this.measureState;
  var t = this.t;
  this.dock.add({
    id: "measure", title: t.measure, short: t.measure_short, position: "topleft",
    className: "zp-measure", heading: false,
    build: function (box) {
      var line = el("button", "zp-measure-line", t.measure_line);
      var area = el("button", "zp-measure-area", t.measure_area);
      var clear = el("button", "zp-measure-clear", t.measure_clear);
      // while measuring: points by the centre (keyboard, touch), undo, finish
      var steps = el("div", "zp-measure-steps");
      var add = el("button", "zp-measure-add", t.measure_add);
      var undo = el("button", "zp-measure-undo", t.measure_undo);
      var finish = el("button", "zp-measure-finish", t.measure_finish);
      steps.hidden = true;
      var out = el("div", "zp-measure-result");
      out.setAttribute("aria-live", "polite");
      [line, area, clear].forEach(function (b) { b.type = "button"; box.appendChild(b); });
      [add, undo, finish].forEach(function (b) { b.type = "button"; steps.appendChild(b); });
      box.appendChild(steps);
      box.appendChild(out);
      self.measureOut = out;
      self.measureSteps = steps;
      line.addEventListener("click", function () { self.startMeasure("line"); });
      area.addEventListener("click", function () { self.startMeasure("area"); });
      clear.addEventListener("click", function () { self.clearMeasure(); });
      add.addEventListener("click", function () { self.addMeasurePoint(self.centrePoint()); });
      undo.addEventListener("click", function () { self.undoMeasure(); });
      finish.addEventListener("click", function () { self.finishMeasure(); });
    }
  });
  this.map.on("click", function (ev) {
    if (!st.mode) return;
    self.addMeasurePoint(ev.latlng);
  });
  this.map.on("dblclick", function () {
    if (!st.mode) return;
    // a double click also fires two clicks at the same spot; drop the repeat
    var n = st.points.length;
    if (n > 1 && st.points[n - 1].equals(st.points[n - 2])) st.points.pop();
    self.drawMeasure();
    self.finishMeasure();
  });
  // Enter on the map (which the arrow keys move) adds its centre
  var container = this.map.getContainer();
  container.addEventListener("keydown", function (ev) {
    if (ev.target !== container || !st.mode || ev.key !== "Enter") return;
    ev.preventDefault();
    self.addMeasurePoint(self.centrePoint());
  });
};

/** Where the crosshair is: the map's middle pixel. */
Viewer.prototype.centrePoint = function () {
  return this.map.containerPointToLatLng(this.map.getSize().divideBy(2));
};

Viewer.prototype.addMeasurePoint = function (latlng) {
  this.measureState.points.push(latlng);
  this.drawMeasure();
};

Viewer.prototype.undoMeasure = function () {
  var st = this.measureState;
  st.points.pop();
  if (st.points.length) { this.drawMeasure(); return; }
  if (st.shape) this.map.removeLayer(st.shape);
  st.shape = null;
  if (this.measureOut) this.measureOut.textContent = st.mode ? this.t.measure_hint : "";
};

Viewer.prototype.startMeasure = function (mode) {
  this.clearMeasure();
  this.measureState.mode = mode;
  this.map.doubleClickZoom.disable();
  this.map.getContainer().classList.add("zp-measuring");
  this.measureSteps.hidden = false;
  this.measureOut.textContent = this.t.measure_hint;
};

Viewer.prototype.finishMeasure = function () {
  var st = this.measureState;
  st.mode = null;
  this.map.getContainer().classList.remove("zp-measuring");
  var steps = this.measureSteps;
  if (steps) {
    // the focus on a step button that hides moves to the first measure button
    if (steps.contains(document.activeElement)) steps.parentNode.querySelector("button").focus();
    steps.hidden = true;
  }
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
    var what = el("div", "zp-coord-what");
    var wgs = el("div", "zp-coord-wgs", t.coords_hint);
    var vn = el("div", "zp-coord-vn");
    box.appendChild(what);
    box.appendChild(wgs);
    box.appendChild(vn);
    self.coordNodes = { what: what, wgs: wgs, vn: vn };
    return box;
  }).addTo(this.map);
  // the centre mark: where a touch reading and a point added by "centre" are
  var cross = el("div", "zp-crosshair");
  cross.setAttribute("aria-hidden", "true");
  this.map.getContainer().appendChild(cross);
  if (!this.touchOnly) {
    this.map.on("mousemove", function (ev) { self.showCoordinates(ev.latlng); });
    return;
  }
  // no mouse: the readout follows the map's centre, or the last tap until the map moves
  this.map.getContainer().classList.add("zp-touch");
  var tapped = null;
  function centre() {
    if (tapped) return;
    self.coordNodes.what.textContent = t.coords_centre;
    self.showCoordinates(self.centrePoint());
  }
  function release() {
    if (!tapped) return;
    self.map.removeLayer(tapped);
    tapped = null;
    self.map.getContainer().classList.remove("zp-tapped");
    centre();
  }
  this.map.on("move", centre);
  this.map.on("dragstart zoomstart", release);
  this.map.on("click", function (ev) {
    if (tapped) tapped.setLatLng(ev.latlng);
    else {
      tapped = L.circleMarker(ev.latlng, { pane: "zp-pane-measure", radius: 7, color: "#000000",
        weight: 2, fillColor: "#FFFFFF", fillOpacity: 0.6, interactive: false }).addTo(self.map);
    }
    self.map.getContainer().classList.add("zp-tapped");
    self.coordNodes.what.textContent = t.coords_tap;
    self.showCoordinates(ev.latlng);
  });
  this.map.whenReady(centre);
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
