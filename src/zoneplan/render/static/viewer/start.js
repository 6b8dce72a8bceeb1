/*
 * Start-up: init, which the page's last script calls with the Leaflet map and the id
 * of the data element, and the window.zoneplan namespace it fills.
 *
 * Uses: bigBytes, decodeColumns, decodeGeometry (biglayer-decode.js), startBigWorker,
 * dropSpareWorker (biglayer-worker.js), Viewer (viewer.js), el (dom.js); toVN2000,
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

/**
 * Decode a big layer: its geometry in a worker (startBigWorker) while this thread decodes
 * its attributes; here alone when no worker runs. {columns: a Promise of the layer with its
 * attributes, geometry: a Promise of the same object once its geometry is in it too}
 * (big.worker: the worker that keeps a copy of the geometry and rasterises tiles, or null).
 */
function loadBig(spec) {
  var text = document.getElementById(spec.element).textContent;
  var worker = startBigWorker(spec, text);
  var timings = window.zoneplan.timings;
  var columns = bigBytes(text).then(function (buffer) {
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
  toVN2000: toVN2000,
  measurePlanar: measurePlanar,
  fold: fold,
  safeUrl: safeUrl,
  viewer: null
};
