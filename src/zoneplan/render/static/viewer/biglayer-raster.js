/*
 * Big layers, the drawing: the rasteriser, and BigLayer's canvas of cached 256 px tiles.
 *
 * Uses: RING_POLYGON, quantaX, quantaY (biglayer-decode.js); L.Renderer.
 * Provides: RASTER_PX, rasterLine, rasterPolygon, gridLooks, rasterTile, SHARED_TILES,
 * SHARE_SLICE_MS, AHEAD_AFTER, TILE, TILE_CACHE, BigLayer.
 */

// polygons below this (px) are rasterised, larger ones canvas paths
var RASTER_PX = 48;

var scratchX = new Float64Array(1024), scratchY = new Float64Array(1024), crossings = new Float64Array(256);
var scratchStarts = new Int32Array(64);

/** A line clipped to the tile, 1 px wide or a `thick` square pen. */
function rasterLine(pixels, W, H, x0, y0, x1, y1, color, thick) {
  x0 = Math.floor(x0); y0 = Math.floor(y0); x1 = Math.floor(x1); y1 = Math.floor(y1);
  var dx = Math.abs(x1 - x0), dy = -Math.abs(y1 - y0);
  var sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
  for (var guard = 0; guard < 4096; guard++) {
    if (thick > 1) {
      for (var ty = y0; ty < y0 + thick; ty++) {
        for (var tx = x0; tx < x0 + thick; tx++) {
          if (tx >= 0 && ty >= 0 && tx < W && ty < H) pixels[ty * W + tx] = color;
        }
      }
    } else if (x0 >= 0 && y0 >= 0 && x0 < W && y0 < H) pixels[y0 * W + x0] = color;
    if (x0 === x1 && y0 === y1) return;
    var e2 = 2 * err;
    if (e2 >= dy) { err += dy; x0 += sx; }
    if (e2 <= dx) { err += dx; y0 += sy; }
  }
}

/** Fill feature f's polygons into a tile (centres inside, even-odd), edged if `edge`. */
function rasterPolygon(big, f, s, ox, oy, W, H, pixels, fill, edge, thick) {
  var ix = big.ix, iy = big.iy, merc = big.merc, r, v, a, b, k = 0;
  var r0 = big.featRing[f], r1 = big.featRing[f + 1];
  var total = big.ringStart[r1] - big.ringStart[r0];
  if (total + r1 - r0 > scratchX.length) {
    scratchX = new Float64Array(2 * (total + r1 - r0));
    scratchY = new Float64Array(2 * (total + r1 - r0));
  }
  if (2 * (r1 - r0) > scratchStarts.length) scratchStarts = new Int32Array(4 * (r1 - r0));
  var starts = scratchStarts, ns = 0;
  for (r = r0; r < r1; r++) {
    if (big.ringKind[r] !== RING_POLYGON) continue;
    a = big.ringStart[r]; b = big.ringStart[r + 1];
    starts[ns++] = k;
    for (v = a; v < b; v++, k++) { scratchX[k] = quantaX(merc, ix[v]) * s - ox; scratchY[k] = quantaY(merc, iy[v]) * s - oy; }
    starts[ns++] = k;
  }
  var bb = big.bbox, i = 4 * f;
  var yTop = Math.max(0, Math.floor(bb[i + 1] * s - oy)), yBottom = Math.min(H - 1, Math.ceil(bb[i + 3] * s - oy));
  for (var row = yTop; row <= yBottom; row++) {
    var yc = row + 0.5, n = 0;
    for (var q = 0; q < ns; q += 2) {
      for (var p = starts[q], j = starts[q + 1] - 1; p < starts[q + 1]; j = p++) {
        var yi = scratchY[p], yj = scratchY[j];
        if ((yi > yc) !== (yj > yc) && n < crossings.length) {
          crossings[n++] = scratchX[p] + (yc - yi) * (scratchX[j] - scratchX[p]) / (yj - yi);
        }
      }
    }
    if (n < 2) continue;
    for (var u = 1; u < n; u++) { // insertion sort: n is 2 for most rows
      var t = crossings[u], w = u - 1;
      while (w >= 0 && crossings[w] > t) { crossings[w + 1] = crossings[w]; w--; }
      crossings[w + 1] = t;
    }
    var base = row * W;
    for (var c = 0; c + 1 < n; c += 2) {
      var from = Math.max(0, Math.ceil(crossings[c] - 0.5)), to = Math.min(W - 1, Math.floor(crossings[c + 1] - 0.5));
      for (var x = from; x <= to; x++) pixels[base + x] = fill;
    }
  }
  if (!edge) return;
  for (q = 0; q < ns; q += 2) {
    for (p = starts[q], j = starts[q + 1] - 1; p < starts[q + 1]; j = p++) {
      rasterLine(pixels, W, H, scratchX[j], scratchY[j], scratchX[p], scratchY[p], edge, thick);
    }
  }
}

/**
 * Each grid item's kind, phase and category in one word (kind | phase << 8 | cat << 16), in
 * the grid's order, as rasterTile reads them: read by feature from the layer's own arrays, they
 * are scattered wherever the features' order is not the order of their places (parcels listed
 * at random), and those reads took half of a view of dots. Made once per side (page, worker),
 * again if `big.cat` or `big.phase` is replaced; null (rasterTile reads by feature) if a phase
 * or category does not fit.
 */
function gridLooks(big) {
  var looks = big.looks, cats = big.cat, phases = big.phase;
  if (looks && looks.cat === cats && looks.phase === phases) return looks.words;
  var g = big.grid, items = g.items, kinds = big.kind, words = new Uint32Array(items.length);
  for (var k = 0; k < items.length; k++) {
    var f = items[k], phase = phases[f], cat = cats[f];
    if (phase > 255 || cat > 65535) { words = null; break; }
    words[k] = kinds[f] | (phase << 8) | (cat << 16);
  }
  big.looks = { cat: cats, phase: phases, words: words };
  return words;
}

/**
 * Tile (tx, ty, z) of a big layer at r device pixels per CSS pixel: its small features as
 * RGBA pixels (null if none), the others' ids in `paths`. `look`: phaseOn, since and today
 * (the date slider), and per category the colours dots, fills, edges (Viewer.bigLook).
 * Pure: it runs on the page and in the big-layer worker alike.
 */
function rasterTile(big, tx, ty, z, r, look) {
  var W = TILE * r, H = TILE * r;
  var s = 256 * Math.pow(2, z) * r; // world units to device pixels (Leaflet's scale(z) * r)
  var css = s / r; // world units to CSS pixels (the thresholds' unit)
  var ox = tx * W, oy = ty * H;
  var pad = 8 * r / s; // 8 CSS px: how far strokes and dots reach
  var bx0 = ox / s, by0 = oy / s, bx1 = (ox + W) / s, by1 = (oy + H) / s;
  var paths = [], out = { pixels: null, paths: paths };
  var pixels = null;
  var bb = big.bbox, phaseOn = look.phaseOn, kinds = big.kind, cats = big.cat, phases = big.phase;
  var since = look.since, today = look.today; // the date slider (time.js)
  var g = big.grid, stamp = big.stamp, qid = big.query = (big.query + 1) >>> 0 || 1, words = gridLooks(big);
  var dots = look.dots, fills = look.fills, edges = look.edges;
  var qx0 = bx0 - pad, qy0 = by0 - pad, qx1 = bx1 + pad, qy1 = by1 + pad;
  var ix0 = Math.max(0, Math.floor((qx0 - g.x0) / g.w)), ix1 = Math.min(g.side - 1, Math.floor((qx1 - g.x0) / g.w));
  var iy0 = Math.max(0, Math.floor((qy0 - g.y0) / g.h)), iy1 = Math.min(g.side - 1, Math.floor((qy1 - g.y0) / g.h));
  var nLarge = g.large.length;
  // from one cell before the tile's: a feature in at most 2 x 2 cells is listed in its first
  // only (buildGrid)
  var lx0 = ix0 > 0 ? ix0 - 1 : 0, ly0 = iy0 > 0 ? iy0 - 1 : 0;
  // the tile's grid cells (queryBig inlined: this runs per feature in view)
  for (var cy = ly0; cy <= iy1 + (nLarge ? 1 : 0); cy++) {
    for (var cx = lx0; cx <= ix1; cx++) {
      var c = cy * g.side + cx, k0, k1, list0 = g.items, inGrid = cy <= iy1;
      if (!inGrid) { // then the features too large for the grid
        if (cx > lx0) break;
        list0 = g.large; k0 = 0; k1 = nLarge;
      } else { k0 = g.start[c]; k1 = g.start[c + 1]; }
      // a feature listed in several cells: taken in the first the tile has
      var boxes = inGrid ? g.box : bb, first = g.first;
      for (var k = k0; k < k1; k++) {
        var f = list0[k];
        if (!inGrid) {
          if (stamp[f] === qid) continue;
          stamp[f] = qid;
        } else if (first[k] !== 0xffffffff) {
          var fcx = first[k] & 0xffff, fcy = first[k] >>> 16;
          if ((fcx > ix0 ? fcx : ix0) !== cx || (fcy > iy0 ? fcy : iy0) !== cy) continue;
        }
        var kind, cat;
        if (inGrid && words) {
          var word = words[k];
          if (!phaseOn[(word >>> 8) & 255]) continue;
          kind = word & 255; cat = word >>> 16;
        } else {
          if (!phaseOn[phases[f]]) continue;
          kind = kinds[f]; cat = cats[f];
        }
        if (since && since[f] > today) continue;
        var i = inGrid ? 4 * k : 4 * f;
        var fx0 = boxes[i], fy0 = boxes[i + 1], fx1 = boxes[i + 2], fy1 = boxes[i + 3];
        if (fx0 > qx1 || fx1 < qx0 || fy0 > qy1 || fy1 < qy0) continue;
        var w = (fx1 - fx0) * css, h = (fy1 - fy0) * css; // CSS pixels
        if (kind === RING_POINT || w >= RASTER_PX || h >= RASTER_PX || (kind !== RING_POLYGON && (w >= 1.5 || h >= 1.5))) {
          paths.push(f);
          continue;
        }
        if (!pixels) pixels = new Uint32Array(W * H);
        if (w < 1.5 && h < 1.5) { // below a pixel or two: one pixel
          var px = Math.floor((fx0 + fx1) * 0.5 * css) * r - ox, py = Math.floor((fy0 + fy1) * 0.5 * css) * r - oy;
          if (r === 1) {
            if (px >= 0 && py >= 0 && px < W && py < H) pixels[py * W + px] = dots[cat];
          } else { // one CSS pixel: r x r device pixels
            for (var dy = 0; dy < r; dy++) {
              for (var dx = 0; dx < r; dx++) {
                if (px + dx >= 0 && py + dy >= 0 && px + dx < W && py + dy < H) pixels[(py + dy) * W + px + dx] = dots[cat];
              }
            }
          }
        } else if (w < 4 && h < 4) { // a few pixels across: its box is all that shows
          var fill = fills[cat];
          var xa = Math.max(0, Math.round(fx0 * s - ox)), xb = Math.min(W, Math.round(fx1 * s - ox));
          var ya = Math.max(0, Math.round(fy0 * s - oy)), yb = Math.min(H, Math.round(fy1 * s - oy));
          for (var yy = ya; yy < yb; yy++) {
            for (var xx = yy * W + xa, xe = yy * W + xb; xx < xe; xx++) pixels[xx] = fill;
          }
        } else {
          rasterPolygon(big, f, s, ox, oy, W, H, pixels, fills[cat], w >= 8 || h >= 8 ? edges[cat] : 0, r);
        }
      }
    }
  }
  out.pixels = pixels;
  return out;
}

// the fewest missing tiles of a view that are shared with the worker
var SHARED_TILES = 8;

// ms of tiles the page draws at a time while it shares a view's tiles with the worker
var SHARE_SLICE_MS = 12;

// ms without a new view before the next zoom in is drawn ahead (BigLayer._aheadSoon)
var AHEAD_AFTER = 250;

// tiles kept for zooming back and panning (256 kB each; at 2x, 4 times that, half as many)
var TILE = 256, TILE_CACHE = 160;

/**
 * A big layer: one view-sized canvas of cached tiles (not one per tile), paths over them.
 * The tiles a view lacks are rasterised partly here, partly in the layer's worker (big.worker,
 * biglayer-worker.js) at the same time, from both ends of the list until they meet
 * (`_share`); the canvas keeps the last whole picture, moved and
 * scaled with the map as Leaflet's zoom animation does, until every tile of the new view
 * is there, then shows the new view at once (`whenFramed` waits for that).
 */
var BigLayer = L.Renderer.extend({
  options: { padding: 0 },

  initialize: function (viewer, entry, options) {
    L.Renderer.prototype.initialize.call(this, options);
    this.viewer = viewer;
    this.entry = entry;
    this.cache = new Map(); // "z:x:y:r" -> {pixels, paths}, oldest first
    this.version = 0; // bumped to redraw every tile
    this.stats = { drawn: 0, reused: 0, frames: 0, worker: 0 };
    this.drawnKey = null;
    this.wanted = null; // the view asked for last, while its tiles are being drawn
    this.inflight = new Map(); // tile key -> the worker's job drawing it
    this.waiters = [];
    this.pending = 0; // animation frame of an update due while panning
    this.ahead = new Map(); // tiles of the next zoom in, drawn in idle time: key -> tile
    this.aheadKey = null; // the view they were drawn for
    this.idle = 0; // the idle callback drawing them
    this.asking = null; // the worker's share of them on its way
    this.quiet = 0; // the timer that starts drawing them
  },

  _initContainer: function () {
    var canvas = this._container = L.DomUtil.create("canvas", "zp-big-canvas");
    canvas.style.pointerEvents = "none"; // hover is hit-tested on the data
    this._ctx = canvas.getContext("2d");
  },

  /** Keep canvas and tiles while hidden. */
  _destroyContainer: function () {
    L.DomUtil.remove(this._container);
    this.drawnKey = null;
    this.wanted = null;
    this._settle();
    if (this.pending) { cancelAnimationFrame(this.pending); this.pending = 0; }
    this._stopAhead();
  },

  getEvents: function () {
    var events = L.Renderer.prototype.getEvents.call(this);
    events.move = this._onMove;
    return events;
  },

  /** The picture drawn last, placed for the view now (scaled while the next one is drawn). */
  _reset: function () {
    this._update();
    this._updateTransform(this._map.getCenter(), this._map.getZoom());
  },

  /** Nothing to place before the first picture. */
  _updateTransform: function (center, zoom) {
    if (this._center) L.Renderer.prototype._updateTransform.call(this, center, zoom);
  },

  /** While panning, draw once a frame when the view leaves the drawn canvas. */
  _onMove: function () {
    if (this.pending || this._map._animatingZoom || !this._bounds) return;
    var size = this._map.getSize();
    var view = L.bounds(this._map.containerPointToLayerPoint([0, 0]), this._map.containerPointToLayerPoint(size));
    if (this._bounds.contains(view)) return;
    var self = this;
    this.pending = requestAnimationFrame(function () {
      self.pending = 0;
      if (self._map) self._update();
    });
  },

  /** The layer's worker when it may draw tiles (it cannot see the date slider's per-feature dates). */
  _worker: function () {
    var worker = this.entry.big.worker;
    return worker && !worker.dead && !this.entry.since ? worker : null;
  },

  _update: function () {
    if (this._map._animatingZoom && this._bounds) return;
    // drawn from the first call of drawBigLayers on (not the views the map passes through
    // while it is set up): by the worker as soon as it has the geometry, or here once the
    // page has it (_plan)
    if (!this.viewer.bigDrawn) return;
    var map = this._map, size = map.getSize(), zoom = map.getZoom();
    var min = map.containerPointToLayerPoint([0, 0]).round(), origin = map.getPixelOrigin();
    var ax = min.x + origin.x, ay = min.y + origin.y;
    // device pixels per CSS pixel (as Leaflet's canvas)
    var r = L.Browser.retina ? 2 : 1;
    var key = [zoom, ax, ay, size.x, size.y, r, this.version].join(":");
    if (this.wanted && this.wanted.key === key) return;
    if (key === this.drawnKey) { this.wanted = null; this._settle(); return; }
    this.wanted = { key: key, zoom: zoom, center: map.getCenter(), ax: ax, ay: ay, size: size, r: r };
    this._plan(this.wanted);
  },

  /** The tiles of a view: reused, being drawn, or drawn now (some of them by the worker). */
  _plan: function (view) {
    var big = this.entry.big, z = view.zoom, r = view.r, T = TILE * r;
    var ax = view.ax * r, ay = view.ay * r, W = view.size.x * r, H = view.size.y * r;
    var tx0 = Math.floor(ax / T), tx1 = Math.floor((ax + W - 1) / T);
    var ty0 = Math.floor(ay / T), ty1 = Math.floor((ay + H - 1) / T);
    // printing: the browser prints once its beforeprint handlers return, so all is drawn now
    var now = !!this.viewer.printing;
    var max = Math.pow(2, z) - 1, missing = [], waits = [];
    for (var ty = Math.max(0, ty0); ty <= Math.min(max, ty1); ty++) {
      for (var tx = tx0; tx <= tx1; tx++) {
        var key = z + ":" + tx + ":" + ty + ":" + r;
        if (this.cache.has(key) || this._takeAhead(key)) continue;
        if (this.inflight.has(key) && !now) waits.push(this.inflight.get(key));
        else missing.push([tx, ty, key]);
      }
    }
    var worker = now ? null : this._worker(), self = this;
    if (!big.grid && !worker) { // no worker to draw it (the date slider, printing): once the page has the geometry
      this._whenGeometry(view, this._plan);
      return;
    }
    // the worker takes a share of the tiles, or all of them while the page has no geometry
    // yet; a few tiles (a pan's new column) are drawn here: the round trip would cost more
    // than it saves
    if (worker && (missing.length >= SHARED_TILES || !big.grid)) {
      waits.push(this._share(worker, view, missing));
      missing = [];
    }
    var look = this.viewer.bigLook(this.entry);
    for (var k = 0; k < missing.length; k++) {
      var tile = rasterTile(big, missing[k][0], missing[k][1], z, r, look);
      tile.fresh = true;
      this.cache.set(missing[k][2], tile);
      this.stats.drawn++;
    }
    if (!waits.length) { this._commit(view); return; }
    Promise.all(waits).then(function () { if (self.wanted === view && self._map) self._commit(view); });
  },

  /**
   * A view's missing tiles drawn by the worker from the first on and by this thread from the
   * last back, a tile a task, until they meet: whichever side has the time draws more (this
   * thread has the rest of the map to draw first, the worker may get less of a busy machine's
   * CPU). Each tile goes into the cache as it is drawn; a Promise once all are there (drawn
   * here if the worker fails).
   */
  _share: function (worker, view, tiles) {
    var self = this, version = this.version, big = this.entry.big, z = view.zoom, r = view.r;
    var look = this.viewer.bigLook(this.entry), front = 0, back = tiles.length;
    function put(key, tile, fromWorker) {
      if (self.cache.has(key)) return; // both drew it, where they met
      self.cache.set(key, tile);
      self.stats.drawn++;
      if (fromWorker) self.stats.worker++;
    }
    var job = worker.stream(z, r, tiles, look, function (m) {
      front = Math.max(front, m.index + 1);
      if (self.version === version) put(m.key, { pixels: m.pixels, paths: m.paths, fresh: true }, true);
    });
    var done = job.done.then(null, function () {
      // the worker failed: the rest here, once the page has the geometry (its own decoding)
      return big.geometry.then(function () {
        if (self.version !== version) return;
        tiles.forEach(function (t) {
          if (!self.cache.has(t[2])) put(t[2], Object.assign(rasterTile(big, t[0], t[1], z, r, look), { fresh: true }));
        });
      });
    }).then(function () {
      tiles.forEach(function (t) { if (self.inflight.get(t[2]) === done) self.inflight.delete(t[2]); });
    });
    tiles.forEach(function (t) { self.inflight.set(t[2], done); });
    var channel = new MessageChannel(), heard = false;
    channel.port1.onmessage = function () {
      // first let the worker's tiles that came meanwhile in (their messages are queued ahead)
      if (!heard) { heard = true; channel.port2.postMessage(0); return; }
      if (self.version !== version || self.wanted !== view || !self._map) return;
      if (!big.grid) return; // no geometry here yet: the worker draws them all
      // tiles for a few ms, then a turn for the worker's messages (and the page's frame)
      for (var t0 = performance.now(); performance.now() - t0 < SHARE_SLICE_MS;) {
        var k = back - 1;
        // the worker is drawing tile `front` (or has drawn it): the rest is its own
        if (k <= front) return;
        job.stop(k);
        back = k;
        put(tiles[k][2], Object.assign(rasterTile(big, tiles[k][0], tiles[k][1], z, r, look), { fresh: true }));
      }
      channel.port2.postMessage(0);
    };
    channel.port2.postMessage(0); // after the rest of the map has had this task
    return done;
  },

  /**
   * Tiles from the worker into the cache (drawn here instead if it fails), or, `ahead`, into
   * the tiles of the next zoom in (dropped if it fails: they were not asked for).
   */
  _ask: function (worker, z, r, tiles, ahead) {
    var self = this, version = this.version, look = this.viewer.bigLook(this.entry);
    var job = worker.tiles(z, r, tiles, look).then(function (out) {
      if (self.version !== version) return;
      out.tiles.forEach(function (t) {
        var tile = { pixels: t.pixels, paths: t.paths, fresh: true, worker: true };
        if (ahead) { self.ahead.set(t.key, tile); return; }
        self.cache.set(t.key, tile);
        self.stats.drawn++;
        self.stats.worker++;
      });
    }, function () {
      if (self.version !== version || ahead) return;
      tiles.forEach(function (t) {
        var tile = rasterTile(self.entry.big, t[0], t[1], z, r, self.viewer.bigLook(self.entry));
        tile.fresh = true;
        self.cache.set(t[2], tile);
        self.stats.drawn++;
      });
    }).then(function () {
      tiles.forEach(function (t) { if (self.inflight.get(t[2]) === job) self.inflight.delete(t[2]); });
    });
    tiles.forEach(function (t) { self.inflight.set(t[2], job); });
    return job;
  },

  /**
   * Ask the worker for the page's copy of the geometry, and go on with `view` (`next`:
   * _plan or _commit) once the page has it, if the view is still the one wanted.
   */
  _whenGeometry: function (view, next) {
    var big = this.entry.big, self = this;
    if (big.worker && !big.worker.dead) big.worker.copy();
    big.geometry.then(function () { if (self.wanted === view && self._map) next.call(self, view); });
  },

  /**
   * Show a view whose tiles are all there; while the page has no geometry (its tiles all
   * from the worker), once it has if the view has features drawn as paths here.
   */
  _commit: function (view) {
    var big = this.entry.big;
    if (!big.grid && this._needsGeometry(view)) {
      this._whenGeometry(view, this._commit);
      return;
    }
    var map = this._map, canvas = this._container, r = view.r, size = view.size;
    var min = L.point(view.ax, view.ay).subtract(map.getPixelOrigin());
    this._bounds = L.bounds(min, min.add(size));
    this._center = view.center;
    this._zoom = view.zoom;
    L.DomUtil.setPosition(canvas, min);
    if (canvas.width !== size.x * r || canvas.height !== size.y * r) {
      canvas.width = size.x * r;
      canvas.height = size.y * r;
      canvas.style.width = size.x + "px";
      canvas.style.height = size.y + "px";
      this.frame = null;
    }
    this.drawFrame(view.zoom, view.ax * r, view.ay * r, size.x * r, size.y * r, r);
    this.drawnKey = view.key;
    this.wanted = null;
    this._settle();
    this._aheadSoon(view);
  },

  /** Whether drawing a view's frame needs the geometry here: a tile with paths, or one missing. */
  _needsGeometry: function (view) {
    var z = view.zoom, r = view.r, T = TILE * r, ax = view.ax * r, ay = view.ay * r;
    var W = view.size.x * r, H = view.size.y * r, max = Math.pow(2, z) - 1;
    for (var ty = Math.max(0, Math.floor(ay / T)); ty <= Math.min(max, Math.floor((ay + H - 1) / T)); ty++) {
      for (var tx = Math.floor(ax / T); tx <= Math.floor((ax + W - 1) / T); tx++) {
        var key = z + ":" + tx + ":" + ty + ":" + r, tile = this.cache.get(key) || this.ahead.get(key);
        if (!tile || tile.paths.length) return true;
      }
    }
    return false;
  },

  /** A tile of the next zoom in drawn ahead into the cache, if there is one (counted now). */
  _takeAhead: function (key) {
    var tile = this.ahead.get(key);
    if (!tile) return false;
    this.ahead.delete(key);
    this.cache.set(key, tile);
    this.stats.drawn++;
    if (tile.worker) this.stats.worker++;
    return true;
  },

  _stopAhead: function () {
    if (this.idle) { (window.cancelIdleCallback || clearTimeout)(this.idle); this.idle = 0; }
    if (this.quiet) { clearTimeout(this.quiet); this.quiet = 0; }
  },

  /**
   * Once a view is drawn, draw the tiles of the next zoom in at the view's centre (what the
   * zoom button and the keyboard's + show next): in the worker at once, two at a time, one
   * pair after the other; here, once the page is idle a moment later (AHEAD_AFTER), a tile at
   * a time while the page has nothing else to do; so that zooming in finds them drawn. They
   * wait in `ahead` (not the cache) and are dropped when the view changes before they are
   * used. Nothing while printing.
   */
  _aheadSoon: function (view) {
    var map = this._map;
    this._stopAhead();
    if (!map || this.viewer.printing || view.zoom + 1 > map.getMaxZoom()) return;
    var z = view.zoom + 1, r = view.r, T = TILE * r;
    var c = map.project(view.center, z), W = view.size.x * r, H = view.size.y * r;
    var ax = Math.round(c.x - view.size.x / 2) * r, ay = Math.round(c.y - view.size.y / 2) * r;
    var key = [z, ax, ay, W, H, this.version].join(":");
    if (key !== this.aheadKey) { this.ahead.clear(); this.aheadKey = key; }
    var max = Math.pow(2, z) - 1, todo = [];
    for (var ty = Math.max(0, Math.floor(ay / T)); ty <= Math.min(max, Math.floor((ay + H - 1) / T)); ty++) {
      for (var tx = Math.floor(ax / T); tx <= Math.floor((ax + W - 1) / T); tx++) {
        var k = z + ":" + tx + ":" + ty + ":" + r;
        if (!this.cache.has(k) && !this.ahead.has(k) && !this.inflight.has(k)) todo.push([tx, ty, k]);
      }
    }
    if (!todo.length) return;
    var big = this.entry.big, self = this, version = this.version, worker = this._worker();
    var later = window.requestIdleCallback || function (fn) { return setTimeout(fn, 50); };
    function current() {
      return self.version === version && self.aheadKey === key && !self.wanted && self._map;
    }
    // the worker: two tiles at a time, the next two as soon as they are back (a view asked
    // for meanwhile waits for two at most)
    function feed() {
      if (!worker || worker.dead || self.asking || !todo.length || !current()) return;
      var two = todo.splice(Math.max(0, todo.length - 2), 2);
      self.asking = self._ask(worker, z, r, two, true).then(function () {
        self.asking = null;
        feed();
      });
    }
    function step(deadline) {
      self.idle = 0;
      if (!current()) return;
      feed();
      if (!big.grid) return; // the page's part once it has the geometry
      // here: a tile while the page has time for one
      var look = self.viewer.bigLook(self.entry);
      while (todo.length && (!deadline || deadline.timeRemaining() > 8)) {
        var t = todo.shift();
        if (!self.cache.has(t[2]) && !self.inflight.has(t[2])) {
          var tile = rasterTile(big, t[0], t[1], z, r, look);
          tile.fresh = true;
          self.ahead.set(t[2], tile);
        }
        if (!deadline) break;
      }
      if (todo.length) self.idle = later(step, { timeout: 500 });
    }
    // the worker at once (it is idle now, on the other core: zooming in again soon finds its
    // first tiles drawn); the page after a moment without a new view (not between the frames
    // of one being shown)
    feed();
    this.quiet = setTimeout(function () { self.quiet = 0; feed(); self.idle = later(step, { timeout: 500 }); }, AHEAD_AFTER);
  },

  /** Resolve the promises of whenFramed once no view is waiting for its tiles. */
  _settle: function () {
    if (this.wanted) return;
    var waiters = this.waiters;
    this.waiters = [];
    waiters.forEach(function (resolve) { resolve(); });
  },

  /** A Promise that resolves once the view asked for last is on the canvas. */
  whenFramed: function () {
    if (!this.wanted || !this._map) return Promise.resolve();
    var self = this;
    return new Promise(function (resolve) { self.waiters.push(resolve); });
  },

  /** Tiles, then paths: corner (ax, ay), W x H device pixels, r per CSS pixel. */
  drawFrame: function (z, ax, ay, W, H, r) {
    var viewer = this.viewer, entry = this.entry, big = entry.big;
    if (!this.frame) {
      this.frame = this._ctx.createImageData(Math.max(1, W), Math.max(1, H));
      this.frame32 = new Uint32Array(this.frame.data.buffer);
    }
    var frame = this.frame32;
    frame.fill(0);
    var T = TILE * r; // a tile's side in device pixels
    var tx0 = Math.floor(ax / T), tx1 = Math.floor((ax + W - 1) / T);
    var ty0 = Math.floor(ay / T), ty1 = Math.floor((ay + H - 1) / T);
    var max = Math.pow(2, z) - 1;
    var tiles = [];
    for (var ty = Math.max(0, ty0); ty <= Math.min(max, ty1); ty++) {
      for (var tx = tx0; tx <= tx1; tx++) {
        var key = z + ":" + tx + ":" + ty + ":" + r;
        var tile = this.cache.get(key) || (this._takeAhead(key) && this.cache.get(key));
        if (tile) {
          this.cache.delete(key);
          if (!tile.fresh) this.stats.reused++;
        } else {
          tile = viewer.rasterBigTile(entry, tx, ty, z, r);
          this.stats.drawn++;
        }
        tile.fresh = false;
        this.cache.set(key, tile); // most recent last
        tiles.push([tx, ty, tile]);
      }
    }
    while (this.cache.size > Math.max(TILE_CACHE / r, 2 * tiles.length)) {
      this.cache.delete(this.cache.keys().next().value);
    }
    // the tiles' paths, each once
    var paths = [], qid = big.query = (big.query + 1) >>> 0 || 1, seen = big.stamp;
    tiles.forEach(function (t) {
      var list = t[2].paths;
      for (var k = 0; k < list.length; k++) {
        if (seen[list[k]] !== qid) { seen[list[k]] = qid; paths.push(list[k]); }
      }
    });
    tiles.forEach(function (t) {
      var pixels = t[2].pixels;
      if (!pixels) return;
      var x0 = Math.max(ax, t[0] * T), x1 = Math.min(ax + W, t[0] * T + T);
      var y0 = Math.max(ay, t[1] * T), y1 = Math.min(ay + H, t[1] * T + T);
      for (var y = y0; y < y1; y++) {
        var src = (y - t[1] * T) * T + (x0 - t[0] * T);
        frame.set(pixels.subarray(src, src + x1 - x0), (y - ay) * W + (x0 - ax));
      }
    });
    this._ctx.putImageData(this.frame, 0, 0);
    // paths in CSS pixels: widths and dots keep their size
    this._ctx.setTransform(r, 0, 0, r, 0, 0);
    viewer.drawBigPaths(entry, this._ctx, paths, viewer.map.options.crs.scale(z), ax / r, ay / r);
    this._ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.stats.frames++;
  },

  /** Draw every tile again (phase filter). */
  redraw: function () {
    this.cache.clear();
    this.ahead.clear();
    this._stopAhead();
    this.inflight.clear();
    this.version++;
    this.wanted = null;
    if (this._map) this._update();
    return this;
  }
});
