"""
Areas and lengths the way Vietnamese plans measure them, checked on the ellipsoid.

Two measurements are made of every feature:

* planar, on VN-2000 / TM-3 (EPSG:9210 for Hai Phong, k0 = 0.9999), reached from
  WGS 84 through the pinned Decision 05/2007/QĐ-BTNMT transformation
  (`zoneplan.crs`): the figure cadastral and planning documents give;
* ellipsoidal, on WGS 84 with geodesic edges (`pyproj.Geod`): the reference truth.

Their ratio is the TM-3 areal scale factor k² (0.99996–1.00011 over the zone on
the 105°45' meridian); docs/areas.md derives the bound. Areas are never taken in
degrees or in Web Mercator.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
import pyproj
import shapely

from zoneplan import crs as zcrs
from zoneplan.errors import LayerValidationError, ZoneplanWarning
from zoneplan.schema import CATEGORIES, FUNCTIONAL_CATEGORIES

if TYPE_CHECKING:
    import geopandas as gpd

M2_PER_HA: Final[float] = 10_000.0
M_PER_KM: Final[float] = 1_000.0

#: The WGS 84 ellipsoid, for geodesic areas and lengths.
GEOD: Final[pyproj.Geod] = pyproj.Geod(ellps="WGS84")

#: Columns of `measure_features`.
MEASURE_COLUMNS: Final[tuple[str, ...]] = (
    "area_ha_vn2000",
    "area_ha_ellipsoidal",
    "length_km_vn2000",
    "length_km_geodesic",
)

_POLYGONAL = ("Polygon", "MultiPolygon")
_LINEAR = ("LineString", "MultiLineString", "LinearRing")


def _ring_area_m2(ring: shapely.LinearRing) -> float:
    """Return the absolute geodesic area enclosed by one lon/lat ring, in m²."""
    lon, lat = ring.xy
    area_m2, _ = GEOD.polygon_area_perimeter(lon, lat)
    return abs(area_m2)


def _polygon_area_m2(poly: shapely.Polygon) -> float:
    """Return the geodesic area of a lon/lat polygon minus its holes, in any ring orientation."""
    area_m2 = _ring_area_m2(poly.exterior)
    for hole in poly.interiors:
        area_m2 -= _ring_area_m2(hole)
    return area_m2


def geodesic_area_m2(geom: shapely.Geometry | None) -> float:
    """
    Return the area of a WGS 84 lon/lat (multi)polygon on the ellipsoid, in m².

    Edges are geodesics. Ring orientation and starting vertex do not matter;
    holes are subtracted. Non-polygonal and empty geometries give NaN; the
    polygon parts of a GeometryCollection are summed.

    Parameters
    ----------
    geom
        A shapely geometry in lon/lat degrees on WGS 84.

    Returns
    -------
    area_m2
        Ellipsoidal area in square metres, or NaN.

    Examples
    --------
    >>> from shapely import box
    >>> round(geodesic_area_m2(box(106.70, 20.60, 106.71, 20.61)) / 1e4, 2)
    115.41
    """
    if geom is None or geom.is_empty:
        return float("nan")
    kind = geom.geom_type
    if kind == "Polygon":
        return _polygon_area_m2(geom)
    if kind in ("MultiPolygon", "GeometryCollection"):
        parts = [g for g in shapely.get_parts(geom) if g.geom_type in _POLYGONAL]
        if not parts:
            return float("nan")
        return float(sum(geodesic_area_m2(g) for g in parts))
    return float("nan")


def geodesic_length_m(geom: shapely.Geometry | None) -> float:
    """
    Return the geodesic length of a WGS 84 lon/lat (multi)line, in metres.

    Parameters
    ----------
    geom
        A shapely geometry in lon/lat degrees on WGS 84.

    Returns
    -------
    length_m
        Length along geodesics between vertices; NaN for non-lines and empty geometries.

    Examples
    --------
    One minute of arc along the equator:

    >>> from shapely import LineString
    >>> round(geodesic_length_m(LineString([(0, 0), (1 / 60, 0)])), 3)
    1855.325
    """
    if geom is None or geom.is_empty or geom.geom_type not in _LINEAR:
        return float("nan")
    return float(GEOD.geometry_length(geom))


# shapely.get_type_id codes
_POLYGON_ID, _MULTIPOLYGON_ID, _COLLECTION_ID = 3, 6, 7
_LINEAR_IDS = (1, 2, 5)  # LineString, LinearRing, MultiLineString

#: The per-ring geodesic area of `GEOD`. pyproj's public ``polygon_area_perimeter``
#: copies its input into new buffers and then calls this; calling it directly on
#: contiguous float64 slices gives the same numbers at about half the cost per ring.
_RING_AREA_PERIMETER = getattr(GEOD, "_polygon_area_perimeter", GEOD.polygon_area_perimeter)


def _ring_areas_m2(x: np.ndarray, y: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Return the absolute geodesic area of consecutive lon/lat rings of `sizes` vertices."""
    out = np.zeros(len(sizes))
    if len(sizes) == 0:
        return out
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    func = _RING_AREA_PERIMETER
    # rings of one size at a time, as the rows of a contiguous 2-D array: iterating
    # over rows costs far less than slicing the flat arrays ring by ring
    for size in np.unique(sizes):
        rings = np.flatnonzero(sizes == size)
        take = starts[rings][:, None] + np.arange(size)[None, :]
        if (
            size > 1
            and (x[take[:, 0]] == x[take[:, -1]]).all()
            and (y[take[:, 0]] == y[take[:, -1]]).all()
        ):
            # closed rings: Geod closes the polygon itself, and the repeated vertex only
            # adds a zero-length edge whose area term is 0, so leaving it out changes no bit
            take = take[:, :-1]
        xs = np.ascontiguousarray(x[take], dtype=float)
        ys = np.ascontiguousarray(y[take], dtype=float)
        signed = (func(a, b)[0] for a, b in zip(xs, ys, strict=True))
        out[rings] = np.fromiter(signed, dtype=float, count=len(rings))
    return np.abs(out)


def _rank_within(group: np.ndarray, n_groups: int) -> np.ndarray:
    """Return the position of each item within its group (`group` sorted ascending)."""
    first = np.searchsorted(group, np.arange(n_groups))
    return np.arange(len(group)) - first[group]


def _polygon_areas_m2(polys: np.ndarray) -> np.ndarray:
    """Return `_polygon_area_m2` of non-empty lon/lat Polygons, vectorised, in the same order."""
    rings, ring_of = shapely.get_rings(polys, return_index=True)
    coords, coord_of = shapely.get_coordinates(rings, return_index=True)
    sizes = np.bincount(coord_of, minlength=len(rings))
    ring_area = _ring_areas_m2(coords[:, 0], coords[:, 1], sizes)
    rank = _rank_within(ring_of, len(polys))
    area = ring_area[rank == 0].copy()  # the exterior rings, one per polygon, in order
    # holes subtracted one after the other, in ring order, as _polygon_area_m2 does
    for j in range(1, int(rank.max(initial=0)) + 1):
        sel = rank == j
        area[ring_of[sel]] -= ring_area[sel]
    return area


def geodesic_areas_m2(geoms: Sequence[shapely.Geometry | None] | np.ndarray) -> np.ndarray:
    """
    Return `geodesic_area_m2` of every geometry, vectorised over an array.

    The numbers are the same, to the last bit: every ring goes through the same
    ``pyproj.Geod`` polygon-area computation with the same coordinates, and holes
    and parts are combined in the same order. Only the Python work per feature
    is gone, so a million parcels take seconds instead of a minute.

    Parameters
    ----------
    geoms
        Shapely geometries (or None) in WGS 84 lon/lat degrees.

    Returns
    -------
    areas_m2
        Float array like `geoms`: ellipsoidal areas in m², NaN where
        `geodesic_area_m2` gives NaN (None, empty, non-polygonal).

    Examples
    --------
    >>> from shapely import box, Point
    >>> a = geodesic_areas_m2([box(106.70, 20.60, 106.71, 20.61), Point(0, 0), None])
    >>> bool(a[0] == geodesic_area_m2(box(106.70, 20.60, 106.71, 20.61))), a[1:].tolist()
    (True, [nan, nan])
    """
    geoms = np.asarray(geoms, dtype=object)
    out = np.full(len(geoms), np.nan)
    if len(geoms) == 0:
        return out
    type_id = shapely.get_type_id(geoms)
    present = ~shapely.is_empty(geoms) & (type_id >= 0)
    poly = np.flatnonzero(present & (type_id == _POLYGON_ID))
    multi = np.flatnonzero(present & (type_id == _MULTIPOLYGON_ID))
    other = np.flatnonzero(present & (type_id == _COLLECTION_ID))
    parts, part_of = shapely.get_parts(geoms[multi], return_index=True)
    broken = np.unique(part_of[shapely.is_empty(parts)])
    if broken.size:  # an empty part makes the reference NaN: let it say so
        other = np.sort(np.concatenate([other, multi[broken]]))
        keep = ~np.isin(part_of, broken)
        parts = parts[keep]
        multi_kept = np.setdiff1d(np.arange(len(multi)), broken)
        part_of = np.searchsorted(multi_kept, part_of[keep])
        multi = multi[multi_kept]
    areas = _polygon_areas_m2(np.concatenate([geoms[poly], parts]))
    out[poly] = areas[: len(poly)]
    # parts summed one after the other from 0, as the reference's sum() does
    total = np.zeros(len(multi))
    rank = _rank_within(part_of, len(multi))
    part_area = areas[len(poly) :]
    for j in range(int(rank.max(initial=-1)) + 1):
        sel = rank == j
        total[part_of[sel]] += part_area[sel]
    out[multi] = total
    for i in other:
        out[i] = geodesic_area_m2(geoms[i])
    return out


def _repaired(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return `gdf` with invalid polygons made valid (else their area is wrong), warning once."""
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    type_id = shapely.get_type_id(geoms)
    bad = np.isin(type_id, (_POLYGON_ID, _MULTIPOLYGON_ID))
    bad[bad] = ~shapely.is_valid(geoms[bad])
    if not bad.any():
        return gdf
    label = gdf.attrs.get("layer_id") or gdf.attrs.get("source_path") or "the layer"
    ids = list(gdf.loc[bad, "id"]) if "id" in gdf.columns else list(gdf.index[bad])
    msg = (
        f"Layer {label}: {int(bad.sum())} invalid polygon(s) {ids[:5]} measured after "
        "shapely.make_valid; fix the source (zoneplan validate --repair) to make this explicit"
    )
    warnings.warn(msg, ZoneplanWarning, stacklevel=3)
    fixed = gdf.copy()
    fixed.loc[bad, fixed.geometry.name] = shapely.make_valid(geoms[bad])
    return fixed


#: Features measured at a time: bounds the memory of the intermediate geometries.
MEASURE_CHUNK: Final[int] = 100_000


def measure_features(
    gdf: gpd.GeoDataFrame,
    *,
    meridian: float = 105.75,
    progress: bool = False,
    workers: int | None = None,
) -> pd.DataFrame:
    """
    Measure every feature planar in VN-2000 / TM-3 and on the WGS 84 ellipsoid.

    Vectorised: a million parcels take seconds (docs/benchmark-areas.md); the
    ellipsoidal areas are those of `geodesic_area_m2`, feature by feature, to the
    last bit.

    Parameters
    ----------
    gdf
        Any layer with a CRS (WGS 84 lon/lat, VN-2000 TM-3, UTM, ...).
    meridian
        Central meridian of the VN-2000 TM-3 zone: 105.75 (Hai Phong, EPSG:9210)
        or 105.5 (former Hải Dương, EPSG:9209).
    progress
        Show a progress bar on standard error (off by default).
    workers
        Threads for layers of more than `MEASURE_CHUNK` features; the cores this
        process may use when None. The results do not depend on it.

    Returns
    -------
    measures
        Indexed like `gdf`, float columns ``area_ha_vn2000`` and
        ``area_ha_ellipsoidal`` (NaN for non-polygons), ``length_km_vn2000`` and
        ``length_km_geodesic`` (NaN for non-lines).

    Raises
    ------
    CRSError
        If `gdf` has no CRS or the meridian is not supported.

    Warns
    -----
    ZoneplanWarning
        If a polygon is invalid (self-intersecting, ...): it is measured after
        ``shapely.make_valid``, since its raw area would be meaningless.

    Examples
    --------
    A 0.01° × 0.01° cell in Tiên Lãng:

    >>> import geopandas as gpd
    >>> from shapely import box
    >>> cell = gpd.GeoDataFrame(geometry=[box(106.70, 20.60, 106.71, 20.61)], crs=4326)
    >>> m = measure_features(cell)
    >>> m[["area_ha_vn2000", "area_ha_ellipsoidal"]].round(3).iloc[0].tolist()
    [115.412, 115.408]
    """
    from zoneplan.progress import map_chunks

    zcrs.require_crs(gdf)
    zcrs.check_meridian(meridian)
    gdf = _repaired(gdf)
    parts = map_chunks(
        lambda part: measure_chunk(gdf.iloc[part], meridian)[2],
        len(gdf),
        size=MEASURE_CHUNK,
        desc="measuring",
        progress=progress,
        workers=workers,
    )
    if not parts:
        return measure_chunk(gdf, meridian)[2]
    return parts[0] if len(parts) == 1 else pd.concat(parts)


def measure_chunk(
    gdf: gpd.GeoDataFrame, meridian: float
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """
    Measure the features of a (valid) layer; the work of `measure_features` for one chunk.

    Parameters
    ----------
    gdf
        A layer with a CRS, its polygons valid.
    meridian
        Central meridian of the VN-2000 TM-3 zone.

    Returns
    -------
    lonlat, grid, measures
        The geometries in WGS 84 lon/lat and in VN-2000 TM-3 (as `zoneplan.crs`
        transforms them), and the `measure_features` table.
    """
    lonlat = zcrs.to_wgs84(gdf)
    if zcrs.is_vn2000(zcrs.require_crs(gdf)):
        grid = zcrs.to_vn2000(gdf, meridian=meridian)
    else:  # what to_vn2000 does, without taking the layer to WGS 84 a second time
        grid = zcrs._apply(lonlat, zcrs.wgs84_to_vn2000_transformer(meridian).transform)
    type_id = shapely.get_type_id(lonlat)
    present = ~shapely.is_empty(lonlat) & (type_id >= 0)
    kinds = (_POLYGON_ID, _MULTIPOLYGON_ID, _COLLECTION_ID)
    polygonal = present & np.isin(type_id, kinds)
    linear = present & np.isin(type_id, _LINEAR_IDS)
    area_vn = np.where(polygonal, shapely.area(grid), np.nan)
    # A GeometryCollection without polygons has no area: geodesic_areas_m2 gives NaN.
    area_ell = np.full(len(lonlat), np.nan)
    area_ell[polygonal] = geodesic_areas_m2(lonlat[polygonal])
    area_vn = np.where(np.isnan(area_ell), np.nan, area_vn)
    len_vn = np.where(linear, shapely.length(grid), np.nan)
    len_geo = np.full(len(lonlat), np.nan)
    len_geo[linear] = [geodesic_length_m(g) for g in lonlat[linear]]
    measures = pd.DataFrame(
        {
            "area_ha_vn2000": area_vn / M2_PER_HA,
            "area_ha_ellipsoidal": area_ell / M2_PER_HA,
            "length_km_vn2000": len_vn / M_PER_KM,
            "length_km_geodesic": len_geo / M_PER_KM,
        },
        index=gdf.index,
        dtype=float,
    )
    return lonlat, grid, measures


#: Identifying columns of the feature table, in order.
ID_COLUMNS: Final[tuple[str, ...]] = ("layer", "id", "name_vi", "name_en", "category")

#: Columns of `feature_areas`, in order.
FEATURE_COLUMNS: Final[tuple[str, ...]] = (
    *ID_COLUMNS,
    "declared_ha",
    "area_ha_vn2000",
    "area_ha_ellipsoidal",
    "diff_ha",
    "diff_pct",
    "length_km_vn2000",
    "length_km_geodesic",
    "declared_diff_ha",
    "declared_diff_pct",
    "declared_flag",
)


def _as_layers(
    layers: gpd.GeoDataFrame | Mapping[str, gpd.GeoDataFrame],
) -> dict[str, gpd.GeoDataFrame]:
    """Return `layers` as a dict layer id → GeoDataFrame (a single frame uses attrs["layer_id"])."""
    if isinstance(layers, Mapping):
        return dict(layers)
    return {str(layers.attrs.get("layer_id", "layer")): layers}


def _column(gdf: gpd.GeoDataFrame, name: str, default: object = None) -> pd.Series:
    """Return column `name` of `gdf`, or a column of `default` when it is missing."""
    if name in gdf.columns:
        return gdf[name]
    return pd.Series([default] * len(gdf), index=gdf.index, dtype=object)


def _relative_pct(value: pd.Series, reference: pd.Series) -> pd.Series:
    """Return 100 · (value − reference) / reference, NaN where the reference is 0 or missing."""
    ref = reference.astype(float).where(reference.astype(float) != 0)
    return 100.0 * (value.astype(float) - ref) / ref


def feature_areas(
    layers: gpd.GeoDataFrame | Mapping[str, gpd.GeoDataFrame],
    *,
    meridian: float = 105.75,
    tolerance_pct: float = 5.0,
    progress: bool = False,
) -> pd.DataFrame:
    """
    Measure every feature of one or more layers, with the declared-area check.

    Parameters
    ----------
    layers
        Layer id → GeoDataFrame (as from `zoneplan.io.load_catalog_layers`), or one
        GeoDataFrame (its ``attrs["layer_id"]`` names it).
    meridian
        Central meridian of the VN-2000 TM-3 zone, 105.75 or 105.5.
    tolerance_pct
        A declared area is flagged when the VN-2000 measured area differs from it
        by more than this many percent.
    progress
        Show a progress bar per layer on standard error (off by default).

    Returns
    -------
    areas
        One row per feature, columns `FEATURE_COLUMNS`: ``diff_ha`` and ``diff_pct``
        compare VN-2000 with the ellipsoidal area (``100 · (vn2000 − ellipsoidal) /
        ellipsoidal``); ``declared_diff_ha`` and ``declared_diff_pct`` compare the
        VN-2000 area with ``declared_area_ha`` (NaN when none is declared), and
        ``declared_flag`` is True when ``|declared_diff_pct| > tolerance_pct``.

    Raises
    ------
    CRSError
        If a layer has no CRS or the meridian is not supported.
    ValueError
        If `tolerance_pct` is negative.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> gdf = gpd.GeoDataFrame(
    ...     {"id": ["ip1"], "category": ["industrial_park"], "declared_area_ha": [120.0]},
    ...     geometry=[box(106.70, 20.60, 106.71, 20.61)], crs=4326,
    ... )
    >>> t = feature_areas({"functional_areas": gdf})
    >>> t[["id", "area_ha_vn2000", "declared_diff_pct", "declared_flag"]].round(2)
        id  area_ha_vn2000  declared_diff_pct  declared_flag
    0  ip1          115.41              -3.82          False
    """
    if not tolerance_pct >= 0:
        msg = f"tolerance_pct must be 0 or more, got {tolerance_pct!r}; give a percentage such as 5"
        raise ValueError(msg)
    frames = []
    for layer_id, gdf in _as_layers(layers).items():
        zcrs.require_crs(gdf, layer_id)
        m = measure_features(gdf, meridian=meridian, progress=progress)
        part = pd.DataFrame(
            {
                "layer": layer_id,
                "id": _column(gdf, "id").where(_column(gdf, "id").notna(), None),
                "name_vi": _column(gdf, "name_vi"),
                "name_en": _column(gdf, "name_en"),
                "category": _column(gdf, "category"),
                "declared_ha": pd.to_numeric(_column(gdf, "declared_area_ha"), errors="coerce"),
            },
            index=gdf.index,
        )
        frames.append(pd.concat([part, m], axis=1))
    if not frames:
        return pd.DataFrame(columns=list(FEATURE_COLUMNS))
    out = pd.concat(frames, ignore_index=True)
    out["declared_ha"] = out["declared_ha"].astype(float)
    out["diff_ha"] = out["area_ha_vn2000"] - out["area_ha_ellipsoidal"]
    out["diff_pct"] = _relative_pct(out["area_ha_vn2000"], out["area_ha_ellipsoidal"])
    out["declared_diff_ha"] = out["area_ha_vn2000"] - out["declared_ha"]
    out["declared_diff_pct"] = _relative_pct(out["area_ha_vn2000"], out["declared_ha"])
    out["declared_flag"] = out["declared_diff_pct"].abs() > tolerance_pct
    return out[list(FEATURE_COLUMNS)]


def declared_vs_measured(
    layers: gpd.GeoDataFrame | Mapping[str, gpd.GeoDataFrame],
    *,
    tolerance_pct: float = 5.0,
    meridian: float = 105.75,
) -> pd.DataFrame:
    """
    Compare declared and measured areas, for the features that declare one.

    Parameters
    ----------
    layers
        Layer id → GeoDataFrame, or one GeoDataFrame.
    tolerance_pct
        Flag a feature when its measured VN-2000 area differs from the declared one
        by more than this many percent.
    meridian
        Central meridian of the VN-2000 TM-3 zone.

    Returns
    -------
    comparison
        The rows of `feature_areas` with a ``declared_ha``, columns layer, id,
        name_vi, name_en, category, declared_ha, area_ha_vn2000,
        area_ha_ellipsoidal, declared_diff_ha, declared_diff_pct, declared_flag.

    Raises
    ------
    CRSError
        If a layer has no CRS.
    """
    t = feature_areas(layers, meridian=meridian, tolerance_pct=tolerance_pct)
    cols = [
        *ID_COLUMNS,
        "declared_ha",
        "area_ha_vn2000",
        "area_ha_ellipsoidal",
        "declared_diff_ha",
        "declared_diff_pct",
        "declared_flag",
    ]
    return t.loc[t["declared_ha"].notna(), cols].reset_index(drop=True)


def summarize_areas(features: pd.DataFrame, *, by: str = "layer") -> pd.DataFrame:
    """
    Sum a feature table per layer or per category.

    Sums count overlapping features twice; `zone_composition` measures unions.

    Parameters
    ----------
    features
        A table from `feature_areas`.
    by
        ``"layer"`` or ``"category"``.

    Returns
    -------
    summary
        One row per group: the group key (with ``category_vi``/``category_en``
        labels for categories), ``n_features``, ``declared_ha`` (sum of declared
        areas, NaN if none), ``area_ha_vn2000``, ``area_ha_ellipsoidal``,
        ``diff_ha``, ``diff_pct``, ``length_km_vn2000``, ``length_km_geodesic``.

    Raises
    ------
    ValueError
        If `by` is not ``"layer"`` or ``"category"``.
    """
    if by not in ("layer", "category"):
        msg = f"cannot summarize areas by {by!r}; use 'layer' or 'category'"
        raise ValueError(msg)
    keyed = features.assign(**{by: features[by].fillna("(none)")})
    sums = ["declared_ha", "area_ha_vn2000", "area_ha_ellipsoidal"]
    sums += ["length_km_vn2000", "length_km_geodesic"]
    grouped = keyed.groupby(by, sort=False)
    out = grouped[sums].sum(min_count=1)
    out.insert(0, "n_features", grouped.size())
    out = out.reset_index()
    out["diff_ha"] = out["area_ha_vn2000"] - out["area_ha_ellipsoidal"]
    out["diff_pct"] = _relative_pct(out["area_ha_vn2000"], out["area_ha_ellipsoidal"])
    cols = [by, "n_features", "declared_ha", "area_ha_vn2000", "area_ha_ellipsoidal"]
    cols += ["diff_ha", "diff_pct", "length_km_vn2000", "length_km_geodesic"]
    out = out[cols]
    if by == "category":
        labels = [CATEGORIES.get(c, ("", "")) for c in out["category"]]
        out.insert(1, "category_vi", [lab[0] for lab in labels])
        out.insert(2, "category_en", [lab[1] for lab in labels])
    return out


def area_table(
    layers: gpd.GeoDataFrame | Mapping[str, gpd.GeoDataFrame],
    *,
    by: str = "feature",
    meridian: float = 105.75,
    tolerance_pct: float = 5.0,
    progress: bool = False,
) -> pd.DataFrame:
    """
    Return the areas of `layers` per feature, per layer or per category.

    Parameters
    ----------
    layers
        Layer id → GeoDataFrame, or one GeoDataFrame.
    by
        ``"feature"``, ``"layer"`` or ``"category"``.
    meridian
        Central meridian of the VN-2000 TM-3 zone.
    tolerance_pct
        Tolerance of the declared-area flag, in percent.
    progress
        Show a progress bar per layer on standard error (off by default).

    Returns
    -------
    table
        `feature_areas` or `summarize_areas` of it.

    Raises
    ------
    CRSError
        If a layer has no CRS.
    ValueError
        If `by` is not one of the three.

    Examples
    --------
    >>> from zoneplan.io import load_catalog_layers
    >>> t = area_table(load_catalog_layers(["zone"]), by="layer")
    >>> str(t.loc[0, "layer"]), int(t.loc[0, "n_features"])
    ('zone', 1)
    """
    if by not in ("feature", "layer", "category"):
        msg = f"cannot tabulate areas by {by!r}; use 'feature', 'layer' or 'category'"
        raise ValueError(msg)
    features = feature_areas(
        layers, meridian=meridian, tolerance_pct=tolerance_pct, progress=progress
    )
    return features if by == "feature" else summarize_areas(features, by=by)


def _grid_frame(gdf: gpd.GeoDataFrame, meridian: float) -> gpd.GeoDataFrame:
    """Return a copy of `gdf` whose geometries are in VN-2000 TM-3 (pinned), made valid."""
    import geopandas as gpd

    geoms = shapely.make_valid(zcrs.to_vn2000(gdf, meridian=meridian))
    return gpd.GeoDataFrame(
        gdf.drop(columns=gdf.geometry.name), geometry=geoms, crs=zcrs.vn2000_tm3_crs(meridian)
    )


def _polygons_only(geom: shapely.Geometry | None) -> shapely.Geometry:
    """Return the polygonal part of a geometry (an empty polygon when there is none)."""
    if geom is None or geom.is_empty:
        return shapely.Polygon()
    if geom.geom_type in _POLYGONAL:
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in _POLYGONAL]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def measure_grid_geometries(
    geoms: Sequence[shapely.Geometry] | np.ndarray, *, meridian: float = 105.75
) -> pd.DataFrame:
    """
    Measure geometries given in VN-2000 TM-3 coordinates (results of overlays).

    Parameters
    ----------
    geoms
        Shapely geometries in the VN-2000 TM-3 zone of `meridian`.
    meridian
        Central meridian of that zone.

    Returns
    -------
    measures
        Columns of `measure_features`, positional index.
    """
    import geopandas as gpd

    gs = gpd.GeoDataFrame(geometry=list(geoms), crs=zcrs.vn2000_tm3_crs(meridian))
    return measure_features(gs, meridian=meridian)


def _zone_geometry(zone: gpd.GeoDataFrame, meridian: float) -> shapely.Geometry:
    """Return the union of the economic-zone polygons of `zone` in the VN-2000 grid."""
    grid = _grid_frame(zone, meridian)
    if "category" in grid.columns and (grid["category"] == "economic_zone").any():
        grid = grid[grid["category"] == "economic_zone"]
    geom = _polygons_only(shapely.union_all(grid.geometry.values))
    if geom.is_empty:
        name = zone.attrs.get("layer_id", "zone")
        msg = (
            f"Layer {name} has no polygon of the economic zone; "
            "give the zone layer with its category 'economic_zone' polygon"
        )
        raise LayerValidationError(msg)
    return geom


def _functional_frame(functional: gpd.GeoDataFrame, meridian: float) -> gpd.GeoDataFrame:
    """Return the functional-area polygons of `functional` in the VN-2000 grid."""
    grid = _grid_frame(functional, meridian)
    if "category" not in grid.columns:
        name = functional.attrs.get("layer_id", "functional_areas")
        msg = (
            f"Layer {name} has no 'category' column, so functional areas cannot be told "
            f"apart; give each polygon one of {', '.join(FUNCTIONAL_CATEGORIES)}"
        )
        raise LayerValidationError(msg)
    grid = grid[grid["category"].isin(FUNCTIONAL_CATEGORIES)].copy()
    grid["geometry"] = [_polygons_only(g) for g in grid.geometry.values]
    return grid[~grid.geometry.is_empty]


def zone_composition(
    zone: gpd.GeoDataFrame, functional: gpd.GeoDataFrame, *, meridian: float = 105.75
) -> pd.DataFrame:
    """
    Break the zone down by functional category, with double counting and unassigned land.

    Overlays are computed on the VN-2000 TM-3 grid; every piece is then measured
    both ways.

    Parameters
    ----------
    zone
        The zone layer; its ``economic_zone`` polygons (all polygons if it has no
        such category) are unioned.
    functional
        Layer(s) of functional areas; polygons whose category is in
        `zoneplan.schema.FUNCTIONAL_CATEGORIES` are used.
    meridian
        Central meridian of the VN-2000 TM-3 zone.

    Returns
    -------
    composition
        One row per ``part``: each functional category (its union inside the zone),
        ``functional_union`` (land inside the zone assigned to any function),
        ``double_counted`` (sum of the features' areas inside the zone minus their
        union: land counted twice or more), ``unassigned`` (zone minus the union),
        ``outside_zone`` (functional land outside the zone) and ``zone``. Columns
        part, kind (``category`` or ``total``), category_vi, category_en,
        n_features, area_ha_vn2000, area_ha_ellipsoidal, share_pct (of the zone's
        VN-2000 area; category shares may add up to more than 100 where they overlap).

    Raises
    ------
    CRSError
        If a layer has no CRS.
    LayerValidationError
        If the zone has no polygon or `functional` has no category column.

    Examples
    --------
    >>> from zoneplan.io import load_catalog_layers
    >>> layers = load_catalog_layers(["zone", "functional_areas"])
    >>> c = zone_composition(layers["zone"], layers["functional_areas"])
    >>> c.set_index("part").loc["zone", "share_pct"]
    np.float64(100.0)
    """
    zone_geom = _zone_geometry(zone, meridian)
    func = _functional_frame(functional, meridian)
    inside = shapely.intersection(func.geometry.values, zone_geom)
    rows: list[tuple[str, str, int, shapely.Geometry]] = []
    for category in FUNCTIONAL_CATEGORIES:
        mask = (func["category"] == category).to_numpy()
        if mask.any():
            rows.append((category, "category", int(mask.sum()), shapely.union_all(inside[mask])))
    union_inside = shapely.union_all(inside) if len(inside) else shapely.Polygon()
    union_all = shapely.union_all(func.geometry.values) if len(func) else shapely.Polygon()
    n = len(func)
    rows += [
        ("functional_union", "total", n, union_inside),
        ("unassigned", "total", 0, shapely.difference(zone_geom, union_inside)),
        ("outside_zone", "total", n, shapely.difference(union_all, zone_geom)),
        ("zone", "total", 0, zone_geom),
    ]
    measured = measure_grid_geometries([r[3] for r in rows], meridian=meridian)
    area_vn = measured["area_ha_vn2000"].fillna(0.0).to_numpy()
    area_ell = measured["area_ha_ellipsoidal"].fillna(0.0).to_numpy()
    # double counting: Σ(feature ∩ zone) − ∪(feature ∩ zone), in both measures
    each = measure_grid_geometries(inside, meridian=meridian) if n else None
    dbl_vn = (each["area_ha_vn2000"].fillna(0).sum() if n else 0.0) - area_vn[-4]
    dbl_ell = (each["area_ha_ellipsoidal"].fillna(0).sum() if n else 0.0) - area_ell[-4]
    parts = [r[0] for r in rows]
    out = pd.DataFrame(
        {
            "part": parts,
            "kind": [r[1] for r in rows],
            "n_features": [r[2] for r in rows],
            "area_ha_vn2000": area_vn,
            "area_ha_ellipsoidal": area_ell,
        }
    )
    out = pd.concat(
        [
            out.iloc[:-3],
            pd.DataFrame(
                {
                    "part": ["double_counted"],
                    "kind": ["total"],
                    "n_features": [n],
                    "area_ha_vn2000": [max(dbl_vn, 0.0)],
                    "area_ha_ellipsoidal": [max(dbl_ell, 0.0)],
                }
            ),
            out.iloc[-3:],
        ],
        ignore_index=True,
    )
    zone_vn = area_vn[-1]
    out["share_pct"] = 100.0 * out["area_ha_vn2000"] / zone_vn
    labels = [CATEGORIES.get(p, _TOTAL_LABELS.get(p, ("", ""))) for p in out["part"]]
    out.insert(2, "category_vi", [lab[0] for lab in labels])
    out.insert(3, "category_en", [lab[1] for lab in labels])
    return out


_TOTAL_LABELS: Final[dict[str, tuple[str, str]]] = {
    "functional_union": ("Tổng đất có chức năng", "Land with a function"),
    "double_counted": ("Diện tích tính trùng", "Counted twice (overlaps)"),
    "unassigned": ("Chưa có chức năng", "No function assigned"),
    "outside_zone": ("Ngoài ranh giới khu kinh tế", "Outside the zone"),
    "zone": ("Khu kinh tế", "Economic zone"),
}


def functional_overlaps(
    functional: gpd.GeoDataFrame, *, meridian: float = 105.75, min_area_m2: float = 1.0
) -> gpd.GeoDataFrame:
    """
    List the overlaps between functional areas, pair by pair.

    Parameters
    ----------
    functional
        Layer of functional areas (categories in `FUNCTIONAL_CATEGORIES`).
    meridian
        Central meridian of the VN-2000 TM-3 zone.
    min_area_m2
        Overlaps smaller than this (on the grid) are slivers of digitizing and are left out.

    Returns
    -------
    overlaps
        One row per overlapping pair: id_a, category_a, id_b, category_b,
        area_ha_vn2000, area_ha_ellipsoidal and the overlap geometry in EPSG:4326.

    Raises
    ------
    CRSError
        If the layer has no CRS.
    """
    import geopandas as gpd

    func = _functional_frame(functional, meridian).reset_index(drop=True)
    ids = _column(func, "id").to_numpy()
    cats = func["category"].to_numpy()
    tree = shapely.STRtree(func.geometry.values)
    left, right = tree.query(func.geometry.values, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    geoms = shapely.intersection(func.geometry.values[left], func.geometry.values[right])
    geoms = np.array([_polygons_only(g) for g in geoms], dtype=object)
    big = shapely.area(geoms) >= min_area_m2 if len(geoms) else np.zeros(0, dtype=bool)
    left, right, geoms = left[big], right[big], geoms[big]
    measured = measure_grid_geometries(geoms, meridian=meridian)
    out = gpd.GeoDataFrame(
        {
            "id_a": ids[left],
            "category_a": cats[left],
            "id_b": ids[right],
            "category_b": cats[right],
            "area_ha_vn2000": measured["area_ha_vn2000"].to_numpy(),
            "area_ha_ellipsoidal": measured["area_ha_ellipsoidal"].to_numpy(),
        },
        geometry=list(geoms),
        crs=zcrs.vn2000_tm3_crs(meridian),
    )
    return out.set_geometry(list(zcrs.to_wgs84(out)), crs=4326)
