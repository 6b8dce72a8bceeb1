/*
 * Big layers, the drawing: the rasteriser, and BigLayer's canvas of cached 256 px tiles.
 *
 * Uses: RING_POLYGON (biglayer-decode.js); L.Renderer.
 * Provides: RASTER_PX, rasterLine, rasterPolygon, TILE, TILE_CACHE, BigLayer.
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
  var mx = big.mx, my = big.my, r, v, a, b, k = 0;
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
    for (v = a; v < b; v++, k++) { scratchX[k] = mx[v] * s - ox; scratchY[k] = my[v] * s - oy; }
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

// tiles kept for zooming back and panning (256 kB each; at 2x, 4 times that, half as many)
var TILE = 256, TILE_CACHE = 160;

/** A big layer: one view-sized canvas of cached tiles (not one per tile), paths over them. */
var BigLayer = L.Renderer.extend({
  options: { padding: 0 },

  initialize: function (viewer, entry, options) {
    L.Renderer.prototype.initialize.call(this, options);
    this.viewer = viewer;
    this.entry = entry;
    this.cache = new Map(); // "z:x:y" -> {pixels, paths}, oldest first
    this.version = 0; // bumped to redraw every tile
    this.stats = { drawn: 0, reused: 0, frames: 0 };
    this.drawnKey = null;
    this.pending = 0; // animation frame of an update due while panning
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
    if (this.pending) { cancelAnimationFrame(this.pending); this.pending = 0; }
  },

  getEvents: function () {
    var events = L.Renderer.prototype.getEvents.call(this);
    events.move = this._onMove;
    return events;
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

  _update: function () {
    if (this._map._animatingZoom && this._bounds) return;
    L.Renderer.prototype._update.call(this); // this._bounds: the view (and padding) in layer pixels
    var b = this._bounds, size = b.getSize(), canvas = this._container;
    var origin = this._map.getPixelOrigin(), zoom = this._map.getZoom();
    var ax = b.min.x + origin.x, ay = b.min.y + origin.y;
    L.DomUtil.setPosition(canvas, b.min);
    // device pixels per CSS pixel (as Leaflet's canvas)
    var r = L.Browser.retina ? 2 : 1;
    var key = [zoom, ax, ay, size.x, size.y, r, this.version].join(":");
    if (key === this.drawnKey) return;
    if (canvas.width !== size.x * r || canvas.height !== size.y * r) {
      canvas.width = size.x * r;
      canvas.height = size.y * r;
      canvas.style.width = size.x + "px";
      canvas.style.height = size.y + "px";
      this.frame = null;
    }
    this.drawFrame(zoom, ax * r, ay * r, size.x * r, size.y * r, r);
    this.drawnKey = key;
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
        var tile = this.cache.get(key);
        if (tile) {
          this.cache.delete(key);
          this.stats.reused++;
        } else {
          tile = viewer.rasterBigTile(entry, tx, ty, z, r);
          this.stats.drawn++;
        }
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
    this.version++;
    if (this._map) this._update();
    return this;
  }
});
