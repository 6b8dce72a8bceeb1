"""
File checks of GeoJSON: structure, coordinates, rings and (catalog) schema, on the raw JSON.

GeoJSON is checked before GDAL reads it, so that every problem can name its
feature, and so that NaN, swapped or projected coordinates are reported instead
of read.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from typing import TYPE_CHECKING, Any

import shapely

from zoneplan.validate.problems import Kind, Problem, json_token, short
from zoneplan.validate.properties import check_properties

if TYPE_CHECKING:
    from collections.abc import Iterator


_GEOMETRY_TYPES = {
    "Point": 1,
    "MultiPoint": 2,
    "LineString": 2,
    "MultiLineString": 3,
    "Polygon": 3,
    "MultiPolygon": 4,
}


#: Decimal places allowed in shipped coordinates (about 1 cm).
MAX_DECIMALS = 7


def check_geojson(data: Any, label: str, *, kind: Kind = "user") -> list[Problem]:
    """
    Check decoded GeoJSON for structure, coordinates and (catalog) schema.

    Parameters
    ----------
    data
        The decoded JSON value.
    label
        The file name used in messages.
    kind
        ``"catalog"`` or ``"user"``.

    Returns
    -------
    problems
        Every problem found.
    """
    if not isinstance(data, dict) or "type" not in data:
        return [
            Problem(label, "not GeoJSON: no 'type' member at the top", _GEOJSON_FIX, blocking=True)
        ]
    gtype = data.get("type")
    collection = gtype == "FeatureCollection"
    members = {k: v for k, v in data.items() if not (collection and k == "features")}
    if _nested_too_deeply(members):  # features are measured one by one, to name them
        return [_nesting_problem(label, None)]
    if gtype == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            msg = "FeatureCollection without a 'features' list"
            return [Problem(label, msg, _GEOJSON_FIX, blocking=True)]
    elif gtype == "Feature":
        features = [data]
    elif _geometry_type(data) is not None or gtype == "GeometryCollection":
        features = [{"type": "Feature", "properties": {}, "geometry": data}]
    else:
        msg = f"not GeoJSON: unknown type {short(gtype)}"
        return [Problem(label, msg, _GEOJSON_FIX, blocking=True)]
    problems: list[Problem] = []
    if not features:
        problems.append(
            Problem(label, "the layer has no features", "add features or drop the file")
        )
    if "crs" in data and kind == "catalog":
        problems.append(
            Problem(label, "has a 'crs' member", "remove it: RFC 7946 GeoJSON is WGS 84 lon/lat")
        )
    for index, feature in enumerate(features):
        problems += _check_feature(feature, index, label, kind)
    problems += _duplicate_ids(features, label)
    return [_mark_blocking(p) for p in problems]


#: How deep JSON may nest outside coordinates; GeoJSON itself needs fewer than ten levels.
MAX_NESTING = 32


def _geometry_type(value: dict[str, Any]) -> str | None:
    """The value's ``type`` when it names a GeoJSON geometry type (not a collection)."""
    gtype = value.get("type")
    return gtype if isinstance(gtype, str) and gtype in _GEOMETRY_TYPES else None


def _nested_too_deeply(value: Any, limit: int = MAX_NESTING) -> bool:
    """
    Whether a JSON value nests deeper than `limit` levels, measured without recursion.

    A geometry's coordinates are not walked: `_positions` reads them to their
    expected depth only.
    """
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            skip = "coordinates" if _geometry_type(item) else None
            values = [v for k, v in item.items() if k != skip]
        elif isinstance(item, list):
            values = item
        else:
            continue
        stack += [(v, depth + 1) for v in values if isinstance(v, dict | list)]
    return False


def _nesting_problem(label: str, name: str | None) -> Problem:
    """The problem of a document or feature nested deeper than `MAX_NESTING`."""
    msg = f"JSON nested more than {MAX_NESTING} levels deep"
    fix = "flatten the nested values or export the layer again"
    return Problem(label, msg, fix, name, blocking=True)


_BLOCKING_WORDS = (
    "not GeoJSON",
    "Feature",
    "geometry is not",
    "geometry type",
    "nested",
    "positions",
    "not closed",
    "NaN",
    "swapped",
    "metres",
    "outside longitude",
    "GeometryCollection",
    "no features",
)


def _mark_blocking(problem: Problem) -> Problem:
    """Mark structural and coordinate problems, after which GDAL's reading is pointless."""
    if problem.severity == "error" and any(w in problem.message for w in _BLOCKING_WORDS):
        return dataclasses.replace(problem, blocking=True)
    return problem


_GEOJSON_FIX = "give a GeoJSON FeatureCollection (RFC 7946) or another supported format"


def _feature_label(feature: Any, index: int) -> str:
    """Name a feature by its id property, its feature id, or its position."""
    if isinstance(feature, dict):
        props = feature.get("properties")
        if isinstance(props, dict) and isinstance(props.get("id"), str | int) and props["id"] != "":
            return repr(props["id"])
        if isinstance(feature.get("id"), str | int):
            return repr(feature["id"])
    return f"#{index + 1}"


def _check_feature(feature: Any, index: int, label: str, kind: Kind) -> list[Problem]:
    """Check one GeoJSON feature."""
    name = _feature_label(feature, index)
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return [Problem(label, "is not a GeoJSON Feature", _GEOJSON_FIX, name)]
    if _nested_too_deeply(feature):
        return [_nesting_problem(label, name)]
    problems: list[Problem] = []
    props = feature.get("properties")
    if props is not None and not isinstance(props, dict):
        problems.append(
            Problem(label, "'properties' is not an object", "make it {...} or null", name)
        )
        props = None
    geometry = feature.get("geometry")
    if geometry is None:
        problems.append(
            Problem(
                label, "has no geometry (null)", "draw its geometry or remove the feature", name
            )
        )
    else:
        problems += _check_geometry(geometry, label, name, kind, depth=0)
    problems += check_properties(props or {}, label, name, kind=kind)
    return problems


def _check_geometry(geom: Any, label: str, name: str, kind: Kind, depth: int) -> list[Problem]:
    """Check a GeoJSON geometry object's type, nesting, numbers and rings."""
    if not isinstance(geom, dict):
        return [Problem(label, "geometry is not an object", _GEOJSON_FIX, name)]
    gtype = geom.get("type")
    if gtype == "GeometryCollection":
        members = geom.get("geometries")
        if not isinstance(members, list) or depth > 2:
            return [Problem(label, "bad GeometryCollection", "split it into features", name)]
        out: list[Problem] = []
        for member in members:
            out += _check_geometry(member, label, name, kind, depth + 1)
        return out
    known = _geometry_type(geom)
    if known is None:
        return [Problem(label, f"unknown geometry type {short(gtype)}", _GEOJSON_FIX, name)]
    coords: Any = geom.get("coordinates")  # any JSON value until checked
    positions = list(_positions(coords, _GEOMETRY_TYPES[known]))
    if any(pos is None for pos in positions):
        msg = f"{gtype} coordinates are not nested as GeoJSON requires (or are not numbers)"
        return [Problem(label, msg, "export the layer again as RFC 7946 GeoJSON", name)]
    if not positions:
        return [Problem(label, f"empty {gtype} (no coordinates)", "draw it or remove it", name)]
    problems = _check_positions(positions, label, name, kind)
    if gtype in {"Polygon", "MultiPolygon"}:
        polygons = [coords] if gtype == "Polygon" else coords
        for polygon in polygons:
            for ring_no, ring in enumerate(polygon):
                problems += _check_ring(ring, ring_no, label, name, kind)
    return problems


def _positions(coords: Any, depth: int) -> Iterator[tuple[float, ...] | None]:
    """Yield every position of a coordinate array nested `depth` deep; None when malformed."""
    if depth == 1:
        if (
            isinstance(coords, list)
            and 2 <= len(coords) <= 4
            and all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords)
        ):
            yield tuple(_as_float(c) for c in coords)
        else:
            yield None
        return
    if not isinstance(coords, list):
        yield None
        return
    for item in coords:
        yield from _positions(item, depth - 1)


def _as_float(number: float) -> float:
    """A JSON number as a float; integers beyond the float range become ±infinity."""
    try:
        return float(number)
    except OverflowError:
        return math.inf if number > 0 else -math.inf


def _check_positions(
    positions: list[tuple[float, ...] | None], label: str, name: str, kind: Kind
) -> list[Problem]:
    """Check numbers: finite, inside lon/lat ranges, not swapped, not metres."""
    xy = [p for p in positions if p is not None]
    bad = next((c for p in xy for c in p if not math.isfinite(c)), None)
    if bad is not None:
        msg = f"a coordinate is {json_token(bad)}, not a finite number"
        fix = "fix or remove it (GeoJSON has no NaN or Infinity)"
        return [Problem(label, msg, fix, name, blocking=True)]
    xs = [p[0] for p in xy]
    ys = [p[1] for p in xy]
    problems = []
    if min(xs) < -180 or max(xs) > 180 or min(ys) < -90 or max(ys) > 90:
        problems.append(_range_problem(xs, ys, label, name))
    if kind == "catalog" and any(_decimals(c) > MAX_DECIMALS for p in xy for c in p[:2]):
        problems.append(
            Problem(
                label,
                f"coordinates with more than {MAX_DECIMALS} decimals",
                f"round them to {MAX_DECIMALS} decimals (about 1 cm)",
                name,
            )
        )
    return problems


def _range_problem(xs: list[float], ys: list[float], label: str, name: str) -> Problem:
    """Explain coordinates outside lon/lat ranges: swapped, metres, or nonsense."""
    if all(-90 <= x <= 90 for x in xs) and all(-180 <= y <= 180 for y in ys):
        msg = f"longitude and latitude look swapped (first position {xs[0]:g}, {ys[0]:g})"
        return Problem(label, msg, "GeoJSON order is [longitude, latitude]; swap them", name)
    if max(abs(v) for v in xs + ys) > 1000:
        msg = f"coordinates look like projected metres ({xs[0]:.0f}, {ys[0]:.0f}) in a lon/lat file"
        fix = (
            "GeoJSON is WGS 84 lon/lat: reproject it to EPSG:4326 "
            "(it may be VN-2000 / TM-3 105°45', EPSG:9210)"
        )
        return Problem(label, msg, fix, name)
    msg = f"coordinates outside longitude/latitude ranges ({xs[0]:g}, {ys[0]:g})"
    return Problem(label, msg, "longitude must be within ±180 and latitude within ±90", name)


def _decimals(value: float) -> int:
    """Count decimal places in the shortest repr of a float."""
    text = repr(value)
    if "e" in text or "E" in text:
        return 0 if abs(value) >= 1 else 99
    return len(text.partition(".")[2].rstrip("0"))


def _check_ring(ring: Any, ring_no: int, label: str, name: str, kind: Kind) -> list[Problem]:
    """Check a polygon ring: enough positions, closed, and (catalog) orientation."""
    what = "exterior ring" if ring_no == 0 else f"hole {ring_no}"
    if len(ring) < 4:
        msg = f"{what} has {len(ring)} positions; a ring needs at least 4 (3 corners + closing)"
        return [Problem(label, msg, "add the missing corners or remove the polygon", name)]
    if ring[0][:2] != ring[-1][:2]:
        msg = f"{what} is not closed (first and last positions differ)"
        return [Problem(label, msg, "repeat the first position at the end of the ring", name)]
    if kind == "catalog":
        ccw = shapely.is_ccw(shapely.linearrings([p[:2] for p in ring]))
        if bool(ccw) != (ring_no == 0):
            want = "counter-clockwise" if ring_no == 0 else "clockwise"
            msg = f"{what} is not {want} (RFC 7946 right-hand rule)"
            return [Problem(label, msg, f"reverse the ring's positions to make it {want}", name)]
    return []


def _duplicate_ids(features: list[Any], label: str) -> list[Problem]:
    """Report id properties used by more than one feature."""
    ids = [
        f["properties"]["id"]
        for f in features
        if isinstance(f, dict)
        and isinstance(f.get("properties"), dict)
        and isinstance(f["properties"].get("id"), str | int)
    ]
    return [
        Problem(label, f"id {i!r} is used by {n} features", "give each feature its own id", repr(i))
        for i, n in Counter(ids).items()
        if n > 1
    ]
