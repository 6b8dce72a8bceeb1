/*
 * The Viewer's big-layer methods: tiles, paths, hover, popup and search on typed arrays.
 *
 * Uses: biglayer-decode.js, biglayer-raster.js; withAlpha, fold (dom.js); mercX, mercY (coords.js).
 */

/** A #rrggbb match and alpha as a little-endian RGBA Uint32. */
function rgba(m, alpha) {
  return ((alpha << 24) | (parseInt(m[3], 16) << 16) | (parseInt(m[2], 16) << 8) | parseInt(m[1], 16)) >>> 0;
}

/** One category's colours and widths. */
Viewer.prototype.bigStyle = function (entry, cat) {
  var cache = entry.styles || (entry.styles = []);
  var st = cache[cat];
  if (st) return st;
  var s = this.featureStyle(entry, { zp: { cat: cat, phase: 0 } });
  var m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(s.fillColor) || [0, "a0", "a0", "a0"];
  var alpha = Math.round(255 * Math.min(1, s.fillOpacity + 0.25));
  st = {
    fill: withAlpha(s.fillColor, s.fillOpacity), color: s.color, weight: s.weight,
    dash: s.dashArray ? String(s.dashArray).split(/[\s,]+/).map(Number).filter(isFinite) : [],
    // a sub-pixel feature as one pixel
    pixel: rgba(m, alpha),
    pixelFill: rgba(m, Math.round(255 * Math.min(1, s.fillOpacity))),
    pixelEdge: rgba(/^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(s.color) || [0, "55", "55", "55"], 255)
  };
  cache[cat] = st;
  return st;
};

/** A pixel colour per category, as a Uint32Array. */
Viewer.prototype.bigPixels = function (entry, key) {
  var cache = entry.pixelCache || (entry.pixelCache = {});
  if (!cache[key]) {
    var out = new Uint32Array(this.categories.length);
    for (var c = 0; c < out.length; c++) out[c] = this.bigStyle(entry, c)[key];
    cache[key] = out;
  }
  return cache[key];
};

/** What the rasteriser needs of an entry's styles and filters now (cached per category). */
Viewer.prototype.bigLook = function (entry) {
  return {
    phaseOn: this.phaseOn, since: entry.since || null, today: entry.day,
    dots: this.bigPixels(entry, "pixel"), fills: this.bigPixels(entry, "pixelFill"),
    edges: this.bigPixels(entry, "pixelEdge")
  };
};

/** Tile (tx, ty, z) of a big layer, on this thread (see rasterTile). */
Viewer.prototype.rasterBigTile = function (entry, tx, ty, z, r) {
  return rasterTile(entry.big, tx, ty, z, r || 1, this.bigLook(entry));
};

/** Features as canvas paths by category; canvas corner at pixel (ox, oy), scale s. */
Viewer.prototype.drawBigPaths = function (entry, ctx, ids, s, ox, oy) {
  var big = entry.big, self = this, bb = big.bbox, cats = big.cat;
  var buckets = new Map();
  ids.forEach(function (f) {
    var list = buckets.get(cats[f]);
    if (!list) { list = []; buckets.set(cats[f], list); }
    list.push(f);
  });
  var ix = big.ix, iy = big.iy, merc = big.merc;
  // vertex v in canvas pixels
  function px(v) { return quantaX(merc, ix[v]) * s - ox; }
  function py(v) { return quantaY(merc, iy[v]) * s - oy; }
  buckets.forEach(function (ids, cat) {
    var st = self.bigStyle(entry, cat);
    var fills = new Path2D(), strokes = new Path2D(), points = new Path2D();
    var anyFill = false, anyStroke = false, anyPoint = false;
    ids.forEach(function (f) {
      var i = 4 * f;
      var edged = Math.max((bb[i + 2] - bb[i]) * s, (bb[i + 3] - bb[i + 1]) * s) >= 8;
      for (var r = big.featRing[f]; r < big.featRing[f + 1]; r++) {
        var a = big.ringStart[r], b = big.ringStart[r + 1], kind = big.ringKind[r];
        if (b <= a) continue;
        if (kind === RING_POINT) {
          var x = px(a), y = py(a);
          points.moveTo(x + 5, y);
          points.arc(x, y, 5, 0, 2 * Math.PI);
          anyPoint = true;
          continue;
        }
        var path = kind === RING_POLYGON ? fills : strokes;
        path.moveTo(px(a), py(a));
        for (var v = a + 1; v < b; v++) path.lineTo(px(v), py(v));
        if (kind === RING_POLYGON) {
          // strokes close by lineTo (Path2D.closePath is slow)
          anyFill = true;
          if (edged) {
            strokes.moveTo(px(a), py(a));
            for (v = a + 1; v < b; v++) strokes.lineTo(px(v), py(v));
            strokes.lineTo(px(a), py(a));
            anyStroke = true;
          }
        } else {
          anyStroke = true;
        }
      }
    });
    ctx.setLineDash(st.dash);
    if (anyFill) { ctx.fillStyle = st.fill; ctx.fill(fills, "evenodd"); }
    if (anyStroke) {
      ctx.strokeStyle = st.color;
      ctx.lineWidth = st.weight;
      ctx.stroke(strokes);
    }
    if (anyPoint) {
      ctx.setLineDash([]);
      ctx.fillStyle = st.fill;
      ctx.fill(points);
      ctx.strokeStyle = st.color;
      ctx.lineWidth = 1.5;
      ctx.stroke(points);
    }
  });
};

/**
 * Draw the big layers on the map, now that their geometry is decoded, or being decoded by
 * their workers, which draw the tiles as soon as they have it (start.js).
 */
Viewer.prototype.drawBigLayers = function () {
  this.bigDrawn = true;
  this.layers.concat(this.twins || []).forEach(function (entry) {
    if (entry.big && entry.group && entry.group._map) entry.group._update();
  });
  if (this.scheduleLabels) this.scheduleLabels();
};

/**
 * Rasterise a few tiles further in and drop them: the rasteriser compiled before a zoom. The
 * page's grid words (gridLooks) are made first, outside the tiles' time budget.
 */
Viewer.prototype.warmBigRaster = function () {
  var self = this, z0 = Math.round(this.map.getZoom());
  this.layers.forEach(function (entry) { if (entry.big && entry.big.n && entry.big.grid) gridLooks(entry.big); });
  var t0 = performance.now();
  this.layers.forEach(function (entry) {
    var big = entry.big;
    if (!big || !big.n) return;
    var warm = [];
    for (var k = 0; k < 8 && performance.now() - t0 < 30; k++) {
      var f = Math.floor(k * big.n / 8), z = z0 + 2 + (k % 2);
      var s = self.map.options.crs.scale(z);
      var tx = Math.floor(big.bbox[4 * f] * s / TILE), ty = Math.floor(big.bbox[4 * f + 1] * s / TILE);
      self.rasterBigTile(entry, tx, ty, z);
      warm.push([tx, ty, z]);
    }
    // the worker's rasteriser too (the same tiles, dropped)
    if (big.worker && !big.worker.dead) {
      var look = self.bigLook(entry);
      warm.forEach(function (t) { big.worker.tiles(t[2], 1, [[t[0], t[1], "warm"]], look).catch(function () {}); });
    }
  });
};

/** Feature f's popup/tooltip record, built on demand. */
Viewer.prototype.bigItem = function (entry, f) {
  var big = entry.big;
  var zp = {
    cat: big.cat[f], phase: big.phase[f],
    names: big.names.map(function (nm) { return bigName(nm, f); }),
    area_ha: finite(big.area[f]), length_km: finite(big.length[f]),
    declared_ha: big.declared ? finite(big.declared[f]) : null
  };
  var props = Object.fromEntries(big.columns.map(function (col) { return [col.name, bigValue(col, f)]; }));
  return { feature: { zp: zp, properties: props }, entry: entry, big: f, shown: true };
};

/** Feature f as Leaflet lat/lng rings with their kinds. */
Viewer.prototype.bigLatLngs = function (entry, f) {
  var big = entry.big, out = [];
  for (var r = big.featRing[f]; r < big.featRing[f + 1]; r++) {
    var ring = [];
    for (var v = big.ringStart[r]; v < big.ringStart[r + 1]; v++) {
      ring.push(L.latLng(big.iy[v] * big.merc.quantum, big.ix[v] * big.merc.quantum)); // the quanta
    }
    out.push({ kind: big.ringKind[r], latlngs: ring });
  }
  return out;
};

/**
 * The topmost big-layer feature under a point, or null; right of the swipe's divider, the
 * feature of the right side's twin (the layer on the right date).
 */
Viewer.prototype.bigHit = function (latlng) {
  var x = mercX(L.Util.wrapNum(latlng.lng, [-180, 180], true)), y = mercY(latlng.lat);
  var tol = 5 / (256 * Math.pow(2, this.map.getZoom())), self = this;
  var entries = this.layers, sw = this.swipe;
  if (sw && sw.on && this.twins && this.map.latLngToContainerPoint(latlng).x > this.map.getSize().x * sw.at) {
    entries = this.twins;
  }
  for (var k = entries.length - 1; k >= 0; k--) {
    var entry = entries[k];
    if (!entry.big || !entry.on) continue;
    var big = entry.big, phaseOn = this.phaseOn, best = -1;
    queryBig(big, x - tol, y - tol, x + tol, y + tol, function (f) {
      if (f > best && phaseOn[big.phase[f]] && self.bigOn(entry, f) && hitBig(big, f, x, y, tol)) best = f;
    });
    if (best >= 0) return { entry: entry, f: best };
  }
  return null;
};

Viewer.prototype.setupBigEvents = function () {
  if (!this.layers.some(function (e) { return e.big; })) return;
  var self = this;
  var pane = this.map.createPane("zp-pane-highlight");
  pane.style.zIndex = "635";
  pane.style.pointerEvents = "none";
  this.bigHover = null;
  this.bigTip = L.tooltip({ direction: "top", className: "zp-tooltip", opacity: 1, offset: [0, -8] });
  this.map.on("mousemove", function (ev) { self.hoverBig(ev.latlng); });
  this.map.on("mouseout", function () { self.hoverBig(null); });
  this.map.on("click", function (ev) {
    if (self.measureState.mode) return;
    var hit = self.bigHit(ev.latlng);
    if (hit) self.openPopup(self.bigItem(hit.entry, hit.f), ev.latlng);
  });
};

Viewer.prototype.hoverBig = function (latlng) {
  var hit = latlng ? this.bigHit(latlng) : null;
  var same = hit && this.bigHover && hit.entry === this.bigHover.entry && hit.f === this.bigHover.f;
  if (!same) {
    if (this.bigShape) { this.map.removeLayer(this.bigShape); this.bigShape = null; }
    this.bigHover = hit;
    if (!hit) { this.map.closeTooltip(this.bigTip); return; }
    var item = this.bigItem(hit.entry, hit.f);
    var st = this.featureStyle(hit.entry, item.feature);
    var opts = { pane: "zp-pane-highlight", interactive: false, color: st.color, fillColor: st.fillColor,
      weight: st.weight + 2.5, fillOpacity: Math.min(0.85, st.fillOpacity + 0.25) };
    var rings = this.bigLatLngs(hit.entry, hit.f);
    var shapes = rings.map(function (ring) {
      if (ring.kind === RING_POINT) return L.circleMarker(ring.latlngs[0], L.extend({ radius: 7 }, opts));
      return ring.kind === RING_LINE ? L.polyline(ring.latlngs, opts) : null;
    }).filter(Boolean);
    var polys = rings.filter(function (ring) { return ring.kind === RING_POLYGON; })
      .map(function (ring) { return ring.latlngs; });
    if (polys.length) shapes.push(L.polygon(polys, L.extend({ fillRule: "evenodd" }, opts)));
    this.bigShape = L.featureGroup(shapes).addTo(this.map);
    this.bigTip.setContent(this.tooltipContent(item));
    if (this.vectorTip) { this.vectorTip.closeTooltip(); this.vectorTip = null; }
    if (!this.touchOnly) this.announce(this.bigTip.getContent().textContent);
  }
  // touch: the tap's popup says it all
  if (hit && !this.touchOnly) {
    this.bigTip.setLatLng(latlng);
    if (!this.map.hasLayer(this.bigTip)) this.map.openTooltip(this.bigTip);
  }
};

/** The features of a numbered name column that match the folded query. */
function numberedNameTest(col, q) {
  var folded = fold(col.prefix + "0" + col.suffix), at = folded.indexOf("0");
  var pre = folded.slice(0, at), post = folded.slice(at + 1);
  if (!/[0-9]/.test(q)) {  // no digit: in the prefix or suffix
    return pre.indexOf(q) !== -1 || post.indexOf(q) !== -1 ? function () { return true; } : null;
  }
  return function (f) {
    return (pre + String(col.number[f]).padStart(col.width, "0") + post).indexOf(q) !== -1;
  };
}

/** Search the names of a big layer; push up to `room` items. */
Viewer.prototype.searchBig = function (entry, q, found, room) {
  var big = entry.big;
  if (!big.folded) {  // each distinct name folded once
    big.folded = big.names.map(function (nm) {
      return nm.values ? nm.values.map(function (v) { return fold(v); }) : null;
    });
  }
  // per name: matching dictionary entries, or a test of the text
  var tests = big.names.map(function (nm, k) {
    if (!nm.values) return numberedNameTest(nm.column, q);
    var flags = new Uint8Array(nm.values.length), any = false;
    big.folded[k].forEach(function (text, i) { if (text.indexOf(q) !== -1) { flags[i] = 1; any = true; } });
    return any ? function (f) { return flags[nm.codes[f]] === 1; } : null;
  });
  if (!tests[0] && !tests[1]) return;
  for (var f = 0; f < big.n && room > 0; f++) {
    if (((tests[0] && tests[0](f)) || (tests[1] && tests[1](f))) && this.bigOn(entry, f)) {
      found.push(this.bigItem(entry, f));
      room--;
    }
  }
};
