/*
 * The map for keyboard and screen-reader users: the page's main landmark, the map's
 * label and keyboard help, announcements (popups, tooltips, search results), popups as
 * labelled dialogs that take and give back the focus, and the list of the features in
 * view, each opening the same popup as a click on the map.
 *
 * Uses: el (dom.js); mercX, mercY (coords.js); queryBig (biglayer-decode.js); Dock (dock.js).
 */

/** How many features the list of features in view shows at most. */
var IN_VIEW_LIMIT = 60;

Viewer.prototype.setupAccess = function () {
  var self = this;
  var box = this.map.getContainer();
  // the map is the page's main content: wrap it in <main> unless the page already has one
  if (!box.closest("main") && !document.querySelector("main")) {
    var main = el("main", "zp-main");
    box.parentNode.insertBefore(main, box);
    main.appendChild(box);
    this.map.invalidateSize(false);
  }
  // the container takes the keyboard (arrows pan, + and - zoom): say what it is and how
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", this.t.map_label);
  var keys = el("p", "zp-sr-only", this.t.map_keys);
  keys.id = box.id + "-keys";
  box.appendChild(keys);
  box.setAttribute("aria-describedby", keys.id);
  this.live = el("div", "zp-sr-only zp-live");
  this.live.setAttribute("role", "status");
  box.appendChild(this.live);
  // a popup that held the focus gives it back to what opened it (Leaflet has removed the
  // popup by now, so the focus fell to the page)
  this.map.on("popupclose", function (ev) {
    var back = ev.popup._zpOpener;
    var now = document.activeElement;
    if (!back || (now && now !== document.body && document.contains(now))) return;
    // the list it was opened from may have been redrawn since: the same feature's button
    var key = back.getAttribute("data-feature");
    if (!document.contains(back)) back = key ? box.querySelector('[data-feature="' + key + '"]') : null;
    (back || box).focus();
  });
};

/** Say a short text to screen readers (politely, once). */
Viewer.prototype.announce = function (text) {
  var live = this.live;
  if (!live || !text) return;
  // a repeated text is said again only if it changes
  live.textContent = live.textContent === text ? text + "\u00a0" : text;
};

/** Make an open popup a labelled dialog; focus it when asked; Escape closes it. */
Viewer.prototype.popupOpened = function (popup, item, opener) {
  var self = this;
  var node = popup.getElement();
  if (!node) return;
  var name = this.names(item)[0];
  node.setAttribute("role", "dialog");
  node.setAttribute("aria-label", name);
  var close = node.querySelector(".leaflet-popup-close-button");
  if (close) close.setAttribute("aria-label", this.t.close_popup);
  popup._zpOpener = opener;
  // a popup that scrolls (on a phone) scrolls by keyboard too
  var content = node.querySelector(".leaflet-popup-scrolled");
  if (content) content.tabIndex = 0;
  node.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") return;
    ev.stopPropagation();
    self.map.closePopup(popup);
  });
  this.announce(name + " – " + this.categoryLabel(item));
  if (opener) {
    var heading = node.querySelector(".zp-popup-name");
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
};

/* ---------------- features in view ---------------- */

Viewer.prototype.addFeatureList = function () {
  var self = this;
  var t = this.t;
  var due = false;
  this.dock.add({
    id: "features", title: t.in_view, short: t.in_view_short, position: "topleft",
    className: "zp-inview", collapsible: true, folded: true,
    build: function (body, panel) {
      self.inView = panel;
      body.appendChild(el("p", "zp-inview-count"));
      body.appendChild(el("ul", "zp-inview-list"));
      body.appendChild(el("p", "zp-inview-more"));
    },
    onShow: function () { self.updateFeatureList(); }
  });
  // follows the view, once the map has been drawn, only while it is shown
  this.map.on("moveend", function () {
    if (due || !self.inView.shown()) return;
    due = true;
    setTimeout(function () { due = false; self.updateFeatureList(); }, 60);
  });
};

/** The features drawn in the view now, top layer first, at most `limit` of them. */
Viewer.prototype.featuresInView = function (limit) {
  var bounds = this.map.getBounds();
  var phaseOn = this.phaseOn;
  var out = [], total = 0;
  var x0 = mercX(bounds.getWest()), x1 = mercX(bounds.getEast());
  var y0 = mercY(bounds.getNorth()), y1 = mercY(bounds.getSouth());
  for (var k = this.layers.length - 1; k >= 0; k--) {
    var entry = this.layers[k];
    if (!entry.on) continue;
    if (entry.big) {
      var big = entry.big, bb = big.bbox, self = this;
      queryBig(big, x0, y0, x1, y1, function (f) {
        if (!phaseOn[big.phase[f]] || !self.bigOn(entry, f)) return;
        if (bb[4 * f] > x1 || bb[4 * f + 2] < x0 || bb[4 * f + 1] > y1 || bb[4 * f + 3] < y0) return;
        total++;
        if (out.length < limit) out.push(self.bigItem(entry, f));
      });
      continue;
    }
    entry.items.forEach(function (item) {
      if (!item.shown) return;
      if (!item.bounds) {
        var l = item.layer;
        item.bounds = l.getBounds ? l.getBounds() : L.latLngBounds([l.getLatLng(), l.getLatLng()]);
      }
      if (!item.bounds.isValid() || !bounds.intersects(item.bounds)) return;
      total++;
      if (out.length < limit) out.push(item);
    });
  }
  return { items: out, total: total };
};

Viewer.prototype.updateFeatureList = function () {
  var self = this;
  var body = this.inView.body;
  var found = this.featuresInView(IN_VIEW_LIMIT);
  var list = body.querySelector(".zp-inview-list");
  list.textContent = "";
  body.querySelector(".zp-inview-count").textContent =
    this.t.in_view_count.replace("{n}", this.fmt(found.total, 0));
  body.querySelector(".zp-inview-more").textContent = found.total > found.items.length
    ? this.t.in_view_more.replace("{shown}", this.fmt(found.items.length, 0)) : "";
  found.items.forEach(function (item) {
    var li = el("li");
    var btn = el("button", "zp-inview-hit");
    btn.type = "button";
    btn.appendChild(el("span", "zp-inview-name", self.names(item)[0]));
    btn.appendChild(el("span", "zp-inview-what", self.categoryLabel(item) + " · " + item.entry.spec.title));
    var f = item.big !== undefined ? "b" + item.big : String(item.entry.items.indexOf(item));
    btn.setAttribute("data-feature", item.entry.index + ":" + f);
    btn.addEventListener("click", function () { self.openPopup(item, null, true); });
    li.appendChild(btn);
    list.appendChild(li);
  });
};
