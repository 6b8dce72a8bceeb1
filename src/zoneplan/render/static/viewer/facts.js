/*
 * Dated facts in the Viewer: a feature's status as text and as an outline readable at a
 * glance, its timeline in the popup (newest first: date, event, decision, source link),
 * the status part of the legend, and text labels for point layers that ask for them
 * (the communes and wards at their published centres). Every value goes in as text;
 * source links are http(s) only.
 *
 * Uses: el, own, asText, safeUrl, withAlpha (dom.js).
 * Provides: Viewer.prototype.statusOf, statusStyle, timelineNode, statusLegend,
 * updateStatusLegend, labelLayer.
 */

/** The status record ({key, label, style}) of a feature, or null when it has none. */
Viewer.prototype.statusOf = function (feature) {
  var i = feature.zp.status;
  var list = this.data.statuses || [];
  return typeof i === "number" && i >= 0 && i < list.length ? list[i] : null;
};

/** Change a Leaflet path style so that it shows the feature's status. */
Viewer.prototype.statusStyle = function (feature, style) {
  var st = this.statusOf(feature);
  if (!st) return style;
  var s = st.style || {};
  if (own(s, "dash") !== undefined) style.dashArray = s.dash || null;
  if (typeof s.weight_add === "number") style.weight += s.weight_add;
  if (typeof s.fill_scale === "number") style.fillOpacity = Math.min(0.9, style.fillOpacity * s.fill_scale);
  style.className += " zp-s" + feature.zp.status;
  return style;
};

/** The timeline of a feature, newest first, as a DOM node; null without events. */
Viewer.prototype.timelineNode = function (item) {
  var events = item.feature.zp.events;
  if (!Array.isArray(events) || !events.length) return null;
  var t = this.t;
  var box = el("div", "zp-timeline");
  box.appendChild(el("div", "zp-timeline-title", t.timeline));
  var list = el("ol", "zp-timeline-list");
  var self = this;
  events.forEach(function (ev) {
    var li = el("li", "zp-event");
    // on the date slider, the events after the date shown are greyed and say so
    if (self.eventLater && self.eventLater(item, ev)) {
      li.className += " zp-event-later";
      li.appendChild(el("div", "zp-event-note", t.time_later));
    }
    var head = el("div", "zp-event-head");
    var date = el("span", "zp-event-date", asText(own(ev, "date_text")));
    date.setAttribute("data-date", asText(own(ev, "date")));
    head.appendChild(date);
    head.appendChild(el("span", "zp-event-kind", asText(own(ev, "kind_label"))));
    li.appendChild(head);
    li.appendChild(el("div", "zp-event-text", asText(own(ev, "text"))));
    var decision = own(ev, "decision");
    if (decision) li.appendChild(el("div", "zp-event-decision", t.decision_no + ": " + asText(decision)));
    if (own(ev, "conflict")) li.appendChild(el("div", "zp-event-conflict", t.sources_disagree));
    var url = own(ev, "url");
    var href = safeUrl(url);
    if (href) {
      var a = el("a", "zp-event-source", t.source + ": " + new URL(href).hostname);
      a.href = href;
      a.title = href;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      li.appendChild(a);
    } else if (url) {
      li.appendChild(el("span", "zp-event-url", asText(url)));
    }
    list.appendChild(li);
  });
  box.appendChild(list);
  return box;
};

/** Add the status key to the legend panel's body: one outline sample per status. */
Viewer.prototype.statusLegend = function (body) {
  var statuses = this.data.statuses || [];
  this.statusItems = [];
  if (!statuses.length) return;
  var self = this;
  var section = el("div", "zp-legend-section zp-legend-statuses");
  section.appendChild(el("h3", "zp-legend-heading", this.t.status));
  var list = el("ul", "zp-legend-list");
  statuses.forEach(function (st, i) {
    var li = el("li", "zp-legend-item zp-legend-status");
    li.setAttribute("data-status-index", String(i));
    var s = st.style || {};
    var svg = svgEl("svg", { "class": "zp-status-swatch", width: 28, height: 14, "aria-hidden": "true" });
    var fill = typeof s.fill_scale === "number" ? s.fill_scale : 1;
    var rect = svgEl("rect", {
      x: 2, y: 2, width: 24, height: 10, fill: withAlpha("#777777", 0.3 * fill), stroke: "#333333",
      "stroke-width": 1.5 + (typeof s.weight_add === "number" ? s.weight_add : 0),
    });
    if (s.dash) rect.setAttribute("stroke-dasharray", String(s.dash));
    svg.appendChild(rect);
    li.appendChild(svg);
    li.appendChild(el("span", "zp-legend-label", st.label));
    list.appendChild(li);
    self.statusItems.push(li);
  });
  section.appendChild(list);
  body.appendChild(section);
  this.statusSection = section;
};

/** Show the status entries of the features drawn now. */
Viewer.prototype.updateStatusLegend = function () {
  if (!this.statusItems || !this.statusItems.length) return;
  var shown = new Set();
  this.layers.forEach(function (entry) {
    if (!entry.on || entry.big) return;
    entry.items.forEach(function (item) {
      if (item.shown && typeof item.feature.zp.status === "number") shown.add(item.feature.zp.status);
    });
  });
  this.statusItems.forEach(function (li, i) { li.hidden = !shown.has(i); });
  this.statusSection.hidden = shown.size === 0;
};

/** Below this zoom the labels would cover each other (a phone sees the zone at 10). */
var LABEL_MIN_ZOOM = 11;

/**
 * Text labels at the points of a layer whose style asks for them (label: true); they
 * show from LABEL_MIN_ZOOM on, where they no longer cover each other.
 */
Viewer.prototype.labelLayer = function (entry, paneName) {
  var self = this;
  var group = L.layerGroup();
  if (!this.labelZoomWatched) {
    this.labelZoomWatched = true;
    var box = this.map.getContainer();
    var follow = function () { box.classList.toggle("zp-labels-far", self.map.getZoom() < LABEL_MIN_ZOOM); };
    this.map.on("zoomend", follow);
    this.map.whenReady(follow);
  }
  entry.items.forEach(function (item) {
    if (!item.layer.getLatLng) return;
    var node = el("span", "zp-label", self.names(item)[0]);
    var icon = L.divIcon({ html: node, className: "zp-label-icon", iconSize: null, iconAnchor: [-8, 8] });
    item.label = L.marker(item.layer.getLatLng(), { icon: icon, pane: paneName, interactive: false, keyboard: false });
    group.addLayer(item.label);
  });
  return group;
};
