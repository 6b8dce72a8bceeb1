/*
 * Start-up: init, which the page's last script calls with the Leaflet map and the id
 * of the data element, and the window.zoneplan namespace it fills.
 *
 * Uses: base64Bytes, blockPieces, blockText, bigBytes, decodeColumns, decodeGeometry
 * (biglayer-decode.js), newBigWorker, takeBigWorker, startBigWorker, dropSpareWorker
 * (biglayer-worker.js), Viewer (viewer.js), el (dom.js); toVN2000,
 * measurePlanar (coords.js); fold, safeUrl (dom.js).
 */

/**
 * Start the viewer: decode the big layers' attributes and build the map while their
 * geometry is decoded in a worker, draw everything once it is there, then mark the body
 * with data-zoneplan-ready (or data-zoneplan-error). Returns a Promise of the viewer.
 */
function init(map, dataId) {
  var timings = window.zoneplan.timings = { start: performance.now() };
  var data = JSON.parse(document.getElementById(dataId).textContent);
  timings.parsed = performance.now();
  var loads = data.layers.map(function (spec) { return spec.big ? loadBig(spec.big) : null; });
  dropSpareWorker();
  var ready = Promise.all(loads.map(function (load) { return load && load.columns; })).then(function (decoded) {
    var viewer = new Viewer(map, data, decoded); // big layers drawn once their geometry is there
    timings.viewer = performance.now();
    window.zoneplan.viewer = viewer;
    return Promise.all(loads.map(function (load) { return load && load.geometry; })).then(function () {
      timings.decoded = performance.now();
      viewer.drawBigLayers();
      return viewer.whenDrawn();
    }).then(function () {
      timings.drawn = performance.now();
      document.body.setAttribute("data-zoneplan-ready", "1");
      (window.requestIdleCallback || setTimeout)(function () { viewer.warmBigRaster(); });
      return viewer;
    });
  });
  ready.catch(function (err) {
    document.body.setAttribute("data-zoneplan-error", String(err && err.message || err));
    var box = el("div", "zp-box zp-error", String(err && err.message || err));
    map.getContainer().appendChild(box);
  });
  window.zoneplan.ready = ready;
  return ready;
}

// the big layers' blocks read in pieces while the page loads (feedBig), by element id
var feeding = {};

/**
 * Hand the piece of a big layer's block the browser has just read, the element before
 * `script` (map.py's FEED_SCRIPT, after each piece of a long block), to the layer's worker,
 * which inflates it at once, while this thread goes on reading the page. Without a worker
 * the block is read whole at the start (loadBig).
 */
function feedBig(script) {
  var node = script && script.previousElementSibling;
  if (!node || node.type !== "application/octet-stream" || !node.id) return;
  var id = node.id.replace(/\.\d+$/, ""), feed = feeding[id];
  if (!feed && node.id === id) feed = feeding[id] = { worker: takeBigWorker(), pieces: 0, whole: true };
  if (!feed || !feed.whole || !feed.worker || feed.worker.failed) return;
  if (node.id !== (feed.pieces ? id + "." + feed.pieces : id)) { feed.whole = false; return; }
  var bytes = base64Bytes(node.textContent.trim());
  feed.pieces++;
  feed.worker.postMessage({ type: "piece", bytes: bytes }, [bytes.buffer]);
}

/**
 * Decode a big layer: its geometry in a worker (startBigWorker) while this thread decodes
 * its attributes; here alone when no worker runs. A block that came in pieces was inflated
 * by the worker as the page was read (feedBig), and its bytes come from there; else it is
 * read from its text now. {columns: a Promise of the layer with its attributes, geometry: a
 * Promise of the same object once its geometry is in it too} (big.worker: the worker that
 * keeps a copy of the geometry and rasterises tiles, or null).
 */
function loadBig(spec) {
  var feed = feeding[spec.element], text = null, worker = null, bytes;
  var timings = window.zoneplan.timings;
  if (feed && feed.whole && feed.pieces && feed.pieces === blockPieces(spec.element).length) {
    worker = startBigWorker(feed.worker, spec, null);
  }
  if (worker) {
    timings.pieces = (timings.pieces || 0) + feed.pieces;
    bytes = worker.bytes.catch(function () { return bigBytes(blockText(spec.element)); });
  } else {
    // read whole: no pieces, or one went missing (a new worker then, unless it was refused)
    var fresh = !feed ? takeBigWorker() : feed.worker && !feed.worker.failed ? newBigWorker() : null;
    if (feed && feed.worker) feed.worker.terminate();
    text = blockText(spec.element);
    worker = startBigWorker(fresh, spec, text);
    bytes = bigBytes(text);
  }
  var columns = bytes.then(function (buffer) {
    var big = decodeColumns(buffer, spec);
    timings.columns = performance.now();
    big.worker = worker;
    var geometry = worker ? worker.geometry.catch(function () {
      big.worker = null;
      return decodeGeometry(buffer, spec);
    }) : Promise.resolve().then(function () { return decodeGeometry(buffer, spec); });
    big.geometry = geometry.then(function (g) {
      timings.geometry = performance.now();
      if (big.worker) timings.worker = big.worker.spent;
      Object.keys(g).forEach(function (key) { if (!(key in big)) big[key] = g[key]; });
      return big;
    });
    return big;
  });
  return { columns: columns, geometry: columns.then(function (big) { return big.geometry; }) };
}

window.zoneplan = {
  init: init,
  feed: feedBig,
  toVN2000: toVN2000,
  measurePlanar: measurePlanar,
  fold: fold,
  safeUrl: safeUrl,
  viewer: null
};
