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

from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
import shapely

import pyproj

from zoneplan import crs as zcrs

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
    """Return the geodesic area of a lon/lat polygon minus its holes, whatever the ring orientation."""
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


def _types(geoms: np.ndarray) -> np.ndarray:
    """Return the geometry type name of each geometry ('' for None or empty)."""
    return np.array(
        ["" if g is None or g.is_empty else g.geom_type for g in geoms], dtype=object
    )


def measure_features(gdf: gpd.GeoDataFrame, *, meridian: float = 105.75) -> pd.DataFrame:
    """
    Measure every feature planar in VN-2000 / TM-3 and on the WGS 84 ellipsoid.

    Parameters
    ----------
    gdf
        Any layer with a CRS (WGS 84 lon/lat, VN-2000 TM-3, UTM, ...).
    meridian
        Central meridian of the VN-2000 TM-3 zone: 105.75 (Hai Phong, EPSG:9210)
        or 105.5 (former Hải Dương, EPSG:9209).

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
    zcrs.require_crs(gdf)
    zcrs.check_meridian(meridian)
    lonlat = zcrs.to_wgs84(gdf)
    grid = zcrs.to_vn2000(gdf, meridian=meridian)
    kinds = _types(lonlat)
    polygonal = np.isin(kinds, [*_POLYGONAL, "GeometryCollection"])
    linear = np.isin(kinds, _LINEAR)
    area_vn = np.where(polygonal, shapely.area(grid), np.nan)
    # A GeometryCollection without polygons has no area: mirror geodesic_area_m2.
    area_ell = np.array([geodesic_area_m2(g) if p else np.nan for g, p in zip(lonlat, polygonal)])
    area_vn = np.where(np.isnan(area_ell), np.nan, area_vn)
    len_vn = np.where(linear, shapely.length(grid), np.nan)
    len_geo = np.array([geodesic_length_m(g) if ln else np.nan for g, ln in zip(lonlat, linear)])
    return pd.DataFrame(
        {
            "area_ha_vn2000": area_vn / M2_PER_HA,
            "area_ha_ellipsoidal": area_ell / M2_PER_HA,
            "length_km_vn2000": len_vn / M_PER_KM,
            "length_km_geodesic": len_geo / M_PER_KM,
        },
        index=gdf.index,
        dtype=float,
    )
