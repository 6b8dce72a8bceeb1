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
from typing import TYPE_CHECKING, Final, cast

import numpy as np
import pandas as pd
import shapely

from zoneplan import crs as zcrs
from zoneplan.errors import ZoneplanWarning
from zoneplan.geodesic import (
    COLLECTION_ID,
    LINEAR_IDS,
    M2_PER_HA,
    M_PER_KM,
    MULTIPOLYGON_ID,
    POLYGON_ID,
    geodesic_areas_m2,
    geodesic_length_m,
)
from zoneplan.schema import CATEGORIES

if TYPE_CHECKING:
    import geopandas as gpd
    from pyproj import Transformer
    from shapely.geometry.base import BaseGeometry


#: Columns of `measure_features`.
MEASURE_COLUMNS: Final[tuple[str, ...]] = (
    "area_ha_vn2000",
    "area_ha_ellipsoidal",
    "length_km_vn2000",
    "length_km_geodesic",
)


def valid_for_measuring(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return `gdf` with invalid polygons made valid (else their area is wrong), warning once."""
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    type_id = shapely.get_type_id(geoms)
    bad = np.isin(type_id, (POLYGON_ID, MULTIPOLYGON_ID))
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
    meridian: float = zcrs.DEFAULT_MERIDIAN,
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
    gdf = valid_for_measuring(gdf)
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


def measure_for_map(
    gdf: gpd.GeoDataFrame,
    *,
    meridian: float = 105.75,
    progress: bool = False,
    workers: int | None = None,
    valid: bool = False,
    lonlat: np.ndarray | None = None,
) -> tuple[np.ndarray, pd.DataFrame]:
    """
    Measure a layer for the map: its WGS 84 geometries and its VN-2000 measures.

    The map shows the VN-2000 area and length of each feature; this gives the
    same ``area_ha_vn2000`` and ``length_km_vn2000`` as `measure_features`, to
    the last bit, without the ellipsoidal columns (the slow part at 10^6
    features), and hands back the lon/lat geometries it made on the way so the
    map need not transform the layer again.

    Parameters
    ----------
    gdf
        Any layer with a CRS.
    meridian, progress, workers
        As for `measure_features`.
    valid
        The polygons are known to be valid (validated on reading): skip the
        check `measure_features` makes (and the repair of invalid ones it warns of).
    lonlat
        ``zoneplan.crs.to_wgs84(gdf)`` when the caller has it already: it is not
        made again (and is what comes back).

    Returns
    -------
    lonlat, measures
        The geometries as `zoneplan.crs.to_wgs84` gives them (invalid polygons
        as they are, not repaired), and a table with the columns
        ``area_ha_vn2000`` and ``length_km_vn2000``, indexed like `gdf`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> cell = gpd.GeoDataFrame(geometry=[box(106.70, 20.60, 106.71, 20.61)], crs=4326)
    >>> lonlat, m = measure_for_map(cell)
    >>> bool(m["area_ha_vn2000"].iloc[0] == measure_features(cell)["area_ha_vn2000"].iloc[0])
    True
    """
    from zoneplan.progress import map_chunks

    zcrs.require_crs(gdf)
    zcrs.check_meridian(meridian)
    repaired = gdf if valid else valid_for_measuring(gdf)

    on_grid = not zcrs.is_vn2000(zcrs.require_crs(gdf))  # lon/lat to the grid with one transform

    given = lonlat

    def chunk(part: slice) -> tuple[np.ndarray, pd.DataFrame]:
        own = given[part] if given is not None and repaired is gdf else None
        lonlat = zcrs.to_wgs84(repaired.iloc[part]) if own is None else own
        area_m2 = grid_polygon_areas_m2(lonlat, meridian) if on_grid else None
        if area_m2 is None:
            lonlat, _, measures = measure_chunk(
                repaired.iloc[part], meridian, geodesic=False, lonlat=own
            )
        else:  # plain polygons: the same numbers, without making grid geometries
            columns = {"area_ha_vn2000": area_m2 / M2_PER_HA, "length_km_vn2000": np.nan}
            measures = pd.DataFrame(columns, index=repaired.index[part], dtype=float)
        if repaired is not gdf:  # the map draws the source's geometries, not the repairs
            lonlat = zcrs.to_wgs84(gdf.iloc[part]) if given is None else given[part]
        return lonlat, measures

    parts = map_chunks(
        chunk, len(gdf), size=MEASURE_CHUNK, desc="measuring", progress=progress, workers=workers
    )
    if not parts:
        return chunk(slice(0, 0))
    if len(parts) == 1:
        return parts[0]
    return np.concatenate([p[0] for p in parts]), pd.concat([p[1] for p in parts])


def _transform_shared_once(
    transformer: Transformer, x: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """
    ``transformer.transform(x, y)``, each distinct point transformed once.

    The parcels of a cadastre share their corners: in a mesh each corner is the
    vertex of four parcels, so four fifths of the points repeat. Where a sample
    shows that many repeats, the distinct points are transformed and the results
    handed back to every copy: the same numbers bit for bit (PROJ transforms each
    point on its own), in about a third of the time. Points are the same when
    both coordinates are equal; layers with a coordinate of exactly zero (where
    0.0 and -0.0 would count as one) are transformed point by point.

    Examples
    --------
    >>> t = zcrs.wgs84_to_vn2000_transformer()
    >>> x = np.tile([106.70, 106.71, 106.71, 106.70], 1000)
    >>> y = np.tile([20.60, 20.60, 20.61, 20.61], 1000)
    >>> gx, gy = _transform_shared_once(t, x, y)
    >>> ex, ey = t.transform(x, y)
    >>> bool((gx == ex).all() and (gy == ey).all())
    True
    """
    sample = slice(0, _SHARED_SAMPLE)
    if len(x) < _SHARED_MIN or (x == 0).any() or (y == 0).any():
        return cast("tuple[np.ndarray, np.ndarray]", transformer.transform(x, y))
    points = np.empty(len(x), dtype=np.complex128)
    points.real, points.imag = x, y
    seen = len(pd.unique(points[sample]))
    if seen > _SHARED_MAX_FRACTION * len(points[sample]):  # few repeats: not worth hashing
        return cast("tuple[np.ndarray, np.ndarray]", transformer.transform(x, y))
    codes, distinct = pd.factorize(points, use_na_sentinel=False)
    dx, dy = transformer.transform(distinct.real, distinct.imag)
    return np.asarray(dx)[codes], np.asarray(dy)[codes]


#: `_transform_shared_once`: points looked at to decide, fewest points worth it, and the
#: largest share of distinct points in the sample for which the hashing pays.
_SHARED_SAMPLE: Final[int] = 20_000
_SHARED_MIN: Final[int] = 1_000
_SHARED_MAX_FRACTION: Final[float] = 0.6


def grid_polygon_areas_m2(lonlat: np.ndarray, meridian: float = 105.75) -> np.ndarray | None:
    """
    VN-2000 grid areas of plain polygons, computed from their transformed vertices.

    The number ``shapely.area`` gives for the polygons taken to the grid
    (`measure_features`' ``area_ha_vn2000`` in m²), bit for bit: each vertex goes
    through the same PROJ pipeline (the closing vertex of a ring is the first
    one's copy, not transformed twice), and each ring's area is GEOS's shoelace
    (``Area::ofRingSigned``) with its terms summed in GEOS's order. At 10^6
    parcels this skips making and filling a million grid geometries.

    Parameters
    ----------
    lonlat
        WGS 84 lon/lat shapely geometries.
    meridian
        Central meridian of the VN-2000 TM-3 zone.

    Returns
    -------
    area_m2
        One area per geometry; None unless every geometry is a polygon without
        holes and with a closed ring of at least four vertices (the caller then
        measures through shapely).

    Examples
    --------
    >>> from shapely import box
    >>> cells = np.array([box(106.70, 20.60, 106.71, 20.61), box(106.6, 20.7, 106.62, 20.71)])
    >>> grid = zcrs.transform_geometries(cells, zcrs.wgs84_to_vn2000_transformer().transform)
    >>> bool((grid_polygon_areas_m2(cells) == shapely.area(grid)).all())
    True
    """
    if not len(lonlat) or not (shapely.get_type_id(lonlat) == POLYGON_ID).all():
        return None
    if shapely.get_num_interior_rings(lonlat).any():
        return None
    coords, owner = shapely.get_coordinates(lonlat, return_index=True)
    per_ring = np.bincount(owner, minlength=len(lonlat))
    if (per_ring < 4).any():  # empty polygons: measured (as NaN) the usual way
        return None
    start = np.cumsum(per_ring) - per_ring
    last = start + per_ring - 1
    inner = np.ones(len(coords), dtype=bool)
    inner[last] = False
    x_in, y_in = _transform_shared_once(
        zcrs.wgs84_to_vn2000_transformer(meridian), coords[inner, 0], coords[inner, 1]
    )
    x = np.empty(len(coords))
    y = np.empty(len(coords))
    x[inner], y[inner] = x_in, y_in
    x[last], y[last] = x[start], y[start]
    with np.errstate(invalid="ignore", over="ignore"):  # PROJ's inf gives NaN, as in GEOS
        # GEOS: sum over i = 1 .. n-2 of (x[i] - x[0]) * (y[i-1] - y[i+1]), in that order
        terms_per_ring = per_ring - 2
        at = np.arange(len(coords)) - np.repeat(start, per_ring)  # place within the ring
        middle = (at >= 1) & (at <= np.repeat(per_ring, per_ring) - 2)
        pos = np.flatnonzero(middle)
        terms = (x[pos] - x[np.repeat(start, terms_per_ring)]) * (y[pos - 1] - y[pos + 1])
        first_term = np.cumsum(terms_per_ring) - terms_per_ring
        # sequential sums, one term of every ring at a time (longest rings first)
        order = np.argsort(-terms_per_ring, kind="stable")
        counts = terms_per_ring[order]
        sums = np.zeros(len(lonlat))
        for k in range(int(counts[0])):
            rings = int(np.searchsorted(-counts, -k, side="left"))  # rings with more than k terms
            sums[:rings] += terms[first_term[order[:rings]] + k]
        area = np.empty(len(lonlat))
        area[order] = np.abs(sums / 2.0)
    return area


def measure_chunk(
    gdf: gpd.GeoDataFrame,
    meridian: float,
    *,
    geodesic: bool = True,
    lonlat: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """
    Measure the features of a (valid) layer; the work of `measure_features` for one chunk.

    Parameters
    ----------
    gdf
        A layer with a CRS, its polygons valid.
    meridian
        Central meridian of the VN-2000 TM-3 zone.
    geodesic
        Also the ellipsoidal areas and geodesic lengths; without them (False) the
        table has only the VN-2000 columns, with the same values.
    lonlat
        ``zoneplan.crs.to_wgs84(gdf)``, when the caller has it.

    Returns
    -------
    lonlat, grid, measures
        The geometries in WGS 84 lon/lat and in VN-2000 TM-3 (as `zoneplan.crs`
        transforms them), and the `measure_features` table.
    """
    lonlat = zcrs.to_wgs84(gdf) if lonlat is None else lonlat
    if zcrs.is_vn2000(zcrs.require_crs(gdf)):
        grid = zcrs.to_vn2000(gdf, meridian=meridian)
    else:  # what to_vn2000 does, without taking the layer to WGS 84 a second time
        grid = zcrs.transform_geometries(
            lonlat, zcrs.wgs84_to_vn2000_transformer(meridian).transform
        )
    type_id = shapely.get_type_id(lonlat)
    present = ~shapely.is_empty(lonlat) & (type_id >= 0)
    kinds = (POLYGON_ID, MULTIPOLYGON_ID, COLLECTION_ID)
    polygonal = present & np.isin(type_id, kinds)
    linear = present & np.isin(type_id, LINEAR_IDS)
    with np.errstate(invalid="ignore"):  # no grid measure where PROJ gives inf: NaN
        area_vn = np.where(polygonal, shapely.area(grid), np.nan)
        len_vn = np.where(linear, shapely.length(grid), np.nan)
    # A GeometryCollection without polygons has no area: geodesic_areas_m2 gives NaN.
    area_ell = np.full(len(lonlat), np.nan)
    if geodesic:
        area_ell[polygonal] = geodesic_areas_m2(lonlat[polygonal])
    else:  # only where it can be NaN: not for plain polygons (valid, finite coordinates)
        area_ell[polygonal & (type_id == POLYGON_ID)] = 0.0
        rest = polygonal & (type_id != POLYGON_ID)
        area_ell[rest] = geodesic_areas_m2(lonlat[rest])
    area_vn = np.where(np.isnan(area_ell), np.nan, area_vn)
    if not geodesic:
        vn2000 = {"area_ha_vn2000": area_vn / M2_PER_HA, "length_km_vn2000": len_vn / M_PER_KM}
        return lonlat, grid, pd.DataFrame(vn2000, index=gdf.index, dtype=float)
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

#: The measured and declared area columns of `compare_declared`, in order.
DECLARED_COLUMNS: Final[tuple[str, ...]] = (
    "declared_ha",
    "area_ha_vn2000",
    "area_ha_ellipsoidal",
    "declared_diff_ha",
    "declared_diff_pct",
    "declared_flag",
)

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


def column_or_default(gdf: gpd.GeoDataFrame, name: str, default: object = None) -> pd.Series:
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
    meridian: float = zcrs.DEFAULT_MERIDIAN,
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
        ids = column_or_default(gdf, "id")
        declared = column_or_default(gdf, "declared_area_ha")
        part = pd.DataFrame(
            {
                "layer": layer_id,
                "id": ids.where(ids.notna(), None),
                "name_vi": column_or_default(gdf, "name_vi"),
                "name_en": column_or_default(gdf, "name_en"),
                "category": column_or_default(gdf, "category"),
                "declared_ha": pd.to_numeric(declared, errors="coerce"),
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
    meridian: float = zcrs.DEFAULT_MERIDIAN,
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
    cols = [*ID_COLUMNS, *DECLARED_COLUMNS]
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
    meridian: float = zcrs.DEFAULT_MERIDIAN,
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


def measure_grid_geometries(
    geoms: Sequence[BaseGeometry] | np.ndarray, *, meridian: float = zcrs.DEFAULT_MERIDIAN
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
