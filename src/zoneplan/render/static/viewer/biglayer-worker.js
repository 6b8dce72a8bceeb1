/*
 * Big layers on the second core: a Web Worker that decodes a big layer's geometry and
 * rasterises its tiles, while the page's own thread decodes the attributes, builds the map
 * and rasterises the other half of the tiles.
 *
 * The worker runs the very functions of biglayer-decode.js and biglayer-raster.js: their own
 * text (Function.prototype.toString, no eval), joined into a data: URL, which the page's
 * Content-Security-Policy allows as its only worker source (worker-src data:), the one kind of
 * worker a page opened from file:// may start (a blob: URL of its opaque origin is refused).
 * Where no worker can start (an older policy, a sandboxed frame), or one fails, the page
 * decodes and rasterises everything itself, as before.
 *
 * Uses: D2R, MAX_LAT, mercX, mercY (coords.js); ARRAYS, RING_*, base64Bytes, gunzip,
 * bigBytes, readPart, unshuffle, sharedVertices, offsets, decodeGeometry, buildGrid
 * (biglayer-decode.js); RASTER_PX, TILE, rasterLine, rasterPolygon, rasterTile
 * (biglayer-raster.js).
 * Provides: startBigWorker.
 */

/** What the worker runs: on "decode", the geometry (a copy posted back); on "tiles", tiles. */
function bigWorkerMain() {
  var geometry = null;
  function fail(err) { self.postMessage({ type: "error", message: String((err && err.message) || err) }); }
  self.onmessage = function (ev) {
    var m = ev.data;
    if (m.type === "decode") {
      bigBytes(m.text).then(function (buffer) {
        geometry = decodeGeometry(buffer, m.spec);
        self.postMessage({ type: "geometry", geometry: geometry });
        geometry.stamp = new Uint32Array(geometry.n);
        geometry.query = 0;
      }).catch(fail);
      return;
    }
    try {
      var out = [], transfer = [];
      for (var k = 0; k < m.tiles.length; k++) {
        var t = m.tiles[k], tile = rasterTile(geometry, t[0], t[1], m.z, m.r, m.look);
        var paths = Int32Array.from(tile.paths);
        out.push({ key: t[2], pixels: tile.pixels, paths: paths });
        if (tile.pixels) transfer.push(tile.pixels.buffer);
        transfer.push(paths.buffer);
      }
      self.postMessage({ type: "tiles", job: m.job, tiles: out }, transfer);
    } catch (err) {
      fail(err);
    }
  };
}

/** The worker's script: constants, the shared functions' text, then bigWorkerMain(). */
function bigWorkerSource() {
  var shared = [mercX, mercY, base64Bytes, gunzip, bigBytes, readPart, unshuffle, sharedVertices,
    offsets, decodeGeometry, buildGrid, rasterLine, rasterPolygon, rasterTile, bigWorkerMain];
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

/**
 * Start a worker on a big layer's block: {geometry: Promise of the decoded geometry, tiles:
 * function (z, r, [[tx, ty, key], ...], look) -> Promise of [{key, pixels, paths}]}, or null
 * when no worker can be started here. After a failure every promise rejects; `dead` is set.
 */
function startBigWorker(spec, text) {
  var worker;
  try {
    if (typeof Worker !== "function") return null;
    worker = new Worker("data:text/javascript;charset=utf-8," + encodeURIComponent(bigWorkerSource()));
  } catch (err) {
    return null;
  }
  var handle = { dead: false, jobs: new Map(), next: 1 };
  var geometry = {};
  handle.geometry = new Promise(function (resolve, reject) { geometry.resolve = resolve; geometry.reject = reject; });
  handle.geometry.catch(function () {}); // taken up later (loadBig), maybe after it failed
  function die(message) {
    if (handle.dead) return;
    handle.dead = true;
    worker.terminate();
    var err = new Error(message || "the big-layer worker stopped");
    geometry.reject(err);
    handle.jobs.forEach(function (job) { job.reject(err); });
    handle.jobs.clear();
  }
  worker.onmessage = function (ev) {
    var m = ev.data;
    if (m.type === "geometry") geometry.resolve(m.geometry);
    else if (m.type === "tiles") {
      var job = handle.jobs.get(m.job);
      handle.jobs.delete(m.job);
      if (job) job.resolve(m.tiles);
    } else die(m.message);
  };
  worker.onerror = function (ev) { ev.preventDefault(); die(ev.message); };
  handle.tiles = function (z, r, tiles, look) {
    if (handle.dead) return Promise.reject(new Error("the big-layer worker stopped"));
    var id = handle.next++;
    return new Promise(function (resolve, reject) {
      handle.jobs.set(id, { resolve: resolve, reject: reject });
      worker.postMessage({ type: "tiles", job: id, z: z, r: r, tiles: tiles, look: look });
    });
  };
  worker.postMessage({ type: "decode", spec: spec, text: text });
  return handle;
}
