/*
 * Start-up: init, which the page's last script calls with the Leaflet map and the id
 * of the data element, and the window.zoneplan namespace it fills.
 *
 * Uses: decodeBig (biglayer-decode.js), Viewer (viewer.js), el (dom.js); toVN2000,
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
    return spec.big ? decodeBig(spec.big) : null;
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

window.zoneplan = {
  init: init,
  toVN2000: toVN2000,
  measurePlanar: measurePlanar,
  fold: fold,
  safeUrl: safeUrl,
  viewer: null
};
