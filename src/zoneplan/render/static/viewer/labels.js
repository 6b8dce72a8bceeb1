/*
 * Labels and attribute search of the layers the user styled: --label-by draws a column's
 * values (several columns: a line each) where they fit inside their feature, never
 * overlapping one another; --search-by
 * finds a feature by a sequence of columns ("tờ 12 thửa 345", "12/345"). Both work on the
 * GeoJSON path and on big layers.
 *
 * Uses: el, fold (dom.js); queryBig, hitBig, bigValue (biglayer-decode.js); mercX, mercY,
 * unmercLat, unmercLon (coords.js); bigOn (time.js).
 */

// labels drawn in one view at most, and the smallest gap between two of them (CSS pixels)
var LABEL_MAX = 600, LABEL_GAP = 2, LABEL_FONT = "600 11px sans-serif", LABEL_HEIGHT = 13;

Viewer.prototype.addLabels = function () {
  var self = this;
  this.labelEntries = this.layers.filter(function (e) { return e.spec.label_by && e.spec.label_by.length; });
  if (!this.labelEntries.length) return;
  var pane = this.map.createPane("zp-pane-labels");
  pane.style.zIndex = "630";
  pane.style.pointerEvents = "none";
  pane.classList.add("leaflet-zoom-hide"); // hidden while a zoom animates, drawn again after
  this.labelPane = pane;
  this.labelCtx = document.createElement("canvas").getContext("2d");
  this.labelCtx.font = LABEL_FONT;
  this.labelWidths = new Map();
  var due = 0;
  this.scheduleLabels = function () {
    if (due) return;
    due = requestAnimationFrame(function () { due = 0; self.drawLabels(); });
  };
  this.map.on("moveend", this.scheduleLabels);
  this.scheduleLabels();
};

Viewer.prototype.labelWidth = function (text) {
  var w = this.labelWidths.get(text);
  if (w === undefined) {
    w = Math.ceil(this.labelCtx.measureText(text).width);
    if (this.labelWidths.size < 50000) this.labelWidths.set(text, w);
  }
  return w;
};

function labelText(value) {
  if (value === null || value === undefined || value === "") return "";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(+value.toFixed(3));
  return String(value);
}

/** The lines of a label: each column's value, empty ones left out. */
function labelLines(values) {
  return values.map(labelText).filter(function (t) { return t !== ""; });
}

/**
 * Place the labels of the view: for each labelled layer, topmost first, each feature whose
 * box on screen is wider and taller than its text gets the text at its label point, unless
 * it would touch a label already placed.
 */
Viewer.prototype.drawLabels = function () {
  var pane = this.labelPane;
  if (!pane) return;
  pane.textContent = "";
  var map = this.map, self = this;
  var zoom = map.getZoom(), s = map.options.crs.scale(zoom);
  var origin = map.getPixelOrigin();
  var size = map.getSize(), topLeft = map.containerPointToLayerPoint([0, 0]);
  var view = { x0: topLeft.x, y0: topLeft.y, x1: topLeft.x + size.x, y1: topLeft.y + size.y };
  var placed = [];
  var cell = 64, grid = new Map();
  function free(b) {
    for (var gx = Math.floor(b[0] / cell); gx <= Math.floor(b[2] / cell); gx++) {
      for (var gy = Math.floor(b[1] / cell); gy <= Math.floor(b[3] / cell); gy++) {
        var list = grid.get(gx + ":" + gy);
        if (!list) continue;
        for (var k = 0; k < list.length; k++) {
          var o = list[k];
          if (b[0] < o[2] + LABEL_GAP && b[2] + LABEL_GAP > o[0] && b[1] < o[3] + LABEL_GAP && b[3] + LABEL_GAP > o[1]) return false;
        }
      }
    }
    return true;
  }
  function take(b) {
    for (var gx = Math.floor(b[0] / cell); gx <= Math.floor(b[2] / cell); gx++) {
      for (var gy = Math.floor(b[1] / cell); gy <= Math.floor(b[3] / cell); gy++) {
        var key = gx + ":" + gy;
        if (!grid.has(key)) grid.set(key, []);
        grid.get(key).push(b);
      }
    }
    placed.push(b);
  }
  /** Try one label: its lines at layer point (x, y) inside a feature box of w x h pixels. */
  function tryLabel(lines, x, y, w, h) {
    if (!lines.length || placed.length >= LABEL_MAX) return;
    var tw = 0;
    lines.forEach(function (line) { tw = Math.max(tw, self.labelWidth(line)); });
    var th = LABEL_HEIGHT * lines.length;
    if (tw + 4 > w || th + 2 > h) return; // does not fit its feature
    var b = [x - tw / 2, y - th / 2, x + tw / 2, y + th / 2];
    if (b[0] < view.x0 || b[1] < view.y0 || b[2] > view.x1 || b[3] > view.y1 || !free(b)) return;
    take(b);
    var node = el("div", "zp-value-label");
    lines.forEach(function (line) { node.appendChild(el("div", null, line)); });
    L.DomUtil.setPosition(node, L.point(Math.round(b[0]), Math.round(b[1])));
    pane.appendChild(node);
  }
  for (var k = this.labelEntries.length - 1; k >= 0; k--) {
    var entry = this.labelEntries[k];
    if (!entry.on) continue;
    if (entry.big) this.labelBig(entry, s, origin, view, tryLabel);
    else this.labelVector(entry, view, tryLabel);
  }
  pane.setAttribute("data-labels", String(placed.length));
};

Viewer.prototype.labelVector = function (entry, view, tryLabel) {
  var map = this.map, columns = entry.spec.label_by;
  entry.items.forEach(function (item) {
    if (!item.shown) return;
    var lp = item.feature.zp.lp;
    if (!lp || lp[0] === null) return;
    var p = map.latLngToLayerPoint([lp[1], lp[0]]);
    if (p.x < view.x0 || p.y < view.y0 || p.x > view.x1 || p.y > view.y1) return;
    var w = 1e9, h = 1e9;
    if (item.layer.getBounds) {
      var b = item.layer.getBounds();
      var a = map.latLngToLayerPoint(b.getNorthWest()), c = map.latLngToLayerPoint(b.getSouthEast());
      w = c.x - a.x; h = c.y - a.y;
    }
    var props = item.feature.properties;
    tryLabel(labelLines(columns.map(function (c) { return own(props, c); })), p.x, p.y, w, h);
  });
};

Viewer.prototype.labelBig = function (entry, s, origin, view, tryLabel) {
  var big = entry.big, self = this;
  if (!big.n || !big.grid) return;
  if (big.meanSize === undefined) { // the typical feature size, in world units
    var sum = 0, n = 0, step = Math.max(1, Math.floor(big.n / 2000));
    for (var f = 0; f < big.n; f += step) {
      var w0 = big.bbox[4 * f + 2] - big.bbox[4 * f];
      if (w0 >= 0) { sum += w0; n++; }
    }
    big.meanSize = n ? sum / n : 0;
    big.labelColumns = entry.spec.label_by.map(function (name) {
      return big.columns.filter(function (c) { return c.name === name; })[0];
    }).filter(Boolean);
  }
  // too small on screen for any label: do not even look at the features in view
  if (big.meanSize * s < 12 || !big.labelColumns.length) return;
  var x0 = (view.x0 + origin.x) / s, y0 = (view.y0 + origin.y) / s;
  var x1 = (view.x1 + origin.x) / s, y1 = (view.y1 + origin.y) / s;
  var phaseOn = this.phaseOn, bb = big.bbox, columns = big.labelColumns, hits = [];
  queryBig(big, x0, y0, x1, y1, function (f) { if (phaseOn[big.phase[f]] && self.bigOn(entry, f)) hits.push(f); });
  if (hits.length > 20 * LABEL_MAX) return;
  hits.forEach(function (f) {
    var i = 4 * f;
    var w = (bb[i + 2] - bb[i]) * s, h = (bb[i + 3] - bb[i + 1]) * s;
    if (w < 12 || h < LABEL_HEIGHT + 2) return;
    // the middle of the box when it is inside the feature (most parcels), else no label
    var mx = (bb[i] + bb[i + 2]) / 2, my = (bb[i + 1] + bb[i + 3]) / 2;
    if (big.kind[f] === RING_POLYGON && !hitBig(big, f, mx, my, 0)) return;
    var lines = labelLines(columns.map(function (c) { return bigValue(c, f); }));
    tryLabel(lines, mx * s - origin.x, my * s - origin.y, w, h);
  });
};

/* ---------------- search by columns ---------------- */

// words of a query that name the columns rather than give values ("tờ 12 thửa 345")
var SEARCH_WORDS = new Set(["to", "thua", "so", "ban", "do", "sheet", "parcel", "lot", "no", "map", "number"]);

/** The values a query gives, folded: "Tờ 12, thửa 345" and "12/345" give ["12", "345"]. */
function queryValues(q) {
  return fold(q).split(/[^\p{L}\p{N}.]+/u).filter(function (w) { return w && !SEARCH_WORDS.has(w); });
}

function sameValue(value, token) {
  if (value === null || value === undefined) return false;
  if (typeof value === "number") return Number(token) === value;
  var text = fold(String(value));
  return text === token || (/^\d+$/.test(text) && /^\d+$/.test(token) && Number(text) === Number(token));
}

/**
 * Find the features of the --search-by columns; push up to `room` items. First those whose
 * columns equal the values of the query, in order (a query of fewer values matches the
 * last columns: "345" finds parcel 345 of every sheet), then, for a query with letters,
 * those with the query's text in one of the columns, diacritics or not ("tran duc thang"
 * finds "Trần Đức Thắng").
 */
Viewer.prototype.searchColumns = function (entry, q, found, room) {
  var columns = entry.spec.search_by;
  if (!columns || !columns.length || room <= 0) return;
  var before = found.length;
  this.searchSequence(entry, columns, queryValues(q), found, room);
  room -= found.length - before;
  var text = fold(q);
  if (room > 0 && /\p{L}/u.test(text)) this.searchText(entry, columns, text, found, room);
};

/** The features whose text columns hold `text` (folded); push up to `room` new items. */
Viewer.prototype.searchText = function (entry, columns, text, found, room) {
  function holds(value) { return typeof value === "string" && fold(value).indexOf(text) !== -1; }
  if (!entry.big) {
    entry.items.forEach(function (item) {
      if (room <= 0 || found.indexOf(item) !== -1) return;
      var props = item.feature.properties || {};
      if (columns.some(function (c) { return holds(own(props, c)); })) { found.push(item); room--; }
    });
    return;
  }
  var big = entry.big;
  var flags = big.columns.filter(function (c) { return columns.indexOf(c.name) !== -1 && c.values; })
    .map(function (col) {
      var ok = new Uint8Array(col.values.length), any = false;
      col.values.forEach(function (v, i) { if (holds(v)) { ok[i] = 1; any = true; } });
      return any ? { col: col, ok: ok } : null;
    }).filter(Boolean);
  for (var f = 0; f < big.n && room > 0 && flags.length; f++) {
    if (flags.some(function (t) { return t.ok[t.col.codes[f]] === 1; })) {
      found.push(this.bigItem(entry, f));
      room--;
    }
  }
};

/** The features whose columns equal the query's values in order; push up to `room`. */
Viewer.prototype.searchSequence = function (entry, columns, tokens, found, room) {
  if (!tokens.length || tokens.length > columns.length || room <= 0) return;
  var cols = columns.slice(columns.length - tokens.length);
  if (!entry.big) {
    entry.items.forEach(function (item) {
      if (room <= 0) return;
      var props = item.feature.properties || {};
      for (var j = 0; j < cols.length; j++) if (!sameValue(own(props, cols[j]), tokens[j])) return;
      found.push(item);
      room--;
    });
    return;
  }
  var big = entry.big;
  var tests = cols.map(function (name, j) {
    var col = big.columns.filter(function (c) { return c.name === name; })[0];
    if (!col) return null;
    if (col.num) {
      var want = Number(tokens[j]);
      return function (f) { return col.num[f] === want; };
    }
    var ok = new Uint8Array(col.values.length);
    col.values.forEach(function (v, i) { if (sameValue(v, tokens[j])) ok[i] = 1; });
    return function (f) { return ok[col.codes[f]] === 1; };
  });
  if (tests.some(function (t) { return !t; })) return;
  for (var f = 0; f < big.n && room > 0; f++) {
    var all = true;
    for (var j = 0; j < tests.length && all; j++) all = tests[j](f);
    if (all) { found.push(this.bigItem(entry, f)); room--; }
  }
};
