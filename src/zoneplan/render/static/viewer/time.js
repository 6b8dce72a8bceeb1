/*
 * The date slider: every feature as it stood on a date. A feature of the shipped layers
 * is hidden before its first dated event and then drawn with the status its latest
 * status-giving event gives it (the payload's event_kinds, as zoneplan.events does); a
 * feature of a user layer read with --date-field appears on its date. Features without
 * dates are shown on every date. The layer counts, the legend, the tooltips and the
 * popups follow the date; the date is kept in the page's address (#date=YYYY-MM-DD), so
 * a link opens on it. The slider is a range input (arrow keys, Page Up/Down, Home, End,
 * touch) in a dock panel, with buttons for the decision's date and the facts date.
 *
 * Uses: el, own (dom.js); bigValue (biglayer-decode.js); statusOf, updateStatusLegend
 * (facts.js).
 * Provides: dayNumber, eventStart, hashParams, writeHash, Viewer.prototype.setupTime,
 * setDate, applyTime, dateOf, itemOn, bigOn, addTimePanel.
 */

var ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a YYYY-MM-DD text (NaN for anything else). */
function dayNumber(iso) {
  var m = ISO_DAY.exec(String(iso));
  if (!m) return NaN;
  var ms = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  var d = new Date(ms);
  // 2025-02-30 is not a day
  return d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3] ? ms / 864e5 : NaN;
}

/** The first day of an event's date at its precision: 2017 → 2017-01-01, 2017-05 → 2017-05-01. */
function eventStart(date) {
  var text = String(date);
  if (/^\d{4}$/.test(text)) return text + "-01-01";
  if (/^\d{4}-\d{2}$/.test(text)) return text + "-01";
  return text;
}

/** The parameters of the page's address after #, as a Map. */
function hashParams() {
  var out = new Map();
  String(location.hash || "").replace(/^#/, "").split("&").forEach(function (pair) {
    if (!pair) return;
    var i = pair.indexOf("=");
    try {
      out.set(decodeURIComponent(i < 0 ? pair : pair.slice(0, i)), i < 0 ? "" : decodeURIComponent(pair.slice(i + 1)));
    } catch (err) { /* a malformed pair is left out */ }
  });
  return out;
}

/** Set (or, with null, drop) parameters of the address after #, without a history step. */
function writeHash(changes) {
  var params = hashParams();
  changes.forEach(function (value, key) { if (value === null) params.delete(key); else params.set(key, value); });
  var parts = [];
  params.forEach(function (value, key) { parts.push(encodeURIComponent(key) + "=" + encodeURIComponent(value)); });
  var url = location.pathname + location.search + (parts.length ? "#" + parts.join("&") : "");
  try { history.replaceState(history.state, "", url); } catch (err) { location.hash = parts.join("&"); }
}

Viewer.prototype.setupTime = function () {
  var spec = this.data.time;
  this.timeline = null;
  if (!spec) return;
  var self = this;
  var kindStatus = new Map(), statusIndex = new Map();
  (this.data.statuses || []).forEach(function (s, i) { statusIndex.set(s.key, i); });
  (this.data.event_kinds || []).forEach(function (k) {
    kindStatus.set(k.key, statusIndex.has(k.status) ? statusIndex.get(k.status) : null);
  });
  this.timeline = { spec: spec, date: spec.end, right: null, kindStatus: kindStatus,
    stops: spec.stops.map(function (s) { return s[0]; }) };
  this.layers.forEach(function (entry) { self.timeEntry(entry); });
  this.setDate(this.validDay(hashParams().get("date")) || spec.end, { hash: false, quiet: true });
  window.addEventListener("hashchange", function () {
    var params = hashParams();
    var day = self.validDay(params.get("date")) || spec.end;
    if (day !== self.timeline.date) self.setDate(day, { hash: false });
    var right = self.validDay(params.get("right"));
    if (!self.swipe) return;
    if (right && right !== self.timeline.right) self.setDate(right, { right: true, hash: false });
    if (!!right !== self.swipe.on) self.setSwipe(!!right);
  });
};

/** A day within the slider's range, from text; null if it is not one. */
Viewer.prototype.validDay = function (text) {
  var spec = this.data.time;
  if (!spec || typeof text !== "string" || isNaN(dayNumber(text))) return null;
  if (text < spec.start) return spec.start;
  return text > spec.end ? spec.end : text;
};

/**
 * The dated steps of a feature: [[day, status index or null], ...] oldest first, from
 * its events (newest first in zp.events) or its date column; null without dates.
 */
Viewer.prototype.featureSteps = function (entry, feature) {
  var time = entry.spec.time, kindStatus = this.timeline.kindStatus;
  if (time) {
    var value = own(feature.properties || {}, time.field);
    var day = value === null || value === undefined ? undefined : own(time.days, String(value));
    return typeof day === "string" ? [[day, null]] : null;
  }
  var events = feature.zp.events;
  if (!Array.isArray(events) || !events.length) return null;
  var steps = [];
  for (var i = events.length - 1; i >= 0; i--) {
    var status = kindStatus.get(own(events[i], "kind"));
    steps.push([eventStart(own(events[i], "date")), status === undefined ? null : status]);
  }
  return steps;
};

/** Read the dates of an entry's features once. */
Viewer.prototype.timeEntry = function (entry) {
  var self = this, time = entry.spec.time;
  if (entry.big) {
    // the day number of each feature; undated ones -Infinity (shown on every date)
    var big = entry.big, since = null;
    var col = time ? big.columns.filter(function (c) { return c.name === time.field; })[0] : null;
    if (col) {
      since = new Float64Array(big.n).fill(-Infinity);
      var byValue = new Map();
      for (var f = 0; f < big.n; f++) {
        var value = bigValue(col, f);
        if (value === null || value === undefined) continue;
        var key = String(value);
        if (!byValue.has(key)) { var d = own(time.days, key); byValue.set(key, typeof d === "string" ? dayNumber(d) : -Infinity); }
        since[f] = byValue.get(key);
      }
    }
    entry.since = since;
    return;
  }
  entry.items.forEach(function (item) {
    var zp = item.feature.zp;
    zp.steps = self.featureSteps(entry, item.feature);
    if (zp.status0 === undefined) zp.status0 = zp.status;
  });
};

/** The date the entry's side shows (the swipe's right side has a date of its own). */
Viewer.prototype.dateOf = function (entry) {
  var tl = this.timeline;
  return entry.side === "right" && tl && tl.right ? tl.right : tl ? tl.date : null;
};

/** Whether a feature exists on its side's date. */
Viewer.prototype.existsOn = function (item) {
  var steps = item.feature.zp.steps;
  return !this.timeline || !steps || steps[0][0] <= this.dateOf(item.entry);
};

/** Whether a feature is drawn: its phase is on and it exists on its side's date. */
Viewer.prototype.itemOn = function (item) {
  return !!this.phaseOn[item.feature.zp.phase] && this.existsOn(item);
};

/** Whether a big layer's feature f is drawn on its date (its phase aside). */
Viewer.prototype.bigOn = function (entry, f) {
  return !entry.since || entry.since[f] <= entry.day;
};

/** The index of a feature's status on a day: its latest status step by then, else its own. */
function statusOnDay(zp, day) {
  var steps = zp.steps;
  if (!steps || steps[0][1] === null && steps.length === 1) return zp.status0;
  var status = -1;
  for (var i = 0; i < steps.length && steps[i][0] <= day; i++) if (steps[i][1] !== null) status = steps[i][1];
  return status;
}

/**
 * Show the map on `day` (YYYY-MM-DD). opts: right (set the swipe's right date instead),
 * hash (false: leave the address as it is), quiet (true: no announcement).
 */
Viewer.prototype.setDate = function (day, opts) {
  opts = opts || {};
  var tl = this.timeline;
  if (!tl) return;
  day = this.validDay(day) || tl.spec.end;
  if (opts.right) tl.right = day; else tl.date = day;
  this.applyTime();
  if (opts.hash !== false) writeHash(new Map([[opts.right ? "right" : "date", day]]));
  this.showDate();
  if (!opts.quiet && this.timeUi) this.announce(this.fmtDay(day) + " – " + this.timeUi.count.textContent);
};

/** Redraw every layer for the dates now: what is shown, its status, the counts and legend. */
Viewer.prototype.applyTime = function () {
  var self = this;
  (this.allEntries ? this.allEntries() : this.layers).forEach(function (entry) {
    var day = self.dateOf(entry);
    if (entry.big) {
      entry.day = dayNumber(day);
      self.countBig(entry);
      if (entry.group && entry.group.redraw) entry.group.redraw();
      return;
    }
    var n = 0;
    entry.items.forEach(function (item) {
      var zp = item.feature.zp;
      var status = statusOnDay(zp, day);
      var changed = status !== zp.status;
      zp.status = status;
      var exists = self.existsOn(item), show = exists && !!self.phaseOn[zp.phase];
      if (exists) n++;
      if (show && !item.shown) entry.group.addLayer(item.layer);
      if (!show && item.shown) entry.group.removeLayer(item.layer);
      if (item.label && entry.labels) {
        if (show) entry.labels.addLayer(item.label); else entry.labels.removeLayer(item.label);
      }
      if (show && (changed || !item.shown)) entry.group.resetStyle(item.layer);
      item.shown = show;
    });
    entry.countNow = n;
    if (entry.run && entry.run.entries[0] === entry) self.restack(entry);
  });
  if (this.bigShape) this.hoverBig(null);
  this.map.closePopup();
  this.updateCounts();
  if (this.scheduleLabels) this.scheduleLabels(); // --label-by labels of the features shown
  if (this.legend) this.updateLegend();
  if (this.inView && this.inView.shown()) this.updateFeatureList();
};

/** Count a big layer's features on its date, and the category/phase pairs they have. */
Viewer.prototype.countBig = function (entry) {
  var big = entry.big, since = entry.since, day = entry.day, n = 0, pairs = new Set();
  if (!since) { entry.countNow = big.n; entry.catPhaseNow = null; return; }
  for (var f = 0; f < big.n; f++) {
    if (since[f] > day) continue;
    n++;
    pairs.add(big.cat[f] * 256 + big.phase[f]);
  }
  entry.countNow = n;
  entry.catPhaseNow = Array.from(pairs, function (v) { return [Math.floor(v / 256), v % 256]; });
};

/** The layer panel's counts: the features of each layer on the slider's date. */
Viewer.prototype.updateCounts = function () {
  var self = this;
  if (!this.layerBoxes) return;
  this.layers.forEach(function (entry) {
    var box = self.layerBoxes[entry.index];
    var node = box && box.parentNode.querySelector(".zp-layer-count");
    if (node && typeof entry.countNow === "number") node.textContent = " (" + self.fmt(entry.countNow, 0) + ")";
  });
};

/** "4 Dec 2024" / "4 thg 12, 2024" of a YYYY-MM-DD day. */
Viewer.prototype.fmtDay = function (iso) {
  if (!this.dayFormat) {
    this.dayFormat = new Intl.DateTimeFormat(this.locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  }
  return this.dayFormat.format(new Date(dayNumber(iso) * 864e5));
};

/** The heading of the popup's status row: "Status on 4 Dec 2024" with a slider. */
Viewer.prototype.statusHeading = function (item) {
  if (!this.timeline || !item.feature.zp.steps) return this.t.status;
  return this.t.status_on.replace("{date}", this.fmtDay(this.dateOf(item.entry)));
};

/** Whether an event of a popup's timeline comes after the date the feature is shown on. */
Viewer.prototype.eventLater = function (item, ev) {
  return !!this.timeline && eventStart(own(ev, "date")) > this.dateOf(item.entry);
};

/* ---------------- the panel ---------------- */

Viewer.prototype.addTimePanel = function () {
  if (!this.timeline) return;
  var self = this, t = this.t;
  this.dock.add({
    id: "time", title: t.time_title, short: t.time_short, position: "bottomleft",
    className: "zp-time", collapsible: true,
    focus: function () { return self.timeUi.range; },
    build: function (body) { self.timeBody(body); }
  });
  this.updateCounts();
  this.showDate();
};

/**
 * A labelled slider over the stops: {row (its label and the date as text), out, range};
 * moving it calls setDate with `opts` (the swipe's right side: {right: true}).
 */
Viewer.prototype.dateRange = function (id, text, opts) {
  var self = this, tl = this.timeline;
  var row = el("div", "zp-time-row");
  var label = el("label", "zp-time-label", text);
  label.htmlFor = id;
  var out = el("output", "zp-time-value");
  out.setAttribute("for", id);
  out.setAttribute("aria-hidden", "true"); // the range's aria-valuetext says it
  row.appendChild(label);
  row.appendChild(out);
  var range = el("input", "zp-time-range");
  range.type = "range";
  range.id = id;
  range.min = "0";
  range.max = String(tl.stops.length - 1);
  range.step = "1";
  range.addEventListener("input", function () {
    self.setDate(tl.stops[+range.value], Object.assign({ quiet: true }, opts));
  });
  range.addEventListener("change", function () { self.setDate(tl.stops[+range.value], opts); });
  return { row: row, out: out, range: range };
};

Viewer.prototype.timeBody = function (body) {
  var self = this, t = this.t, tl = this.timeline;
  var base = this.map.getContainer().id + "-time";
  var slider = this.dateRange(base, t.time_date, {});
  var row = slider.row, out = slider.out, range = slider.range;
  range.classList.add("zp-time-date");
  var ticks = el("datalist");
  ticks.id = base + "-marks";
  range.setAttribute("list", ticks.id);
  var marks = el("div", "zp-time-marks");
  tl.spec.marks.forEach(function (mark) {
    var option = el("option");
    option.value = String(tl.stops.indexOf(mark.date));
    ticks.appendChild(option);
    var btn = el("button", "zp-time-mark", self.fmtDay(mark.date) + " · " + mark.label);
    btn.type = "button";
    btn.setAttribute("data-date", mark.date);
    btn.addEventListener("click", function () { self.setDate(mark.date); });
    marks.appendChild(btn);
  });
  var count = el("p", "zp-time-count");
  count.setAttribute("aria-live", "off");
  body.appendChild(row);
  body.appendChild(range);
  body.appendChild(ticks);
  body.appendChild(marks);
  body.appendChild(count);
  this.timeUi = { range: range, out: out, count: count, marks: marks };
  if (this.addSwipeControls) this.addSwipeControls(body);
};

/** The stop at or before a day. */
Viewer.prototype.stopIndex = function (day) {
  var stops = this.timeline.stops, i = 0;
  while (i + 1 < stops.length && stops[i + 1] <= day) i++;
  return i;
};

/** Show the slider's date: the thumb, the text, the marks, the count. */
Viewer.prototype.showDate = function () {
  var ui = this.timeUi, tl = this.timeline;
  if (!ui) return;
  var mark = tl.spec.marks.filter(function (m) { return m.date === tl.date; })[0];
  var text = this.fmtDay(tl.date) + (mark ? " · " + mark.label : "");
  ui.range.value = String(this.stopIndex(tl.date));
  ui.range.setAttribute("aria-valuetext", text);
  ui.out.textContent = text;
  ui.marks.querySelectorAll("button").forEach(function (b) {
    b.setAttribute("aria-pressed", String(b.getAttribute("data-date") === tl.date));
  });
  var n = 0;
  this.layers.forEach(function (entry) { if (entry.on && typeof entry.countNow === "number") n += entry.countNow; });
  ui.count.textContent = this.t.time_count.replace("{n}", this.fmt(n, 0));
  if (this.showSwipe) this.showSwipe();
};
