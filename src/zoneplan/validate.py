"""
Validation of layers: the shipped catalog layers and the user's own files.

Every check collects all the problems it finds and reports them at once, each
naming the file, the feature (its ``id`` property, else its position) and the
fix. Catalog layers are held to the full schema of `zoneplan.schema`; user
layers need readable, valid geometry with a sane CRS, and any schema property
they carry must have the right type.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from zoneplan.catalog import Catalog, load_catalog
from zoneplan.crs import suggest_crs
from zoneplan.errors import CRSError, InputError, LayerValidationError
from zoneplan.io import FORMATS, check_input_path, load_json, read_layer
from zoneplan.schema import REQUIRED_PROPERTIES, PropertySpec

if TYPE_CHECKING:
    from collections.abc import Iterator

    from zoneplan.crs import CRSLike
    from zoneplan.io import Engine

log = logging.getLogger(__name__)

Kind = Literal["catalog", "user"]
Severity = Literal["error", "warning"]

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
#: A generous box around Vietnam (lon/lat); data outside it is suspicious here.
VIETNAM_BOUNDS = (100.0, 6.0, 112.0, 25.0)
_FIX_GEOMETRY = "correct it in a GIS, or rerun with --repair to fix it with make_valid"


@dataclass(frozen=True)
class Problem:
    """
    One problem found in a layer.

    Parameters
    ----------
    path
        The file (or layer name) where it was found.
    message
        What is wrong, with the bad value.
    fix
        How to fix it.
    feature
        The feature's id, or ``#n`` (1-based position); None for the whole file.
    severity
        ``"error"`` fails validation; ``"warning"`` is reported only.
    """

    path: str
    message: str
    fix: str
    feature: str | None = None
    severity: Severity = "error"
    blocking: bool = False  # the file cannot be read meaningfully until this is fixed

    def __str__(self) -> str:
        """Return the problem as one line: file, feature, message, fix."""
        where = f"feature {self.feature}: " if self.feature else ""
        tag = "warning: " if self.severity == "warning" else ""
        return f"{self.path}: {tag}{where}{self.message}; {self.fix}"


def errors_only(problems: list[Problem]) -> list[Problem]:
    """Return the problems of severity ``"error"``."""
    return [p for p in problems if p.severity == "error"]


def validate_file(
    path: str | os.PathLike[str],
    *,
    kind: Kind = "user",
    crs: CRSLike | None = None,
    engine: Engine | None = None,
) -> list[Problem]:
    """
    Check one layer file and report every problem.

    Parameters
    ----------
    path
        The layer file.
    kind
        ``"catalog"`` applies the full schema of the shipped layers; ``"user"``
        the lighter rules for the user's own files.
    crs
        CRS to assume when the file carries none.
    engine
        ``"pyogrio"`` or ``"fiona"``.

    Returns
    -------
    problems
        Every problem found; empty when the file is clean.

    Examples
    --------
    >>> from zoneplan.catalog import geodata_dir
    >>> validate_file(geodata_dir() / "zone.geojson", kind="catalog")
    []
    """
    return _validate(path, kind=kind, crs=crs, engine=engine)[0]


def _validate(
    path: str | os.PathLike[str], *, kind: Kind, crs: CRSLike | None, engine: Engine | None
) -> tuple[list[Problem], gpd.GeoDataFrame | None]:
    """Check one layer file; return the problems and the layer as read (None if unreadable)."""
    label = str(path)
    try:
        p = check_input_path(path)
    except InputError as err:
        return [_file_problem(label, str(err))], None
    problems: list[Problem] = []
    raw_checked = FORMATS.get(p.suffix.lower()) == "GeoJSON"
    if raw_checked:
        try:
            # NaN and Infinity are let through here so that the feature holding them is named
            data = load_json(p, allow_nan=True)
        except InputError as err:
            return [_file_problem(label, str(err))], None
        problems += check_geojson(data, label, kind=kind)
        if _fatal(problems):
            return problems, None
    try:
        gdf = read_layer(p, crs=crs, engine=engine)
    except (InputError, CRSError) as err:
        return [*problems, _file_problem(label, str(err))], None
    problems += validate_layer(gdf, label, kind=kind, raw_checked=raw_checked)
    return _dedupe(problems), gdf


def _file_problem(label: str, text: str) -> Problem:
    """Turn a one-line InputError text ``path: what; fix`` into a Problem."""
    body = text[len(label) + 2 :] if text.startswith(label + ": ") else text
    message, _, fix = body.rpartition("; ")
    return Problem(label, message or body, fix or "check the file")


def _fatal(problems: list[Problem]) -> bool:
    """Whether the structural problems found make reading the file pointless."""
    return any(p.blocking for p in problems)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    """Drop repeated problems, keeping the first of each."""
    seen: set[str] = set()
    out = []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            out.append(p)
    return out


# --- GeoJSON structure -------------------------------------------------------------------


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
        msg = f"not GeoJSON: unknown type {_short(gtype)}"
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
    if _geometry_type(geom) is None:
        return [Problem(label, f"unknown geometry type {_short(gtype)}", _GEOJSON_FIX, name)]
    coords = geom.get("coordinates")
    positions = list(_positions(coords, _GEOMETRY_TYPES[gtype]))
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
        msg = f"a coordinate is {_json_token(bad)}, not a finite number"
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


def _json_token(value: float) -> str:
    """NaN, Infinity or -Infinity, as broken JSON writers spell them."""
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


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


def _short(value: Any) -> str:
    """repr() cut to 40 characters, for messages."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- properties ---------------------------------------------------------------------------


def check_properties(props: dict[str, Any], label: str, name: str, *, kind: Kind) -> list[Problem]:
    """
    Check a feature's properties against `zoneplan.schema.REQUIRED_PROPERTIES`.

    Catalog features must carry every required property; user features are only
    checked for the ones they carry.

    Parameters
    ----------
    props
        The feature's properties.
    label
        The file name used in messages.
    name
        The feature label used in messages.
    kind
        ``"catalog"`` or ``"user"``.

    Returns
    -------
    problems
        Every problem found.
    """
    problems = []
    not_finite = {k for k, v in props.items() if isinstance(v, float) and not math.isfinite(v)}
    for key in sorted(not_finite, key=str):
        msg = f"property {key!r} is {_json_token(props[key])}, not a finite number"
        fix = "write a number, or null where it is unknown (NaN and Infinity are not numbers)"
        problems.append(Problem(label, msg, fix, name, blocking=True))
    for spec in REQUIRED_PROPERTIES:
        if spec.name in not_finite:
            continue
        if spec.name not in props:
            if kind == "catalog":
                problems.append(
                    Problem(
                        label, f"missing property {spec.name!r}", f"add it: {spec.describe()}", name
                    )
                )
            continue
        problem = _check_value(spec, props[spec.name], label, name, kind)
        if problem is not None:
            problems.append(problem)
    problem = _url_problem(props.get("source_url"), label, name)
    if problem is not None:
        problems.append(problem)
    return problems


def _url_problem(url: Any, label: str, name: str) -> Problem | None:
    """The problem with a ``source_url`` value, if it is text but no http(s) link."""
    if isinstance(url, str) and url and not url.startswith(("http://", "https://")):
        msg = f"source_url {_short(url)} is not an http(s) link"
        return Problem(label, msg, "give an http(s) URL", name)
    return None


def _check_value(
    spec: PropertySpec, value: Any, label: str, name: str, kind: Kind
) -> Problem | None:
    """Check one property value's type and allowed values."""
    if value is None:
        if spec.nullable or kind == "user":
            return None
        return Problem(label, f"property {spec.name!r} is null", f"give it {spec.describe()}", name)
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    ok_type = is_number if float in spec.kinds else isinstance(value, spec.kinds)
    if not ok_type:
        msg = f"property {spec.name!r} has the wrong type ({type(value).__name__} {_short(value)})"
        return Problem(label, msg, f"make it {spec.describe()}", name)
    if kind == "catalog" and spec.allowed is not None and value not in spec.allowed:
        msg = f"property {spec.name!r} has a value not allowed ({_short(value)})"
        return Problem(label, msg, f"use {spec.describe()}", name)
    if kind == "catalog" and isinstance(value, str) and not value.strip():
        return Problem(label, f"property {spec.name!r} is empty", "fill it in", name)
    return None


# --- GeoDataFrame level -------------------------------------------------------------------


def validate_layer(
    gdf: gpd.GeoDataFrame,
    label: str = "layer",
    *,
    kind: Kind = "user",
    raw_checked: bool = False,
) -> list[Problem]:
    """
    Check a layer already read into a GeoDataFrame.

    Parameters
    ----------
    gdf
        The layer.
    label
        Its file or layer name, for messages.
    kind
        ``"catalog"`` or ``"user"``.
    raw_checked
        The file's raw GeoJSON was already checked (`check_geojson`): skip the
        property and missing-geometry checks done there.

    Returns
    -------
    problems
        Every problem found.

    Examples
    --------
    >>> from shapely.geometry import Polygon
    >>> bowtie = Polygon([(106.6, 20.6), (106.7, 20.7), (106.7, 20.6), (106.6, 20.7)])
    >>> gdf = gpd.GeoDataFrame({"id": ["a"]}, geometry=[bowtie], crs=4326)
    >>> print(validate_layer(gdf, "demo.geojson")[0])  # doctest: +ELLIPSIS
    demo.geojson: feature 'a': invalid geometry: Self-intersection[106.65 20.65]; correct it...
    """
    if len(gdf) == 0:
        return [Problem(label, "the layer has no features", "add features or drop the file")]
    names = _names(gdf)
    problems = _crs_problems(gdf, label)
    problems += _geometry_problems(gdf, label, names, kind, raw_checked=raw_checked)
    if not raw_checked:
        frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
        if kind == "user":
            problems += _column_property_problems(frame, label, names)
        else:
            problems += _row_property_problems(frame, label, names, kind)
        if "id" in gdf.columns:
            ids = [i for i in gdf["id"].tolist() if not _isna(i)]
            problems += [
                Problem(label, f"id {i!r} is used by {n} features", "give each its own id", repr(i))
                for i, n in Counter(ids).items()
                if n > 1
            ]
    return problems


def _row_property_problems(
    frame: pd.DataFrame, label: str, names: list[str], kind: Kind
) -> list[Problem]:
    """`check_properties` on every row, in row order."""
    problems = []
    for name, row in zip(names, frame.to_dict("records"), strict=True):
        props = {k: (None if _isna(v) else _py(v)) for k, v in row.items()}
        problems += check_properties(props, label, name, kind=kind)
    return problems


def _column_property_problems(frame: pd.DataFrame, label: str, names: list[str]) -> list[Problem]:
    """
    The problems `_row_property_problems` finds in a user layer, column by column.

    Columns whose dtype already proves every value right are skipped without
    looking at the values, which keeps a million-feature layer to seconds; the
    rest go value by value through the same checks. The problems come out in the
    same order as from the row-by-row check.
    """
    found: list[tuple[int, tuple[int, str], Problem]] = []
    specs = {spec.name: (i, spec) for i, spec in enumerate(REQUIRED_PROPERTIES)}
    for key in frame.columns:
        col = frame[key]
        numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
        text = pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty")
        # non-finite floats (NaN is a missing value in these formats)
        if pd.api.types.is_float_dtype(col):
            bad = np.flatnonzero(np.isinf(col.to_numpy(dtype=float, na_value=np.nan)))
        elif text or numeric or pd.api.types.is_bool_dtype(col):
            bad = np.array([], dtype=int)
        else:
            flags = [isinstance(v, float) and math.isinf(v) for v in col.tolist()]
            bad = np.flatnonzero(flags)
        for row in bad:
            value = _py(col.iloc[row])
            msg = f"property {key!r} is {_json_token(value)}, not a finite number"
            fix = "write a number, or null where it is unknown (NaN and Infinity are not numbers)"
            found.append((row, (0, str(key)), Problem(label, msg, fix, names[row], blocking=True)))
        skip = set(bad.tolist())
        if key in specs:
            order, spec = specs[key]
            proven = (numeric and float in spec.kinds) or (text and str in spec.kinds)
            if not proven:
                for row, raw in enumerate(col.tolist()):
                    if row in skip:
                        continue
                    value = None if _isna(raw) else _py(raw)
                    problem = _check_value(spec, value, label, names[row], "user")
                    if problem is not None:
                        found.append((row, (1, f"{order:03d}"), problem))
        if key == "source_url":
            urls = col.astype(object)
            if text:  # only the rows that can fail, found in one pass over the column
                starts = urls.str.startswith(("http://", "https://"))
                suspect = urls.notna() & (urls.str.len() > 0) & ~starts.fillna(True)
                rows = np.flatnonzero(suspect.to_numpy())
            else:
                rows = np.arange(len(urls))
            for row in rows:
                problem = _url_problem(urls.iloc[row], label, names[row])
                if problem is not None:
                    found.append((row, (2, ""), problem))
    found.sort(key=lambda item: (item[0], item[1]))
    return [problem for _, _, problem in found]


def _isna(value: Any) -> bool:
    """Whether a cell is missing (None or NaN)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _py(value: Any) -> Any:
    """numpy scalars to Python scalars."""
    return value.item() if hasattr(value, "item") else value


def _names(gdf: gpd.GeoDataFrame) -> list[str]:
    """Feature labels: the id column when present, else positions."""
    if "id" in gdf.columns:
        return [repr(_py(v)) if not _isna(v) else f"#{i + 1}" for i, v in enumerate(gdf["id"])]
    return [f"#{i + 1}" for i in range(len(gdf))]


def _crs_problems(gdf: gpd.GeoDataFrame, label: str) -> list[Problem]:
    """Check the CRS: present, and sane against the coordinates' magnitudes."""
    if gdf.crs is None:
        guess = suggest_crs(gdf.geometry)
        fix = f"give it with --crs (it looks like {guess})" if guess else "give it with --crs"
        return [Problem(label, "the layer has no CRS", fix)]
    arr = gdf.geometry.to_numpy()
    geoms = gdf.geometry[~shapely.is_missing(arr) & ~shapely.is_empty(arr)]
    if geoms.empty:
        return []
    x0, y0, x1, y1 = geoms.total_bounds
    if gdf.crs.is_geographic:
        if x0 >= -90 and x1 <= 90 and y0 >= -180 and y1 <= 180 and (y0 < -90 or y1 > 90):
            msg = f"longitude and latitude look swapped (x {x0:g} to {x1:g}, y {y0:g} to {y1:g})"
            return [Problem(label, msg, "swap the x and y columns (x is the longitude)")]
        if x0 < -180 or x1 > 180 or y0 < -90 or y1 > 90:
            guess = suggest_crs(geoms)
            fix = "the coordinates are not degrees: set the CRS they are in"
            fix += f" (it looks like {guess})" if guess else ""
            msg = f"the CRS is {gdf.crs.name} (degrees) but coordinates reach {x1:.0f}, {y1:.0f}"
            return [Problem(label, msg, fix)]
        lonlat = (x0, y0, x1, y1)
    else:
        try:
            lonlat = tuple(geoms.to_crs(4326).total_bounds)
        except Exception:  # a projection that cannot map these numbers to the globe
            return [
                Problem(
                    label,
                    f"coordinates cannot be placed on the globe with {gdf.crs.name}",
                    "check the CRS",
                )
            ]
    if not all(math.isfinite(v) for v in lonlat):
        return [
            Problem(label, f"coordinates fall off the globe with {gdf.crs.name}", "check the CRS")
        ]
    bx0, by0, bx1, by1 = VIETNAM_BOUNDS
    lx0, ly0, lx1, ly1 = lonlat
    if lx1 < bx0 or lx0 > bx1 or ly1 < by0 or ly0 > by1:
        if by0 <= lx0 <= by1 and bx0 <= ly0 <= bx1:
            msg = f"the layer lies at lon {lx0:.2f}, lat {ly0:.2f}: x and y look swapped"
            return [Problem(label, msg, "swap the x and y columns (x is the longitude or easting)")]
        guess = suggest_crs(geoms)
        if guess is not None and "swapped" in guess:
            msg = f"x and y look swapped: x reaches {x1:.0f}, a VN-2000 northing"
            fix = "swap the x and y columns (VN-2000 tables put the northing X first)"
            return [Problem(label, msg, fix)]
        msg = f"the layer lies outside Vietnam (lon {lx0:.2f}–{lx1:.2f}, lat {ly0:.2f}–{ly1:.2f})"
        return [
            Problem(
                label,
                msg,
                "check its CRS (VN-2000 data needs EPSG:9210 or 9209)",
                severity="warning",
            )
        ]
    return []


def _geometry_problems(
    gdf: gpd.GeoDataFrame, label: str, names: list[str], kind: Kind, *, raw_checked: bool
) -> list[Problem]:
    """Missing, empty and invalid geometries, and (user layers) mixed geometry kinds."""
    problems = []
    geoms = gdf.geometry.to_numpy()
    missing = gdf.geometry.isna().to_numpy()
    empty = ~missing & shapely.is_empty(geoms)
    reasons = shapely.is_valid_reason(geoms)
    for name, is_missing, is_empty, reason in zip(names, missing, empty, reasons, strict=True):
        if (is_missing or is_empty) and raw_checked:
            continue  # reported from the raw GeoJSON already
        if is_missing:
            problems.append(
                Problem(label, "has no geometry", "draw it or remove the feature", name)
            )
        elif is_empty:
            problems.append(
                Problem(label, "has an empty geometry", "draw it or remove the feature", name)
            )
        elif reason != "Valid Geometry":
            problems.append(Problem(label, f"invalid geometry: {reason}", _FIX_GEOMETRY, name))
    if kind == "user":
        shown = np.flatnonzero(~(missing | empty))
        dimensions = shapely.get_dimensions(geoms[shown])
        dims = set(np.unique(dimensions).tolist())
        if len(dims) > 1:
            kinds = [("points", "lines", "polygons")[d] for d in sorted(dims)]
            # the first feature of another kind
            odd = names[shown[np.flatnonzero(dimensions != dimensions[0])[0]]]
            problems.append(
                Problem(
                    label,
                    f"mixes {' and '.join(kinds)} in one layer",
                    "split it into one file per geometry kind",
                    odd,
                )
            )
    return problems


# --- catalog and user layers --------------------------------------------------------------


def validate_catalog(
    catalog: Catalog | None = None, *, engine: Engine | None = None
) -> list[Problem]:
    """
    Check every shipped layer and that ids are unique across layers.

    Parameters
    ----------
    catalog
        A catalog other than the shipped one.
    engine
        ``"pyogrio"`` or ``"fiona"``.

    Returns
    -------
    problems
        Every problem found; empty when the shipped data is clean.

    Examples
    --------
    >>> validate_catalog()
    []
    """
    try:
        cat = catalog or load_catalog()
    except InputError as err:
        return [_file_problem("catalog.json", str(err))]
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for entry in cat.layers:
        problems += validate_file(entry.path, kind="catalog", engine=engine)
        try:
            data = load_json(entry.path)
        except InputError:
            continue
        for feature in data.get("features", []) if isinstance(data, dict) else []:
            props = feature.get("properties") if isinstance(feature, dict) else None
            fid = props.get("id") if isinstance(props, dict) else None
            if isinstance(fid, str) and fid in seen and seen[fid] != entry.file:
                msg = f"id {fid!r} is also used in {seen[fid]}"
                problems.append(
                    Problem(str(entry.path), msg, "ids must be unique across layers", repr(fid))
                )
            elif isinstance(fid, str):
                seen[fid] = entry.file
    return problems


def load_user_layer(
    path: str | os.PathLike[str],
    *,
    crs: CRSLike | None = None,
    engine: Engine | None = None,
    repair: bool = False,
) -> gpd.GeoDataFrame:
    """
    Read and validate a user's layer, refusing it when it has errors.

    Parameters
    ----------
    path
        The file (GeoJSON, GeoPackage, Shapefile, KML...).
    crs
        CRS to assume when the file carries none.
    engine
        ``"pyogrio"`` or ``"fiona"``.
    repair
        Fix invalid geometries with `repair_layer` instead of refusing them; each
        repair is logged and listed in ``gdf.attrs["repairs"]``.

    Returns
    -------
    gdf
        The layer as read; warnings are logged.

    Raises
    ------
    LayerValidationError
        With the first error as its one-line message and all problems attached.
    """
    problems, gdf = _validate(path, kind="user", crs=crs, engine=engine)
    errors = errors_only(problems)
    if repair:
        errors = [p for p in errors if not p.message.startswith("invalid geometry")]
    if errors:
        more = (
            f" (and {len(errors) - 1} more: run zoneplan validate {path})"
            if len(errors) > 1
            else ""
        )
        msg = f"{errors[0]}{more}"
        raise LayerValidationError(msg, problems)
    for p in problems:
        if p.severity == "warning":
            log.warning("%s", p)
    assert gdf is not None  # a file that could not be read has an error, raised above
    if repair:
        gdf, repairs = repair_layer(gdf, str(path))
        for r in repairs:
            log.warning("%s", r)
        gdf.attrs["repairs"] = [str(r) for r in repairs]
    return gdf


# --- repair -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Repair:
    """
    One geometry fixed by `repair_layer`.

    Parameters
    ----------
    path
        The file or layer name.
    feature
        The feature's label.
    reason
        Why the geometry was invalid (GEOS' reason).
    area_ha_before, area_ha_after
        Ellipsoidal area as drawn and after the repair, in hectares.
    """

    path: str
    feature: str
    reason: str
    area_ha_before: float
    area_ha_after: float

    @property
    def area_ha_change(self) -> float:
        """Area after minus area before, in hectares."""
        return self.area_ha_after - self.area_ha_before

    def __str__(self) -> str:
        """Return the repair as one line with its area difference."""
        return (
            f"{self.path}: feature {self.feature}: repaired ({self.reason}): "
            f"{self.area_ha_before:.4f} ha as drawn, {self.area_ha_after:.4f} ha after "
            f"({self.area_ha_change:+.4f} ha)"
        )


def repair_layer(
    gdf: gpd.GeoDataFrame, label: str = "layer"
) -> tuple[gpd.GeoDataFrame, list[Repair]]:
    """
    Fix invalid geometries with shapely's ``make_valid``, reporting each change.

    Polygons stay polygons (the "structure" method, dropping collapsed parts);
    valid geometries are not touched.

    Parameters
    ----------
    gdf
        The layer, with a CRS.
    label
        Its file or layer name, for the reports.

    Returns
    -------
    repaired
        A copy of the layer with valid geometries.
    repairs
        One `Repair` per changed feature, with the area before and after.

    Examples
    --------
    >>> from shapely.geometry import Polygon
    >>> bowtie = Polygon([(106.6, 20.6), (106.7, 20.7), (106.7, 20.6), (106.6, 20.7)])
    >>> fixed, repairs = repair_layer(gpd.GeoDataFrame({"id": ["a"]}, geometry=[bowtie], crs=4326))
    >>> fixed.geometry.iloc[0].geom_type, round(repairs[0].area_ha_after)
    ('MultiPolygon', 5769)
    """
    from zoneplan.crs import to_wgs84
    from zoneplan.geodesic import geodesic_area_m2

    out = gdf.copy()
    geoms = out.geometry.to_numpy()
    reasons = shapely.is_valid_reason(geoms)
    bad = [
        i
        for i, r in enumerate(reasons)
        if r is not None and r != "Valid Geometry" and not shapely.is_missing(geoms[i])
    ]
    if not bad:
        return out, []
    names = _names(out)
    lonlat = to_wgs84(out.iloc[bad])
    repaired = shapely.make_valid(geoms[bad], method="structure", keep_collapsed=False)
    lonlat_fixed = to_wgs84(gpd.GeoSeries(repaired, crs=out.crs))
    repairs = []
    for k, i in enumerate(bad):
        before = geodesic_area_m2(lonlat[k]) / 10_000
        after = geodesic_area_m2(lonlat_fixed[k]) / 10_000
        repairs.append(Repair(label, names[i], str(reasons[i]), before, after))
    new = geoms.copy()
    new[bad] = repaired
    out = out.set_geometry(gpd.GeoSeries(new, index=out.index, crs=out.crs))
    return out, repairs
