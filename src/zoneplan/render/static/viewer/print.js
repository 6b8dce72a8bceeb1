/*
 * Printing: the print button lays the current view out for A4 or A3, landscape or
 * portrait, and opens the browser's own print dialog ("Save as PDF" works everywhere).
 * The print style sheet (zoneplan.css, @media print) leaves the controls off the sheet
 * and keeps the legend, the scale bar, the north arrow, the overview map and the title
 * block with the facts date and the date of printing; @page sets the paper.
 *
 * Uses: el, printIcon, northIcon, control (dom.js); Dock (dock.js).
 * Provides: PRINT_PAPERS, PRINT_MARGIN_MM, PRINT_NORTH_PX, PRINT_LEGEND_RESERVE_PX, printChoice.
 */

/** Paper sizes the print button offers, short side first, in millimetres. */
var PRINT_PAPERS = { A4: [210, 297], A3: [297, 420] };
/** Page margin of printed sheets (mm), set with @page. */
var PRINT_MARGIN_MM = 8;
/** Height the north arrow takes in the top-right corner on paper (CSS px, with its margin). */
var PRINT_NORTH_PX = 70;
/** Room the legend leaves on paper: corner margins, its padding and the attribution (CSS px). */
var PRINT_LEGEND_RESERVE_PX = 60;

/**
 * The print button: paper and orientation, then the browser's own print of the current
 * view, sized to the paper; controls are hidden by the print style sheet and the
 * legend, scale bar, north arrow and title block stay. Ctrl+P prints the same way with
 * the last choice (A4 landscape at first).
 */
Viewer.prototype.addPrint = function () {
  var self = this;
  var t = this.t;
  this.printSetup = { paper: "A4", orientation: "landscape" };
  var form = el("div", "zp-box zp-print-form");
  form.hidden = true;
  form.id = this.map.getContainer().id + "-print";
  form.setAttribute("role", "group");
  form.setAttribute("aria-label", t.print);
  var paper = printChoice(form, t.print_paper, "zp-print-paper", [["A4", "A4"], ["A3", "A3"]]);
  var turn = printChoice(form, t.print_orientation, "zp-print-orientation",
    [["landscape", t.landscape], ["portrait", t.portrait]]);
  var go = el("button", "zp-print-go", t.print_go);
  go.type = "button";
  form.appendChild(go);
  // a button beside the zoom buttons (the dock's action), opening the paper choice
  var btn = this.dock.addAction({
    id: "print", title: t.print, icon: printIcon(), position: "topleft",
    onClick: function () {
      form.hidden = !form.hidden;
      btn.setAttribute("aria-expanded", String(!form.hidden));
    }
  });
  btn.setAttribute("aria-expanded", "false");
  btn.setAttribute("aria-controls", form.id);
  btn.parentNode.appendChild(form);
  form.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") return;
    ev.stopPropagation();
    form.hidden = true;
    btn.setAttribute("aria-expanded", "false");
    btn.focus();
  });
  go.addEventListener("click", function () {
    form.hidden = true;
    btn.setAttribute("aria-expanded", "false");
    self.printSheet(paper.value, turn.value);
  });
  var north = control("topright", function () {
    var box = el("div", "zp-north zp-print-only");
    box.appendChild(el("div", "zp-north-letter", t.north));
    box.appendChild(northIcon());
    return box;
  });
  north.addTo(this.map);
  window.addEventListener("beforeprint", function () {
    if (!self.printing) self.layoutForPrint(self.printSetup);
  });
  window.addEventListener("afterprint", function () { self.endPrint(); });
};

/** Size the map to the paper's printable area, keeping the view's centre and zoom. */
Viewer.prototype.layoutForPrint = function (setup) {
  var size = PRINT_PAPERS[setup.paper] || PRINT_PAPERS.A4;
  var wide = setup.orientation !== "portrait";
  var w = (wide ? size[1] : size[0]) - 2 * PRINT_MARGIN_MM;
  var h = (wide ? size[0] : size[1]) - 2 * PRINT_MARGIN_MM;
  var page = document.getElementById("zp-print-page");
  if (!page) {
    page = document.createElement("style");
    page.id = "zp-print-page";
    document.head.appendChild(page);
  }
  page.textContent = "@page { size: " + (setup.paper in PRINT_PAPERS ? setup.paper : "A4") + " " +
    (wide ? "landscape" : "portrait") + "; margin: " + PRINT_MARGIN_MM + "mm; }";
  var box = this.map.getContainer();
  if (!this.printing) {
    this.printSaved = { center: this.map.getCenter(), zoom: this.map.getZoom(),
      width: box.style.width, height: box.style.height };
  }
  this.printing = true;
  document.body.classList.add("zp-printing");
  document.body.setAttribute("data-zoneplan-print", setup.paper + " " + (wide ? "landscape" : "portrait"));
  box.style.width = w + "mm";
  box.style.height = (h - 1) + "mm"; // a hair under the page, so nothing spills onto a second one
  this.printDate.textContent = this.t.printed + ": " + new Date().toLocaleDateString(this.locale);
  this.map.invalidateSize({ pan: false });
  this.map.setView(this.printSaved.center, this.printSaved.zoom, { animate: false });
  this.fitLegendForPrint();
};

/**
 * Lay the legend out in as many columns as the sheet needs, so that every entry shown
 * is on paper: on screen its list scrolls, on paper nothing can. The legend keeps the
 * bottom-right corner and grows to the left, below the title block and the north arrow.
 */
Viewer.prototype.fitLegendForPrint = function () {
  var panel = this.legend;
  if (!panel) return;
  var body = panel.body;
  body.style.gridAutoFlow = "";
  body.style.gridTemplateRows = "";
  var rows = Array.prototype.filter.call(
    body.querySelectorAll(".zp-legend-heading, .zp-legend-item"),
    function (node) { return node.getClientRects().length > 0; });
  if (!rows.length) return;
  var box = this.map.getContainer().getBoundingClientRect();
  var title = this.map.getContainer().querySelector(".zp-title").getBoundingClientRect();
  var head = panel.head.getBoundingClientRect().height;
  var rowH = Math.max.apply(null, rows.map(function (node) {
    var style = getComputedStyle(node);
    return node.getBoundingClientRect().height + parseFloat(style.marginTop) +
      parseFloat(style.marginBottom);
  }));
  // room between the title block (or the north arrow) and the attribution, less the
  // corner margins, the legend's heading and its padding
  var top = Math.max(title.bottom - box.top, PRINT_NORTH_PX);
  var room = box.height - top - PRINT_LEGEND_RESERVE_PX - head;
  var perColumn = Math.max(1, Math.floor(room / rowH));
  var columns = Math.ceil(rows.length / perColumn);
  body.style.gridAutoFlow = "column";
  body.style.gridTemplateRows = "repeat(" + Math.ceil(rows.length / columns) + ", auto)";
};

/** Lay out for the paper, wait until the layers and basemap tiles are drawn, then print. */
Viewer.prototype.printSheet = function (paper, orientation) {
  var self = this;
  this.printSetup = { paper: paper in PRINT_PAPERS ? paper : "A4",
    orientation: orientation === "portrait" ? "portrait" : "landscape" };
  this.layoutForPrint(this.printSetup);
  return this.whenDrawn().then(function () { return self.whenTilesLoaded(5000); }).then(function () {
    document.body.setAttribute("data-zoneplan-print-ready", "1");
    window.print();
  });
};

/** Resolve when the basemap has no tile loading, or after `ms` at most. */
Viewer.prototype.whenTilesLoaded = function (ms) {
  var layer = this.basemap;
  if (!layer || !this.map.hasLayer(layer) || !layer.isLoading()) return Promise.resolve(); // paused: none
  return new Promise(function (resolve) {
    var timer = setTimeout(resolve, ms);
    layer.once("load", function () { clearTimeout(timer); resolve(); });
  });
};

/** Put the map back as it was on screen. */
Viewer.prototype.endPrint = function () {
  if (!this.printing) return;
  var box = this.map.getContainer();
  box.style.width = this.printSaved.width;
  box.style.height = this.printSaved.height;
  this.printing = false;
  document.body.classList.remove("zp-printing");
  document.body.removeAttribute("data-zoneplan-print");
  document.body.removeAttribute("data-zoneplan-print-ready");
  if (this.legend) {
    this.legend.body.style.gridAutoFlow = "";
    this.legend.body.style.gridTemplateRows = "";
  }
  this.map.invalidateSize({ pan: false });
  this.map.setView(this.printSaved.center, this.printSaved.zoom, { animate: false });
};

/** A labelled select of [value, text] options, added to `form`; returns the select. */
function printChoice(form, text, className, options) {
  var lab = el("label", "zp-print-choice");
  lab.appendChild(el("span", null, text));
  var select = el("select", className);
  options.forEach(function (pair) {
    var opt = el("option", null, pair[1]);
    opt.value = pair[0];
    select.appendChild(opt);
  });
  lab.appendChild(select);
  form.appendChild(lab);
  return select;
}
