/*
 * Small safe helpers for the DOM and for text.
 *
 * Safety rule of the viewer: every string that comes from data is put into the
 * page with textContent, createTextNode or setAttribute on a harmless
 * attribute, never with innerHTML; Leaflet calls that take HTML strings
 * (attribution) get escaped text; links are http(s) only. Lookups keyed by data
 * use Map, never plain objects, so keys such as "__proto__" stay inert.
 *
 * Provides: el, own, asText, safeUrl, escapeHtml, fold, svgEl, fullscreenIcon, printIcon,
 * northIcon, withAlpha, stopEvents, control.
 */

function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function own(obj, key) {
  return obj !== null && typeof obj === "object" &&
    Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

function asText(value) {
  if (value === null || value === undefined || value === "") return "–";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** The URL if it is absolute http(s), else null. */
function safeUrl(value) {
  if (typeof value !== "string") return null;
  var url;
  try { url = new URL(value.trim()); } catch (err) { return null; }
  return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
}

/** Escape text for the few Leaflet calls that only take HTML (attribution). */
function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
  });
}

/** Fold a name for search: no diacritics, đ → d, lower case. */
function fold(text) {
  return String(text).normalize("NFD").replace(/\p{M}/gu, "")
    .replace(/[đĐ]/g, "d").toLowerCase().replace(/\s+/g, " ").trim();
}

/** An SVG element with the given attributes (constant, never data). */
function svgEl(name, attrs) {
  var node = document.createElementNS("http://www.w3.org/2000/svg", name);
  Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
  return node;
}

/** A small SVG icon of one path, so no icon font or image is needed. */
function svgIcon(d, width, height, fill) {
  var svg = svgEl("svg", {
    viewBox: "0 0 " + width + " " + height, width: width, height: height, "aria-hidden": "true"
  });
  svg.appendChild(svgEl("path", {
    d: d, fill: fill ? "currentColor" : "none", stroke: "currentColor", "stroke-width": fill ? 1 : 2
  }));
  return svg;
}

/** Four corner marks. */
function fullscreenIcon() {
  return svgIcon("M1 6V1h5M10 1h5v5M15 10v5h-5M6 15H1v-5", 16, 16, false);
}

/** A printer: the paper tray, the body and the sheet coming out. */
function printIcon() {
  return svgIcon("M4 6V1h8v5M2 6h12v6H2zM4 10h8v5H4z", 16, 16, false);
}

/** The north arrow: a filled arrowhead pointing up (Web Mercator's north). */
function northIcon() {
  return svgIcon("M10 1L18 27L10 21L2 27Z", 20, 28, true);
}

/** "#rrggbb" and an opacity as a CSS rgba() colour. */
function withAlpha(hex, alpha) {
  var m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  return "rgba(" + parseInt(m[1], 16) + "," + parseInt(m[2], 16) + "," + parseInt(m[3], 16) + "," +
    Math.min(1, Math.max(0, alpha)) + ")";
}

function stopEvents(node) {
  L.DomEvent.disableClickPropagation(node);
  L.DomEvent.disableScrollPropagation(node);
  // on a touch screen Leaflet makes a double tap out of two clicks that reach the map, so
  // two quick taps on two buttons would zoom it: clicks in a control stop there
  L.DomEvent.on(node, "click", L.DomEvent.stopPropagation);
}

function control(position, build) {
  var Ctl = L.Control.extend({ options: { position: position }, onAdd: build });
  return new Ctl();
}
