/*
 * Big layers, the data: decode the blocks of render/biglayer.py, grid, find, hit-test.
 *
 * Uses: D2R, MAX_LAT, mercY (coords.js).
 * Provides: RING_POLYGON, RING_LINE, RING_POINT, gunzipStream, blockPieces, blockText, blockMember,
 * restSize, mercYBlocks, wordPlanes, vertexMerc, quantaX, quantaY, decodeGeometry, geometryOf, lazy,
 * decodeColumns, decodeBig, queryBig, hitBig, bigValue, bigName, finite.
 *
 * A block is two gzip members (biglayer.py, spec.split): the geometry's parts, which the
 * worker inflates and decodes, then the rest (attributes, categories, names, measures), which
 * the page inflates; a part's offset counts from the start of the whole inflated block.
 */

var ARRAYS = { u8: Uint8Array, u16: Uint16Array, u32: Uint32Array, i32: Int32Array, f64: Float64Array };
var RING_POLYGON = 0, RING_LINE = 1, RING_POINT = 2;

function base64Bytes(text) {
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(text);
  var bin = atob(text);
  var out = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Inflate a gzip member: the whole input written at once, the output read chunk by chunk into
 * one buffer of the size the gzip trailer gives (ISIZE; grown if it was wrong). About half the
 * time of piping a Blob's stream into a Response.
 */
function gunzip(bytes) {
  var m = bytes.length, size = m < 18 ? 0 : (bytes[m - 4] | (bytes[m - 3] << 8) | (bytes[m - 2] << 16) | (bytes[m - 1] << 24)) >>> 0;
  var stream = gunzipStream(size);
  stream.push(bytes);
  return stream.close();
}

/**
 * A gzip member inflated as its pieces come: push(bytes) each piece in order, then close(),
 * which gives a Promise of the whole output (an ArrayBuffer). The output goes into one buffer
 * of `size` bytes if given (grown when it was wrong); else its chunks are kept and joined.
 */
function gunzipStream(size) {
  var out = size ? new Uint8Array(size) : null, chunks = [], at = 0;
  var ds = new DecompressionStream("gzip"), writer = ds.writable.getWriter(), reader = ds.readable.getReader();
  function next() {
    return reader.read().then(function (step) {
      if (step.done) {
        if (!out) { // joined now that the size is known
          out = new Uint8Array(at);
          for (var k = 0, to = 0; k < chunks.length; to += chunks[k].length, k++) out.set(chunks[k], to);
          chunks = null;
          return out.buffer;
        }
        return at === out.length ? out.buffer : out.buffer.slice(0, at);
      }
      var chunk = step.value;
      if (!out) chunks.push(chunk);
      else {
        if (at + chunk.length > out.length) {
          var grown = new Uint8Array(Math.max(2 * out.length, at + chunk.length));
          grown.set(out.subarray(0, at));
          out = grown;
        }
        out.set(chunk, at);
      }
      at += chunk.length;
      return next();
    });
  }
  var done = next();
  return {
    push: function (bytes) { writer.write(bytes).catch(function () {}); }, // its error reaches the reader too
    close: function () { writer.close().catch(function () {}); return done; }
  };
}

/**
 * The elements that carry a big layer's block: its own, and the pieces that follow when the
 * page carries it in pieces (ids `id`.1, `id`.2...: map.py, block_elements).
 */
function blockPieces(id) {
  var nodes = [], node = document.getElementById(id);
  for (var k = 1; node; k++) {
    nodes.push(node);
    node = document.getElementById(id + "." + k);
  }
  return nodes;
}

/** The base64 text of a big layer's block (blockPieces). */
function blockText(id) {
  return blockPieces(id).map(function (node) { return node.textContent.trim(); }).join("");
}

/**
 * A part: byte planes joined, const filled, decimals divided back. `buffer` holds the
 * inflated block from offset `base` on (0 when not given: the geometry's member).
 */
function readPart(buffer, desc, base) {
  var at = desc.offset - (base || 0);
  if (desc.type === "json") {
    return JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, at, desc.bytes)));
  }
  var Type = ARRAYS[desc.type];
  var size = Type.BYTES_PER_ELEMENT;
  var n = desc.length, out;
  if ("const" in desc) out = new Type(n).fill(desc.const === null ? NaN : desc.const);
  else if (!desc.shuffle || size === 1) out = new Type(buffer, at, n);
  else out = unshuffle(new Uint8Array(buffer, at, n * size), n, size, Type);
  if (desc.decimals == null) return out;
  var scale = Math.pow(10, desc.decimals), missing = desc.missing, num = new Float64Array(n);
  for (var i = 0; i < n; i++) num[i] = out[i] === missing ? NaN : out[i] / scale;
  return num;
}

/** Byte planes back to 16- or 32-bit words. */
function unshuffle(src, n, size, Type) {
  var per = size > 2 ? size / 4 : 1, words = new (size > 2 ? Uint32Array : Uint16Array)(n * per);
  for (var w = 0; w < per; w++) {
    var b0 = 4 * w * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
    for (var i = 0; i < n; i++) {
      words[i * per + w] = src[b0 + i] | (src[b1 + i] << 8) | (size > 2 ? (src[b2 + i] << 16) | (src[b3 + i] << 24) : 0);
    }
  }
  return new Type(words.buffer);
}

/**
 * Web Mercator y of quantised latitudes (integers, `quantum` degrees each) in [lat0, lat1]:
 * a cubic per block of 2^shift quanta (at most 0.01°), its Taylor series at the block's
 * start, within 1e-17 world units (a tenth of a nanometre) of mercY; null if there is no
 * such range (mercY then serves every vertex). A logarithm per vertex costs more than the
 * rest of its decoding.
 */
function mercYBlocks(quantum, lat0, lat1) {
  if (!(quantum > 0 && lat0 <= lat1 && lat0 > -MAX_LAT + 1 && lat1 < MAX_LAT - 1)) return null;
  if (Math.max(-lat0, lat1) / quantum >= 1 << 30) return null; // quanta as int32
  var shift = Math.max(0, Math.min(20, Math.floor(Math.log2(0.01 / quantum))));
  var k0 = (Math.floor(lat0 / quantum) >> shift) - 1, k1 = (Math.ceil(lat1 / quantum) >> shift) + 1;
  if (!((k1 - k0) < 65536 && Math.abs(k0 << shift) < 2e9 && Math.abs((k1 + 1) << shift) < 2e9)) return null;
  var q = quantum * D2R, c = new Float64Array(4 * (k1 - k0 + 1)), pi2 = 2 * Math.PI;
  for (var k = k0; k <= k1; k++) {
    var lat = (k << shift) * quantum, phi = lat * D2R, sec = 1 / Math.cos(phi), tan = Math.tan(phi);
    var j = 4 * (k - k0);
    c[j] = mercY(lat);
    c[j + 1] = -sec / pi2 * q;
    c[j + 2] = -sec * tan / pi2 * q * q / 2;
    c[j + 3] = -sec * (tan * tan + sec * sec) / pi2 * q * q * q / 6;
  }
  return { shift: shift, k0: k0, blocks: k1 - k0 + 1, c: c };
}

/**
 * A part of 32-bit words as its four byte planes, one after the other (the block's own bytes
 * when it was stored so, else made here): what sharedVertices reads its residuals from.
 */
function wordPlanes(buffer, desc) {
  if (desc.type === "u32" && desc.shuffle && !("const" in desc)) {
    return new Uint8Array(buffer, desc.offset, 4 * desc.length);
  }
  var words = readPart(buffer, desc), n = words.length, out = new Uint8Array(4 * n);
  for (var i = 0; i < n; i++) {
    var v = words[i];
    out[i] = v & 255; out[n + i] = (v >>> 8) & 255; out[2 * n + i] = (v >>> 16) & 255; out[3 * n + i] = v >>> 24;
  }
  return out;
}

/**
 * How a layer's quantised vertices become Web Mercator world units (quantaX, quantaY): the
 * quantum in degrees and the cubic blocks of mercYBlocks for its latitudes (`bounds`: the
 * layer's lon/lat box, the header's; none without them).
 */
function vertexMerc(quantum, bounds) {
  var table = bounds ? mercYBlocks(quantum, bounds[1], bounds[3]) : null;
  return {
    quantum: quantum, qx: quantum / 360, shift: table ? table.shift : 0, k0: table ? table.k0 : 0,
    blocks: table ? table.blocks : 0, c: table ? table.c : null
  };
}

/** World-unit x of a vertex `q` quanta east of Greenwich (mercX). */
function quantaX(merc, q) { return q * merc.qx + 0.5; }

/**
 * World-unit y of a vertex `q` quanta north of the equator: its block's cubic (mercYBlocks),
 * mercY outside them. A logarithm per vertex costs more than the rest of its decoding.
 */
function quantaY(merc, q) {
  var k = (q >> merc.shift) - merc.k0;
  if (k >= 0 && k < merc.blocks) {
    var d = q - ((k + merc.k0) << merc.shift), j = 4 * k, c = merc.c;
    return c[j] + d * (c[j + 1] + d * (c[j + 2] + d * c[j + 3]));
  }
  return mercY(q * merc.quantum);
}

/**
 * The vertices as whole quanta (biglayer.py, _vertex_residuals): `ix`, `iy` (Int32Array),
 * and each feature's box (x0, y0, x1, y1) in world units in `bbox`, from the extremes of its
 * quanta (mercY is monotonic), in the same pass; world units of every vertex are worked out
 * only where they are drawn or hit-tested (quantaX, quantaY). The residuals come in runs
 * (`runs`: their lengths) by the vertex's place among the new vertices of its ring: the
 * first, the second, the third, the later ones, the guessed fourth corners; `px`, `py` hold
 * them as byte planes (wordPlanes), read as they are (no words made of them first).
 */
function sharedVertices(vref, px, py, featRing, ringStart, merc, bbox, runs) {
  var nv = vref.length, nf = featRing.length - 1, m = px.length >> 2, m2 = 2 * m, m3 = 3 * m;
  var ix = new Int32Array(nv), iy = new Int32Array(nv);
  // where each run's next residual is
  var c0 = 0, c1 = runs[0], c2 = c1 + runs[1], c3 = c2 + runs[2], cg = c3 + runs[3], lastX = 0, lastY = 0;
  for (var f = 0; f < nf; f++) {
    var x0 = 2147483647, y0 = 2147483647, x1 = -2147483648, y1 = -2147483648;
    for (var r = featRing[f]; r < featRing[f + 1]; r++) {
      var a = ringStart[r], b = ringStart[r + 1], quad = b - a === 4, place = 0;
      for (var v = a; v < b; v++) {
        var back = vref[v], x, y;
        if (back) {
          x = ix[v] = ix[v - back];
          y = iy[v] = iy[v - back];
        } else {
          var guessed = quad && v - a === 3;
          var next = guessed ? cg++ : place === 0 ? c0++ : place === 1 ? c1++ : place === 2 ? c2++ : c3++;
          place++;
          var zx = (px[next] | (px[m + next] << 8) | (px[m2 + next] << 16) | (px[m3 + next] << 24)) >>> 0;
          var zy = (py[next] | (py[m + next] << 8) | (py[m2 + next] << 16) | (py[m3 + next] << 24)) >>> 0;
          var dx = (zx >>> 1) ^ -(zx & 1), dy = (zy >>> 1) ^ -(zy & 1);
          // 32-bit sums (modulo 2^32, as the encoder's residuals): a step of more than 2^31
          // quanta (214°), across the globe, comes out right
          if (guessed) { // the parallelogram's fourth corner, and the residual from it
            lastX = (ix[v - 1] + ix[v - 3] - ix[v - 2] + dx) | 0;
            lastY = (iy[v - 1] + iy[v - 3] - iy[v - 2] + dy) | 0;
          } else {
            lastX = (lastX + dx) | 0;
            lastY = (lastY + dy) | 0;
          }
          x = ix[v] = lastX;
          y = iy[v] = lastY;
        }
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
    var i = 4 * f;
    if (x0 > x1) { // no vertices
      bbox[i] = bbox[i + 1] = Infinity;
      bbox[i + 2] = bbox[i + 3] = -Infinity;
    } else { // north is up: the northernmost vertex has the least y
      bbox[i] = quantaX(merc, x0); bbox[i + 1] = quantaY(merc, y1);
      bbox[i + 2] = quantaX(merc, x1); bbox[i + 3] = quantaY(merc, y0);
    }
  }
  return { ix: ix, iy: iy };
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

/** Member k of a block's bytes (a view): 0 the geometry's, 1 the rest (spec.split). */
function blockMember(bytes, spec, k) {
  var cut = spec.split.deflated;
  return k === 0 ? bytes.subarray(0, cut) : bytes.subarray(cut);
}

/** The inflated size of a block's second member, from its parts' places. */
function restSize(spec) {
  var end = spec.split.inflated;
  Object.keys(spec.parts).forEach(function (name) {
    var desc = spec.parts[name];
    end = Math.max(end, desc.offset + (desc.bytes || 0));
  });
  return end - spec.split.inflated;
}

/**
 * The geometry of a big layer from its inflated first member: rings, world-unit vertices,
 * boxes, kinds and the grid (the rasteriser needs each feature's category and phase
 * besides, from the second member: decodeColumns).
 */
function decodeGeometry(buffer, spec) {
  var parts = spec.parts;
  function part(name) { return readPart(buffer, parts[name]); }
  return geometryOf(
    spec.n, offsets(part("rings")), offsets(part("verts")), part("kinds"), part("vref"),
    wordPlanes(buffer, parts.x), wordPlanes(buffer, parts.y), vertexMerc(spec.quantum, spec.bounds), spec.runs
  );
}

/**
 * The geometry of n features from the block's parts, read (decodeGeometry): ring and vertex
 * offsets, ring kinds, back-references, the residuals' byte planes and their runs
 * (sharedVertices).
 */
function geometryOf(n, featRing, ringStart, ringKind, vref, px, py, merc, runs) {
  var bbox = new Float64Array(4 * n);
  var q = sharedVertices(vref, px, py, featRing, ringStart, merc, bbox, runs);
  var kind = new Uint8Array(n);
  var gx0 = Infinity, gy0 = Infinity, gx1 = -Infinity, gy1 = -Infinity;
  for (var f = 0; f < n; f++) {
    kind[f] = featRing[f + 1] > featRing[f] ? ringKind[featRing[f]] : RING_POINT;
    var i = 4 * f;
    if (bbox[i] < gx0) gx0 = bbox[i];
    if (bbox[i + 1] < gy0) gy0 = bbox[i + 1];
    if (bbox[i + 2] > gx1) gx1 = bbox[i + 2];
    if (bbox[i + 3] > gy1) gy1 = bbox[i + 3];
  }
  var geometry = {
    n: n, featRing: featRing, ringStart: ringStart, ringKind: ringKind, ix: q.ix, iy: q.iy, merc: merc,
    bbox: bbox, kind: kind
  };
  buildGrid(geometry, gx0, gy0, gx1, gy1);
  return geometry;
}

/** obj[key] made by make() the first time it is read, and kept from then on; returns obj. */
function lazy(obj, key, make) {
  Object.defineProperty(obj, key, {
    configurable: true, enumerable: true,
    get: function () {
      var value = make();
      Object.defineProperty(obj, key, { value: value, writable: true, enumerable: true, configurable: true });
      return value;
    }
  });
  return obj;
}

/**
 * The attributes of a big layer from its inflated second member: each feature's category
 * and phase, now (the rasteriser needs them), and the columns, names and measures, each
 * decoded the first time it is read (a popup, a search, the date slider), not while the
 * map is starting.
 */
function decodeColumns(buffer, spec) {
  var parts = spec.parts, base = spec.split.inflated;
  function part(name) { return readPart(buffer, parts[name], base); }
  function later(name) { return function () { return part(name); }; }
  var n = spec.n;
  var big = { n: n, cat: part("cat"), phase: part("phase"), declared: null, stamp: new Uint32Array(n), query: 0 };
  lazy(big, "area", later("area_ha"));
  lazy(big, "length", later("length_km"));
  if (spec.zp.declared_ha) lazy(big, "declared", later(spec.zp.declared_ha));
  big.columns = spec.columns.map(function (col) {
    var out = { name: col.name };
    if (col.kind === "num") return lazy(out, "num", later(col.part));
    if (col.kind === "numtext") {
      var form = part(col.values);
      out.prefix = form.prefix; out.width = form.width; out.suffix = form.suffix;
      return lazy(out, "number", function () { return undelta(part(col.part)); });
    }
    out.values = part(col.values);
    return lazy(out, "codes", later(col.part));
  });
  // names: dictionary-coded, or an equal column
  big.names = spec.zp.names.map(function (entry) {
    if (Array.isArray(entry)) return lazy({ values: part(entry[1]) }, "codes", later(entry[0]));
    var col = big.columns[entry.column];
    if (!col.values) return { column: col };
    return lazy({ values: col.values }, "codes", function () { return col.codes; });
  });
  return big;
}

/** Decode a big layer on this thread: columns and geometry in one object. */
function decodeBig(spec) {
  var bytes = base64Bytes(blockText(spec.element).trim());
  return Promise.all([gunzip(blockMember(bytes, spec, 0)), gunzip(blockMember(bytes, spec, 1))])
    .then(function (members) {
      var big = decodeColumns(members[1], spec), geometry = decodeGeometry(members[0], spec);
      Object.keys(geometry).forEach(function (key) { if (!(key in big)) big[key] = geometry[key]; });
      return big;
    });
}

/**
 * A uniform grid of the features' boxes. A feature whose box meets at most 2 x 2 cells (most
 * of them: a cell holds about four) is listed in its first cell only, the one of its box's
 * lower corner, so whoever reads the cells of a box reads from one cell before it on each
 * axis (queryBig, rasterTile) and tests each feature's box; a larger one is listed in every
 * cell its box meets (`first`: its first cell, so that it is taken once), and one that meets
 * more than 64 cells is kept apart (`large`). Each listing carries a copy of the feature's box
 * (`box`), read in cell order.
 */
function buildGrid(big, x0, y0, x1, y1) {
  var n = big.n;
  var side = Math.max(1, Math.min(1024, Math.ceil(Math.sqrt(n / 4))));
  var w = Math.max((x1 - x0) / side, 1e-12), h = Math.max((y1 - y0) / side, 1e-12);
  var last = side - 1, count = new Uint32Array(side * side + 1), large = [], bb = big.bbox;
  var f, c, ix, iy, i, j, k, cx0, cy0, cx1, cy1, b0, b1, b2, b3;
  // the cells of each box's corners, within the grid (the same sums as queryBig's), worked
  // out twice, to count and then to list, rather than kept
  for (f = 0; f < n; f++) {
    i = 4 * f;
    if (!(bb[i] <= bb[i + 2])) continue; // no vertices: in no cell
    cx0 = Math.floor((bb[i] - x0) / w); cy0 = Math.floor((bb[i + 1] - y0) / h);
    cx1 = Math.floor((bb[i + 2] - x0) / w); cy1 = Math.floor((bb[i + 3] - y0) / h);
    cx0 = cx0 < 0 ? 0 : cx0 > last ? last : cx0; cy0 = cy0 < 0 ? 0 : cy0 > last ? last : cy0;
    cx1 = cx1 < 0 ? 0 : cx1 > last ? last : cx1; cy1 = cy1 < 0 ? 0 : cy1 > last ? last : cy1;
    if (cx1 - cx0 <= 1 && cy1 - cy0 <= 1) { count[cy0 * side + cx0 + 1]++; continue; }
    if ((cx1 - cx0 + 1) * (cy1 - cy0 + 1) > 64) { large.push(f); continue; }
    for (iy = cy0; iy <= cy1; iy++) for (ix = cx0; ix <= cx1; ix++) count[iy * side + ix + 1]++;
  }
  for (c = 0; c < side * side; c++) count[c + 1] += count[c];
  var total = count[side * side], fill = count.slice(0, side * side);
  var items = new Uint32Array(total), box = new Float64Array(4 * total), first = new Uint32Array(total);
  for (f = 0; f < n; f++) {
    i = 4 * f;
    b0 = bb[i]; b1 = bb[i + 1]; b2 = bb[i + 2]; b3 = bb[i + 3];
    if (!(b0 <= b2)) continue;
    cx0 = Math.floor((b0 - x0) / w); cy0 = Math.floor((b1 - y0) / h);
    cx1 = Math.floor((b2 - x0) / w); cy1 = Math.floor((b3 - y0) / h);
    cx0 = cx0 < 0 ? 0 : cx0 > last ? last : cx0; cy0 = cy0 < 0 ? 0 : cy0 > last ? last : cy0;
    cx1 = cx1 < 0 ? 0 : cx1 > last ? last : cx1; cy1 = cy1 < 0 ? 0 : cy1 > last ? last : cy1;
    if (cx1 - cx0 <= 1 && cy1 - cy0 <= 1) {
      k = fill[cy0 * side + cx0]++;
      items[k] = f; first[k] = 0xffffffff;
      j = 4 * k;
      box[j] = b0; box[j + 1] = b1; box[j + 2] = b2; box[j + 3] = b3;
      continue;
    }
    if ((cx1 - cx0 + 1) * (cy1 - cy0 + 1) > 64) continue; // large
    var corner = (cx0 | (cy0 << 16)) >>> 0;
    for (iy = cy0; iy <= cy1; iy++) {
      for (ix = cx0; ix <= cx1; ix++) {
        k = fill[iy * side + ix]++;
        items[k] = f; first[k] = corner;
        j = 4 * k;
        box[j] = b0; box[j + 1] = b1; box[j + 2] = b2; box[j + 3] = b3;
      }
    }
  }
  big.grid = { x0: x0, y0: y0, w: w, h: h, side: side, start: count, items: items, box: box, first: first, large: large };
}

/** Call fn once for each feature whose box meets the box (world units). */
function queryBig(big, x0, y0, x1, y1, fn) {
  var g = big.grid;
  if (!g) return; // the geometry is still being decoded
  var stamp = big.stamp, box = g.box, bb = big.bbox;
  var qid = big.query = (big.query + 1) >>> 0 || 1;
  var ix1 = Math.min(g.side - 1, Math.floor((x1 - g.x0) / g.w));
  var iy1 = Math.min(g.side - 1, Math.floor((y1 - g.y0) / g.h));
  // from one cell before the box's: a feature is listed in its first cell only (buildGrid)
  var ix0 = Math.max(0, Math.floor((x0 - g.x0) / g.w) - 1), iy0 = Math.max(0, Math.floor((y0 - g.y0) / g.h) - 1);
  for (var iy = iy0; iy <= iy1; iy++) {
    for (var ix = ix0; ix <= ix1; ix++) {
      var c = iy * g.side + ix;
      for (var k = g.start[c]; k < g.start[c + 1]; k++) {
        var f = g.items[k], j = 4 * k;
        if (box[j] > x1 || box[j + 2] < x0 || box[j + 1] > y1 || box[j + 3] < y0) continue;
        if (stamp[f] !== qid) { stamp[f] = qid; fn(f); }
      }
    }
  }
  for (var m = 0; m < g.large.length; m++) {
    var i = 4 * g.large[m];
    if (!(bb[i] > x1 || bb[i + 2] < x0 || bb[i + 1] > y1 || bb[i + 3] < y0)) fn(g.large[m]);
  }
}

function segmentDistance2(px, py, ax, ay, bx, by) {
  var dx = bx - ax, dy = by - ay;
  var len2 = dx * dx + dy * dy;
  var t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
  var qx = ax + t * dx - px, qy = ay + t * dy - py;
  return qx * qx + qy * qy;
}

/** Whether feature f is under the point (world units; tol for lines, points). */
function hitBig(big, f, x, y, tol) {
  var bb = big.bbox;
  if (x < bb[4 * f] - tol || x > bb[4 * f + 2] + tol || y < bb[4 * f + 1] - tol || y > bb[4 * f + 3] + tol) {
    return false;
  }
  var ix = big.ix, iy = big.iy, merc = big.merc, inside = false, tol2 = tol * tol;
  for (var r = big.featRing[f]; r < big.featRing[f + 1]; r++) {
    var a = big.ringStart[r], b = big.ringStart[r + 1], kind = big.ringKind[r], v;
    if (b <= a) continue;
    // the ring's vertices in world units: the last, then each in turn
    var px = quantaX(merc, ix[b - 1]), py = quantaY(merc, iy[b - 1]);
    if (kind === RING_POINT) {
      if ((px - x) * (px - x) + (py - y) * (py - y) <= tol2) return true;
      continue;
    }
    for (v = a; v < b; v++) {
      var vx = quantaX(merc, ix[v]), vy = quantaY(merc, iy[v]);
      if (kind === RING_LINE) {
        if (v > a && segmentDistance2(x, y, px, py, vx, vy) <= tol2) return true;
      } else if ((vy > y) !== (py > y) && x < (px - vx) * (y - vy) / (py - vy) + vx) {
        inside = !inside;
      }
      px = vx; py = vy;
    }
  }
  return inside;
}

function bigValue(column, f) {
  if (column.num) return Number.isNaN(column.num[f]) ? null : column.num[f];
  if (column.number) {
    return column.prefix + String(column.number[f]).padStart(column.width, "0") + column.suffix;
  }
  return column.values[column.codes[f]];
}

/** The name of feature f in one language (an entry of big.names). */
function bigName(name, f) {
  return name.column ? bigValue(name.column, f) : name.values[name.codes[f]];
}

function finite(value) { return Number.isNaN(value) ? null : value; }
