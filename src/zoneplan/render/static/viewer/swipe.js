/*
 * The swipe: the layers on two dates over one basemap, left and right of a vertical
 * divider the user drags (mouse, finger, or the arrow keys once it has the focus). The
 * left side is the date slider's date; the right side is drawn by twins of the layers
 * (their own panes, their own copies of the features, so each side has its own status
 * and visibility) on a second date. Each side's panes are clipped at the divider, as the
 * leaflet-side-by-side plugin does for tile layers; the basemap is not clipped. The
 * right date goes into the address too (#date=…&right=…), so a link opens the swipe.
 *
 * Uses: el, stopEvents (dom.js); BigLayer (biglayer-raster.js); labelLayer (facts.js);
 * hashParams, writeHash, dateRange (time.js).
 * Provides: Viewer.prototype.addSwipeControls, setupVersionSwipe, setSwipe, setSwipeAt,
 * showSwipe, setTwinOn.
 */

/**
 * Two versions of a layer (zoneplan diff --map): the layers the payload puts on one side
 * (spec.side) are clipped at a divider that is there from the start.
 */
Viewer.prototype.setupVersionSwipe = function () {
  var spec = this.data.swipe, self = this;
  if (!spec) return;
  var sides = { left: [], right: [] };
  this.layers.forEach(function (entry) {
    if (entry.spec.side === "left" || entry.spec.side === "right") sides[entry.spec.side].push(self.panes[entry.index]);
  });
  this.swipe = { on: true, versions: true, at: 0.5, leftPanes: sides.left, rightPanes: sides.right, divider: null };
  this.makeDivider();
  var left = String(spec.labels[0]), right = String(spec.labels[1]);
  this.swipe.labels[0].textContent = left;
  this.swipe.labels[1].textContent = right;
  this.swipe.divider.setAttribute("aria-label", this.t.swipe_divider.replace("{left}", left).replace("{right}", right));
  this.clipSwipe();
};

/** How far one arrow key moves the divider, as a share of the map's width. */
var SWIPE_STEP = 0.02;

Viewer.prototype.addSwipeControls = function (body) {
  var self = this, t = this.t, tl = this.timeline;
  var base = this.map.getContainer().id + "-swipe";
  var toggle = el("label", "zp-swipe-toggle");
  var box = el("input", "zp-swipe-on");
  box.type = "checkbox";
  toggle.appendChild(box);
  toggle.appendChild(document.createTextNode(" " + t.swipe_toggle));
  var slider = this.dateRange(base, t.swipe_right, { right: true });
  var out = slider.out, range = slider.range;
  range.classList.add("zp-swipe-range");
  var part = el("div", "zp-swipe-part");
  part.appendChild(slider.row);
  part.appendChild(range);
  part.hidden = true;
  box.addEventListener("change", function () { self.setSwipe(box.checked); });
  body.appendChild(toggle);
  body.appendChild(part);
  this.swipe = { on: false, at: 0.5, box: box, range: range, out: out, part: part, divider: null };
  var right = this.validDay(hashParams().get("right"));
  if (right) { tl.right = right; this.setSwipe(true); }
};

/** Make the right side's twins of the layers, once. */
Viewer.prototype.makeTwins = function () {
  if (this.twins) return;
  var self = this, run = null;
  var anyBig = this.layers.some(function (e) { return e.big; });
  this.rightPanes = [];
  this.twins = this.layers.map(function (entry) {
    var paneName = "zp-pane-r" + entry.index;
    var pane = self.map.createPane(paneName);
    pane.style.zIndex = self.panes[entry.index].style.zIndex;
    pane.style.opacity = self.panes[entry.index].style.opacity;
    self.rightPanes.push(pane);
    var twin = { index: entry.index, spec: entry.spec, items: [], group: null, on: false, big: null,
      side: "right", pane: paneName };
    if (entry.big) {
      run = null;
      twin.big = entry.big;
      twin.since = entry.since;
      twin.day = entry.day;
      twin.group = new BigLayer(self, twin, { pane: paneName });
      return twin;
    }
    if (anyBig) {
      if (!run) run = { renderer: L.canvas({ pane: paneName }), entries: [] };
      run.entries.push(twin);
      twin.run = run;
    }
    // a copy of the features: each side keeps its own status and visibility
    var data = JSON.parse(JSON.stringify(entry.spec.data));
    twin.group = L.geoJSON(data, {
      pane: paneName,
      style: function (feature) { return self.featureStyle(twin, feature); },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 6, pane: paneName, renderer: twin.run ? twin.run.renderer : undefined });
      },
      onEachFeature: function (feature, layer) { self.bindFeature(twin, feature, layer); }
    });
    if (entry.labels) twin.labels = self.labelLayer(twin, paneName);
    return twin;
  });
};

/** Show or hide a layer's twin with the layer (the layer panel's check boxes). */
Viewer.prototype.setTwinOn = function (index, on) {
  var twin = this.twins && this.twins[index];
  if (!twin) return;
  twin.on = on && this.swipe.on;
  var map = this.map;
  [twin.group, twin.labels].forEach(function (layer) {
    if (!layer) return;
    if (twin.on) layer.addTo(map); else map.removeLayer(layer);
  });
};

/** Turn the swipe on or off. */
Viewer.prototype.setSwipe = function (on) {
  var sw = this.swipe, tl = this.timeline, self = this;
  sw.on = on;
  sw.box.checked = on;
  sw.part.hidden = !on;
  if (on) {
    this.makeTwins();
    sw.leftPanes = this.panes;
    sw.rightPanes = this.rightPanes;
    if (!tl.right) tl.right = tl.spec.end;
    if (!sw.divider) this.makeDivider();
    sw.divider.hidden = false;
  } else if (sw.divider) {
    sw.divider.hidden = true;
  }
  this.layers.forEach(function (entry) { self.setTwinOn(entry.index, entry.on); });
  if (!on) this.panes.concat(this.rightPanes || []).forEach(function (p) { p.style.clip = ""; });
  writeHash(new Map([["right", on ? tl.right : null]]));
  this.applyTime();
  this.showDate();
  this.clipSwipe();
};

Viewer.prototype.makeDivider = function () {
  var self = this, sw = this.swipe, map = this.map;
  var bar = el("div", "zp-swipe");
  bar.setAttribute("role", "separator");
  bar.setAttribute("aria-orientation", "vertical");
  bar.setAttribute("aria-valuemin", "0");
  bar.setAttribute("aria-valuemax", "100");
  bar.tabIndex = 0;
  var left = el("span", "zp-swipe-label zp-swipe-left");
  var right = el("span", "zp-swipe-label zp-swipe-right");
  var grip = el("span", "zp-swipe-grip");
  grip.setAttribute("aria-hidden", "true");
  bar.appendChild(left);
  bar.appendChild(grip);
  bar.appendChild(right);
  stopEvents(bar);
  map.getContainer().appendChild(bar);
  sw.divider = bar;
  sw.labels = [left, right];
  var dragging = false;
  function follow(ev) {
    var r = map.getContainer().getBoundingClientRect();
    self.setSwipeAt((ev.clientX - r.left) / r.width);
  }
  bar.addEventListener("pointerdown", function (ev) {
    dragging = true;
    bar.setPointerCapture(ev.pointerId);
    ev.preventDefault();
  });
  bar.addEventListener("pointermove", function (ev) { if (dragging) follow(ev); });
  bar.addEventListener("pointerup", function (ev) { dragging = false; follow(ev); });
  bar.addEventListener("pointercancel", function () { dragging = false; });
  bar.addEventListener("keydown", function (ev) {
    var at = { ArrowLeft: sw.at - SWIPE_STEP, ArrowRight: sw.at + SWIPE_STEP, Home: 0, End: 1 }[ev.key];
    if (at === undefined) return;
    ev.preventDefault();
    self.setSwipeAt(at);
  });
  map.on("move zoomend resize viewreset", function () { self.clipSwipe(); });
};

/** Put the divider at a share of the map's width (0: left edge, 1: right edge). */
Viewer.prototype.setSwipeAt = function (at) {
  this.swipe.at = Math.min(1, Math.max(0, at));
  this.clipSwipe();
};

/** Clip each side's panes at the divider (in the panes' own layer coordinates). */
Viewer.prototype.clipSwipe = function () {
  var sw = this.swipe;
  if (!sw || !sw.on || !sw.divider) return;
  var map = this.map, size = map.getSize();
  var nw = map.containerPointToLayerPoint([0, 0]), se = map.containerPointToLayerPoint(size);
  var x = nw.x + size.x * sw.at;
  function rect(top, r, bottom, l) { return "rect(" + [top, r, bottom, l].join("px, ") + "px)"; }
  var left = rect(nw.y, x, se.y, nw.x), right = rect(nw.y, se.x, se.y, x);
  sw.leftPanes.forEach(function (p) { p.style.clip = left; });
  sw.rightPanes.forEach(function (p) { p.style.clip = right; });
  sw.divider.style.left = Math.round(size.x * sw.at) + "px";
  sw.divider.setAttribute("aria-valuenow", String(Math.round(100 * sw.at)));
};

/** Show the swipe's dates: the right range, the divider's labels and name. */
Viewer.prototype.showSwipe = function () {
  var sw = this.swipe, tl = this.timeline;
  if (!sw || !sw.on || sw.versions) return;
  var l = this.fmtDay(tl.date), r = this.fmtDay(tl.right);
  sw.range.value = String(this.stopIndex(tl.right));
  sw.range.setAttribute("aria-valuetext", r);
  sw.out.textContent = r;
  sw.labels[0].textContent = l;
  sw.labels[1].textContent = r;
  sw.divider.setAttribute("aria-label", this.t.swipe_divider.replace("{left}", l).replace("{right}", r));
};
