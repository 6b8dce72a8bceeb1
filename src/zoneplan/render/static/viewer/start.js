/*
 * Start-up: init, which the page's last script calls with the Leaflet map and the id
 * of the data element, and the window.zoneplan namespace it fills.
 *
 * Uses: base64Bytes, blockPieces, blockText, blockMember, restSize, gunzip, gunzipStream,
 * decodeColumns, decodeGeometry (biglayer-decode.js), newBigWorker, takeBigWorker,
 * startBigWorker, dropSpareWorker (biglayer-worker.js), Viewer (viewer.js), el (dom.js);
 * toVN2000, measurePlanar (coords.js); fold, safeUrl (dom.js).
 */

/**
 * Start the viewer: decode the big layers' attributes and build the map while their
 * geometry is decoded in a worker, draw the first view (the big layers' tiles by their
 * workers, as soon as they have the geometry), then give the page its copy of the geometry
 * (hover, search, its share of the tiles) and mark the body with data-zoneplan-ready (or
 * data-zoneplan-error). Returns a Promise of the viewer.
 */
function init(map, dataId) {
  var timings = window.zoneplan.timings = { start: performance.now() };
  var data = pageData(dataId);
  timings.parsed = performance.now();
  var loads = data.layers.map(function (spec) { return spec.big ? loadBig(spec.big) : null; });
  dropSpareWorker();
  var ready = Promise.all(loads.map(function (load) { return load && load.columns; })).then(function (decoded) {
    var viewer = new Viewer(map, data, decoded); // big layers drawn once their geometry is there
    timings.viewer = performance.now();
    window.zoneplan.viewer = viewer;
    // a worker draws its layer's tiles as soon as it has decoded the geometry (the view is
    // asked for now, so it does not wait for a round trip); without one, the page once it has
    return Promise.all(loads.map(function (load) { return load && load.drawable; })).then(function () {
      viewer.drawBigLayers();
      return viewer.whenDrawn();
    }).then(function () {
      timings.drawn = performance.now();
      viewer.startBasemap();
      viewer.startMinimap();
      // now the page's own copy
      loads.forEach(function (load) { if (load) load.copy(); });
      return Promise.all(loads.map(function (load) { return load && load.geometry; }));
    }).then(function () {
      timings.decoded = performance.now();
      viewer.drawBigLayers(); // a view asked for meanwhile
      return viewer.whenDrawn();
    }).then(function () {
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
// the page's data, parsed once (feedBig, init), by element id
var parsedData = {};

/** The page's data: the JSON of element `dataId`, parsed on first use. */
function pageData(dataId) {
  if (!(dataId in parsedData)) parsedData[dataId] = JSON.parse(document.getElementById(dataId).textContent);
  return parsedData[dataId];
}

/** What feedBig keeps of a block read in pieces: its layout (spec), a worker, the bytes seen. */
function newFeed(id, dataId) {
  var spec = null;
  try {
    pageData(dataId).layers.forEach(function (layer) { if (layer.big && layer.big.element === id) spec = layer.big; });
  } catch (err) {
    spec = null; // no data yet: the block is read whole at the start (loadBig)
  }
  return { spec: spec, worker: spec ? takeBigWorker() : null, whole: !!spec, pieces: 0, at: 0,
    handle: null, rest: null };
}

/**
 * Take the piece of a big layer's block the browser has just read, the element before
 * `script` (map.py's FEED_SCRIPT, after each piece of a long block; `dataId`, the page's data
 * element, gives the block's layout): the bytes of its first member go to the layer's worker,
 * which inflates them at once and, as soon as it has the whole member, decodes the geometry,
 * while this thread goes on reading the page and inflates the second member's bytes itself.
 * Without a worker, or when a piece is missing, the block is read whole at the start (loadBig).
 */
function feedBig(script, dataId) {
  var node = script && script.previousElementSibling;
  if (!node || node.type !== "application/octet-stream" || !node.id) return;
  var id = node.id.replace(/\.\d+$/, ""), feed = feeding[id];
  if (!feed && node.id === id) feed = feeding[id] = newFeed(id, dataId);
  if (!feed || !feed.whole) return;
  if (node.id !== (feed.pieces ? id + "." + feed.pieces : id)) { feed.whole = false; return; }
  var bytes = base64Bytes(node.textContent.trim()), at = feed.at, end = at + bytes.length;
  var cut = feed.spec.split.deflated;
  feed.pieces++;
  feed.at = end;
  if (at < cut && feed.worker && !feed.worker.failed) {
    var head = end <= cut ? bytes : bytes.slice(0, cut - at);
    feed.worker.postMessage({ type: "piece", bytes: head, size: feed.spec.split.inflated }, [head.buffer]);
    if (end >= cut) feed.handle = startBigWorker(feed.worker, feed.spec, null); // decode now
  }
  if (end > cut) {
    if (!feed.rest) feed.rest = gunzipStream(restSize(feed.spec));
    feed.rest.push(at >= cut ? bytes : bytes.subarray(cut - at));
  }
}

/**
 * Decode a big layer: its geometry in a worker (startBigWorker) while this thread decodes
 * its attributes; here alone when no worker runs. A block that came in pieces (feedBig) had
 * its first member inflated and decoded by the worker, and its second inflated here, as the
 * page was read; else each member is read from the block's text now. {columns: a Promise of
 * the layer with its attributes, drawable: a Promise once its tiles can be asked for (at
 * once when a worker draws them: it waits for its geometry), copy: a function asking the
 * worker for the page's copy of the geometry, geometry: a Promise of the layer once its
 * geometry is in it too} (big.worker: the worker that keeps the geometry and rasterises
 * tiles, or null; big.geometry: that last Promise).
 */
function loadBig(spec) {
  var feed = feeding[spec.element], timings = window.zoneplan.timings, bytes = null;
  var all = !!feed && feed.whole && feed.pieces === blockPieces(spec.element).length;
  function member(k) { // of the block's text, read once
    if (!bytes) bytes = base64Bytes(blockText(spec.element).trim());
    return blockMember(bytes, spec, k);
  }
  var worker = feed ? feed.handle : null;
  if (all) timings.pieces = (timings.pieces || 0) + feed.pieces;
  if (!worker) {
    // the first member read whole now: no pieces, or one went missing (a new worker then,
    // unless it was refused)
    var fresh = !feed || !feed.worker ? takeBigWorker() : !feed.worker.failed ? newBigWorker() : null;
    if (feed && feed.worker) feed.worker.terminate();
    worker = startBigWorker(fresh, spec, member(0));
  }
  var rest = all && feed.rest ? feed.rest.close() : gunzip(member(1));
  function here() { return gunzip(member(0)).then(function (buffer) { return decodeGeometry(buffer, spec); }); }
  var columns = rest.then(function (buffer) {
    var big = decodeColumns(buffer, spec);
    timings.columns = performance.now();
    big.worker = worker;
    if (worker) worker.attributes(big.cat, big.phase);
    var geometry = worker ? worker.geometry.catch(function () {
      big.worker = null;
      return here();
    }) : here();
    big.geometry = geometry.then(function (g) {
      bytes = null;
      timings.geometry = performance.now();
      if (big.worker) timings.worker = big.worker.spent;
      Object.keys(g).forEach(function (key) { if (!(key in big)) big[key] = g[key]; });
      return big;
    });
    return big;
  });
  return {
    columns: columns,
    drawable: columns.then(function (big) { return big.worker ? null : big.geometry; }),
    copy: function () { if (worker) worker.copy(); },
    geometry: columns.then(function (big) { return big.geometry; })
  };
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
