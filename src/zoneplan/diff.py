"""
Two versions of a layer compared feature by feature: what was added, removed or changed.

Plans are adjusted again and again (điều chỉnh quy hoạch); `compare_layers` tells what
changed between two versions of a layer and by how many hectares. Features are matched
by a key column (``id`` by default), which must be unique and present in both versions.
Each feature gets a ``change``: ``added``, ``removed``, ``changed`` (its shape or an
attribute differs) or ``unchanged``. Shapes are compared on the VN-2000 / TM-3 grid
(`zoneplan.crs`, the pinned Decision 05/2007 transformation), so versions in different
CRSs compare as they should; two outlines count as the same when no vertex of either
lies farther than ``tolerance_m`` from the other (their discrete Hausdorff distance).

For every feature the table gives its area before and after, and the land gained (the
part of the new shape outside the old one) and lost (the part of the old shape outside
the new one), each planar on VN-2000 / TM-3 and ellipsoidal on WGS 84 (`pyproj.Geod`
edges, `zoneplan.geodesic`). An added feature gains its whole area and a removed one
loses it, so the gained minus the lost hectares of all rows is the new total minus the
old. The attributes that differ are listed with their old and new values.

Everything is vectorised: shapes are compared and cut with shapely's array functions,
and only the features whose shape changed are cut (benchmarks/bench_diff.py).

Examples
--------
>>> import geopandas as gpd
>>> from shapely import box
>>> old = gpd.GeoDataFrame({"id": ["a", "b"], "status": ["planned", "planned"]},
...                        geometry=[box(0, 0, 100, 100), box(200, 0, 300, 100)], crs=9210)
>>> new = gpd.GeoDataFrame({"id": ["a", "c"], "status": ["approved", "planned"]},
...                        geometry=[box(0, 0, 120, 100), box(400, 0, 500, 100)], crs=9210)
>>> d = compare_layers(old, new)
>>> d.table[["id", "change", "gained_ha_vn2000", "lost_ha_vn2000"]]
  id   change  gained_ha_vn2000  lost_ha_vn2000
0  a  changed               0.2             0.0
1  b  removed               0.0             1.0
2  c    added               1.0             0.0
>>> d.table.loc[0, "changes"]
'status: planned → approved'
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from zoneplan import crs as zcrs
from zoneplan.areas import measure_chunk, valid_for_measuring
from zoneplan.errors import InputError
from zoneplan.geodesic import M2_PER_HA, geodesic_areas_m2

if TYPE_CHECKING:
    from zoneplan.catalog import Catalog

#: How far (grid metres) an outline may move and still count as the same shape.
DEFAULT_TOLERANCE_M: Final[float] = 0.05
#: The values of the ``change`` column.
CHANGES: Final[tuple[str, ...]] = ("added", "removed", "changed", "unchanged")
#: Descriptive columns copied into the table from the features (new version first).
LABEL_COLUMNS: Final[tuple[str, ...]] = ("layer", "name_vi", "name_en", "name", "category")
#: The measured columns of the table, in order.
MEASURE_COLUMNS: Final[tuple[str, ...]] = (
    "area_ha_vn2000_old",
    "area_ha_vn2000_new",
    "gained_ha_vn2000",
    "lost_ha_vn2000",
    "area_ha_ellipsoidal_old",
    "area_ha_ellipsoidal_new",
    "gained_ha_ellipsoidal",
    "lost_ha_ellipsoidal",
    "length_km_vn2000_old",
    "length_km_vn2000_new",
    "moved_m",
)
#: How a missing value is written in the ``changes`` text.
MISSING_TEXT: Final[str] = "–"
_POLYGONAL_IDS: Final = (3, 6, 7)  # Polygon, MultiPolygon, GeometryCollection
_SHOWN_DUPLICATES: Final = 5


@dataclass(frozen=True)
class LayerDiff:
    """
    The comparison of two versions of a layer.

    Attributes
    ----------
    table
        One row per feature (see `compare_layers`).
    pieces
        The land gained and lost, in WGS 84: one row per piece with ``id``, ``change``,
        ``part`` (``gained`` or ``lost``), ``area_ha_vn2000`` and ``area_ha_ellipsoidal``.
    old, new
        The two versions as compared, in WGS 84, each with a ``change`` column.
    key
        The column the features were matched by.
    changes
        For each changed feature's key: field → (old value, new value), JSON-ready.
    """

    table: pd.DataFrame
    pieces: gpd.GeoDataFrame
    old: gpd.GeoDataFrame
    new: gpd.GeoDataFrame
    key: str
    changes: dict[str, dict[str, tuple[Any, Any]]]

    def counts(self) -> dict[str, int]:
        """Return the number of features of each `CHANGES` value."""
        got = self.table["change"].value_counts()
        return {c: int(got.get(c, 0)) for c in CHANGES}

    def summary(self) -> str:
        """
        Return one line: the counts and the hectares gained and lost on the grid.

        Examples
        --------
        >>> import geopandas as gpd
        >>> from shapely import box
        >>> a = gpd.GeoDataFrame({"id": [1]}, geometry=[box(0, 0, 100, 100)], crs=9210)
        >>> compare_layers(a, a).summary()
        '0 added, 0 removed, 0 changed, 1 unchanged; gained 0.0000 ha, lost 0.0000 ha (VN-2000)'
        """
        n = self.counts()
        gained = float(np.nansum(self.table["gained_ha_vn2000"].to_numpy(dtype=float)))
        lost = float(np.nansum(self.table["lost_ha_vn2000"].to_numpy(dtype=float)))
        parts = ", ".join(f"{n[c]:,} {c}" for c in CHANGES)
        return f"{parts}; gained {gained:,.4f} ha, lost {lost:,.4f} ha (VN-2000)"

    def json_table(self) -> pd.DataFrame:
        """
        Return the table for JSON: ``changed_fields`` as lists and ``changes`` as objects.

        ``changes`` maps each changed field to ``{"old": value, "new": value}``.
        """
        out = self.table.copy()
        keys = _key_texts(out["id"])
        changes: list[dict[str, dict[str, Any]]] = [
            {f: {"old": o, "new": n} for f, (o, n) in self.changes.get(k, {}).items()} for k in keys
        ]
        out["changes"] = pd.Series(changes, index=out.index, dtype=object)
        return out

    def flat_table(self) -> pd.DataFrame:
        """Return the table with ``changed_fields`` as text (``a, b``), for CSV, Excel, text."""
        out = self.table.copy()
        out["changed_fields"] = [", ".join(v) for v in out["changed_fields"]]
        return out


def compare_layers(
    old: gpd.GeoDataFrame,
    new: gpd.GeoDataFrame,
    *,
    key: str = "id",
    meridian: float = zcrs.DEFAULT_MERIDIAN,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
    ignore: Iterable[str] = (),
    labels: tuple[str, str] = ("old", "new"),
) -> LayerDiff:
    """
    Compare two versions of a layer feature by feature.

    Parameters
    ----------
    old, new
        The two versions, each with a CRS (they may differ).
    key
        The column matching a feature of one version to the other; unique in each.
    meridian
        Central meridian of the VN-2000 TM-3 grid the shapes are compared and measured on.
    tolerance_m
        Outlines that move less than this (grid metres) count as the same shape.
    ignore
        Attributes not to compare (the key and the geometry never are).
    labels
        Names of the versions in messages (their file names).

    Returns
    -------
    diff
        `LayerDiff`. Its ``table`` has one row per feature (the old version's order,
        then the added features in the new version's order): ``id`` (the key's
        value), the `LABEL_COLUMNS` the layers have, ``change``, ``geometry_changed``,
        the `MEASURE_COLUMNS` (NaN where a shape has no area or length),
        ``changed_fields`` (a list) and ``changes`` (``field: old → new; ...``).

    Raises
    ------
    InputError
        If the key is missing, empty or not unique in a version (the message names
        the duplicates), or `tolerance_m` is negative.
    CRSError
        If a version has no CRS.
    """
    if not tolerance_m >= 0:
        msg = f"the tolerance must be 0 m or more, got {tolerance_m}"
        raise InputError(msg)
    zcrs.check_meridian(meridian)
    for gdf, label in ((old, labels[0]), (new, labels[1])):
        zcrs.require_crs(gdf, label)
    old_keys = feature_keys(old, key, labels[0])
    new_keys = feature_keys(new, key, labels[1])
    pos = pd.Index(new_keys).get_indexer(pd.Index(old_keys))
    oi = np.flatnonzero(pos >= 0)  # matched, in the old version
    ni = pos[oi]  # their partners in the new version
    added = np.setdiff1d(np.arange(len(new)), ni)
    removed = np.flatnonzero(pos < 0)

    o_lonlat, o_grid, o_m = measure_chunk(valid_for_measuring(old), meridian)
    n_lonlat, n_grid, n_m = measure_chunk(valid_for_measuring(new), meridian)
    same, moved = same_shapes(o_grid[oi], n_grid[ni], tolerance_m)
    fields = [c for c in _columns(old, new) if c != key and c not in set(ignore)]
    changed_fields, changes = _attribute_changes(old, new, oi, ni, fields, old_keys)

    rows_old = np.concatenate([oi, removed, np.full(len(added), -1)])
    rows_new = np.concatenate([ni, np.full(len(removed), -1), added])
    n_rows = len(rows_old)
    change = np.array(["unchanged"] * len(oi) + ["removed"] * len(removed) + ["added"] * len(added))
    geom_changed = np.concatenate([~same, np.ones(len(removed) + len(added), dtype=bool)])
    attr_changed = np.array([bool(f) for f in changed_fields], dtype=bool)
    change[: len(oi)][~same | attr_changed] = "changed"

    table = pd.DataFrame({"id": _pick(old[key], new[key], rows_old, rows_new)})
    for col in LABEL_COLUMNS:
        if col in old.columns or col in new.columns:
            table[col] = _pick(_col(old, col), _col(new, col), rows_new=rows_new, rows_old=rows_old)
    table["change"] = change
    table["geometry_changed"] = geom_changed
    for side, m, rows in (("old", o_m, rows_old), ("new", n_m, rows_new)):
        table[f"area_ha_vn2000_{side}"] = _take(m["area_ha_vn2000"].to_numpy(), rows)
        table[f"area_ha_ellipsoidal_{side}"] = _take(m["area_ha_ellipsoidal"].to_numpy(), rows)
        table[f"length_km_vn2000_{side}"] = _take(m["length_km_vn2000"].to_numpy(), rows)

    # land gained and lost: the changed shapes cut on the grid, measured on both surfaces
    cut = np.flatnonzero(~same)
    gained_grid = _polygonal_difference(n_grid[ni[cut]], o_grid[oi[cut]], tolerance_m)
    lost_grid = _polygonal_difference(o_grid[oi[cut]], n_grid[ni[cut]], tolerance_m)
    gained_ll, lost_ll = (_grid_to_wgs84(g, meridian) for g in (gained_grid, lost_grid))
    measures = {
        "gained_ha_vn2000": shapely.area(gained_grid) / M2_PER_HA,
        "lost_ha_vn2000": shapely.area(lost_grid) / M2_PER_HA,
        "gained_ha_ellipsoidal": _ellipsoidal_ha(gained_ll),
        "lost_ha_ellipsoidal": _ellipsoidal_ha(lost_ll),
    }
    n_match, n_removed = len(oi), len(removed)
    for name, values in measures.items():
        column = np.zeros(n_rows)
        column[cut] = values
        surface = "vn2000" if name.endswith("vn2000") else "ellipsoidal"
        area_new = table[f"area_ha_{surface}_new"].to_numpy()
        area_old = table[f"area_ha_{surface}_old"].to_numpy()
        if name.startswith("gained"):  # an added feature gains its whole area
            column[n_match + n_removed :] = area_new[n_match + n_removed :]
        else:  # a removed feature loses its whole area
            column[n_match : n_match + n_removed] = area_old[n_match : n_match + n_removed]
        column[np.isnan(area_new) & np.isnan(area_old)] = np.nan  # lines and points have none
        table[name] = column
    table["moved_m"] = np.concatenate([moved, np.full(len(removed) + len(added), np.nan)])
    table["changed_fields"] = [*changed_fields, *([[]] * (len(removed) + len(added)))]
    text = np.full(n_rows, "", dtype=object)
    if changes:
        key_text = _key_texts(table["id"])
        text[:] = [_changes_text(changes[k]) if k in changes else "" for k in key_text]
    table["changes"] = text
    ordered = ["id", *[c for c in LABEL_COLUMNS if c in table.columns], "change"]
    table = table[[*ordered, "geometry_changed", *MEASURE_COLUMNS, "changed_fields", "changes"]]

    pieces = _pieces(
        table, cut, gained_ll, lost_ll, measures, n_lonlat, o_lonlat, oi, removed, added
    )
    versions = []
    for gdf, lonlat, rows in ((old, o_lonlat, rows_old), (new, n_lonlat, rows_new)):
        keep = rows >= 0
        frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).iloc[rows[keep]]
        frame = frame.reset_index(drop=True)
        frame["change"] = change[keep]
        versions.append(gpd.GeoDataFrame(frame, geometry=list(lonlat[rows[keep]]), crs=4326))
    return LayerDiff(table, pieces, versions[0], versions[1], key, changes)


def compare_files(
    old: str | os.PathLike[str],
    new: str | os.PathLike[str],
    *,
    crs: zcrs.CRSLike | None = None,
    repair: bool = False,
    **options: Any,
) -> LayerDiff:
    """
    Compare two layer files (any format ``--layer`` reads), validated as ``build`` does.

    Parameters
    ----------
    old, new
        The files.
    crs
        CRS to assume for a file without one (a Shapefile without .prj); a file with
        no CRS is refused without it.
    repair
        Fix invalid geometries (reported) instead of refusing the file.
    **options
        Passed to `compare_layers` (``key``, ``meridian``, ``tolerance_m``, ``ignore``).

    Returns
    -------
    diff
        As `compare_layers`.
    """
    from zoneplan.validate import load_user_layer

    frames = [load_user_layer(p, crs=crs, repair=repair) for p in (old, new)]
    labels = (str(old), str(new))
    return compare_layers(frames[0], frames[1], labels=labels, **options)


def catalog_on(
    day: dt.date | str,
    ids: Sequence[str] | None = None,
    *,
    catalog: Catalog | None = None,
) -> gpd.GeoDataFrame:
    """
    Return the shipped layers as they stood on a day, in one frame.

    A feature with dated events exists from its first event and has the status its
    latest status-giving event gives it by then (`zoneplan.events.EventLog.status`); a
    feature without events (the undated context) exists on every day with its own
    status. This is what the map's date slider shows on that day.

    Parameters
    ----------
    day
        The day, a date or ``YYYY-MM-DD``.
    ids
        Catalog layer ids; all layers when None.
    catalog
        A catalog other than the shipped one (its events file is read).

    Returns
    -------
    features
        One row per feature existing that day, in WGS 84, with a ``layer`` column (the
        catalog layer id) and ``status`` as of that day.

    Raises
    ------
    InputError
        If `day` is not a ``YYYY-MM-DD`` date, or a layer cannot be read.

    Examples
    --------
    >>> on = catalog_on("2024-12-04")
    >>> on.set_index("id").loc["zone", "status"], "fa-ftz-1" in set(on["id"])
    ('planned', False)
    """
    from zoneplan.catalog import load_catalog
    from zoneplan.events import EventLog, as_date, events_path, read_events
    from zoneplan.io import load_catalog_layers

    try:
        when = as_date(day)
    except ValueError as err:
        msg = f"--at {day}: {err}; give a day as YYYY-MM-DD, e.g. --at 2024-12-04"
        raise InputError(msg) from err
    cat = catalog or load_catalog()
    file = events_path(cat.meta, cat.path.parent)
    log = read_events(file) if file is not None else EventLog()
    frames = []
    for layer_id, gdf in load_catalog_layers(ids, catalog=cat).items():
        own = dict(zip(gdf["id"].astype(str), gdf["status"], strict=True))
        statuses = log.statuses_on(when, own)
        keep = gdf["id"].astype(str).isin(statuses)
        part = gdf.loc[keep].copy()
        part["status"] = part["id"].astype(str).map(statuses)
        part.insert(0, "layer", layer_id)
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=frames[0].crs)


def compare_dates(
    old: dt.date | str,
    new: dt.date | str,
    ids: Sequence[str] | None = None,
    *,
    catalog: Catalog | None = None,
    **options: Any,
) -> LayerDiff:
    """
    Compare the shipped layers on two days (`catalog_on`): what appeared, what changed status.

    Features keep one shape in the shipped layers, so between two days a feature is
    ``added`` (its first event falls between them, its whole area gained), ``changed``
    (its status moved on, old → new) or ``unchanged``.

    Parameters
    ----------
    old, new
        The two days, ``YYYY-MM-DD``.
    ids
        Catalog layer ids; all when None.
    catalog
        A catalog other than the shipped one.
    **options
        Passed to `compare_layers` (``key``, ``meridian``, ``tolerance_m``, ``ignore``).

    Examples
    --------
    >>> d = compare_dates("2024-12-04", "2026-11-30")
    >>> d.table.set_index("id").loc["fa-ftz-1", "change"]
    'added'
    """
    frames = [catalog_on(day, ids, catalog=catalog) for day in (old, new)]
    labels = (f"the shipped layers on {old}", f"the shipped layers on {new}")
    return compare_layers(frames[0], frames[1], labels=labels, **options)


# --- keys --------------------------------------------------------------------------------


def _key_text(value: Any) -> str:
    """Return a key as text: 12.0 and 12 are the same key."""
    if (
        isinstance(value, float | np.floating)
        and math.isfinite(value)
        and float(value).is_integer()
    ):
        return str(int(value))
    if isinstance(value, np.generic):
        return str(value.item())
    return str(value)


def _key_texts(col: pd.Series) -> np.ndarray:
    """`_key_text` of a whole column (text and integer columns without a Python loop)."""
    if pd.api.types.infer_dtype(col, skipna=False) == "string":
        return col.to_numpy(dtype=object)
    if pd.api.types.is_integer_dtype(col) and not col.isna().any():
        return col.astype(str).to_numpy(dtype=object)
    return np.array([_key_text(v) for v in col.tolist()], dtype=object)


def feature_keys(gdf: pd.DataFrame, key: str, label: str) -> list[str]:
    """
    Return the key of every feature as text, refusing a missing, empty or repeated key.

    Raises
    ------
    InputError
        One line naming the file (`label`), the problem and the fix.

    Examples
    --------
    >>> feature_keys(pd.DataFrame({"id": ["a", "b", "a"]}), "id", "new.geojson")
    Traceback (most recent call last):
    ...
    zoneplan.errors.InputError: new.geojson: the key 'id' is not unique: 'a' (2 features); \
a feature split in two keeps a key of its own for each part (e.g. a-1, a-2), or match by \
another column with --key NAME
    """
    if key not in gdf.columns:
        geometry = gdf.geometry.name if isinstance(gdf, gpd.GeoDataFrame) else None
        names = ", ".join(str(c) for c in gdf.columns if c != geometry)
        msg = (
            f"{label}: no column {key!r} to match features by (its columns: {names or 'none'}); "
            "name the key column with --key NAME"
        )
        raise InputError(msg)
    col = gdf[key]
    blank = col.isna().to_numpy() | (col.astype(str).str.strip() == "").to_numpy()
    if blank.any():
        rows = ", ".join(str(i + 1) for i in np.flatnonzero(blank)[:_SHOWN_DUPLICATES])
        more = " ..." if blank.sum() > _SHOWN_DUPLICATES else ""
        msg = (
            f"{label}: {int(blank.sum())} feature(s) without a {key!r} (feature {rows}{more}); "
            f"give every feature a {key}, or match by another column with --key NAME"
        )
        raise InputError(msg)
    keys = _key_texts(col)
    repeated = pd.Index(keys).duplicated(keep=False)
    dup = pd.Series(keys[repeated]).value_counts(sort=False) if repeated.any() else pd.Series()
    if len(dup):
        shown = ", ".join(f"{k!r} ({n} features)" for k, n in dup.iloc[:_SHOWN_DUPLICATES].items())
        more = f" and {len(dup) - _SHOWN_DUPLICATES} more" if len(dup) > _SHOWN_DUPLICATES else ""
        first = str(dup.index[0])
        msg = (
            f"{label}: the key {key!r} is not unique: {shown}{more}; a feature split in two "
            f"keeps a key of its own for each part (e.g. {first}-1, {first}-2), or match by "
            "another column with --key NAME"
        )
        raise InputError(msg)
    return [str(k) for k in keys]


# --- shapes ------------------------------------------------------------------------------


def same_shapes(a: np.ndarray, b: np.ndarray, tolerance_m: float) -> tuple[np.ndarray, np.ndarray]:
    """
    Tell which pairs of grid geometries are the same shape, and how far they moved.

    Parameters
    ----------
    a, b
        Geometries in grid metres, pairwise.
    tolerance_m
        The largest movement of an outline that still counts as the same shape.

    Returns
    -------
    same, moved_m
        Whether each pair is the same shape, and the discrete Hausdorff distance
        between them (0 where the vertices agree within the tolerance, NaN where one
        of them is missing or empty).
    """
    missing_a = shapely.is_missing(a) | shapely.is_empty(a)
    missing_b = shapely.is_missing(b) | shapely.is_empty(b)
    same = missing_a & missing_b
    moved = np.full(len(a), np.nan)
    idx = np.flatnonzero(~missing_a & ~missing_b)
    if idx.size:
        # the same vertices in the same order (most features), then in any order
        exact = shapely.equals_exact(a[idx], b[idx], tolerance=tolerance_m)
        other = np.flatnonzero(~exact)
        exact[other] = shapely.equals_exact(
            shapely.normalize(a[idx[other]]),
            shapely.normalize(b[idx[other]]),
            tolerance=tolerance_m,
        )
        same[idx[exact]] = True
        moved[idx[exact]] = 0.0
        rest = idx[~exact]
        if rest.size:
            dist = shapely.hausdorff_distance(a[rest], b[rest])
            moved[rest] = dist
            same[rest] = dist <= tolerance_m
    return same, moved


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Return the polygonal part of each geometry (an empty polygon where there is none)."""
    out = np.array(geoms, dtype=object)
    type_id = shapely.get_type_id(out)
    for i in np.flatnonzero(~np.isin(type_id, (3, 6))):
        parts: Any = [] if out[i] is None else shapely.get_parts(out[i])
        polys = [p for p in parts if shapely.get_type_id(p) in (3, 6)]
        out[i] = shapely.union_all(polys) if polys else shapely.Polygon()
    return out


def _polygonal_difference(a: np.ndarray, b: np.ndarray, tolerance_m: float) -> np.ndarray:
    """
    Return the polygonal part of a minus b, pairwise (empty where a has no area).

    Parts thinner than `tolerance_m` (twice their area over their perimeter) are
    dropped: they are the slivers two versions of the same edge leave after a
    reprojection, not land gained or lost.
    """
    if not len(a):
        return np.array([], dtype=object)
    diff = _polygonal(shapely.difference(_polygonal(a), _polygonal(b)))
    parts, owner = shapely.get_parts(diff, return_index=True)
    if not len(parts) or tolerance_m <= 0:
        return diff
    thin = 2 * shapely.area(parts) < tolerance_m * shapely.length(parts)
    if not thin.any():
        return diff
    out = np.array([shapely.Polygon()] * len(diff), dtype=object)
    keep = ~thin
    if keep.any():
        shapely.multipolygons(parts[keep], indices=owner[keep], out=out)
    # one part stays a Polygon
    single = np.bincount(owner[keep], minlength=len(diff)) == 1
    out[single] = shapely.get_geometry(out[single], 0)
    return out


def _grid_to_wgs84(geoms: np.ndarray, meridian: float) -> np.ndarray:
    """Take grid geometries back to WGS 84, the exact inverse of the pinned transformation."""

    def inverse(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return zcrs.vn2000_to_wgs84(x, y, meridian=meridian, exact=True)

    if not len(geoms):
        return np.array([], dtype=object)
    return zcrs.transform_geometries(geoms, inverse)


def _ellipsoidal_ha(lonlat: np.ndarray) -> np.ndarray:
    """Return the ellipsoidal area of lon/lat polygons in ha (0 for empty ones)."""
    out = np.zeros(len(lonlat))
    full = np.flatnonzero(~shapely.is_empty(lonlat)) if len(lonlat) else np.array([], dtype=int)
    if full.size:
        out[full] = geodesic_areas_m2(lonlat[full]) / M2_PER_HA
    return out


def _pieces(
    table: pd.DataFrame,
    cut: np.ndarray,
    gained: np.ndarray,
    lost: np.ndarray,
    measures: dict[str, np.ndarray],
    new_lonlat: np.ndarray,
    old_lonlat: np.ndarray,
    oi: np.ndarray,
    removed: np.ndarray,
    added: np.ndarray,
) -> gpd.GeoDataFrame:
    """The gained and lost land as one frame: cut pieces, added and removed features."""
    ids = table["id"].to_numpy(dtype=object)
    change = table["change"].to_numpy(dtype=object)
    n_match, n_removed = len(oi), len(removed)
    added_rows = np.arange(n_match + n_removed, len(table))
    removed_rows = np.arange(n_match, n_match + n_removed)
    whole_added = _polygonal(new_lonlat[added]) if len(added) else np.array([], dtype=object)
    whole_removed = _polygonal(old_lonlat[removed]) if len(removed) else np.array([], dtype=object)
    rows = np.concatenate([cut, added_rows, cut, removed_rows]).astype(int)
    parts = ["gained"] * (len(cut) + len(added_rows)) + ["lost"] * (len(cut) + len(removed_rows))
    geoms = np.concatenate([gained, whole_added, lost, whole_removed]).astype(object)
    area_vn = np.concatenate(
        [
            measures["gained_ha_vn2000"],
            table["area_ha_vn2000_new"].to_numpy()[added_rows],
            measures["lost_ha_vn2000"],
            table["area_ha_vn2000_old"].to_numpy()[removed_rows],
        ]
    )
    area_ell = np.concatenate(
        [
            measures["gained_ha_ellipsoidal"],
            table["area_ha_ellipsoidal_new"].to_numpy()[added_rows],
            measures["lost_ha_ellipsoidal"],
            table["area_ha_ellipsoidal_old"].to_numpy()[removed_rows],
        ]
    )
    keep = ~shapely.is_empty(geoms) if len(geoms) else np.array([], dtype=bool)
    frame = pd.DataFrame(
        {
            "id": ids[rows][keep],
            "change": change[rows][keep],
            "part": np.asarray(parts, dtype=object)[keep],
            "area_ha_vn2000": area_vn[keep],
            "area_ha_ellipsoidal": area_ell[keep],
        }
    )
    return gpd.GeoDataFrame(frame, geometry=list(geoms[keep]), crs=4326)


# --- attributes --------------------------------------------------------------------------


def _columns(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame) -> list[str]:
    """The attribute columns of either version: the old version's order, then the new ones."""
    names = [str(c) for c in old.columns if c != old.geometry.name]
    return names + [str(c) for c in new.columns if c != new.geometry.name and c not in names]


def _col(gdf: pd.DataFrame, name: str) -> pd.Series:
    """A column, or missing values where the layer has none."""
    if name in gdf.columns:
        return gdf[name]
    return pd.Series([None] * len(gdf), index=gdf.index, dtype=object)


def _take(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """values[rows], NaN where rows is -1."""
    out = np.full(len(rows), np.nan)
    ok = rows >= 0
    out[ok] = values[rows[ok]]
    return out


def _pick(old: pd.Series, new: pd.Series, rows_old: np.ndarray, rows_new: np.ndarray) -> np.ndarray:
    """For each row: the new version's value, else the old one's (None where neither has one)."""
    out = np.full(len(rows_old), None, dtype=object)
    for values, rows in (
        (old.to_numpy(dtype=object), rows_old),
        (new.to_numpy(dtype=object), rows_new),
    ):
        ok = np.flatnonzero(rows >= 0)
        taken = values[rows[ok]]
        present = ~pd.isna(taken)
        out[ok[present]] = taken[present]  # the new version's value goes in last
    return out


def _plain(value: Any) -> Any:
    """Return a JSON-ready value: None for missing, Python numbers, ISO text for dates."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _canon(value: Any) -> Any:
    """A value as compared: numbers by value (12 == 12.0), dates as their ISO text."""
    plain = _plain(value)
    if isinstance(plain, bool):
        return ("b", plain)
    if isinstance(plain, int | float):
        return ("n", float(plain))
    if isinstance(plain, list | dict):
        return ("j", repr(plain))
    return plain


def _equal(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Pairwise equality of two columns; missing equals missing."""
    numeric = [
        pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s) for s in (a, b)
    ]
    if all(numeric):
        x = a.to_numpy(dtype=float, na_value=np.nan)
        y = b.to_numpy(dtype=float, na_value=np.nan)
        return np.asarray((x == y) | (np.isnan(x) & np.isnan(y)), dtype=bool)
    x_obj, y_obj = a.to_numpy(dtype=object), b.to_numpy(dtype=object)
    if all(pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty") for s in (a, b)):
        x_na, y_na = a.isna().to_numpy(), b.isna().to_numpy()
        with np.errstate(all="ignore"):
            eq = np.asarray(x_obj == y_obj, dtype=bool)
        return np.asarray((eq & ~x_na & ~y_na) | (x_na & y_na), dtype=bool)
    return np.array([_canon(x) == _canon(y) for x, y in zip(x_obj, y_obj, strict=True)], dtype=bool)


def _attribute_changes(
    old: gpd.GeoDataFrame,
    new: gpd.GeoDataFrame,
    oi: np.ndarray,
    ni: np.ndarray,
    fields: Sequence[str],
    old_keys: Sequence[str],
) -> tuple[list[list[str]], dict[str, dict[str, tuple[Any, Any]]]]:
    """The changed fields of each matched pair, and field → (old, new) of the changed ones."""
    changed: list[list[str]] = [[] for _ in range(len(oi))]
    changes: dict[str, dict[str, tuple[Any, Any]]] = {}
    for name in fields:
        a = _col(old, name).iloc[oi].reset_index(drop=True)
        b = _col(new, name).iloc[ni].reset_index(drop=True)
        differs = np.flatnonzero(~_equal(a, b))
        if not differs.size:
            continue
        for i in differs.tolist():
            changed[i].append(name)
            k = old_keys[oi[i]]
            changes.setdefault(k, {})[name] = (_plain(a.iloc[i]), _plain(b.iloc[i]))
    return changed, changes


def _value_text(value: Any) -> str:
    """A value in the ``changes`` text."""
    if value is None:
        return MISSING_TEXT
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else repr(value)
    return str(value)


def _changes_text(fields: dict[str, tuple[Any, Any]]) -> str:
    """``field: old → new; ...``."""
    return "; ".join(f"{f}: {_value_text(o)} → {_value_text(n)}" for f, (o, n) in fields.items())
