/*
 * Big layers on the second core: a Web Worker that inflates and decodes a big layer's
 * geometry (the block's first member) and rasterises its tiles, while the page's own thread
 * reads the rest of the page, inflates and decodes the attributes (the second member), builds
 * the map and rasterises its share of the tiles.
 *
 * The worker runs the very functions of biglayer-decode.js and biglayer-raster.js: their own
 * text (Function.prototype.toString, no eval), joined into a data: URL, which the page's
 * Content-Security-Policy allows as its only worker source (worker-src data:), the one kind of
 * worker a page opened from file:// may start (a blob: URL of its opaque origin is refused).
 * Where no worker can start (an older policy, a sandboxed frame), or one fails, the page
 * decodes and rasterises everything itself, as before.
 *
 * Uses: D2R, MAX_LAT, mercY (coords.js); ARRAYS, RING_*, gunzip, gunzipStream, readPart,
 * unshuffle, mercYBlocks, wordPlanes, vertexMerc, quantaX, quantaY, sharedVertices, offsets,
 * decodeGeometry, geometryOf, buildGrid
 * (biglayer-decode.js); RASTER_PX, TILE, rasterLine, rasterPolygon, gridLooks, rasterTile
 * (biglayer-raster.js).
 * Provides: newBigWorker, takeBigWorker, startBigWorker, dropSpareWorker.
 */

/**
 * Decode and draw a small made-up layer (squares on a lattice, as sub-pixel dots, small
 * boxes and polygons), so that the engine has compiled the decoder and the rasteriser by the
 * time the real geometry comes: the worker does this while it waits for the block's pieces.
 * Drawn cold, a view's tiles take several times longer (each tile is a new call of
 * rasterTile, which runs slowly until the engine has optimised it).
 */
function warmUp() {
  var side = 40, n = side * side, nv = 4 * n, gap = 100, size = 50, x0 = 1066000000, y0 = 207000000;
  var px = new Uint8Array(4 * nv), py = new Uint8Array(4 * nv);
  function put(planes, k, value) { // a residual, zig-zagged, into its byte planes
    var z = (value < 0 ? -2 * value - 1 : 2 * value) >>> 0;
    for (var b = 0; b < 4; b++) planes[b * nv + k] = (z >>> (8 * b)) & 255;
  }
  // each square: its first corner a jump from the last square's last corner (the first run),
  // its second and third corners steps (the next two), its fourth guessed (the last run,
  // residual 0)
  var lastX = 0, lastY = 0;
  for (var f = 0; f < n; f++) {
    var x = x0 + gap * (f % side), y = y0 + gap * Math.floor(f / side);
    put(px, f, x - lastX); put(py, f, y - lastY);
    put(px, n + f, size); put(py, n + f, 0);
    put(px, 2 * n + f, 0); put(py, 2 * n + f, size);
    lastX = x; lastY = y + size; // the last corner: the guessed fourth
  }
  var merc = vertexMerc(1e-7, [106.59, 20.69, 106.61, 20.71]);
  var g = geometryOf(n, offsets(new Uint8Array(n).fill(1)), offsets(new Uint8Array(n).fill(4)),
    new Uint8Array(n), new Uint8Array(nv), px, py, merc, [n, n, n, 0, n]);
  g.cat = new Uint8Array(n);
  g.phase = new Uint8Array(n);
  g.stamp = new Uint32Array(n);
  g.query = 0;
  var look = { phaseOn: [true], since: null, today: null, dots: new Uint32Array(1), fills: new Uint32Array(1),
    edges: new Uint32Array(1) };
  // tiles over the lattice: at zoom 15 its squares are dots, at 20 a few pixels, at 22 polygons
  [[15, 30], [20, 4], [22, 2]].forEach(function (zr) {
    var z = zr[0], s = 256 * Math.pow(2, z), k = Math.floor(g.bbox[0] * s / TILE), l = Math.floor(g.bbox[1] * s / TILE);
    for (var r = 0; r < zr[1]; r++) rasterTile(g, k + (r % 2), l + (r % 3 === 2 ? 1 : 0), z, 1, look);
  });
  return g;
}

/**
 * What the worker runs: on "piece", a piece of the block's first member, inflated as it
 * comes; on "decode", the geometry (the member's bytes in the message, or the pieces it had),
 * then "decoded" posted back; on "attributes", each feature's category and phase, which the
 * rasteriser needs too; on "copy", a copy of the geometry posted back (asked for once the
 * first view is drawn, so that drawing it comes first); on "tiles", tiles, all at once; on
 * "stream", a view's tiles, each posted back as it is drawn, one a task, so that a "stop"
 * (the page takes the tiles from there on) is heard between them. Tiles asked for before the
 * geometry is decoded wait for it.
 */
function bigWorkerMain() {
  var geometry = null, pieces = null, began = 0, attributes = null, spent = null, copy = false, sent = false;
  var waiting = []; // "tiles" asked for before the geometry was there
  function fail(err) { self.postMessage({ type: "error", message: String((err && err.message) || err) }); }
  // the views' tiles, one a task, from the first on, up to `end` (lowered by "stop")
  var streams = [], ticking = false, tick = new MessageChannel();
  function again() { if (geometry && streams.length && !ticking) { ticking = true; tick.port2.postMessage(0); } }
  tick.port1.onmessage = function () {
    ticking = false;
    var s = streams[0];
    if (s && s.next < s.end) {
      try {
        var t0 = performance.now(), t = s.tiles[s.next], tile = rasterTile(geometry, t[0], t[1], s.z, s.r, s.look);
        var paths = Int32Array.from(tile.paths), transfer = [paths.buffer];
        if (tile.pixels) transfer.push(tile.pixels.buffer);
        self.postMessage({ type: "tile", job: s.job, index: s.next, key: t[2], pixels: tile.pixels,
          paths: paths, ms: performance.now() - t0 }, transfer);
      } catch (err) {
        fail(err);
        return;
      }
      s.next++;
    }
    if (s && s.next >= s.end) {
      streams.shift();
      self.postMessage({ type: "streamed", job: s.job });
    }
    again();
  };
  /** The page's copy of the geometry: copied here and handed over (a structured clone of this much is slower). */
  function sendCopy() {
    if (sent) return;
    sent = true;
    var out = {}, transfer = [];
    Object.keys(geometry).forEach(function (key) {
      var value = geometry[key];
      if (key === "cat" || key === "phase" || key === "stamp" || key === "query" || key === "looks") return; // the page's own
      if (ArrayBuffer.isView(value)) { out[key] = value.slice(); transfer.push(out[key].buffer); } else out[key] = value;
    });
    var grid = out.grid = {};
    Object.keys(geometry.grid).forEach(function (key) {
      var value = geometry.grid[key];
      if (ArrayBuffer.isView(value)) { grid[key] = value.slice(); transfer.push(grid[key].buffer); } else grid[key] = value;
    });
    spent.posted = performance.timeOrigin + performance.now();
    self.postMessage({ type: "geometry", geometry: out, spent: spent }, transfer);
  }
  function tiles(m) {
    try {
      var out = [], transfer = [], t0 = performance.now();
      for (var k = 0; k < m.tiles.length; k++) {
        var t = m.tiles[k], tile = rasterTile(geometry, t[0], t[1], m.z, m.r, m.look);
        var paths = Int32Array.from(tile.paths);
        out.push({ key: t[2], pixels: tile.pixels, paths: paths });
        if (tile.pixels) transfer.push(tile.pixels.buffer);
        transfer.push(paths.buffer);
      }
      self.postMessage({ type: "tiles", job: m.job, tiles: out, ms: performance.now() - t0 }, transfer);
    } catch (err) {
      fail(err);
    }
  }
  self.onmessage = function (ev) {
    var m = ev.data;
    if (m.type === "stream") {
      streams.push({ job: m.job, z: m.z, r: m.r, tiles: m.tiles, look: m.look, next: 0, end: m.tiles.length });
      again();
      return;
    }
    if (m.type === "stop") { // the page draws the tiles from m.end on
      streams.forEach(function (s) { if (s.job === m.job) s.end = Math.max(s.next, Math.min(s.end, m.end)); });
      return;
    }
    if (m.type === "piece") { // the first member as the page reads it: inflated as it comes
      var firstPiece = !pieces;
      if (firstPiece) { pieces = gunzipStream(m.size); began = performance.now(); }
      pieces.push(m.bytes);
      // a block long enough to come in pieces: the wait for the next one is time to warm up
      if (firstPiece) {
        try { warmUp(); } catch (err) { /* only a warm-up */ }
      }
      return;
    }
    if (m.type === "attributes") { // from the page, which decodes them (decodeColumns)
      attributes = m;
      if (geometry) { geometry.cat = m.cat; geometry.phase = m.phase; }
      return;
    }
    if (m.type === "copy") {
      copy = true;
      if (geometry) sendCopy();
      return;
    }
    if (m.type === "decode") {
      if (!pieces) began = performance.now();
      (pieces ? pieces.close() : gunzip(m.bytes)).then(function (buffer) {
        var t1 = performance.now(), decoded = decodeGeometry(buffer, m.spec), at = performance.timeOrigin;
        decoded.stamp = new Uint32Array(decoded.n);
        decoded.query = 0;
        if (attributes) { decoded.cat = attributes.cat; decoded.phase = attributes.phase; }
        geometry = decoded;
        // on the page's clock: when the worker began, had inflated, had decoded
        spent = { began: at + began, inflated: at + t1, decoded: at + performance.now() };
        self.postMessage({ type: "decoded", spent: spent });
        if (copy) sendCopy();
        waiting.forEach(tiles);
        waiting = [];
        again();
      }).catch(fail);
      return;
    }
    if (geometry) tiles(m);
    else waiting.push(m);
  };
}

/** The worker's script: constants, the shared functions' text, then bigWorkerMain(). */
function bigWorkerSource() {
  var shared = [mercY, gunzip, gunzipStream, readPart, unshuffle, mercYBlocks, wordPlanes, vertexMerc, quantaX,
    quantaY, sharedVertices, geometryOf, warmUp,
    offsets, decodeGeometry, buildGrid, rasterLine, rasterPolygon, gridLooks, rasterTile, bigWorkerMain];
  var arrays = Object.keys(ARRAYS).map(function (k) { return k + ": " + ARRAYS[k].name; });
  return [
    '"use strict";',
    "var D2R = " + D2R + ", MAX_LAT = " + MAX_LAT + ";",
    "var ARRAYS = {" + arrays.join(", ") + "};",
    "var RING_POLYGON = " + RING_POLYGON + ", RING_LINE = " + RING_LINE + ", RING_POINT = " + RING_POINT + ";",
    "var RASTER_PX = " + RASTER_PX + ", TILE = " + TILE + ";",
    "var scratchX = new Float64Array(1024), scratchY = new Float64Array(1024), crossings = new Float64Array(256);",
    "var scratchStarts = new Int32Array(64);"
  ].concat(shared.map(String), ["bigWorkerMain();"]).join("\n");
}

/** A new worker, or null where none can be started (`failed` is set if it fails to start). */
function newBigWorker() {
  try {
    if (typeof Worker !== "function") return null;
    var worker = new Worker("data:text/javascript;charset=utf-8," + encodeURIComponent(bigWorkerSource()));
    worker.onerror = function (ev) { ev.preventDefault(); worker.failed = true; };
    return worker;
  } catch (err) {
    return null;
  }
}

// Started as the page's script runs, so that it is ready by the time the browser has read the
// big layers' blocks that follow (init takes it, or stops it when the map has none).
var spareWorker = newBigWorker();

/** Stop the worker started in advance when no big layer needs it. */
function dropSpareWorker() {
  if (spareWorker) spareWorker.terminate();
  spareWorker = null;
}

/** A worker for a big layer: the one started in advance, else a new one; null if none starts. */
function takeBigWorker() {
  var worker = spareWorker || newBigWorker();
  spareWorker = null;
  return worker;
}

/**
 * Set `worker` (takeBigWorker) to decode a big layer's geometry: the block's first member,
 * `bytes` (blockMember), or the pieces of it it was given (bytes null: feedBig). Returns
 * {decoded: Promise once the worker has the geometry (it can draw tiles then), geometry:
 * Promise of the page's copy of it, copy: function asking for that copy (once the first view
 * is drawn, or when the page needs the geometry itself), attributes: function (cat, phase)
 * handing the worker each feature's category and phase (a copy), tiles:
 * function (z, r, [[tx, ty, key], ...], look) -> Promise of {tiles: [{key, pixels, paths}],
 * ms: the worker's time on them}, stream: the same tiles one by one, see below}, or null
 * when no worker runs here. After a failure every promise rejects; `dead` is set.
 */
function startBigWorker(worker, spec, bytes) {
  if (!worker) return null;
  if (worker.failed) { worker.terminate(); return null; } // refused already
  var handle = { dead: false, jobs: new Map(), next: 1, asked: false };
  var geometry = {}, decoded = {};
  handle.geometry = new Promise(function (resolve, reject) { geometry.resolve = resolve; geometry.reject = reject; });
  handle.geometry.catch(function () {}); // taken up later (loadBig), maybe after it failed
  handle.decoded = new Promise(function (resolve, reject) { decoded.resolve = resolve; decoded.reject = reject; });
  handle.decoded.catch(function () {});
  function die(message) {
    if (handle.dead) return;
    handle.dead = true;
    worker.terminate();
    var err = new Error(message || "the big-layer worker stopped");
    geometry.reject(err);
    decoded.reject(err);
    handle.jobs.forEach(function (job) { job.reject(err); });
    handle.jobs.clear();
  }
  worker.onmessage = function (ev) {
    var m = ev.data;
    if (m.type === "decoded" || m.type === "geometry") {
      // when the worker began, had inflated, had decoded, had copied and the page had the
      // copy (ms)
      handle.spent = {};
      Object.keys(m.spent).forEach(function (k) { handle.spent[k] = m.spent[k] - performance.timeOrigin; });
      if (m.type === "decoded") decoded.resolve();
      else {
        handle.spent.copied = performance.now();
        geometry.resolve(m.geometry);
      }
    }
    else if (m.type === "tiles") {
      var job = handle.jobs.get(m.job);
      handle.jobs.delete(m.job);
      if (job) job.resolve({ tiles: m.tiles, ms: m.ms });
    } else if (m.type === "tile") {
      var streaming = handle.jobs.get(m.job);
      if (streaming) streaming.onTile(m);
    } else if (m.type === "streamed") {
      var streamed = handle.jobs.get(m.job);
      handle.jobs.delete(m.job);
      if (streamed) streamed.resolve();
    } else die(m.message);
  };
  worker.onerror = function (ev) { ev.preventDefault(); die(ev.message); };
  /**
   * A view's tiles drawn from the first on, each handed to onTile({index, key, pixels,
   * paths, ms}) as it comes: {done: Promise once every tile up to the end has come,
   * stop(end): the page draws the tiles from `end` on}.
   */
  handle.stream = function (z, r, tiles, look, onTile) {
    var id = handle.next++, done;
    if (handle.dead) done = Promise.reject(new Error("the big-layer worker stopped"));
    else {
      done = new Promise(function (resolve, reject) {
        handle.jobs.set(id, { resolve: resolve, reject: reject, onTile: onTile });
        worker.postMessage({ type: "stream", job: id, z: z, r: r, tiles: tiles, look: look });
      });
    }
    return {
      done: done,
      stop: function (end) { if (!handle.dead) worker.postMessage({ type: "stop", job: id, end: end }); }
    };
  };
  handle.tiles = function (z, r, tiles, look) {
    if (handle.dead) return Promise.reject(new Error("the big-layer worker stopped"));
    var id = handle.next++;
    return new Promise(function (resolve, reject) {
      handle.jobs.set(id, { resolve: resolve, reject: reject });
      worker.postMessage({ type: "tiles", job: id, z: z, r: r, tiles: tiles, look: look });
    });
  };
  handle.copy = function () {
    if (handle.dead || handle.asked) return;
    handle.asked = true;
    worker.postMessage({ type: "copy" });
  };
  handle.attributes = function (cat, phase) {
    if (handle.dead) return;
    var c = cat.slice(), p = phase.slice();
    worker.postMessage({ type: "attributes", cat: c, phase: p }, [c.buffer, p.buffer]);
  };
  if (bytes === null) {
    worker.postMessage({ type: "decode", spec: spec });
  } else {
    var member = bytes.slice(); // its own buffer, handed over
    worker.postMessage({ type: "decode", spec: spec, bytes: member }, [member.buffer]);
  }
  return handle;
}
