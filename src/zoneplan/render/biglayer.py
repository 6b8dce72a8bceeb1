"""
The big-layer path of the map: parcel-scale layers as one compressed binary block.

A layer of 10^5–10^6 features cannot travel as GeoJSON and be drawn as one SVG
path per feature: the page grows to tens of megabytes and the browser freezes
(geopandas' ``explore()`` takes 17 s to first paint at 10^5 polygons). A layer
above `BIG_LAYER_FEATURES` features (or `BIG_LAYER_VERTICES` vertices) is
therefore packed into typed arrays instead:

* coordinates quantised to 1e-7° (about 1 cm, the same rounding as the GeoJSON
  path), a vertex shared with a parcel before it as a back-reference, a new one
  delta-coded along the vertex stream (in runs by the vertex's place among the
  new ones of its ring: `_vertex_residuals`), zig-zag mapped and split into byte
  planes so that deflate finds the long runs of zero high bytes (the residuals
  and the decoder's sums are 32-bit, modulo 2^32, so a step of more than 214°,
  from one side of the globe to the other, comes out right);
* ring and feature offsets as counts, in the narrowest unsigned type;
* every attribute column either as float64 (numbers) or dictionary-coded
  (anything else, the dictionary as JSON text); numbers that are all whole
  multiples of 10^-k (k ≤ 6, e.g. areas in whole m²) as int32 with
  ``decimals`` k in their description, each value the integer divided by 10^k
  (-2^31 for a missing value), which gives back exactly the same float64;
* a part whose values are all the same (every ring a polygon of four vertices,
  no line lengths) as no bytes at all: ``const`` in its description holds the
  value (null for NaN);
* the measured ``area_ha``/``length_km`` to `MEASURE_DECIMALS` places (0.01 m²,
  1 mm), the values of the GeoJSON path, as int32 with ``decimals`` where they
  fit, and the category and phase of each feature as small codes.

The block is gzip-compressed (`gzip_block`) as two members, the geometry's
parts and then the rest (the header's ``split``: where the rest begins in the
inflated block and in the compressed one), and base64-encoded into its own
``<script type="application/octet-stream">`` element (in pieces when long). The
viewer's worker inflates and decodes the geometry as soon as its member has been
read, while the page is still reading the rest, and the page inflates the
attributes' member itself; both use the browser's ``DecompressionStream``. The
features are indexed in a grid and drawn on canvas tiles, so only what is in
view is drawn, sub-pixel features as single pixels. Base64 text cannot end a
script element and the dictionaries are read with ``JSON.parse``, so data never
becomes code.
"""

from __future__ import annotations

import base64
import json
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, cast

import deflate
import numpy as np
import pandas as pd
import shapely

from zoneplan.errors import InputError
from zoneplan.progress import Bar, progress_bar
from zoneplan.render.layers import (
    MEASURE_DECIMALS,
    LayerRegistry,
    MapLayer,
    feature_names,
    json_value,
    text_like,
    whole_name_column,
)

if TYPE_CHECKING:
    import geopandas as gpd

#: User layers with more features than this take the big-layer path.
BIG_LAYER_FEATURES: Final[int] = 5_000
#: ...or with more vertices than this.
BIG_LAYER_VERTICES: Final[int] = 500_000
#: A layer with more features than this is refused: the browser would run out of memory.
MAX_VIEWER_FEATURES: Final[int] = 5_000_000
#: ...or with more vertices than this.
MAX_VIEWER_VERTICES: Final[int] = 60_000_000
#: Coordinate quantum of the binary block, in degrees (the GeoJSON path rounds to 7 decimals).
QUANTUM_DEG: Final[float] = 1e-7
#: Ring kinds in the binary block.
RING_POLYGON, RING_LINE, RING_POINT = 0, 1, 2
#: Runs of vertex residuals (`_vertex_residuals`): a ring's first new vertex, its second,
#: its third, its later ones, and the guessed fourth corners of quadrilaterals.
RESIDUAL_RUNS: Final[int] = 5

#: zlib's level in `gzip_on_cores` (blocks over `_ONE_PIECE`): 4 deflates random-like data
#: three times as fast as 6 for 0.5-1 % more bytes.
_GZIP_LEVEL: Final = 4
_SCALE: Final = 10**7  # 1 / QUANTUM_DEG


@dataclass(frozen=True)
class BigLayerBlock:
    """
    One layer packed for the big-layer renderer.

    Parameters
    ----------
    header
        What the viewer needs to read `data`: counts, part offsets and types, the
        columns, bounds, the category/phase pairs present and where the block is
        split (``split``: ``inflated``, the offset where the parts after the
        geometry's begin; ``deflated``, the length of the first member). JSON-ready.
    data
        The binary block as two gzip members one after the other (any gzip
        reader gives the whole block): the geometry's parts, then the rest.
    """

    header: dict[str, Any]
    data: bytes

    def base64(self) -> str:
        """Return the block as base64 text for a script element."""
        return base64.b64encode(self.data).decode("ascii")


def vertex_count(geoms: np.ndarray) -> int:
    """Return the total number of coordinates of `geoms` (missing geometries count 0)."""
    return int(shapely.get_num_coordinates(geoms).sum())


def is_big(gdf: gpd.GeoDataFrame, *, max_features: int = BIG_LAYER_FEATURES) -> bool:
    """
    Tell whether a layer takes the big-layer path.

    Parameters
    ----------
    gdf
        The layer.
    max_features
        Feature count above which a layer is big (`BIG_LAYER_FEATURES` by
        default); a layer with more than `BIG_LAYER_VERTICES` vertices is big too.

    Returns
    -------
    big
        True for the big-layer path.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> small = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)] * 3, crs=4326)
    >>> is_big(small), is_big(small, max_features=2)
    (False, True)
    """
    if len(gdf) > max_features:
        return True
    return vertex_count(np.asarray(gdf.geometry.values)) > BIG_LAYER_VERTICES


def check_viewer_size(gdf: gpd.GeoDataFrame, name: str) -> None:
    """
    Refuse a layer too big for a browser, with advice.

    Parameters
    ----------
    gdf
        The layer.
    name
        The layer's file name, for the message.

    Raises
    ------
    InputError
        If the layer has more than `MAX_VIEWER_FEATURES` features or
        `MAX_VIEWER_VERTICES` vertices.
    """
    n = len(gdf)
    nv = vertex_count(np.asarray(gdf.geometry.values))
    if n > MAX_VIEWER_FEATURES or nv > MAX_VIEWER_VERTICES:
        msg = (
            f"{name}: {n:,} features with {nv:,} vertices is more than a browser can hold "
            f"(at most {MAX_VIEWER_FEATURES:,} features and {MAX_VIEWER_VERTICES:,} vertices); "
            "clip it to the area you need or simplify it (e.g. ogr2ogr -clipsrc / -simplify), "
            "and use `zoneplan areas --layer` for tables of the whole layer"
        )
        raise InputError(msg)


class _Packer:
    """Collects the parts of a block, 8-byte aligned, with their descriptions."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.parts: dict[str, dict[str, Any]] = {}
        self.size = 0

    def add(
        self,
        name: str,
        array: np.ndarray,
        *,
        shuffle: bool = False,
        zigzag: bool = False,
        decimals: int | None = None,
    ) -> str:
        """
        Add a typed array (little-endian); return its name.

        An array of one repeated value takes no bytes (``const``); `decimals`
        marks int32 numbers that stand for number / 10^decimals (`_decimal_ints`).
        """
        kinds = {"u1": "u8", "u2": "u16", "u4": "u32", "i4": "i32", "f8": "f64"}
        arr = np.ascontiguousarray(array)
        kind = kinds[f"{arr.dtype.kind}{arr.dtype.itemsize}"]
        desc: dict[str, Any] = {
            "type": kind,
            "length": int(arr.size),
            "shuffle": bool(shuffle),
            "zigzag": bool(zigzag),
        }
        if decimals is not None:
            desc["decimals"] = decimals
            desc["missing"] = _MISSING_INT
        const = _constant(arr)
        if const is not None:
            self._append(name, {**desc, "const": const[0]}, b"")
            return name
        raw = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
        if shuffle and arr.dtype.itemsize > 1:
            data = raw.view(np.uint8).reshape(-1, arr.dtype.itemsize).T.tobytes()
        else:
            data = raw.tobytes()
        self._append(name, desc, data)
        return name

    def add_json(self, name: str, value: Any) -> str:
        """Add a JSON document (UTF-8); return its name."""
        data = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        self._append(name, {"type": "json"}, data.encode("utf-8"))
        return name

    def _append(self, name: str, desc: dict[str, Any], data: bytes) -> None:
        pad = (-self.size) % 8
        if pad:
            self.chunks.append(b"\0" * pad)
            self.size += pad
        self.parts[name] = {**desc, "offset": self.size, "bytes": len(data)}
        self.chunks.append(data)
        self.size += len(data)

    def extend(self, other: _Packer) -> int:
        """
        Append the parts of `other` after these (their offsets moved along); return the
        offset where they begin.
        """
        pad = (-self.size) % 8
        if pad:
            self.chunks.append(b"\0" * pad)
            self.size += pad
        at = self.size
        for name, desc in other.parts.items():
            self.parts[name] = {**desc, "offset": desc["offset"] + at}
        self.chunks.extend(other.chunks)
        self.size += other.size
        return at

    def compressed(self, split: int) -> tuple[bytes, int]:
        """
        Return the parts as two gzip members, the bytes before `split` and the rest, one
        after the other, and the length of the first; both made the way the whole block's
        size calls for (`gzip_block`).
        """
        data = b"".join(self.chunks)
        self.chunks = []  # the parts are in `data` now
        view, large = memoryview(data), len(data) > _ONE_PIECE
        first = gzip_block(view[:split], large=large)
        return first + gzip_block(view[split:], large=large), len(first)


#: Bytes each core deflates at a time in `gzip_on_cores`.
_GZIP_SLICE: Final = 4 << 20
#: Blocks up to this size are deflated in one piece by libdeflate (`gzip_block`).
_ONE_PIECE: Final = 16 << 20
#: libdeflate's level for those: near its best ratio, still fast (0.4 s for 4 MB).
_LIBDEFLATE_LEVEL: Final = 10


def gzip_block(data: bytes | memoryview, *, large: bool | None = None) -> bytes:
    """
    Return `data` as one gzip member, made the way that suits its size.

    Up to `_ONE_PIECE` bytes (layers up to a few hundred thousand features),
    libdeflate at level 10 in one piece: 2-4 % smaller than zlib's best, and
    faster. Larger blocks are deflated by zlib on every core at once
    (`gzip_on_cores`), since libdeflate works on one core. Either way any gzip
    reader, the browser's ``DecompressionStream`` included, reads it. `large`
    chooses the second way (True) or the first (False) whatever the size of
    `data` (a part of a block deflated the way the whole block's size calls for).

    Examples
    --------
    >>> import gzip
    >>> data = bytes(range(256)) * 1_000
    >>> gzip.decompress(gzip_block(data)) == data
    True
    """
    if len(data) > _ONE_PIECE if large is None else large:
        return gzip_on_cores(data)
    return bytes(deflate.gzip_compress(data, _LIBDEFLATE_LEVEL))


def gzip_on_cores(data: bytes | memoryview, *, workers: int | None = None) -> bytes:
    """
    Return one gzip member of `data`, deflated on every core (the way pigz does).

    The data is cut into slices; each is deflated on its own thread (zlib lets
    go of the GIL) with the 32 kB before it as its dictionary, so matches may
    still reach back across a cut, and all but the last end on a sync flush at
    a byte boundary. Joined, they make one ordinary deflate stream: any gzip
    reader, the browser's ``DecompressionStream`` included, reads it as if one
    ``gzip.compress`` had made it.

    Examples
    --------
    >>> data = bytes(range(256)) * 50_000
    >>> import gzip
    >>> gzip.decompress(gzip_on_cores(data, workers=2)) == data
    True
    """
    from concurrent.futures import ThreadPoolExecutor

    from zoneplan.progress import default_workers

    view = memoryview(data)
    starts = list(range(0, len(data), _GZIP_SLICE)) or [0]

    def deflate(k: int) -> bytes:
        start = starts[k]
        last = k == len(starts) - 1
        zdict = bytes(view[max(0, start - 32768) : start])
        comp = (
            zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, -15, zdict=zdict)
            if zdict
            else zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, -15)
        )
        body = comp.compress(view[start : start + _GZIP_SLICE])
        return body + comp.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)

    threads = min(default_workers() if workers is None else max(1, workers), len(starts))
    if threads > 1:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            bodies = list(pool.map(deflate, range(len(starts))))
    else:
        bodies = [deflate(k) for k in range(len(starts))]
    # gzip header: deflate, no flags, mtime 0, no extra flags, OS unknown (as gzip.compress
    # with mtime=0 writes, bar the OS byte)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    trailer = struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF)
    return header + b"".join(bodies) + trailer


def _constant(arr: np.ndarray) -> tuple[int | float | None] | None:
    """
    The one value every element of `arr` holds, bit for bit, as a 1-tuple (None for
    NaN); None when the values differ, the array is empty or the value is infinite.

    Examples
    --------
    >>> _constant(np.full(5, 4, np.uint8)), _constant(np.full(3, np.nan))
    ((4,), (None,))
    >>> _constant(np.array([0.0, -0.0])) is None, _constant(np.zeros(0)) is None
    (True, True)
    """
    if not arr.size:
        return None
    bits = arr.view(f"u{arr.dtype.itemsize}")
    if not (bits == bits[0]).all():
        return None
    value = arr[0].item()
    if isinstance(value, float):
        if np.isnan(value):
            return (None,)
        if not np.isfinite(value):
            return None
    return (value,)


#: The int32 that stands for a missing value in a part coded with `_decimal_ints`.
_MISSING_INT: Final = -(2**31)


def _decimal_ints(values: np.ndarray) -> tuple[np.ndarray, int] | None:
    """
    Numbers (float64, NaN for missing) as int32 times 10^-k, when that is exact.

    Returns the integers (`_MISSING_INT` for NaN) and the smallest k (0 to 6) for
    which every integer divided by 10^k is the very float64 given: division is
    correctly rounded in JavaScript as in numpy, so the viewer gets the same
    values back. None when no k does (or a value is -0.0, or too large).

    Examples
    --------
    >>> ints, k = _decimal_ints(np.array([612.0, 1.25, np.nan, -3.5]))
    >>> ints.tolist(), k
    ([61200, 125, -2147483648, -350], 2)
    >>> _decimal_ints(np.array([0.1 + 0.2])) is None
    True
    """
    finite = ~np.isnan(values)
    v = values[finite]
    if not v.size or not np.isfinite(v).all() or (np.signbit(v) & (v == 0)).any():
        return None
    top = float(np.abs(v).max())
    sample = v[:: max(1, v.size // 1000)]
    for k in range(7):
        scale = 10.0**k
        if top * scale >= 2**31 - 1:
            return None
        if not np.array_equal(np.rint(sample * scale) / scale, sample):
            continue
        ints = np.rint(v * scale)
        if not np.array_equal(ints / scale, v):
            return None
        out = np.full(values.shape, _MISSING_INT, dtype=np.int32)
        out[finite] = ints.astype(np.int32)
        return out, k
    return None


def _narrow(counts: np.ndarray) -> np.ndarray:
    """Return non-negative integers in the narrowest unsigned type that holds them."""
    top = int(counts.max()) if counts.size else 0
    for dtype in (np.uint8, np.uint16, np.uint32):
        if top <= np.iinfo(dtype).max:
            return counts.astype(dtype)
    msg = f"count {top} does not fit 32 bits"
    raise InputError(msg)


def _zigzag_delta(values: np.ndarray) -> np.ndarray:
    """Delta-code int32 values along the array and map them to unsigned (zig-zag)."""
    v = values.astype(np.int64)
    delta = np.diff(v, prepend=0)
    return ((delta << 1) ^ (delta >> 63)).astype(np.uint32)


def _flatten(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """
    Split geometries into rings.

    Returns ring counts per geometry, vertex counts per ring, ring kinds, and the
    vertex coordinates (polygon rings without their closing vertex).
    """
    types = shapely.get_type_id(geoms)
    if len(geoms) and np.isin(types, (3, 6)).all():
        return _flatten_polygons(geoms)
    parts, owner = shapely.get_parts(geoms, return_index=True)
    # GeometryCollections may hold multi-part members: split until only simple parts remain
    while True:
        multi = np.isin(shapely.get_type_id(parts), (4, 5, 6, 7))
        if not multi.any():
            break
        sub, sub_owner = shapely.get_parts(parts[multi], return_index=True)
        owners = np.concatenate([owner[~multi], owner[multi][sub_owner]])
        merged = np.concatenate([parts[~multi], sub])
        order = np.argsort(owners, kind="stable")
        parts, owner = merged[order], owners[order]
    keep = ~shapely.is_empty(parts)
    parts, owner = parts[keep], owner[keep]
    types = shapely.get_type_id(parts)
    is_poly = types == 3
    # rings of each part, in part order: polygons give exterior + holes, others themselves
    poly_rings, poly_owner = shapely.get_rings(parts[is_poly], return_index=True)
    poly_part = np.flatnonzero(is_poly)[poly_owner]
    other_part = np.flatnonzero(~is_poly)
    ring_part = np.concatenate([poly_part, other_part])
    ring_geom = np.concatenate([poly_rings, parts[~is_poly]])
    order = np.argsort(ring_part, kind="stable")
    ring_part, ring_geom = ring_part[order], ring_geom[order]
    part_type = types[ring_part]
    kinds = np.where(part_type == 3, RING_POLYGON, np.where(part_type == 0, RING_POINT, RING_LINE))
    coords, vidx = shapely.get_coordinates(ring_geom, return_index=True)
    per_ring = np.bincount(vidx, minlength=len(ring_geom))
    closing = kinds == RING_POLYGON
    if closing.any():
        last = np.cumsum(per_ring) - 1
        drop = np.zeros(len(coords), dtype=bool)
        drop[last[closing & (per_ring > 1)]] = True
        coords = coords[~drop]
        per_ring = per_ring - (closing & (per_ring > 1))
    rings_per_geom = np.bincount(owner[ring_part], minlength=len(geoms))
    return rings_per_geom, per_ring, kinds.astype(np.uint8), coords


def _flatten_polygons(
    geoms: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`_flatten` of (Multi)Polygons through one ragged array: no geometry object per ring."""
    if (shapely.get_type_id(geoms) == 3).all() and not shapely.get_num_interior_rings(geoms).any():
        # polygons without holes, the usual parcel: each geometry is one ring
        coords = shapely.get_coordinates(geoms)
        per_geom = shapely.get_num_coordinates(geoms).astype(np.int64)
        offsets: tuple[np.ndarray, ...] = (
            np.concatenate([[0], np.cumsum(per_geom)]),
            np.arange(len(geoms) + 1),
        )
    else:
        _, coords, offsets = shapely.to_ragged_array(geoms, include_z=False)
    ring_offsets = np.asarray(offsets[0], dtype=np.int64)
    if len(offsets) == 3:  # MultiPolygon: rings of parts, parts of geometries
        part_rings = np.asarray(offsets[1], dtype=np.int64)
        geom_parts = np.asarray(offsets[2], dtype=np.int64)
        geom_rings = part_rings[geom_parts]
    else:
        geom_rings = np.asarray(offsets[1], dtype=np.int64)
    per_ring = np.diff(ring_offsets)
    closing = per_ring > 1
    keep = np.ones(len(coords), dtype=bool)
    keep[ring_offsets[1:][closing] - 1] = False
    kinds = np.full(len(per_ring), RING_POLYGON, dtype=np.uint8)
    return np.diff(geom_rings), per_ring - closing, kinds, coords[keep]


def _shared_vertices(q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """
    Code each distinct (quantised) vertex once: back-references and the new vertices.

    Neighbouring parcels of a cadastre share their corners. Walking the vertex
    stream in order, a vertex seen before is given as how many places back in
    the stream it last appeared (``vref`` > 0, at most `_MAX_BACK`); a new one,
    or one last seen further back, as 0, its coordinates taken from the next row
    of `unique` (stored vertices in stream order).

    Examples
    --------
    >>> q = np.array([[0, 0], [5, 0], [5, 5], [0, 0], [5, 5], [9, 9]], dtype=np.int32)
    >>> vref, unique = _shared_vertices(q)
    >>> vref.tolist(), unique.tolist()
    ([0, 0, 0, 3, 2, 0], [[0, 0], [5, 0], [5, 5], [9, 9]])
    """
    n = len(q)
    if n == 0:
        return np.zeros(0, dtype=np.int64), q
    x = q[:, 0].astype(np.int64)
    x -= x.min()
    y = q[:, 1].astype(np.int64)
    y -= y.min()
    span_y = int(y.max()) + 1
    if (int(x.max()) + 1) * span_y <= 2**_WINDOW_KEY_BITS:
        key = x * span_y
        key += y  # each distinct vertex one number below 2**_WINDOW_KEY_BITS
        del x, y
        vref = _back_references_windowed(key)
    else:  # a layer wider than about a degree: one stable sort of the whole stream
        del x, y
        key = q[:, 0].astype(np.int64) << 32
        key += q[:, 1].astype(np.int64) + 2**31
        order = np.argsort(key, kind="stable")  # by vertex, then by position
        key = key[order]
        same = key[1:] == key[:-1]
        del key
        later = order[1:][same]  # a place whose vertex came before, and where it did
        vref = np.zeros(n, dtype=np.int64)
        vref[later] = later - order[:-1][same]
        del order, later
    # a vertex last seen further back than 16 bits reach is stored again: the
    # references stay 16-bit (8-bit, or no bytes, where parcels share no corner)
    vref[vref > _MAX_BACK] = 0
    return vref, q[vref == 0]


def _back_references_windowed(key: np.ndarray) -> np.ndarray:
    """
    `_shared_vertices`' back-references, window by window: for each place, how far
    back the same `key` last appeared, if that is within `_MAX_BACK` (else any
    distance beyond it, or 0 for a first appearance).

    A reference reaches at most `_MAX_BACK` places back, so the places of one
    window of ``_MAX_BACK + 1`` need only that window and the one before: each
    pair is sorted as single numbers, the key above the place in the pair (no
    argsort: a plain sort of integers, several times faster), which orders them
    by vertex, then by place.
    """
    n = len(key)
    window = _MAX_BACK + 1
    pos_bits = (2 * window - 1).bit_length()
    low = np.int64(2**pos_bits - 1)
    key = key << pos_bits
    vref = np.zeros(n, dtype=np.int64)
    for start in range(0, n, window):
        lo, hi = max(start - window, 0), min(start + window, n)
        both = key[lo:hi] | np.arange(hi - lo, dtype=np.int64)
        both.sort()
        place = both & low
        both >>= pos_bits
        same = both[1:] == both[:-1]
        later, earlier = place[1:][same], place[:-1][same]
        mine = later >= start - lo  # places of this window; the one before only looked back at
        vref[lo + later[mine]] = later[mine] - earlier[mine]
    return vref


#: Farthest back-reference of `_shared_vertices`, in vertices along the stream.
_MAX_BACK: Final = 2**16 - 1
#: Bits a vertex's number may take in `_back_references_windowed` (with the 17 bits of its
#: place, within an int64): a layer about 0.8° by 0.8° at `QUANTUM_DEG`.
_WINDOW_KEY_BITS: Final = 46

#: A text column that is a prefix, a whole number and a suffix, e.g. "P0000001" or "Thửa 12".
_NUMBERED = r"(?P<prefix>[^0-9]*)(?P<number>[0-9]{1,9})(?P<suffix>[^0-9]*)"


def _vertex_residuals(
    q: np.ndarray, vref: np.ndarray, unique_q: np.ndarray, per_ring: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """
    What the block stores of each new vertex (`_shared_vertices`): its offset from a guess.

    The guess for the fourth vertex of a ring of four (a parcel drawn as a
    quadrilateral) is the parallelogram's: third + first - second, exact for a
    rectangle, so that vertex costs next to nothing; for any other new vertex,
    the new vertex before it (a delta along the stream, as neighbours follow
    each other). The viewer undoes it walking the stream in the same order.

    The residuals come in `RESIDUAL_RUNS` runs, each in stream order, by the
    vertex's place among the new vertices of its ring: the jumps (the first, a
    step from the ring before: long where parcels lie apart), the second, the
    third, all later ones, and the guessed fourth corners. Kept apart, each
    run's bytes are alike and deflate better: the sides of a parcel drawn as a
    quadrilateral (second and third) are long along one axis and short along the
    other, its guessed corner off by next to nothing (a fifth less for
    rectangles scattered at random than all but the jumps in one run).

    Returns
    -------
    x, y, runs
        The x and y residual of each new vertex, zig-zag mapped (`_zigzag`), run
        after run, and the length of each run.

    Examples
    --------
    >>> q = np.array([[0, 0], [4, 0], [4, 3], [0, 3], [9, 9], [9, 5], [8, 1]], dtype=np.int32)
    >>> vref, unique = _shared_vertices(q)
    >>> x, y, runs = _vertex_residuals(q, vref, unique, np.array([4, 3]))
    >>> _unzigzag(x).tolist(), _unzigzag(y).tolist(), runs
    ([0, 9, 4, 0, 0, -1, 0], [0, 6, 0, -4, 3, -4, 0], [2, 2, 2, 0, 1])
    """
    if not len(q):
        return np.zeros(0, np.uint32), np.zeros(0, np.uint32), [0] * RESIDUAL_RUNS
    # per ring, not per vertex (a million rings, four or five million vertices)
    ends = np.cumsum(per_ring)
    starts = ends - per_ring
    new = vref == 0
    new_before = np.zeros(len(q) + 1, dtype=np.int64)  # new vertices before each place
    np.cumsum(new, out=new_before[1:])
    # the fourth vertex of a ring of four, when new: guessed (its row among the new ones)
    fourth = starts[per_ring == 4] + 3
    fourth = fourth[new[fourth]]
    guessed_rows = new_before[fourth]
    # each new vertex's place among the new ones of its ring (0: the ring's first, a
    # jump), up to the last run's; the guessed ones a run of their own
    place = np.arange(len(unique_q), dtype=np.int64)
    place -= np.repeat(new_before[starts], new_before[ends] - new_before[starts])
    np.minimum(place, RESIDUAL_RUNS - 2, out=place)
    place[guessed_rows] = RESIDUAL_RUNS - 1
    del new, new_before
    place = place.astype(np.int8)  # (a stable sort of bytes is a radix sort: twice as fast)
    order = np.argsort(place, kind="stable")
    runs = np.bincount(place, minlength=RESIDUAL_RUNS).tolist()
    del place
    axes = []
    for axis in (0, 1):  # one axis at a time: the arrays of a million features are large
        residual = unique_q[:, axis].astype(np.int64)
        residual[1:] -= residual[:-1].copy()  # the step from the new vertex before
        at = q[fourth, axis].astype(np.int64)
        residual[guessed_rows] = at - (
            q[fourth - 1, axis].astype(np.int64) + q[fourth - 3, axis] - q[fourth - 2, axis]
        )
        residual = residual[order]  # (the stream-order copy freed)
        axes.append(_zigzag(residual))
        del residual
    return axes[0], axes[1], runs


def _zigzag(values: np.ndarray) -> np.ndarray:
    """
    Map signed integers to unsigned 32-bit ones, modulo 2^32: 0, -1, 1, -2 ... -> 0, 1, 2, 3 ...

    A value beyond the 32 bits of a quantised coordinate (a step of more than
    about 214° between vertices) is first taken modulo 2^32 into -2^31 .. 2^31 - 1,
    as the decoder's 32-bit sums take it back: the vertex comes out right.

    Examples
    --------
    >>> _zigzag(np.array([0, -1, 1, -2, 2])).tolist()
    [0, 1, 2, 3, 4]
    >>> _unzigzag(_zigzag(np.array([2**31, -(2**31) - 1]))).tolist()  # taken modulo 2^32
    [-2147483648, 2147483647]
    """
    v = values.astype(np.int32)  # (modulo 2^32)
    sign = v >> 31
    v <<= 1
    v ^= sign
    del sign
    return v.view(np.uint32)


def _unzigzag(values: np.ndarray) -> np.ndarray:
    """Undo `_zigzag`: 0, 1, 2, 3 ... -> 0, -1, 1, -2 ..."""
    v = values.astype(np.int64)
    return (v >> 1) ^ -(v & 1)


def _numbered_text(col: pd.Series) -> tuple[str, int, str, np.ndarray] | None:
    """
    Tell whether every value of a text column is one prefix, a number and one suffix.

    Then the column travels as its numbers (delta-coded: ids that count up cost
    almost nothing) and the viewer writes the text back: prefix, the number
    padded with zeros to `width` digits (0: not padded), suffix. Returns None
    when that would not give back every value exactly, or a value is missing.

    Examples
    --------
    >>> _numbered_text(pd.Series([f"P{i:04d}" for i in range(9, 1000)]))[:3]
    ('P', 4, '')
    >>> _numbered_text(pd.Series([f"Thửa {i}" for i in range(9, 1000)]))[3][:3].tolist()
    [9, 10, 11]
    >>> _numbered_text(pd.Series(["A1", "B2"] * 500)) is None
    True
    >>> _numbered_text(pd.Series(["01", "2"] + [f"{i}" for i in range(3, 999)])) is None
    True
    """
    if len(col) < 2 or not text_like(col) or col.isna().any():
        return None
    first = re.fullmatch(_NUMBERED, str(col.iloc[0]))
    if first is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    arrow = pa.array(col, type=pa.string())  # no copy for Arrow-backed text
    prefix, suffix = first.group("prefix"), first.group("suffix")
    if prefix and not pc.all(pc.starts_with(arrow, prefix)).as_py():
        return None
    if suffix and not pc.all(pc.ends_with(arrow, suffix)).as_py():
        return None
    digits = pc.utf8_slice_codeunits(arrow, len(prefix), -len(suffix) if suffix else None)
    lengths = pc.utf8_length(digits).to_numpy()
    if lengths.min() < 1 or lengths.max() > 9 or not pc.all(pc.ascii_is_decimal(digits)).as_py():
        return None
    padded = pc.any(pc.and_(pc.starts_with(digits, "0"), pc.greater(pc.utf8_length(digits), 1)))
    if padded.as_py():  # zeros in front: only when every number has the same width
        if lengths.min() != lengths.max():
            return None
        width = int(lengths[0])
    else:
        width = 0
    numbers = pc.cast(digits, pa.int64()).to_numpy()
    # one text per number now (no zeros in front, or all of one width): as many distinct
    # numbers as texts; a few thousand values with more than 256 settle it
    if len(pd.unique(numbers[:4096])) <= 256 and len(pd.unique(numbers)) <= 256:
        return None  # few distinct values: the dictionary is as small
    return prefix, width, suffix, numbers


def _name_parts(pk: _Packer, frame: pd.DataFrame) -> list[Any]:
    """
    The feature names in Vietnamese and English (`feature_names`): for each, a
    reference to the text column that gives every name (`whole_name_column`: no
    names made), else `_name_part`; the English entry is the Vietnamese one when
    both are the same.
    """
    whole = [whole_name_column(frame, key) for key in ("name_vi", "name_en")]
    if whole[0] is not None:
        vi: Any = {"column": list(frame.columns).index(whole[0])}
        if whole[1] == whole[0]:
            return [vi, vi]
        if whole[1] is not None:
            return [vi, {"column": list(frame.columns).index(whole[1])}]
        return [vi, _name_part(pk, frame, feature_names(frame, "name_en"), "name_en", "name1")]
    names_vi = feature_names(frame, "name_vi")
    vi = _name_part(pk, frame, names_vi, "name_vi", "name0")
    if whole[1] is not None:
        return [vi, {"column": list(frame.columns).index(whole[1])}]
    names_en = feature_names(frame, "name_en")
    if names_en.equals(names_vi):
        return [vi, vi]
    return [vi, _name_part(pk, frame, names_en, "name_en", "name1")]


def _name_part(
    pk: _Packer, frame: pd.DataFrame, names: pd.Series, column: str, part: str
) -> list[str] | dict[str, int]:
    """
    The names of one language: a reference to the attribute column they equal
    (``{"column": index}``), else dictionary-coded as parts `part` and `part`+"v".
    """
    if column in frame.columns and names.equals(frame[column].astype(object)):
        return {"column": list(frame.columns).index(column)}
    codes, uniques = _column_codes(names)
    pk.add(part, _narrow(codes), shuffle=True)
    pk.add_json(f"{part}v", uniques)
    return [part, f"{part}v"]


def _column_codes(col: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """
    Dictionary-code a column: codes and the distinct JSON values in first-seen order.

    Text columns are factorised directly; anything else goes value by value
    through `json_value`, so both paths give what the GeoJSON path gives.
    """
    if text_like(col):
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
        values: list[Any] = np.asarray(uniques, dtype=object).tolist()
        if (codes < 0).any():
            codes = np.where(codes < 0, len(values), codes)
            values.append(None)
        return np.asarray(codes, dtype=np.int64), values
    return _dictionary([json_value(v) for v in col.tolist()])


def _dictionary(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """Dictionary-code JSON-ready values: codes and the distinct values in first-seen order."""
    keys = [json.dumps(v, sort_keys=True, ensure_ascii=False, allow_nan=False) for v in values]
    codes, uniques = pd.factorize(pd.Series(keys, dtype=object), sort=False)
    return codes.astype(np.int64), [json.loads(k) for k in uniques]


def _numeric(col: pd.Series) -> bool:
    """Tell whether a column travels as float64 without changing any value."""
    if pd.api.types.is_bool_dtype(col) or not pd.api.types.is_numeric_dtype(col):
        return False
    if pd.api.types.is_integer_dtype(col):
        values = col.dropna().to_numpy(dtype=np.int64) if len(col.dropna()) else np.array([0])
        return bool(np.all(np.abs(values) <= 2**53))
    return True


def _as_float(col: pd.Series) -> np.ndarray:
    """Return a numeric column as float64 with NaN for missing and non-finite values."""
    arr = pd.to_numeric(col, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan).copy()
    arr[~np.isfinite(arr)] = np.nan
    return arr


def encode_big_layer(
    layer: MapLayer,
    registry: LayerRegistry,
    geoms: np.ndarray,
    measured: pd.DataFrame | Callable[[], pd.DataFrame],
    *,
    progress: bool = False,
    categories: np.ndarray | None = None,
) -> BigLayerBlock:
    """
    Pack one layer for the big-layer renderer.

    Parameters
    ----------
    layer
        The layer.
    registry
        Category and phase indexes shared by the map's layers.
    geoms
        The layer's geometries in WGS 84 (any Z is left out; coordinates are
        quantised to `QUANTUM_DEG` as the GeoJSON path rounds them).
    measured
        `zoneplan.areas.measure_features` of the layer, or a function giving it:
        called once the geometry is packed, so the measuring may still be under
        way on another thread meanwhile.
    progress
        Show a progress bar of the packing steps on standard error.
    categories
        The category of each feature of the layer (a styled layer's classes,
        `zoneplan.render.thematic`); from its ``category`` column when None.

    Returns
    -------
    block
        The header and the compressed block. Features without geometry are left
        out, as on the GeoJSON path.
    """

    gdf = layer.gdf
    # geometry (the geometry column), each attribute column, categories and names, compression
    steps = len(gdf.columns) + 2
    with progress_bar(steps, f"packing {layer.id}", enabled=progress, unit="step") as bar:
        return _encode(layer, registry, geoms, measured, bar, categories)


def _encode(
    layer: MapLayer,
    registry: LayerRegistry,
    geoms: np.ndarray,
    measured: pd.DataFrame | Callable[[], pd.DataFrame],
    bar: Bar,
    categories: np.ndarray | None = None,
) -> BigLayerBlock:
    """`encode_big_layer`, advancing `bar` after each step."""
    from concurrent.futures import ThreadPoolExecutor

    gdf = layer.gdf
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    if not present.all():  # (no copy of a million rows where every feature has a geometry)
        geoms = geoms[present]
        frame = frame.iloc[np.flatnonzero(present)]
    n = len(geoms)
    # the geometry is packed on another thread (numpy and shapely let go of the GIL)
    # while this one codes the attributes; the geometry's parts come first in the block
    with ThreadPoolExecutor(max_workers=1) as pool:
        packing = pool.submit(_encode_geometry, geoms, layer.id)
        pk = _Packer()
        columns = _encode_columns(pk, frame, bar)
        cat_codes, phase_codes = _category_phase(layer, registry, frame, geoms, categories, present)
        pk.add("cat", _narrow(cat_codes), shuffle=True)
        pk.add("phase", _narrow(phase_codes))
        name_parts = _name_parts(pk, frame)
        measures = measured() if callable(measured) else measured
        _add_measures(pk, measures if present.all() else measures.iloc[np.flatnonzero(present)])
        bar.update(1)
        geometry, shape = packing.result()
    bar.update(1)
    split = geometry.extend(pk)
    declared = None
    if "declared_area_ha" in frame.columns and _numeric(frame["declared_area_ha"]):
        declared = next(c["part"] for c in columns if c["name"] == "declared_area_ha")
    pairs = np.unique(cat_codes * 256 + phase_codes)
    cat_phase = [(int(v) // 256, int(v) % 256) for v in pairs]
    bounds = [float(v) for v in shapely.total_bounds(geoms)] if n else [0.0, 0.0, 0.0, 0.0]
    header = {
        "n": n,
        **shape,
        "quantum": QUANTUM_DEG,
        "parts": geometry.parts,
        "columns": columns,
        "zp": {
            "cat": "cat",
            "phase": "phase",
            "names": name_parts,
            "area_ha": "area_ha",
            "length_km": "length_km",
            "declared_ha": declared,
        },
        "cat_phase": [list(cp) for cp in cat_phase],
        "bounds": bounds,
    }
    data, deflated = geometry.compressed(split)
    # the geometry's member ends where the rest's parts begin
    header["split"] = {"inflated": split, "deflated": deflated}
    bar.update(1)
    return BigLayerBlock(header=header, data=data)


def _encode_geometry(geoms: np.ndarray, layer_id: str) -> tuple[_Packer, dict[str, Any]]:
    """
    Pack the geometry of `_encode`: its parts, and the counts of the header.

    Returns
    -------
    packer, shape
        The parts ``rings`` ``verts`` ``kinds`` ``vref`` ``x`` ``y``, and the
        header's ``rings``, ``vertices``, ``unique_vertices`` and ``runs``.
    """
    rings_per_geom, per_ring, kinds, coords = _flatten(geoms)
    # what np.round(coords, 7) does inside (map_geometries), so the same integers; in
    # place (a new array of `_flatten`'s): the arrays of a million features are large,
    # each is freed once used
    np.multiply(coords, _SCALE, out=coords)
    np.rint(coords, out=coords)
    if coords.size and max(-coords.min(), coords.max()) >= 2**31:
        msg = f"{layer_id}: coordinates outside ±214° cannot be drawn"
        raise InputError(msg)
    n_vertices = len(coords)
    q = coords.astype(np.int32)
    del coords
    vref, unique_q = _shared_vertices(q)
    x, y, runs = _vertex_residuals(q, vref, unique_q, per_ring)
    n_unique = len(unique_q)
    del q, unique_q
    pk = _Packer()
    pk.add("rings", _narrow(rings_per_geom), shuffle=True)
    pk.add("verts", _narrow(per_ring), shuffle=True)
    pk.add("kinds", kinds)
    pk.add("vref", _narrow(vref), shuffle=True)
    del vref
    pk.add("x", x, shuffle=True)
    pk.add("y", y, shuffle=True)
    shape = {
        "rings": len(per_ring),
        "vertices": n_vertices,
        "unique_vertices": n_unique,
        "runs": runs,
    }
    return pk, shape


def _encode_columns(pk: _Packer, frame: pd.DataFrame, bar: Bar) -> list[dict[str, Any]]:
    """Pack every attribute column of `_encode`; return their descriptions."""
    columns = []
    for i, name in enumerate(frame.columns):
        col = frame[name]
        numbered = None if _numeric(col) else _numbered_text(col)
        if _numeric(col):
            values = _as_float(col)
            decimal = _decimal_ints(values)
            if decimal is None:
                part = pk.add(f"c{i}", values, shuffle=True)
            else:
                part = pk.add(f"c{i}", decimal[0], shuffle=True, decimals=decimal[1])
            columns.append({"name": str(name), "kind": "num", "part": part})
        elif numbered is not None:
            prefix, width, suffix, numbers = numbered
            pk.add(f"c{i}", _narrow(_zigzag_delta(numbers)), shuffle=True, zigzag=True)
            pk.add_json(f"c{i}v", {"prefix": prefix, "width": width, "suffix": suffix})
            columns.append(
                {"name": str(name), "kind": "numtext", "part": f"c{i}", "values": f"c{i}v"}
            )
        else:
            codes, uniques = _column_codes(col)
            pk.add(f"c{i}", _narrow(codes), shuffle=True)
            pk.add_json(f"c{i}v", uniques)
            columns.append({"name": str(name), "kind": "dict", "part": f"c{i}", "values": f"c{i}v"})
        bar.update(1)
    return columns


def _category_phase(
    layer: MapLayer,
    registry: LayerRegistry,
    frame: pd.DataFrame,
    geoms: np.ndarray,
    categories: np.ndarray | None,
    present: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The category and phase code of each feature: one registry call per distinct value."""
    n = len(frame)
    title = layer.title(registry.lang)
    geom_types = shapely.get_type_id(geoms)
    if "category" in frame.columns:
        value_codes, cat_uniques = _column_codes(frame["category"])
    else:
        value_codes, cat_uniques = np.zeros(n, dtype=np.int64), [None]
    pair = pd.DataFrame({"cat": value_codes, "type": geom_types})
    cat_codes = np.empty(n, dtype=np.int64)
    if categories is not None:  # a styled layer: its classes, registered already
        cat_codes = np.asarray(categories, dtype=np.int64)[present]
    else:
        for key, idx in pair.groupby(["cat", "type"], sort=False).indices.items():
            code, type_id = cast("tuple[int, int]", key)  # the two grouping columns
            cat_codes[idx] = registry.category_count(
                cat_uniques[int(code)], title, _TYPE_NAMES[int(type_id)], len(idx)
            )
    if "phase" in frame.columns:
        value_codes, phase_uniques = _column_codes(frame["phase"])
        lookup = np.array([registry.phase(v) for v in phase_uniques], dtype=np.int64)
        phase_codes = lookup[value_codes]
    else:
        phase_codes = np.full(n, registry.phase(None), dtype=np.int64)
    return cat_codes, phase_codes


#: shapely's geometry type ids, by name.
_TYPE_NAMES: Final = {
    0: "Point",
    1: "LineString",
    2: "LinearRing",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}


def _add_measures(pk: _Packer, measures: pd.DataFrame) -> None:
    """Pack the VN-2000 ``area_ha`` and ``length_km`` as the GeoJSON path carries them."""
    for part, column in (("area_ha", "area_ha_vn2000"), ("length_km", "length_km_vn2000")):
        values = measures[column].to_numpy(dtype=np.float64)
        # MEASURE_DECIMALS places: int32 when they fit
        values = np.round(np.where(np.isfinite(values), values, np.nan), MEASURE_DECIMALS)
        decimal = _decimal_ints(values)
        if decimal is None:
            pk.add(part, values, shuffle=True)
        else:
            pk.add(part, decimal[0], shuffle=True, decimals=decimal[1])
