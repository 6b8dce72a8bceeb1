/*
 * Start-up: init, which the page's last script calls with the Leaflet map and the id
 * of the data element, and the window.zoneplan namespace it fills.
 *
 * Uses: bigBytes, decodeColumns, decodeGeometry (biglayer-decode.js), startBigWorker
 * (biglayer-worker.js), Viewer (viewer.js), el (dom.js); toVN2000,
 * measurePlanar (coords.js); fold, safeUrl (dom.js).
 */

/**
 * Start the viewer: decode the big layers, draw everything, then mark the body
 * with data-zoneplan-ready (or data-zoneplan-error). Returns a Promise of the viewer.
 */
function init(map, dataId) {
  var timings = window.zoneplan.timings = { start: performance.now() };
  var data = JSON.parse(document.getElementById(dataId).textContent);
  timings.parsed = performance.now();
  var ready = Promise.all(data.layers.map(function (spec) {
    return spec.big ? loadBig(spec.big) : null;
  })).then(function (decoded) {
    timings.decoded = performance.now();
    var viewer = new Viewer(map, data, decoded);
    timings.viewer = performance.now();
    window.zoneplan.viewer = viewer;
    return viewer.whenDrawn().then(function () {
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
 * its attributes; here alone when no worker runs. A Promise of the layer (big.worker: the
 * worker that keeps a copy of the geometry and rasterises tiles, or null).
 */
function loadBig(spec) {
  var text = document.getElementById(spec.element).textContent;
  var worker = startBigWorker(spec, text);
  return bigBytes(text).then(function (buffer) {
    var big = decodeColumns(buffer, spec);
    var geometry = worker ? worker.geometry.catch(function () {
      worker = null;
      return decodeGeometry(buffer, spec);
    }) : decodeGeometry(buffer, spec);
    return Promise.resolve(geometry).then(function (g) {
      Object.keys(g).forEach(function (key) { if (!(key in big)) big[key] = g[key]; });
      big.worker = worker;
      return big;
    });
  });
}

window.zoneplan = {
  init: init,
  toVN2000: toVN2000,
  measurePlanar: measurePlanar,
  fold: fold,
  safeUrl: safeUrl,
  viewer: null
};
