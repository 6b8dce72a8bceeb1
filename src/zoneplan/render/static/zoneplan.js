/*
 * zoneplan planning-map viewer.
 *
 * Draws the layers embedded in the page as JSON and adds the map's controls:
 * grouped layer switcher with basemaps, opacity and phase filter, legend,
 * tooltips and popups, search, measure tool, VN-2000 cursor readout,
 * full screen, overview map and title block.
 *
 * Safety rule of this file: every string that comes from data is put into the
 * page with textContent, createTextNode or setAttribute on a harmless
 * attribute, never with innerHTML; Leaflet calls that take HTML strings
 * (attribution) get escaped text; links are http(s) only. Lookups keyed by data
 * use Map, never plain objects, so keys such as "__proto__" stay inert.
 */
(function () {
  "use strict";

  var D2R = Math.PI / 180;
  var R2D = 180 / Math.PI;

  /* ------------------------------------------------------------------ */
  /* VN-2000 / TM-3 105°45' from WGS 84                                  */
  /* ------------------------------------------------------------------ */

  // WGS 84 ellipsoid (VN-2000 uses the same ellipsoid, shifted and rotated).
  var A = 6378137.0;
  var F = 1 / 298.257223563;
  var E2 = F * (2 - F);
  var E = Math.sqrt(E2);
  var SEC = D2R / 3600;
  // EPSG:6960 "VN-2000 to WGS 84 (2)", coordinate frame rotation (Decision 05/2007/QĐ-BTNMT).
  var HELMERT = {
    tx: -191.90441429, ty: -39.30318279, tz: -111.45032835,
    rx: -0.00928836 * SEC, ry: 0.01975479 * SEC, rz: -0.00427372 * SEC,
    s: 0.252906278e-6
  };
  // Transverse Mercator of VN-2000 / TM-3 105-45 (EPSG:9210).
  var TM = { k0: 0.9999, lon0: 105.75, fe: 500000, fn: 0 };
  // Krüger series to n^6 (Karney 2011, "Transverse Mercator with an accuracy of a few nanometers").
  var N = F / (2 - F);
  var N2 = N * N, N3 = N2 * N, N4 = N3 * N, N5 = N4 * N, N6 = N5 * N;
  var A1 = A / (1 + N) * (1 + N2 / 4 + N4 / 64 + N6 / 256);
  var ALPHA = [
    N / 2 - 2 / 3 * N2 + 5 / 16 * N3 + 41 / 180 * N4 - 127 / 288 * N5 + 7891 / 37800 * N6,
    13 / 48 * N2 - 3 / 5 * N3 + 557 / 1440 * N4 + 281 / 630 * N5 - 1983433 / 1935360 * N6,
    61 / 240 * N3 - 103 / 140 * N4 + 15061 / 26880 * N5 + 167603 / 181440 * N6,
    49561 / 161280 * N4 - 179 / 168 * N5 + 6601661 / 7257600 * N6,
    34729 / 80640 * N5 - 3418889 / 1995840 * N6,
    212378941 / 319334400 * N6
  ];

  function geocentric(latDeg, lonDeg) {
    var lat = latDeg * D2R, lon = lonDeg * D2R;
    var sinLat = Math.sin(lat);
    var nu = A / Math.sqrt(1 - E2 * sinLat * sinLat);
    return [nu * Math.cos(lat) * Math.cos(lon), nu * Math.cos(lat) * Math.sin(lon),
      nu * (1 - E2) * sinLat];
  }

  function geodetic(x, y, z) {
    var p = Math.hypot(x, y);
    var lat = Math.atan2(z, p * (1 - E2));
    for (var i = 0; i < 6; i++) {
      var sinLat = Math.sin(lat);
      var nu = A / Math.sqrt(1 - E2 * sinLat * sinLat);
      lat = Math.atan2(z + E2 * nu * sinLat, p);
    }
    return [lat * R2D, Math.atan2(y, x) * R2D];
  }

  /** WGS 84 latitude/longitude to VN-2000 geographic, the inverse of EPSG:6960. */
  function vn2000Geographic(lat, lon) {
    var h = HELMERT;
    var w = geocentric(lat, lon);
    var k = 1 + h.s;
    var dx = w[0] - h.tx, dy = w[1] - h.ty, dz = w[2] - h.tz;
    // X_wgs = T + (1 + s) R X_vn with the coordinate-frame matrix R; R is orthogonal
    // to first order, so its inverse is the transpose (as PROJ's helmert does).
    var x = (dx - h.rz * dy + h.ry * dz) / k;
    var y = (h.rz * dx + dy - h.rx * dz) / k;
    var z = (-h.ry * dx + h.rx * dy + dz) / k;
    return geodetic(x, y, z);
  }

  /** Transverse Mercator: geographic degrees to {x: northing, y: easting} in metres. */
  function tm3(lat, lon) {
    var phi = lat * D2R, lam = (lon - TM.lon0) * D2R;
    var sinPhi = Math.sin(phi);
    var t = Math.sinh(Math.atanh(sinPhi) - E * Math.atanh(E * sinPhi));
    var xi1 = Math.atan2(t, Math.cos(lam));
    var eta1 = Math.atanh(Math.sin(lam) / Math.sqrt(1 + t * t));
    var xi = xi1, eta = eta1;
    for (var j = 1; j <= 6; j++) {
      xi += ALPHA[j - 1] * Math.sin(2 * j * xi1) * Math.cosh(2 * j * eta1);
      eta += ALPHA[j - 1] * Math.cos(2 * j * xi1) * Math.sinh(2 * j * eta1);
    }
    return { x: TM.fn + TM.k0 * A1 * xi, y: TM.fe + TM.k0 * A1 * eta };
  }

  /** WGS 84 to VN-2000 / TM-3 105°45': {x: northing, y: easting}, as Vietnamese documents write. */
  function toVN2000(lat, lon) {
    var g = vn2000Geographic(lat, lon);
    return tm3(g[0], g[1]);
  }

  /** Length (m) of a path and area (ha) of the ring it closes, in VN-2000 TM-3 metres. */
  function measurePlanar(latlngs, closed) {
    var pts = latlngs.map(function (ll) { return toVN2000(ll.lat, ll.lng); });
    var length = 0, twiceArea = 0;
    for (var i = 1; i < pts.length; i++) {
      length += Math.hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
    }
    if (closed && pts.length > 2) {
      var last = pts[pts.length - 1];
      length += Math.hypot(pts[0].x - last.x, pts[0].y - last.y);
      for (var k = 0; k < pts.length; k++) {
        var a = pts[k], b = pts[(k + 1) % pts.length];
        twiceArea += a.y * b.x - b.y * a.x;
      }
    }
    return { length_m: length, area_ha: Math.abs(twiceArea) / 2 / 10000 };
  }

  /* ------------------------------------------------------------------ */
  /* Small safe helpers                                                  */
  /* ------------------------------------------------------------------ */

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

  /** Four corner marks, drawn as SVG so no icon font or image is needed. */
  function fullscreenIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M1 6V1h5M10 1h5v5M15 10v5h-5M6 15H1v-5");
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "2");
    svg.appendChild(path);
    return svg;
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
  }

  function control(position, build) {
    var Ctl = L.Control.extend({ options: { position: position }, onAdd: build });
    return new Ctl();
  }

  /* ------------------------------------------------------------------ */
  /* Big layers: the compressed typed-array blocks of biglayer.py        */
  /* ------------------------------------------------------------------ */

  var ARRAYS = { u8: Uint8Array, u16: Uint16Array, u32: Uint32Array, i32: Int32Array, f64: Float64Array };
  var RING_POLYGON = 0, RING_LINE = 1, RING_POINT = 2;
  // polygons smaller than this (pixels) are filled by rasterPolygon, larger ones by canvas paths
  var RASTER_PX = 48;
  var MAX_LAT = 85.0511287798;

  function base64Bytes(text) {
    if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(text);
    var bin = atob(text);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function gunzip(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer();
  }

  /** One typed array (or JSON document) of a block, its byte planes put back together. */
  function readPart(buffer, desc) {
    if (desc.type === "json") {
      return JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, desc.offset, desc.bytes)));
    }
    var Type = ARRAYS[desc.type];
    var size = Type.BYTES_PER_ELEMENT;
    var n = desc.length;
    if (!desc.shuffle || size === 1) return new Type(buffer, desc.offset, n);
    var src = new Uint8Array(buffer, desc.offset, n * size);
    var bytes = new Uint8Array(n * size);
    for (var p = 0; p < size; p++) {
      var base = p * n;
      for (var i = 0, j = p; i < n; i++, j += size) bytes[j] = src[base + i];
    }
    return new Type(bytes.buffer);
  }

  /** Zig-zag deltas back to absolute int32 values. */
  function undelta(u) {
    var out = new Int32Array(u.length);
    var acc = 0;
    for (var i = 0; i < u.length; i++) {
      var v = u[i];
      acc = (acc + ((v >>> 1) ^ -(v & 1))) | 0;
      out[i] = acc;
    }
    return out;
  }

  /** Counts to start offsets (length + 1). */
  function offsets(counts) {
    var out = new Uint32Array(counts.length + 1);
    for (var i = 0; i < counts.length; i++) out[i + 1] = out[i] + counts[i];
    return out;
  }

  function mercX(lon) { return lon / 360 + 0.5; }
  function mercY(lat) {
    var s = Math.sin(Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * D2R);
    return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  }
  function unmercLon(x) { return (x - 0.5) * 360; }
  function unmercLat(y) { return (2 * Math.atan(Math.exp((0.5 - y) * 2 * Math.PI)) - Math.PI / 2) * R2D; }

  /**
   * Decode one big layer: vertices in Web Mercator world units (0..1, as Leaflet
   * projects them), feature boxes, a grid index and the attribute columns.
   */
  function decodeBig(spec) {
    var node = document.getElementById(spec.element);
    return gunzip(base64Bytes(node.textContent.trim())).then(function (buffer) {
      var parts = spec.parts;
      function part(name) { return readPart(buffer, parts[name]); }
      var n = spec.n;
      var featRing = offsets(part("rings"));
      var ringStart = offsets(part("verts"));
      var ringKind = part("kinds");
      var xq = undelta(part("x")), yq = undelta(part("y"));
      var nv = xq.length, q = spec.quantum;
      var mx = new Float64Array(nv), my = new Float64Array(nv);
      for (var i = 0; i < nv; i++) {
        mx[i] = mercX(xq[i] * q);
        my[i] = mercY(yq[i] * q);
      }
      var bbox = new Float64Array(4 * n);
      var kind = new Uint8Array(n);
      var gx0 = Infinity, gy0 = Infinity, gx1 = -Infinity, gy1 = -Infinity;
      for (var f = 0; f < n; f++) {
        var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
        kind[f] = featRing[f + 1] > featRing[f] ? ringKind[featRing[f]] : RING_POINT;
        for (var r = featRing[f]; r < featRing[f + 1]; r++) {
          for (var v = ringStart[r]; v < ringStart[r + 1]; v++) {
            var x = mx[v], y = my[v];
            if (x < x0) x0 = x;
            if (x > x1) x1 = x;
            if (y < y0) y0 = y;
            if (y > y1) y1 = y;
          }
        }
        bbox[4 * f] = x0; bbox[4 * f + 1] = y0; bbox[4 * f + 2] = x1; bbox[4 * f + 3] = y1;
        if (x0 < gx0) gx0 = x0;
        if (y0 < gy0) gy0 = y0;
        if (x1 > gx1) gx1 = x1;
        if (y1 > gy1) gy1 = y1;
      }
      var big = {
        n: n, featRing: featRing, ringStart: ringStart, ringKind: ringKind, mx: mx, my: my,
        bbox: bbox, kind: kind, cat: part("cat"), phase: part("phase"),
        area: part("area_ha"), length: part("length_km"),
        declared: spec.zp.declared_ha ? part(spec.zp.declared_ha) : null,
        names: spec.zp.names.map(function (pair) { return { codes: part(pair[0]), values: part(pair[1]) }; }),
        columns: spec.columns.map(function (col) {
          return col.kind === "num" ? { name: col.name, num: part(col.part) }
            : { name: col.name, codes: part(col.part), values: part(col.values) };
        }),
        stamp: new Uint32Array(n), query: 0
      };
      buildGrid(big, gx0, gy0, gx1, gy1);
      return big;
    });
  }

  /** A uniform grid over the layer, each cell listing the features whose box meets it. */
  function buildGrid(big, x0, y0, x1, y1) {
    var n = big.n;
    var side = Math.max(1, Math.min(1024, Math.ceil(Math.sqrt(n / 4))));
    var w = Math.max((x1 - x0) / side, 1e-12), h = Math.max((y1 - y0) / side, 1e-12);
    var count = new Uint32Array(side * side + 1);
    var large = [];
    var bb = big.bbox;
    function range(f) {
      var ix0 = Math.max(0, Math.min(side - 1, Math.floor((bb[4 * f] - x0) / w)));
      var iy0 = Math.max(0, Math.min(side - 1, Math.floor((bb[4 * f + 1] - y0) / h)));
      var ix1 = Math.max(0, Math.min(side - 1, Math.floor((bb[4 * f + 2] - x0) / w)));
      var iy1 = Math.max(0, Math.min(side - 1, Math.floor((bb[4 * f + 3] - y0) / h)));
      return [ix0, iy0, ix1, iy1];
    }
    var f, c, ix, iy, rg;
    for (f = 0; f < n; f++) {
      if (!(bb[4 * f] <= bb[4 * f + 2])) continue; // no vertices
      rg = range(f);
      if ((rg[2] - rg[0] + 1) * (rg[3] - rg[1] + 1) > 64) { large.push(f); continue; }
      for (iy = rg[1]; iy <= rg[3]; iy++) for (ix = rg[0]; ix <= rg[2]; ix++) count[iy * side + ix + 1]++;
    }
    for (c = 0; c < side * side; c++) count[c + 1] += count[c];
    var items = new Uint32Array(count[side * side]);
    var fill = count.slice(0, side * side);
    var isLarge = new Uint8Array(n);
    large.forEach(function (g) { isLarge[g] = 1; });
    for (f = 0; f < n; f++) {
      if (isLarge[f] || !(bb[4 * f] <= bb[4 * f + 2])) continue;
      rg = range(f);
      for (iy = rg[1]; iy <= rg[3]; iy++) for (ix = rg[0]; ix <= rg[2]; ix++) items[fill[iy * side + ix]++] = f;
    }
    big.grid = { x0: x0, y0: y0, w: w, h: h, side: side, start: count, items: items, large: large };
  }

  /** Call fn once for each feature whose grid cells meet the box (world units). */
  function queryBig(big, x0, y0, x1, y1, fn) {
    var g = big.grid;
    var stamp = big.stamp;
    var qid = big.query = (big.query + 1) >>> 0 || 1;
    var ix0 = Math.max(0, Math.floor((x0 - g.x0) / g.w)), ix1 = Math.min(g.side - 1, Math.floor((x1 - g.x0) / g.w));
    var iy0 = Math.max(0, Math.floor((y0 - g.y0) / g.h)), iy1 = Math.min(g.side - 1, Math.floor((y1 - g.y0) / g.h));
    for (var iy = iy0; iy <= iy1; iy++) {
      for (var ix = ix0; ix <= ix1; ix++) {
        var c = iy * g.side + ix;
        for (var k = g.start[c]; k < g.start[c + 1]; k++) {
          var f = g.items[k];
          if (stamp[f] !== qid) { stamp[f] = qid; fn(f); }
        }
      }
    }
    for (var j = 0; j < g.large.length; j++) fn(g.large[j]);
  }

  function segmentDistance2(px, py, ax, ay, bx, by) {
    var dx = bx - ax, dy = by - ay;
    var len2 = dx * dx + dy * dy;
    var t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
    var qx = ax + t * dx - px, qy = ay + t * dy - py;
    return qx * qx + qy * qy;
  }

  /** Whether feature f is under the point (world units), within tol for lines and points. */
  function hitBig(big, f, x, y, tol) {
    var bb = big.bbox;
    if (x < bb[4 * f] - tol || x > bb[4 * f + 2] + tol || y < bb[4 * f + 1] - tol || y > bb[4 * f + 3] + tol) {
      return false;
    }
    var mx = big.mx, my = big.my, inside = false, tol2 = tol * tol;
    for (var r = big.featRing[f]; r < big.featRing[f + 1]; r++) {
      var a = big.ringStart[r], b = big.ringStart[r + 1], kind = big.ringKind[r], v, j;
      if (kind === RING_POINT) {
        if ((mx[a] - x) * (mx[a] - x) + (my[a] - y) * (my[a] - y) <= tol2) return true;
      } else if (kind === RING_LINE) {
        for (v = a + 1; v < b; v++) {
          if (segmentDistance2(x, y, mx[v - 1], my[v - 1], mx[v], my[v]) <= tol2) return true;
        }
      } else {
        for (v = a, j = b - 1; v < b; j = v++) {
          var yi = my[v], yj = my[j];
          if ((yi > y) !== (yj > y) && x < (mx[j] - mx[v]) * (y - yi) / (yj - yi) + mx[v]) inside = !inside;
        }
      }
    }
    return inside;
  }

  function bigValue(column, f) {
    if (column.num) return Number.isNaN(column.num[f]) ? null : column.num[f];
    return column.values[column.codes[f]];
  }

  function finite(value) { return Number.isNaN(value) ? null : value; }

  var scratchX = new Float64Array(1024), scratchY = new Float64Array(1024), crossings = new Float64Array(256);
  var scratchStarts = new Int32Array(64);

  /**
   * Draw a line from (x0, y0) to (x1, y1), clipped to the tile, one pixel wide, or `thick`
   * pixels (a square pen) on high-density screens.
   */
  function rasterLine(pixels, W, H, x0, y0, x1, y1, color, thick) {
    x0 = Math.floor(x0); y0 = Math.floor(y0); x1 = Math.floor(x1); y1 = Math.floor(y1);
    var dx = Math.abs(x1 - x0), dy = -Math.abs(y1 - y0);
    var sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
    for (var guard = 0; guard < 4096; guard++) {
      if (thick > 1) {
        for (var ty = y0; ty < y0 + thick; ty++) {
          for (var tx = x0; tx < x0 + thick; tx++) {
            if (tx >= 0 && ty >= 0 && tx < W && ty < H) pixels[ty * W + tx] = color;
          }
        }
      } else if (x0 >= 0 && y0 >= 0 && x0 < W && y0 < H) pixels[y0 * W + x0] = color;
      if (x0 === x1 && y0 === y1) return;
      var e2 = 2 * err;
      if (e2 >= dy) { err += dy; x0 += sx; }
      if (e2 <= dx) { err += dx; y0 += sy; }
    }
  }

  /**
   * Fill the polygon rings of feature f into a tile's pixels (pixel centres inside,
   * even-odd), with its outline when `edge` is not 0. Much faster than canvas paths
   * for the many small features of a big layer, which need no anti-aliasing.
   */
  function rasterPolygon(big, f, s, ox, oy, W, H, pixels, fill, edge, thick) {
    var mx = big.mx, my = big.my, r, v, a, b, k = 0;
    var r0 = big.featRing[f], r1 = big.featRing[f + 1];
    var total = big.ringStart[r1] - big.ringStart[r0];
    if (total + r1 - r0 > scratchX.length) {
      scratchX = new Float64Array(2 * (total + r1 - r0));
      scratchY = new Float64Array(2 * (total + r1 - r0));
    }
    if (2 * (r1 - r0) > scratchStarts.length) scratchStarts = new Int32Array(4 * (r1 - r0));
    var starts = scratchStarts, ns = 0;
    for (r = r0; r < r1; r++) {
      if (big.ringKind[r] !== RING_POLYGON) continue;
      a = big.ringStart[r]; b = big.ringStart[r + 1];
      starts[ns++] = k;
      for (v = a; v < b; v++, k++) { scratchX[k] = mx[v] * s - ox; scratchY[k] = my[v] * s - oy; }
      starts[ns++] = k;
    }
    var bb = big.bbox, i = 4 * f;
    var yTop = Math.max(0, Math.floor(bb[i + 1] * s - oy)), yBottom = Math.min(H - 1, Math.ceil(bb[i + 3] * s - oy));
    for (var row = yTop; row <= yBottom; row++) {
      var yc = row + 0.5, n = 0;
      for (var q = 0; q < ns; q += 2) {
        for (var p = starts[q], j = starts[q + 1] - 1; p < starts[q + 1]; j = p++) {
          var yi = scratchY[p], yj = scratchY[j];
          if ((yi > yc) !== (yj > yc) && n < crossings.length) {
            crossings[n++] = scratchX[p] + (yc - yi) * (scratchX[j] - scratchX[p]) / (yj - yi);
          }
        }
      }
      if (n < 2) continue;
      for (var u = 1; u < n; u++) { // insertion sort: n is 2 for most rows
        var t = crossings[u], w = u - 1;
        while (w >= 0 && crossings[w] > t) { crossings[w + 1] = crossings[w]; w--; }
        crossings[w + 1] = t;
      }
      var base = row * W;
      for (var c = 0; c + 1 < n; c += 2) {
        var from = Math.max(0, Math.ceil(crossings[c] - 0.5)), to = Math.min(W - 1, Math.floor(crossings[c + 1] - 0.5));
        for (var x = from; x <= to; x++) pixels[base + x] = fill;
      }
    }
    if (!edge) return;
    for (q = 0; q < ns; q += 2) {
      for (p = starts[q], j = starts[q + 1] - 1; p < starts[q + 1]; j = p++) {
        rasterLine(pixels, W, H, scratchX[j], scratchY[j], scratchX[p], scratchY[p], edge, thick);
      }
    }
  }

  // pixels of tiles kept after they leave the view (a 256 px tile holds 256 kB, four times
  // that on high-density screens, which keep half as many): zooming back and panning over
  // drawn ground only copy them
  var TILE = 256, TILE_CACHE = 160;

  /**
   * A big layer: one canvas the size of the view, composed from 256 px tiles of pixels
   * drawn by the JavaScript rasteriser (kept for reuse), with the features too large to
   * rasterise drawn over them as canvas paths. One canvas instead of a canvas per tile
   * spares the browser a composited layer and a canvas resource per tile on every redraw.
   * Built on L.Renderer, which places the canvas and scales it in zoom animations.
   */
  var BigLayer = L.Renderer.extend({
    options: { padding: 0 },

    initialize: function (viewer, entry, options) {
      L.Renderer.prototype.initialize.call(this, options);
      this.viewer = viewer;
      this.entry = entry;
      this.cache = new Map(); // "z:x:y" -> {pixels: Uint32Array | null, paths: feature ids}, oldest first
      this.version = 0; // bumped when every tile must be drawn again (the phase filter)
      this.stats = { drawn: 0, reused: 0, frames: 0 };
      this.drawnKey = null;
      this.pending = 0; // animation frame of an update due while panning
    },

    _initContainer: function () {
      var canvas = this._container = L.DomUtil.create("canvas", "zp-big-canvas");
      canvas.style.pointerEvents = "none"; // hovering is hit-tested on the data, below it too
      this._ctx = canvas.getContext("2d");
    },

    /** Keep the canvas and the drawn tiles while the layer is hidden. */
    _destroyContainer: function () {
      L.DomUtil.remove(this._container);
      this.drawnKey = null;
      if (this.pending) { cancelAnimationFrame(this.pending); this.pending = 0; }
    },

    getEvents: function () {
      var events = L.Renderer.prototype.getEvents.call(this);
      events.move = this._onMove;
      return events;
    },

    /** While panning, draw as soon as the view leaves the drawn canvas (once a frame). */
    _onMove: function () {
      if (this.pending || this._map._animatingZoom || !this._bounds) return;
      var size = this._map.getSize();
      var view = L.bounds(this._map.containerPointToLayerPoint([0, 0]), this._map.containerPointToLayerPoint(size));
      if (this._bounds.contains(view)) return;
      var self = this;
      this.pending = requestAnimationFrame(function () {
        self.pending = 0;
        if (self._map) self._update();
      });
    },

    _update: function () {
      if (this._map._animatingZoom && this._bounds) return;
      L.Renderer.prototype._update.call(this); // this._bounds: the view (and padding) in layer pixels
      var b = this._bounds, size = b.getSize(), canvas = this._container;
      var origin = this._map.getPixelOrigin(), zoom = this._map.getZoom();
      var ax = b.min.x + origin.x, ay = b.min.y + origin.y;
      L.DomUtil.setPosition(canvas, b.min);
      // device pixels per CSS pixel: 2 on high-density screens (as Leaflet's own canvas)
      var r = L.Browser.retina ? 2 : 1;
      var key = [zoom, ax, ay, size.x, size.y, r, this.version].join(":");
      if (key === this.drawnKey) return;
      if (canvas.width !== size.x * r || canvas.height !== size.y * r) {
        canvas.width = size.x * r;
        canvas.height = size.y * r;
        canvas.style.width = size.x + "px";
        canvas.style.height = size.y + "px";
        this.frame = null;
      }
      this.drawFrame(zoom, ax * r, ay * r, size.x * r, size.y * r, r);
      this.drawnKey = key;
    },

    /**
     * Compose the tiles under the canvas, then draw the paths. (ax, ay) is the canvas's top
     * left corner and W x H its size, in device pixels at zoom z; r device pixels per CSS one.
     */
    drawFrame: function (z, ax, ay, W, H, r) {
      var viewer = this.viewer, entry = this.entry, big = entry.big;
      if (!this.frame) {
        this.frame = this._ctx.createImageData(Math.max(1, W), Math.max(1, H));
        this.frame32 = new Uint32Array(this.frame.data.buffer);
      }
      var frame = this.frame32;
      frame.fill(0);
      var T = TILE * r; // a tile's side in device pixels
      var tx0 = Math.floor(ax / T), tx1 = Math.floor((ax + W - 1) / T);
      var ty0 = Math.floor(ay / T), ty1 = Math.floor((ay + H - 1) / T);
      var max = Math.pow(2, z) - 1;
      var tiles = [];
      for (var ty = Math.max(0, ty0); ty <= Math.min(max, ty1); ty++) {
        for (var tx = tx0; tx <= tx1; tx++) {
          var key = z + ":" + tx + ":" + ty + ":" + r;
          var tile = this.cache.get(key);
          if (tile) {
            this.cache.delete(key);
            this.stats.reused++;
          } else {
            tile = viewer.rasterBigTile(entry, tx, ty, z, r);
            this.stats.drawn++;
          }
          this.cache.set(key, tile); // most recent last
          tiles.push([tx, ty, tile]);
        }
      }
      while (this.cache.size > Math.max(TILE_CACHE / r, 2 * tiles.length)) {
        this.cache.delete(this.cache.keys().next().value);
      }
      // the tiles' features too large to rasterise, each once
      var paths = [], qid = big.query = (big.query + 1) >>> 0 || 1, seen = big.stamp;
      tiles.forEach(function (t) {
        var list = t[2].paths;
        for (var k = 0; k < list.length; k++) {
          if (seen[list[k]] !== qid) { seen[list[k]] = qid; paths.push(list[k]); }
        }
      });
      tiles.forEach(function (t) {
        var pixels = t[2].pixels;
        if (!pixels) return;
        var x0 = Math.max(ax, t[0] * T), x1 = Math.min(ax + W, t[0] * T + T);
        var y0 = Math.max(ay, t[1] * T), y1 = Math.min(ay + H, t[1] * T + T);
        for (var y = y0; y < y1; y++) {
          var src = (y - t[1] * T) * T + (x0 - t[0] * T);
          frame.set(pixels.subarray(src, src + x1 - x0), (y - ay) * W + (x0 - ax));
        }
      });
      this._ctx.putImageData(this.frame, 0, 0);
      // paths in CSS pixels, scaled to the device: line widths and dots keep their size
      this._ctx.setTransform(r, 0, 0, r, 0, 0);
      viewer.drawBigPaths(entry, this._ctx, paths, viewer.map.options.crs.scale(z), ax / r, ay / r);
      this._ctx.setTransform(1, 0, 0, 1, 0, 0);
      this.stats.frames++;
    },

    /** Draw every tile again (after the phase filter changed). */
    redraw: function () {
      this.cache.clear();
      this.version++;
      if (this._map) this._update();
      return this;
    }
  });

  /* ------------------------------------------------------------------ */
  /* Viewer                                                              */
  /* ------------------------------------------------------------------ */

  function Viewer(map, data, decoded) {
    this.map = map;
    this.decoded = decoded || [];
    this.data = data;
    this.t = data.t;
    this.locale = data.locale;
    this.categories = data.categories;
    this.phaseOn = data.phases.map(function () { return true; });
    this.layers = [];
    this.panes = [];
    this.basemap = null;
    this.measureState = { mode: null, points: [], shape: null, done: false };
    this.labels = {
      statuses: new Map(Object.entries(data.labels.statuses)),
      phases: new Map(Object.entries(data.labels.phases)),
      categories: new Map(Object.entries(data.labels.categories))
    };
    this.drawLayers();
    this.setupBigEvents();
    this.addBasemapLayer(data.basemaps.length ? 0 : -1);
    this.addTitle();
    this.addFullscreen();
    this.addSearch();
    this.addMeasure();
    this.addPanel();
    this.addLegend();
    this.addMinimap();
    L.control.scale({ metric: true, imperial: false, maxWidth: 160 }).addTo(map);
    this.addCoordinates();
    this.updateLegend();
    if (data.fit) {
      // keep the zone clear of the search box (left) and the layer panel and legend (right)
      var wide = map.getSize().x > 900;
      // at once, not animated: the first tiles are then drawn for the view the map opens on
      map.fitBounds(data.fit, wide ? { paddingTopLeft: [170, 70], paddingBottomRight: [270, 16], animate: false }
        : { padding: [8, 8], animate: false });
    }
  }

  Viewer.prototype.fmt = function (value, digits) {
    return new Intl.NumberFormat(this.locale, {
      minimumFractionDigits: digits, maximumFractionDigits: digits
    }).format(value);
  };

  Viewer.prototype.fmtPlain = function (value, digits) {
    return new Intl.NumberFormat(this.locale, {
      minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false
    }).format(value);
  };

  Viewer.prototype.fmtHa = function (ha) {
    return this.fmt(ha, ha >= 100 ? 1 : 2) + " " + this.t.ha;
  };

  Viewer.prototype.fmtLength = function (metres) {
    return metres >= 1000 ? this.fmt(metres / 1000, 3) + " " + this.t.km
      : this.fmt(metres, 1) + " " + this.t.m;
  };

  /* ---------------- layers ---------------- */

  Viewer.prototype.drawLayers = function () {
    var self = this;
    // With a big layer on the map, the vector layers between big layers share one canvas
    // (in the pane of the first of them) instead of an SVG per layer: the browser then
    // rasterises no SVG on every zoom, which costs more than drawing these few features.
    var anyBig = this.data.layers.some(function (spec) { return spec.big; });
    var run = null;
    this.data.layers.forEach(function (spec, index) {
      var paneName = "zp-pane-" + index;
      var pane = self.map.createPane(paneName);
      pane.style.zIndex = String(410 + index);
      self.panes.push(pane);
      var entry = { index: index, spec: spec, items: [], group: null, on: !!spec.visible, big: null };
      if (spec.big) {
        run = null;
        entry.big = self.decoded[index];
        entry.group = new BigLayer(self, entry, { pane: paneName });
        self.layers.push(entry);
        if (entry.on) entry.group.addTo(self.map);
        return;
      }
      if (anyBig) {
        if (!run) run = { renderer: L.canvas({ pane: paneName }), entries: [] };
        run.entries.push(entry);
        entry.run = run;
      }
      var group = L.geoJSON(spec.data, {
        pane: paneName,
        style: function (feature) { return self.featureStyle(entry, feature); },
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, { radius: 6, pane: paneName, renderer: entry.run ? entry.run.renderer : undefined });
        },
        onEachFeature: function (feature, layer) { self.bindFeature(entry, feature, layer); }
      });
      entry.group = group;
      self.layers.push(entry);
      if (entry.on) group.addTo(self.map);
    });
    var measurePane = this.map.createPane("zp-pane-measure");
    measurePane.style.zIndex = "640";
  };

  Viewer.prototype.featureStyle = function (entry, feature) {
    var zp = feature.zp;
    var cat = this.categories[zp.cat].style;
    var over = entry.spec.style || {};
    var dash = Object.prototype.hasOwnProperty.call(over, "dash") ? over.dash : cat.dash;
    var style = {
      pane: "zp-pane-" + entry.index,
      color: cat.color,
      fillColor: cat.fill,
      opacity: 1,
      weight: typeof over.weight === "number" ? over.weight : cat.weight,
      fillOpacity: typeof over.fill_opacity === "number" ? over.fill_opacity : cat.fill_opacity,
      dashArray: dash || null,
      className: "zp-f zp-l" + entry.index + " zp-c" + zp.cat + " zp-p" + zp.phase
    };
    if (entry.run) style.renderer = entry.run.renderer;
    return style;
  };

  /**
   * Layers sharing a canvas are drawn in the order they were added to it: after one is
   * shown again, or features come back, put them back in the order of the layer list.
   */
  Viewer.prototype.restack = function (entry) {
    if (!entry.run) return;
    var map = this.map;
    entry.run.entries.forEach(function (e) { if (map.hasLayer(e.group)) e.group.bringToFront(); });
  };

  Viewer.prototype.bindFeature = function (entry, feature, layer) {
    var self = this;
    var item = { feature: feature, layer: layer, entry: entry, shown: true,
      key: fold(feature.zp.names.join(" ")) };
    entry.items.push(item);
    layer.bindTooltip(function () { return self.tooltipContent(item); },
      { sticky: true, direction: "top", className: "zp-tooltip", opacity: 1 });
    layer.on("mouseover", function () {
      var base = self.featureStyle(entry, feature);
      // no bringToFront here: moving the hovered path in the DOM loses its mouseout in
      // Chromium, which leaves tooltips open
      layer.setStyle({ weight: base.weight + 2.5, fillOpacity: Math.min(0.85, base.fillOpacity + 0.25) });
    });
    layer.on("mouseout", function () { entry.group.resetStyle(layer); });
    layer.on("tooltipopen", function () { self.vectorTip = layer; });
    layer.on("click", function (ev) {
      if (self.measureState.mode) return;
      self.openPopup(item, ev.latlng);
    });
  };

  Viewer.prototype.names = function (item) {
    var names = item.feature.zp.names;
    var first = this.data.lang === "vi" ? names[0] : names[1];
    var second = this.data.lang === "vi" ? names[1] : names[0];
    if (!first) { first = second; second = ""; }
    return [first || this.t.unnamed, second && second !== first ? second : ""];
  };

  Viewer.prototype.categoryLabel = function (item) {
    return this.categories[item.feature.zp.cat].label;
  };

  Viewer.prototype.tooltipContent = function (item) {
    var zp = item.feature.zp;
    var names = this.names(item);
    var box = el("div", "zp-tip");
    box.appendChild(el("div", "zp-tip-name", names[0]));
    if (names[1]) box.appendChild(el("div", "zp-tip-alt", names[1]));
    box.appendChild(el("div", "zp-tip-cat", this.categoryLabel(item)));
    if (typeof zp.area_ha === "number") {
      box.appendChild(el("div", "zp-tip-area", this.t.area + ": " + this.fmtHa(zp.area_ha)));
    }
    if (typeof zp.length_km === "number") {
      box.appendChild(el("div", "zp-tip-length",
        this.t.length + ": " + this.fmt(zp.length_km, 2) + " " + this.t.km));
    }
    return box;
  };

  Viewer.prototype.popupContent = function (item) {
    var self = this;
    var zp = item.feature.zp;
    var props = item.feature.properties || {};
    var names = this.names(item);
    var box = el("div", "zp-popup-body");
    box.appendChild(el("h3", "zp-popup-name", names[0]));
    if (names[1]) box.appendChild(el("div", "zp-popup-alt", names[1]));
    var table = el("table", "zp-props");
    function row(label, value, cls) {
      var tr = el("tr", cls);
      tr.appendChild(el("th", null, label));
      var td = el("td");
      if (value instanceof Node) td.appendChild(value); else td.textContent = asText(value);
      tr.appendChild(td);
      table.appendChild(tr);
    }
    row(this.t.layer, item.entry.spec.title, "zp-row-layer");
    row(this.t.category, this.categoryLabel(item), "zp-row-category");
    row(this.t.status, this.lookup(this.labels.statuses, own(props, "status")), "zp-row-status");
    row(this.t.phase, this.lookup(this.labels.phases, own(props, "phase")), "zp-row-phase");
    if (typeof zp.area_ha === "number") {
      row(this.t.measured_area, this.fmtHa(zp.area_ha), "zp-row-area");
      if (typeof zp.declared_ha === "number") {
        row(this.t.declared_area, this.fmtHa(zp.declared_ha), "zp-row-declared");
        var diff = zp.area_ha - zp.declared_ha;
        var text = (diff > 0 ? "+" : "") + this.fmtHa(diff);
        if (zp.declared_ha > 0) {
          text += " (" + (diff > 0 ? "+" : "") + this.fmt(100 * diff / zp.declared_ha, 1) + " %)";
        }
        row(this.t.difference, text, "zp-row-difference");
      }
    }
    if (typeof zp.length_km === "number") {
      row(this.t.measured_length, this.fmt(zp.length_km, 3) + " " + this.t.km, "zp-row-length");
    }
    row(this.t.source, this.sourceNode(own(props, "source"), own(props, "source_url")), "zp-row-source");
    var acc = own(props, "accuracy_m");
    row(this.t.accuracy, typeof acc === "number" ? "± " + this.fmt(acc, 0) + " " + this.t.m : acc,
      "zp-row-accuracy");
    row(this.t.method, own(props, "method"), "zp-row-method");
    box.appendChild(table);
    var known = new Set(this.data.known_properties);
    var extra = Object.keys(props).filter(function (k) { return !known.has(k); });
    if (extra.length) {
      box.appendChild(el("div", "zp-popup-extra-title", this.t.other_properties));
      var more = el("table", "zp-props zp-props-extra");
      extra.forEach(function (key) {
        var tr = el("tr");
        tr.appendChild(el("th", null, key));
        tr.appendChild(el("td", null, asText(props[key])));
        more.appendChild(tr);
      });
      box.appendChild(more);
    }
    return box;
  };

  Viewer.prototype.lookup = function (table, key) {
    if (typeof key === "string" && table.has(key)) return table.get(key);
    return key;
  };

  Viewer.prototype.sourceNode = function (source, url) {
    var span = el("span", "zp-source");
    span.appendChild(document.createTextNode(asText(source)));
    if (url !== undefined && url !== null && url !== "") {
      span.appendChild(el("br"));
      var href = safeUrl(url);
      if (href) {
        var a = el("a", "zp-source-link", String(url));
        a.href = href;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        span.appendChild(a);
      } else {
        span.appendChild(el("span", "zp-source-url", asText(url)));
      }
    }
    return span;
  };

  Viewer.prototype.openPopup = function (item, latlng) {
    var where = latlng || this.itemCenter(item);
    L.popup({ maxWidth: 380, minWidth: 240, className: "zp-popup", autoPanPadding: [20, 20] })
      .setLatLng(where).setContent(this.popupContent(item)).openOn(this.map);
  };

  Viewer.prototype.itemCenter = function (item) {
    if (item.big !== undefined) {
      var bb = item.entry.big.bbox, i = 4 * item.big;
      return L.latLng(unmercLat((bb[i + 1] + bb[i + 3]) / 2), unmercLon((bb[i] + bb[i + 2]) / 2));
    }
    var l = item.layer;
    if (l.getLatLng) return l.getLatLng();
    if (l.getCenter) {
      try { return l.getCenter(); } catch (err) { /* empty or odd geometry */ }
    }
    return l.getBounds().getCenter();
  };

  Viewer.prototype.setLayerOn = function (index, on) {
    var entry = this.layers[index];
    entry.on = on;
    if (on) entry.group.addTo(this.map); else this.map.removeLayer(entry.group);
    if (on) this.restack(entry);
    if (this.layerBoxes) this.layerBoxes[index].checked = on;
    this.updateLegend();
  };

  Viewer.prototype.setPhaseOn = function (phaseIndex, on) {
    this.phaseOn[phaseIndex] = on;
    var self = this;
    this.layers.forEach(function (entry) {
      entry.items.forEach(function (item) {
        var show = self.phaseOn[item.feature.zp.phase];
        if (show && !item.shown) entry.group.addLayer(item.layer);
        if (!show && item.shown) entry.group.removeLayer(item.layer);
        item.shown = show;
      });
      if (entry.big) entry.group.redraw();
      else if (entry.run && entry.run.entries[0] === entry) self.restack(entry);
    });
    if (this.bigShape) this.hoverBig(null);
    this.updateLegend();
  };

  /* ---------------- big layers ---------------- */

  /** RGBA bytes (regex match of #rrggbb, alpha 0-255) as a little-endian Uint32 pixel. */
  function rgba(m, alpha) {
    return ((alpha << 24) | (parseInt(m[3], 16) << 16) | (parseInt(m[2], 16) << 8) | parseInt(m[1], 16)) >>> 0;
  }

  /** The colours and widths of one category on a big layer's canvas. */
  Viewer.prototype.bigStyle = function (entry, cat) {
    var cache = entry.styles || (entry.styles = []);
    var st = cache[cat];
    if (st) return st;
    var s = this.featureStyle(entry, { zp: { cat: cat, phase: 0 } });
    var m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(s.fillColor) || [0, "a0", "a0", "a0"];
    var alpha = Math.round(255 * Math.min(1, s.fillOpacity + 0.25));
    st = {
      fill: withAlpha(s.fillColor, s.fillOpacity), color: s.color, weight: s.weight,
      dash: s.dashArray ? String(s.dashArray).split(/[\s,]+/).map(Number).filter(isFinite) : [],
      // one sub-pixel feature as one pixel: RGBA bytes of a little-endian Uint32
      pixel: rgba(m, alpha),
      pixelFill: rgba(m, Math.round(255 * Math.min(1, s.fillOpacity))),
      pixelEdge: rgba(/^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(s.color) || [0, "55", "55", "55"], 255)
    };
    cache[cat] = st;
    return st;
  };

  /** One pixel colour per category of a big layer, as a Uint32Array indexed by category. */
  Viewer.prototype.bigPixels = function (entry, key) {
    var cache = entry.pixelCache || (entry.pixelCache = {});
    if (!cache[key]) {
      var out = new Uint32Array(this.categories.length);
      for (var c = 0; c < out.length; c++) out[c] = this.bigStyle(entry, c)[key];
      cache[key] = out;
    }
    return cache[key];
  };

  /**
   * Rasterise the features of a big layer that meet tile (tx, ty) at zoom z: the small
   * ones into RGBA pixels, 256 x 256 times r x r for r device pixels per CSS pixel (null
   * when none), the ones to draw as canvas paths listed in `paths`.
   */
  Viewer.prototype.rasterBigTile = function (entry, tx, ty, z, r) {
    var big = entry.big;
    r = r || 1;
    var W = TILE * r, H = TILE * r;
    var s = this.map.options.crs.scale(z) * r; // world units to device pixels (256 * 2^z * r)
    var css = s / r; // world units to CSS pixels: the size thresholds below are in those
    var ox = tx * W, oy = ty * H;
    var pad = 8 * r / s; // 8 CSS pixels: strokes and dots of the paths reach that far
    var bx0 = ox / s, by0 = oy / s, bx1 = (ox + W) / s, by1 = (oy + H) / s;
    var paths = [];
    var pixels = null;
    var bb = big.bbox, phaseOn = this.phaseOn, kinds = big.kind, cats = big.cat, phases = big.phase;
    var g = big.grid, stamp = big.stamp, qid = big.query = (big.query + 1) >>> 0 || 1;
    var dots = this.bigPixels(entry, "pixel"), fills = this.bigPixels(entry, "pixelFill");
    var qx0 = bx0 - pad, qy0 = by0 - pad, qx1 = bx1 + pad, qy1 = by1 + pad;
    var ix0 = Math.max(0, Math.floor((qx0 - g.x0) / g.w)), ix1 = Math.min(g.side - 1, Math.floor((qx1 - g.x0) / g.w));
    var iy0 = Math.max(0, Math.floor((qy0 - g.y0) / g.h)), iy1 = Math.min(g.side - 1, Math.floor((qy1 - g.y0) / g.h));
    var nLarge = g.large.length;
    // the grid cells the tile meets (inlined queryBig: this loop runs for every feature in view)
    for (var cy = iy0; cy <= iy1 + (nLarge ? 1 : 0); cy++) {
      for (var cx = ix0; cx <= ix1; cx++) {
        var c = cy * g.side + cx, k0, k1, list0 = g.items;
        if (cy > iy1) { // one extra pass over the features too large for the grid
          if (cx > ix0) break;
          list0 = g.large; k0 = 0; k1 = nLarge;
        } else { k0 = g.start[c]; k1 = g.start[c + 1]; }
        for (var k = k0; k < k1; k++) {
          var f = list0[k];
          if (stamp[f] === qid) continue;
          stamp[f] = qid;
          if (!phaseOn[phases[f]]) continue;
          var i = 4 * f;
          var fx0 = bb[i], fy0 = bb[i + 1], fx1 = bb[i + 2], fy1 = bb[i + 3];
          if (fx0 > qx1 || fx1 < qx0 || fy0 > qy1 || fy1 < qy0) continue;
          var w = (fx1 - fx0) * css, h = (fy1 - fy0) * css, kind = kinds[f]; // CSS pixels
          if (kind === RING_POINT || w >= RASTER_PX || h >= RASTER_PX || (kind !== RING_POLYGON && (w >= 1.5 || h >= 1.5))) {
            paths.push(f);
            continue;
          }
          if (!pixels) pixels = new Uint32Array(W * H);
          if (w < 1.5 && h < 1.5) { // below a pixel or two: one pixel
            var px = Math.floor((fx0 + fx1) * 0.5 * css) * r - ox, py = Math.floor((fy0 + fy1) * 0.5 * css) * r - oy;
            if (r === 1) {
              if (px >= 0 && py >= 0 && px < W && py < H) pixels[py * W + px] = dots[cats[f]];
            } else { // one CSS pixel: r x r device pixels
              for (var dy = 0; dy < r; dy++) {
                for (var dx = 0; dx < r; dx++) {
                  if (px + dx >= 0 && py + dy >= 0 && px + dx < W && py + dy < H) pixels[(py + dy) * W + px + dx] = dots[cats[f]];
                }
              }
            }
          } else if (w < 4 && h < 4) { // a few pixels across: its box is all that shows
            var fill = fills[cats[f]];
            var xa = Math.max(0, Math.round(fx0 * s - ox)), xb = Math.min(W, Math.round(fx1 * s - ox));
            var ya = Math.max(0, Math.round(fy0 * s - oy)), yb = Math.min(H, Math.round(fy1 * s - oy));
            for (var yy = ya; yy < yb; yy++) {
              for (var xx = yy * W + xa, xe = yy * W + xb; xx < xe; xx++) pixels[xx] = fill;
            }
          } else {
            var st = this.bigStyle(entry, cats[f]);
            rasterPolygon(big, f, s, ox, oy, W, H, pixels, st.pixelFill, w >= 8 || h >= 8 ? st.pixelEdge : 0, r);
          }
        }
      }
    }
    return { pixels: pixels, paths: paths };
  };

  /**
   * Draw features of a big layer as canvas paths, by category, on a canvas whose top left
   * corner is the absolute pixel (ox, oy) at scale s.
   */
  Viewer.prototype.drawBigPaths = function (entry, ctx, ids, s, ox, oy) {
    var big = entry.big, self = this, bb = big.bbox, cats = big.cat;
    var buckets = new Map();
    ids.forEach(function (f) {
      var list = buckets.get(cats[f]);
      if (!list) { list = []; buckets.set(cats[f], list); }
      list.push(f);
    });
    var mx = big.mx, my = big.my;
    buckets.forEach(function (ids, cat) {
      var st = self.bigStyle(entry, cat);
      var fills = new Path2D(), strokes = new Path2D(), points = new Path2D();
      var anyFill = false, anyStroke = false, anyPoint = false;
      ids.forEach(function (f) {
        var i = 4 * f;
        var edged = Math.max((bb[i + 2] - bb[i]) * s, (bb[i + 3] - bb[i + 1]) * s) >= 8;
        for (var r = big.featRing[f]; r < big.featRing[f + 1]; r++) {
          var a = big.ringStart[r], b = big.ringStart[r + 1], kind = big.ringKind[r];
          if (b <= a) continue;
          if (kind === RING_POINT) {
            var x = mx[a] * s - ox, y = my[a] * s - oy;
            points.moveTo(x + 5, y);
            points.arc(x, y, 5, 0, 2 * Math.PI);
            anyPoint = true;
            continue;
          }
          var path = kind === RING_POLYGON ? fills : strokes;
          path.moveTo(mx[a] * s - ox, my[a] * s - oy);
          for (var v = a + 1; v < b; v++) path.lineTo(mx[v] * s - ox, my[v] * s - oy);
          if (kind === RING_POLYGON) {
            // fills close their subpaths themselves; Path2D.closePath costs time in
            // proportion to the path's length in Chromium, so strokes return by lineTo
            anyFill = true;
            if (edged) {
              strokes.moveTo(mx[a] * s - ox, my[a] * s - oy);
              for (v = a + 1; v < b; v++) strokes.lineTo(mx[v] * s - ox, my[v] * s - oy);
              strokes.lineTo(mx[a] * s - ox, my[a] * s - oy);
              anyStroke = true;
            }
          } else {
            anyStroke = true;
          }
        }
      });
      ctx.setLineDash(st.dash);
      if (anyFill) { ctx.fillStyle = st.fill; ctx.fill(fills, "evenodd"); }
      if (anyStroke) {
        ctx.strokeStyle = st.color;
        ctx.lineWidth = st.weight;
        ctx.stroke(strokes);
      }
      if (anyPoint) {
        ctx.setLineDash([]);
        ctx.fillStyle = st.fill;
        ctx.fill(points);
        ctx.strokeStyle = st.color;
        ctx.lineWidth = 1.5;
        ctx.stroke(points);
      }
    });
  };

  /**
   * Rasterise a few tiles a couple of zoom levels in, and throw them away, so that the
   * browser compiles the rasteriser before the first zoom needs it (its first run is about
   * twice as slow). Runs once, in idle time after the first paint, for about 30 ms at most.
   */
  Viewer.prototype.warmBigRaster = function () {
    var self = this, t0 = performance.now(), z0 = Math.round(this.map.getZoom());
    this.layers.forEach(function (entry) {
      var big = entry.big;
      if (!big || !big.n) return;
      for (var k = 0; k < 8 && performance.now() - t0 < 30; k++) {
        var f = Math.floor(k * big.n / 8), z = z0 + 2 + (k % 2);
        var s = self.map.options.crs.scale(z);
        self.rasterBigTile(entry, Math.floor(big.bbox[4 * f] * s / TILE), Math.floor(big.bbox[4 * f + 1] * s / TILE), z);
      }
    });
  };

  /** The popup/tooltip record of feature f of a big layer, built on demand. */
  Viewer.prototype.bigItem = function (entry, f) {
    var big = entry.big;
    var zp = {
      cat: big.cat[f], phase: big.phase[f],
      names: big.names.map(function (nm) { return nm.values[nm.codes[f]]; }),
      area_ha: finite(big.area[f]), length_km: finite(big.length[f]),
      declared_ha: big.declared ? finite(big.declared[f]) : null
    };
    var props = Object.fromEntries(big.columns.map(function (col) { return [col.name, bigValue(col, f)]; }));
    return { feature: { zp: zp, properties: props }, entry: entry, big: f, shown: true };
  };

  /** Feature f of a big layer as Leaflet lat/lng rings (with its ring kinds). */
  Viewer.prototype.bigLatLngs = function (entry, f) {
    var big = entry.big, out = [];
    for (var r = big.featRing[f]; r < big.featRing[f + 1]; r++) {
      var ring = [];
      for (var v = big.ringStart[r]; v < big.ringStart[r + 1]; v++) {
        ring.push(L.latLng(unmercLat(big.my[v]), unmercLon(big.mx[v])));
      }
      out.push({ kind: big.ringKind[r], latlngs: ring });
    }
    return out;
  };

  /** The topmost big-layer feature under a point, or null. */
  Viewer.prototype.bigHit = function (latlng) {
    var x = mercX(L.Util.wrapNum(latlng.lng, [-180, 180], true)), y = mercY(latlng.lat);
    var tol = 5 / (256 * Math.pow(2, this.map.getZoom()));
    for (var k = this.layers.length - 1; k >= 0; k--) {
      var entry = this.layers[k];
      if (!entry.big || !entry.on) continue;
      var big = entry.big, phaseOn = this.phaseOn, best = -1;
      queryBig(big, x - tol, y - tol, x + tol, y + tol, function (f) {
        if (f > best && phaseOn[big.phase[f]] && hitBig(big, f, x, y, tol)) best = f;
      });
      if (best >= 0) return { entry: entry, f: best };
    }
    return null;
  };

  Viewer.prototype.setupBigEvents = function () {
    if (!this.layers.some(function (e) { return e.big; })) return;
    var self = this;
    var pane = this.map.createPane("zp-pane-highlight");
    pane.style.zIndex = "635";
    pane.style.pointerEvents = "none";
    this.bigHover = null;
    this.bigTip = L.tooltip({ direction: "top", className: "zp-tooltip", opacity: 1, offset: [0, -8] });
    this.map.on("mousemove", function (ev) { self.hoverBig(ev.latlng); });
    this.map.on("mouseout", function () { self.hoverBig(null); });
    this.map.on("click", function (ev) {
      if (self.measureState.mode) return;
      var hit = self.bigHit(ev.latlng);
      if (hit) self.openPopup(self.bigItem(hit.entry, hit.f), ev.latlng);
    });
  };

  Viewer.prototype.hoverBig = function (latlng) {
    var hit = latlng ? this.bigHit(latlng) : null;
    var same = hit && this.bigHover && hit.entry === this.bigHover.entry && hit.f === this.bigHover.f;
    if (!same) {
      if (this.bigShape) { this.map.removeLayer(this.bigShape); this.bigShape = null; }
      this.bigHover = hit;
      if (!hit) { this.map.closeTooltip(this.bigTip); return; }
      var item = this.bigItem(hit.entry, hit.f);
      var st = this.featureStyle(hit.entry, item.feature);
      var opts = { pane: "zp-pane-highlight", interactive: false, color: st.color, fillColor: st.fillColor,
        weight: st.weight + 2.5, fillOpacity: Math.min(0.85, st.fillOpacity + 0.25) };
      var rings = this.bigLatLngs(hit.entry, hit.f);
      var shapes = rings.map(function (ring) {
        if (ring.kind === RING_POINT) return L.circleMarker(ring.latlngs[0], L.extend({ radius: 7 }, opts));
        return ring.kind === RING_LINE ? L.polyline(ring.latlngs, opts) : null;
      }).filter(Boolean);
      var polys = rings.filter(function (ring) { return ring.kind === RING_POLYGON; })
        .map(function (ring) { return ring.latlngs; });
      if (polys.length) shapes.push(L.polygon(polys, L.extend({ fillRule: "evenodd" }, opts)));
      this.bigShape = L.featureGroup(shapes).addTo(this.map);
      this.bigTip.setContent(this.tooltipContent(item));
      if (this.vectorTip) { this.vectorTip.closeTooltip(); this.vectorTip = null; }
    }
    if (hit) {
      this.bigTip.setLatLng(latlng);
      if (!this.map.hasLayer(this.bigTip)) this.map.openTooltip(this.bigTip);
    }
  };

  /**
   * Resolve once the view as it is now has been painted. Big layers draw when the view
   * changes (while panning, in the next animation frame); the frame after the next one
   * starts once that drawing has been painted.
   */
  Viewer.prototype.whenDrawn = function () {
    if (document.hidden) return Promise.resolve(); // no frames in a hidden tab
    return new Promise(function (resolve) {
      requestAnimationFrame(function () { requestAnimationFrame(function () { resolve(); }); });
    });
  };

  /** Search the names of a big layer; push up to `room` items. */
  Viewer.prototype.searchBig = function (entry, q, found, room) {
    var big = entry.big;
    if (!big.folded) {
      big.folded = big.names.map(function (nm) { return nm.values.map(function (v) { return fold(v); }); });
    }
    var hits = big.names.map(function (nm, k) {
      var flags = new Uint8Array(nm.values.length), any = false;
      big.folded[k].forEach(function (text, i) { if (text.indexOf(q) !== -1) { flags[i] = 1; any = true; } });
      return any ? flags : null;
    });
    if (!hits[0] && !hits[1]) return;
    for (var f = 0; f < big.n && room > 0; f++) {
      if ((hits[0] && hits[0][big.names[0].codes[f]]) || (hits[1] && hits[1][big.names[1].codes[f]])) {
        found.push(this.bigItem(entry, f));
        room--;
      }
    }
  };

  /* ---------------- basemaps ---------------- */

  Viewer.prototype.tileLayer = function (spec) {
    return L.tileLayer(spec.url, {
      subdomains: spec.subdomains || "abc",
      maxZoom: spec.max_zoom || 19,
      maxNativeZoom: spec.max_native_zoom || spec.max_zoom || 19,
      attribution: escapeHtml(spec.attribution || ""),
      crossOrigin: false
    });
  };

  Viewer.prototype.addBasemapLayer = function (index) {
    if (this.basemap) this.map.removeLayer(this.basemap);
    this.basemap = null;
    this.basemapIndex = index;
    if (index >= 0) {
      this.basemap = this.tileLayer(this.data.basemaps[index]).addTo(this.map);
      this.basemap.bringToBack();
    }
    if (this.onBasemap) this.onBasemap(index);
  };

  /* ---------------- controls ---------------- */

  Viewer.prototype.addTitle = function () {
    var t = this.t;
    var box = el("div", "zp-title");
    box.appendChild(el("div", "zp-title-name", t.zone_name));
    box.appendChild(el("div", "zp-title-decision", t.decision));
    box.appendChild(el("div", "zp-title-note", t.indicative));
    stopEvents(box);
    this.map.getContainer().appendChild(box);
  };

  Viewer.prototype.addFullscreen = function () {
    var self = this;
    control("topleft", function () {
      var bar = el("div", "leaflet-bar zp-fullscreen");
      var btn = el("a", "zp-fullscreen-button");
      btn.appendChild(fullscreenIcon());
      btn.href = "#";
      btn.title = self.t.fullscreen;
      btn.setAttribute("role", "button");
      btn.setAttribute("aria-label", self.t.fullscreen);
      L.DomEvent.on(btn, "click", function (ev) {
        L.DomEvent.preventDefault(ev);
        var box = self.map.getContainer();
        if (document.fullscreenElement) document.exitFullscreen();
        else if (box.requestFullscreen) box.requestFullscreen();
      });
      document.addEventListener("fullscreenchange", function () { self.map.invalidateSize(); });
      stopEvents(bar);
      bar.appendChild(btn);
      return bar;
    }).addTo(this.map);
  };

  Viewer.prototype.addSearch = function () {
    var self = this;
    control("topleft", function () {
      var box = el("div", "zp-box zp-search");
      var input = el("input", "zp-search-input");
      input.type = "search";
      input.placeholder = self.t.search;
      input.setAttribute("aria-label", self.t.search);
      var list = el("ul", "zp-search-results");
      box.appendChild(input);
      box.appendChild(list);
      var found = [];
      function show() {
        list.textContent = "";
        var q = fold(input.value);
        found = [];
        if (!q) return;
        self.layers.forEach(function (entry) {
          if (entry.big) { self.searchBig(entry, q, found, 12 - found.length); return; }
          entry.items.forEach(function (item) {
            if (found.length < 12 && item.key.indexOf(q) !== -1) found.push(item);
          });
        });
        if (!found.length) { list.appendChild(el("li", "zp-search-none", self.t.search_none)); return; }
        found.forEach(function (item) {
          var li = el("li");
          var btn = el("button", "zp-search-hit");
          btn.type = "button";
          btn.appendChild(el("span", "zp-search-name", self.names(item)[0]));
          btn.appendChild(el("span", "zp-search-layer", item.entry.spec.title));
          btn.addEventListener("click", function () { self.showItem(item); });
          li.appendChild(btn);
          list.appendChild(li);
        });
      }
      input.addEventListener("input", show);
      input.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" && found.length) self.showItem(found[0]);
      });
      stopEvents(box);
      return box;
    }).addTo(this.map);
  };

  Viewer.prototype.showItem = function (item) {
    if (!item.entry.on) this.setLayerOn(item.entry.index, true);
    var phase = item.feature.zp.phase;
    if (!this.phaseOn[phase]) {
      this.setPhaseOn(phase, true);
      if (this.phaseBoxes) this.phaseBoxes[phase].checked = true;
    }
    var l = item.layer;
    if (item.big !== undefined) {
      var bb = item.entry.big.bbox, i = 4 * item.big;
      var box = L.latLngBounds([unmercLat(bb[i + 3]), unmercLon(bb[i])], [unmercLat(bb[i + 1]), unmercLon(bb[i + 2])]);
      this.map.fitBounds(box, { maxZoom: 18, padding: [40, 40] });
    } else if (l.getBounds) this.map.fitBounds(l.getBounds(), { maxZoom: 16, padding: [40, 40] });
    else this.map.setView(l.getLatLng(), Math.max(this.map.getZoom(), 15));
    this.openPopup(item);
  };

  Viewer.prototype.addMeasure = function () {
    var self = this;
    var st = this.measureState;
    control("topleft", function () {
      var box = el("div", "zp-box zp-measure");
      var line = el("button", "zp-measure-line", self.t.measure_line);
      var area = el("button", "zp-measure-area", self.t.measure_area);
      var clear = el("button", "zp-measure-clear", self.t.measure_clear);
      var out = el("div", "zp-measure-result");
      [line, area, clear].forEach(function (b) { b.type = "button"; box.appendChild(b); });
      box.appendChild(out);
      self.measureOut = out;
      line.addEventListener("click", function () { self.startMeasure("line"); });
      area.addEventListener("click", function () { self.startMeasure("area"); });
      clear.addEventListener("click", function () { self.clearMeasure(); });
      stopEvents(box);
      return box;
    }).addTo(this.map);
    this.map.on("click", function (ev) {
      if (!st.mode) return;
      st.points.push(ev.latlng);
      self.drawMeasure();
    });
    this.map.on("dblclick", function () {
      if (!st.mode) return;
      // a double click also fires two clicks at the same spot; drop the repeat
      var n = st.points.length;
      if (n > 1 && st.points[n - 1].equals(st.points[n - 2])) st.points.pop();
      self.finishMeasure();
    });
  };

  Viewer.prototype.startMeasure = function (mode) {
    this.clearMeasure();
    this.measureState.mode = mode;
    this.map.doubleClickZoom.disable();
    this.map.getContainer().classList.add("zp-measuring");
    this.measureOut.textContent = this.t.measure_hint;
  };

  Viewer.prototype.finishMeasure = function () {
    var st = this.measureState;
    st.mode = null;
    this.map.getContainer().classList.remove("zp-measuring");
    var map = this.map;
    // after this double click has passed, unless a new measurement has started
    setTimeout(function () { if (!st.mode) map.doubleClickZoom.enable(); }, 0);
  };

  Viewer.prototype.clearMeasure = function () {
    var st = this.measureState;
    if (st.shape) this.map.removeLayer(st.shape);
    st.shape = null;
    st.points = [];
    st.kind = null;
    this.finishMeasure();
    if (this.measureOut) this.measureOut.textContent = "";
  };

  Viewer.prototype.drawMeasure = function () {
    var st = this.measureState;
    var closed = st.mode === "area";
    st.kind = st.mode;
    if (st.shape) this.map.removeLayer(st.shape);
    var opts = { pane: "zp-pane-measure", color: "#000000", weight: 2, dashArray: "5 4",
      fillColor: "#FFFFFF", fillOpacity: 0.25, interactive: false };
    st.shape = (closed ? L.polygon(st.points, opts) : L.polyline(st.points, opts)).addTo(this.map);
    var m = measurePlanar(st.points, closed);
    this.lastMeasure = m;
    var out = this.measureOut;
    out.textContent = "";
    if (closed) {
      out.appendChild(el("div", "zp-measure-area-value", this.t.area + ": " + this.fmtHa(m.area_ha)));
      out.appendChild(el("div", "zp-measure-length-value",
        this.t.perimeter + ": " + this.fmtLength(m.length_m)));
    } else {
      out.appendChild(el("div", "zp-measure-length-value",
        this.t.length + ": " + this.fmtLength(m.length_m)));
    }
  };

  Viewer.prototype.addPanel = function () {
    var self = this;
    var t = this.t;
    control("topright", function () {
      var box = el("div", "zp-box zp-panel");
      var toggle = el("button", "zp-panel-toggle", t.layers);
      toggle.type = "button";
      toggle.title = t.toggle_panel;
      var body = el("div", "zp-panel-body");
      toggle.addEventListener("click", function () { body.hidden = !body.hidden; });
      box.appendChild(toggle);
      box.appendChild(body);
      self.panelBasemaps(body);
      self.panelLayers(body);
      self.panelOpacity(body);
      self.panelPhases(body);
      stopEvents(box);
      return box;
    }).addTo(this.map);
  };

  Viewer.prototype.panelBasemaps = function (body) {
    var self = this;
    var field = el("fieldset", "zp-basemaps");
    field.appendChild(el("legend", null, this.t.basemaps));
    var choices = this.data.basemaps.map(function (b) { return b.label; });
    choices.push(this.t.no_basemap);
    choices.forEach(function (label, i) {
      var index = i < self.data.basemaps.length ? i : -1;
      var lab = el("label", "zp-basemap");
      var radio = el("input");
      radio.type = "radio";
      radio.name = "zp-basemap";
      radio.value = String(index);
      radio.checked = index === self.basemapIndex;
      radio.addEventListener("change", function () { if (radio.checked) self.addBasemapLayer(index); });
      lab.appendChild(radio);
      lab.appendChild(document.createTextNode(" " + label));
      field.appendChild(lab);
    });
    body.appendChild(field);
  };

  Viewer.prototype.panelLayers = function (body) {
    var self = this;
    this.layerBoxes = [];
    var field = el("fieldset", "zp-overlays");
    field.appendChild(el("legend", null, this.t.overlays));
    this.data.groups.forEach(function (group) {
      var members = self.layers.filter(function (e) { return e.spec.group === group.key; });
      if (!members.length) return;
      var section = el("div", "zp-group");
      section.appendChild(el("div", "zp-group-title", group.label));
      members.forEach(function (entry) {
        var lab = el("label", "zp-layer");
        var box = el("input", "zp-layer-toggle");
        box.type = "checkbox";
        box.checked = entry.on;
        box.setAttribute("data-layer-index", String(entry.index));
        box.addEventListener("change", function () { self.setLayerOn(entry.index, box.checked); });
        self.layerBoxes[entry.index] = box;
        lab.appendChild(box);
        lab.appendChild(document.createTextNode(" " + entry.spec.title));
        lab.appendChild(el("span", "zp-layer-count", " (" + entry.items.length + ")"));
        section.appendChild(lab);
      });
      field.appendChild(section);
    });
    body.appendChild(field);
  };

  Viewer.prototype.panelOpacity = function (body) {
    var self = this;
    var lab = el("label", "zp-opacity");
    lab.appendChild(el("span", null, this.t.opacity));
    var range = el("input", "zp-opacity-range");
    range.type = "range";
    range.min = "0";
    range.max = "100";
    range.value = "100";
    range.addEventListener("input", function () {
      var v = String(Number(range.value) / 100);
      self.panes.forEach(function (pane) { pane.style.opacity = v; });
    });
    lab.appendChild(range);
    body.appendChild(lab);
  };

  Viewer.prototype.panelPhases = function (body) {
    var self = this;
    this.phaseBoxes = [];
    var field = el("fieldset", "zp-phases");
    field.appendChild(el("legend", null, this.t.phase_filter));
    this.data.phases.forEach(function (phase, i) {
      var lab = el("label", "zp-phase");
      var box = el("input", "zp-phase-toggle");
      box.type = "checkbox";
      box.checked = true;
      box.setAttribute("data-phase-index", String(i));
      box.addEventListener("change", function () { self.setPhaseOn(i, box.checked); });
      self.phaseBoxes.push(box);
      lab.appendChild(box);
      lab.appendChild(document.createTextNode(" " + phase.label));
      field.appendChild(lab);
    });
    body.appendChild(field);
  };

  Viewer.prototype.addLegend = function () {
    var self = this;
    this.legendItems = [];
    control("bottomright", function () {
      var box = el("div", "zp-box zp-legend");
      box.appendChild(el("div", "zp-legend-title", self.t.legend));
      var list = el("ul", "zp-legend-list");
      self.categories.forEach(function (cat, i) {
        var li = el("li", "zp-legend-item");
        li.setAttribute("data-category-index", String(i));
        var sw = el("span", "zp-swatch zp-swatch-" + (cat.kind || "fill"));
        sw.style.borderColor = cat.style.color;
        sw.style.backgroundColor = cat.kind === "line" ? cat.style.color
          : withAlpha(cat.style.fill, Math.max(cat.style.fill_opacity, 0.12));
        if (cat.style.dash) sw.style.borderStyle = "dashed";
        li.appendChild(sw);
        li.appendChild(el("span", "zp-legend-label", cat.label));
        list.appendChild(li);
        self.legendItems.push(li);
      });
      box.appendChild(list);
      stopEvents(box);
      return box;
    }).addTo(this.map);
  };

  /** Show the legend entries of the categories that are drawn now. */
  Viewer.prototype.updateLegend = function () {
    if (!this.legendItems) return;
    var self = this;
    var shown = new Set();
    this.layers.forEach(function (entry) {
      if (!entry.on) return;
      if (entry.big) {
        entry.spec.big.cat_phase.forEach(function (cp) { if (self.phaseOn[cp[1]]) shown.add(cp[0]); });
        return;
      }
      entry.items.forEach(function (item) { if (item.shown) shown.add(item.feature.zp.cat); });
    });
    this.legendItems.forEach(function (li, i) { li.hidden = !shown.has(i); });
  };

  Viewer.prototype.addMinimap = function () {
    var self = this;
    control("bottomleft", function () {
      var box = el("div", "zp-minimap");
      box.title = self.t.minimap;
      stopEvents(box);
      return box;
    }).addTo(this.map);
    var node = this.map.getContainer().querySelector(".zp-minimap");
    var mini = L.map(node, {
      attributionControl: false, zoomControl: false, dragging: false, scrollWheelZoom: false,
      doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false, tap: false,
      // a view before any layer is added: Leaflet cannot add paths to a map without one
      center: this.map.getCenter(), zoom: Math.max(this.map.getZoom() - 4, 0)
    });
    this.minimap = mini;
    var tiles = null;
    this.onBasemap = function (index) {
      if (tiles) mini.removeLayer(tiles);
      tiles = index >= 0 ? self.tileLayer(self.data.basemaps[index]).addTo(mini) : null;
    };
    this.onBasemap(this.basemapIndex);
    this.layers.forEach(function (entry) {
      if (entry.spec.group !== "zone") return;
      L.geoJSON(entry.spec.data, {
        style: { color: "#222222", weight: 1, fillOpacity: 0.1, interactive: false }
      }).addTo(mini);
    });
    var frame = L.rectangle([[0, 0], [0, 0]],
      { color: "#D55E00", weight: 2, fillOpacity: 0.1, interactive: false }).addTo(mini);
    function sync() {
      mini.setView(self.map.getCenter(), Math.max(self.map.getZoom() - 4, 0), { animate: false });
      frame.setBounds(self.map.getBounds());
    }
    // the overview follows once the map itself has been drawn (a zoom ends with moveend
    // too): its tiles and shapes do not hold up the map's next frame
    var due = false;
    var later = window.requestIdleCallback
      ? function (fn) { window.requestIdleCallback(fn, { timeout: 250 }); }
      : function (fn) { setTimeout(fn, 50); };
    this.map.on("moveend", function () {
      if (due) return;
      due = true;
      later(function () { due = false; sync(); });
    });
    this.map.whenReady(sync);
  };

  Viewer.prototype.addCoordinates = function () {
    var self = this;
    var t = this.t;
    control("bottomleft", function () {
      var box = el("div", "zp-box zp-coords");
      var wgs = el("div", "zp-coord-wgs", t.coords_hint);
      var vn = el("div", "zp-coord-vn");
      box.appendChild(wgs);
      box.appendChild(vn);
      self.coordNodes = { wgs: wgs, vn: vn };
      return box;
    }).addTo(this.map);
    this.map.on("mousemove", function (ev) { self.showCoordinates(ev.latlng); });
  };

  Viewer.prototype.showCoordinates = function (latlng) {
    var t = this.t;
    var nodes = this.coordNodes;
    var lat = latlng.lat, lng = L.Util.wrapNum(latlng.lng, [-180, 180], true);
    nodes.wgs.textContent = "";
    nodes.wgs.appendChild(el("span", "zp-coord-label", t.wgs84 + ": "));
    nodes.wgs.appendChild(el("span", "zp-coord-lat", this.fmtPlain(Math.abs(lat), 6) + "° " + (lat >= 0 ? "N" : "S")));
    nodes.wgs.appendChild(document.createTextNode(", "));
    nodes.wgs.appendChild(el("span", "zp-coord-lon", this.fmtPlain(Math.abs(lng), 6) + "° " + (lng >= 0 ? "E" : "W")));
    var p = toVN2000(lat, lng);
    nodes.vn.textContent = "";
    nodes.vn.appendChild(el("span", "zp-coord-label", t.vn2000 + ": "));
    nodes.vn.appendChild(document.createTextNode("X = "));
    nodes.vn.appendChild(el("span", "zp-coord-x", this.fmtPlain(p.x, 2)));
    nodes.vn.appendChild(document.createTextNode(" m, Y = "));
    nodes.vn.appendChild(el("span", "zp-coord-y", this.fmtPlain(p.y, 2)));
    nodes.vn.appendChild(document.createTextNode(" m"));
  };

  /* ------------------------------------------------------------------ */

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
}());
