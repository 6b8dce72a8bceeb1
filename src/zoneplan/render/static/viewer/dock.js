/*
 * The dock: where the map's panels and buttons sit, on wide screens and on phones.
 *
 * Every panel (layers, legend, search, measure, features in view, and any control added
 * later) is made by Dock.add and is a labelled landmark (<section aria-label>) with a
 * heading, a close button and a body. On a wide map each panel sits in its Leaflet corner
 * as before; a collapsible one folds to its heading. On a compact map (narrower than
 * COMPACT_WIDTH or lower than COMPACT_HEIGHT CSS pixels, a phone) the panels leave their
 * corners for one sheet above a toolbar of buttons, one button per panel: a button opens
 * its panel and closes the one that was open; the close button, Escape or the button
 * again closes it. Dock.addAction adds a single button (full screen, print) beside the
 * zoom buttons on every screen.
 *
 * Uses: el, stopEvents, control (dom.js).
 * Provides: Dock, COMPACT_WIDTH, COMPACT_HEIGHT.
 */

var COMPACT_WIDTH = 700;
var COMPACT_HEIGHT = 500;

/** The dock of a Leaflet map; `t` holds the interface strings. */
function Dock(map, t) {
  var self = this;
  this.map = map;
  this.t = t;
  this.panels = [];
  this.byId = new Map();
  this.current = null; // the open panel on a compact map
  this.compact = null;
  var box = map.getContainer();
  this.toolbar = el("div", "zp-toolbar");
  this.toolbar.setAttribute("role", "toolbar");
  this.toolbar.setAttribute("aria-label", t.tools);
  this.sheet = el("div", "zp-sheet");
  stopEvents(this.toolbar);
  stopEvents(this.sheet);
  // first in the container (the title block goes before them): the toolbar and the open
  // panel come first in reading and tab order, before the map's own panes and corners
  box.insertBefore(this.sheet, box.firstChild);
  box.insertBefore(this.toolbar, this.sheet);
  this.sheet.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && self.current) { ev.stopPropagation(); self.hide(true); }
  });
  map.on("resize", function () { self.layout(); });
  this.layout();
}

/**
 * Add a panel. spec: id (for element ids and data-panel), title (its name and heading),
 * short (its toolbar label; title when absent), position (its Leaflet corner on a wide
 * map: "topleft", "topright", "bottomleft", "bottomright"), className (more classes of the
 * box), heading (false: no heading on a wide map, as search and measure), collapsible
 * (its heading folds it on a wide map), folded (folded at first), scrollFocus (its body
 * takes the keyboard focus, for a body that scrolls and holds no control), build(body,
 * panel) fills the body, onShow(panel) runs each time it is shown, focus() returns the
 * element to focus when it is opened from the toolbar.
 * Returns the panel: {id, spec, box, body, button, open(), close(), shown()}.
 */
Dock.prototype.add = function (spec) {
  var self = this;
  var id = "zp-panel-" + spec.id;
  var box = el("section", "zp-box zp-dock-panel " + (spec.className || ""));
  box.id = id;
  box.setAttribute("data-panel", spec.id);
  box.setAttribute("aria-label", spec.title);
  if (spec.heading === false) box.classList.add("zp-no-heading");
  var head = el("div", "zp-dock-head");
  var h2 = el("h2", "zp-dock-title");
  var toggle = el("button", "zp-dock-toggle", spec.title);
  toggle.type = "button";
  toggle.setAttribute("aria-controls", id + "-body");
  toggle.title = this.t.toggle_panel;
  var label = el("span", "zp-dock-label", spec.title);
  label.tabIndex = -1;
  h2.appendChild(spec.collapsible ? toggle : label);
  if (spec.collapsible) h2.appendChild(label);
  var close = el("button", "zp-dock-close");
  close.type = "button";
  close.setAttribute("aria-label", this.t.close + ": " + spec.title);
  close.appendChild(el("span", null, "×")).setAttribute("aria-hidden", "true");
  head.appendChild(h2);
  head.appendChild(close);
  var body = el("div", "zp-dock-body");
  body.id = id + "-body";
  if (spec.scrollFocus) body.tabIndex = 0;
  box.appendChild(head);
  box.appendChild(body);
  stopEvents(box);
  var button = el("button", "zp-dock-button", spec.short || spec.title);
  button.type = "button";
  button.setAttribute("data-panel", spec.id);
  button.setAttribute("aria-controls", id);
  button.setAttribute("aria-expanded", "false");
  button.title = spec.title;
  this.toolbar.appendChild(button);
  var slot = control(spec.position || "topright", function () { return el("div", "zp-dock-slot"); });
  slot.addTo(this.map);
  var panel = {
    id: spec.id, spec: spec, box: box, body: body, head: head, button: button, toggle: toggle,
    label: label, slot: slot.getContainer(), folded: !!spec.folded,
    open: function () { if (self.compact) self.show(panel, false); else self.fold(panel, false); },
    close: function () {
      if (!self.compact) self.fold(panel, true);
      else if (self.current === panel) self.hide(false);
    },
    shown: function () { return self.compact ? self.current === panel : !panel.folded; }
  };
  toggle.addEventListener("click", function () { self.fold(panel, !panel.folded); });
  close.addEventListener("click", function () {
    if (self.compact) self.hide(true); else self.fold(panel, true);
  });
  button.addEventListener("click", function () {
    if (self.current === panel) self.hide(true); else self.show(panel, true);
  });
  this.panels.push(panel);
  this.byId.set(spec.id, panel);
  if (spec.build) spec.build(body, panel);
  this.place(panel);
  return panel;
};

/** A panel by id, or undefined. */
Dock.prototype.panel = function (id) { return this.byId.get(id); };

/**
 * Add a button beside the zoom buttons. spec: id, title (its name and tooltip), icon (an
 * SVG or text node), position ("topleft" when absent), onClick(event). Returns the button.
 */
Dock.prototype.addAction = function (spec) {
  var btn = el("button", "zp-action zp-" + spec.id + "-button");
  btn.type = "button";
  btn.title = spec.title;
  btn.setAttribute("aria-label", spec.title);
  if (spec.icon) btn.appendChild(spec.icon);
  btn.addEventListener("click", function (ev) { spec.onClick(ev); });
  control(spec.position || "topleft", function () {
    var bar = el("div", "leaflet-bar zp-action-bar zp-" + spec.id);
    bar.appendChild(btn);
    stopEvents(bar);
    return bar;
  }).addTo(this.map);
  return btn;
};

/** Fold or unfold a panel on a wide map. */
Dock.prototype.fold = function (panel, folded) {
  panel.folded = folded;
  panel.toggle.setAttribute("aria-expanded", String(!folded));
  panel.box.classList.toggle("zp-folded", folded);
  if (!this.compact) {
    panel.body.hidden = folded;
    if (!folded && panel.spec.onShow) panel.spec.onShow(panel);
  }
};

/** Open a panel on a compact map, closing the one that was open. */
Dock.prototype.show = function (panel, focus) {
  if (this.current && this.current !== panel) this.hide(false);
  this.current = panel;
  panel.box.hidden = false;
  this.sheet.classList.add("zp-sheet-open");
  panel.button.setAttribute("aria-expanded", "true");
  if (panel.spec.onShow) panel.spec.onShow(panel);
  if (focus) {
    var target = panel.spec.focus ? panel.spec.focus() : null;
    (target || panel.label).focus();
  }
};

/** Close the open panel on a compact map; give the focus back to its button. */
Dock.prototype.hide = function (focus) {
  var panel = this.current;
  if (!panel) return;
  var had = panel.box.contains(document.activeElement);
  this.current = null;
  panel.box.hidden = true;
  this.sheet.classList.remove("zp-sheet-open");
  panel.button.setAttribute("aria-expanded", "false");
  if (focus || had) panel.button.focus();
};

/** Put a panel where the layout wants it: its corner, or the sheet. */
Dock.prototype.place = function (panel) {
  if (this.compact) {
    this.sheet.appendChild(panel.box);
    panel.box.hidden = panel !== this.current;
    panel.body.hidden = false;
  } else {
    panel.slot.appendChild(panel.box);
    panel.box.hidden = false;
    panel.body.hidden = panel.folded;
    panel.toggle.setAttribute("aria-expanded", String(!panel.folded));
  }
};

/** Choose the wide or the compact layout for the map's size now. */
Dock.prototype.layout = function () {
  var size = this.map.getSize();
  var box = this.map.getContainer();
  box.style.setProperty("--zp-h", size.y + "px");
  var compact = size.x < COMPACT_WIDTH || size.y < COMPACT_HEIGHT;
  if (compact === this.compact) return;
  var focused = document.activeElement;
  if (!compact) this.hide(false);
  this.compact = compact;
  box.classList.toggle("zp-compact", compact);
  this.toolbar.hidden = !compact;
  var self = this;
  this.panels.forEach(function (panel) { self.place(panel); });
  // a panel moved keeps the focus it held
  if (focused && focused !== document.activeElement && box.contains(focused)) focused.focus();
};
