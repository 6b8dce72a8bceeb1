"""
VN-2000 coordinate reference systems and the pinned VN-2000 ↔ WGS 84 transformation.

Vietnamese cadastral and planning documents measure in VN-2000 (Decision
83/2000/QĐ-TTg) on a provincial 3° transverse Mercator zone with scale factor
k0 = 0.9999 (Circular 973/2001/TT-TCĐC). Hai Phong uses the central meridian
105°45' (EPSG:9210); the former Hải Dương part of the merged city uses 105°30'
(EPSG:9209).

The datum shift is the seven-parameter Helmert transformation of Decision
05/2007/QĐ-BTNMT, coordinate frame convention. It is written here as an explicit
PROJ pipeline so that results never depend on which transformation PROJ would
pick from its database (PROJ also knows EPSG:5194, a Mekong-delta set that is
wrong for Hai Phong by about a metre). With these parameters the pipeline is the
same operation as EPSG:6960 "VN-2000 to WGS 84 (2)"; the tests check that.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import numpy as np
import pyproj
import shapely

from zoneplan.errors import CRSError

if TYPE_CHECKING:
    import geopandas as gpd

CRSLike: TypeAlias = str | int | pyproj.CRS

#: Decision 05/2007/QĐ-BTNMT: VN-2000 → WGS 84, coordinate frame rotation.
#: Translations in metres, rotations in arc-seconds, scale in parts per million.
HELMERT_05_2007: Final[dict[str, float]] = {
    "x": -191.90441429,
    "y": -39.30318279,
    "z": -111.45032835,
    "rx": -0.00928836,
    "ry": 0.01975479,
    "rz": -0.00427372,
    "s": 0.252906278,
}

#: Central meridian of Hai Phong's TM-3 zone (105°45', EPSG:9210): the default everywhere.
DEFAULT_MERIDIAN: Final[float] = 105.75
#: Central meridian of the former Hải Dương province's TM-3 zone (105°30', EPSG:9209).
HAI_DUONG_MERIDIAN: Final[float] = 105.5

#: Supported central meridians (degrees) of VN-2000 TM-3 and their EPSG codes.
TM3_EPSG: Final[dict[float, int]] = {
    DEFAULT_MERIDIAN: 9210,  # Hai Phong (before the 2025 merger)
    HAI_DUONG_MERIDIAN: 9209,  # former Hải Dương province, part of Hai Phong since 1 July 2025
}

#: Scale factor on the central meridian of the provincial TM-3 zones.
TM3_K0: Final[float] = 0.9999
#: False easting and false northing of the TM-3 zones, in metres.
TM3_FALSE_EASTING_M: Final[float] = 500_000.0
TM3_FALSE_NORTHING_M: Final[float] = 0.0

#: The ellipsoid of VN-2000 and of its TM-3 zones, WGS 84's: semi-major axis in metres and
#: flattening.
WGS84_A_M: Final[float] = 6378137.0
WGS84_F: Final[float] = 1 / 298.257223563

#: The EPSG code of the VN-2000 geographic CRS.
VN2000_GEOGRAPHIC_EPSG: Final[int] = 4756

_VN2000_DATUM = "Vietnam 2000"


def check_meridian(meridian: float) -> float:
    """
    Check that `meridian` is a supported VN-2000 TM-3 central meridian.

    Parameters
    ----------
    meridian
        Central meridian in decimal degrees.

    Returns
    -------
    meridian
        The meridian as a float key of `TM3_EPSG`.

    Raises
    ------
    CRSError
        If the meridian is not 105.75 (EPSG:9210) or 105.5 (EPSG:9209).
    """
    for known in TM3_EPSG:
        if math.isclose(float(meridian), known, abs_tol=1e-9):
            return known
    choices = ", ".join(f"{m} (EPSG:{c})" for m, c in TM3_EPSG.items())
    msg = f"VN-2000 TM-3 central meridian {meridian!r} is not supported; use one of {choices}"
    raise CRSError(msg)


def vn2000_tm3_crs(meridian: float = DEFAULT_MERIDIAN) -> pyproj.CRS:
    """
    Return the VN-2000 / TM-3 projected CRS for a central meridian.

    Parameters
    ----------
    meridian
        Central meridian in degrees: 105.75 (Hai Phong) or 105.5 (former Hải Dương).

    Returns
    -------
    crs
        EPSG:9210 or EPSG:9209.

    Raises
    ------
    CRSError
        If the meridian is not supported.

    Examples
    --------
    >>> vn2000_tm3_crs().to_epsg()
    9210
    >>> vn2000_tm3_crs(105.5).name
    'VN-2000 / TM-3 105-30'
    """
    return pyproj.CRS.from_epsg(TM3_EPSG[check_meridian(meridian)])


def helmert_step() -> str:
    """
    Return the PROJ Helmert step VN-2000 → WGS 84 of Decision 05/2007/QĐ-BTNMT.

    Returns
    -------
    step
        ``+proj=helmert ... +convention=coordinate_frame`` (geocentric, metres).
    """
    params = " ".join(f"+{k}={v!r}" for k, v in HELMERT_05_2007.items())
    return f"+proj=helmert {params} +convention=coordinate_frame"


def wgs84_to_vn2000_pipeline(meridian: float = DEFAULT_MERIDIAN) -> str:
    """
    Return the PROJ pipeline WGS 84 lon/lat (degrees) → VN-2000 TM-3 easting/northing (m).

    The ellipsoidal height is kept through the datum shift (push/pop) as PROJ
    does for 2D transformations.

    Parameters
    ----------
    meridian
        Central meridian of the TM-3 zone, 105.75 or 105.5.

    Returns
    -------
    pipeline
        A PROJ pipeline string.

    Raises
    ------
    CRSError
        If the meridian is not supported.
    """
    lon_0 = check_meridian(meridian)
    return (
        "+proj=pipeline "
        "+step +proj=unitconvert +xy_in=deg +xy_out=rad "
        "+step +proj=push +v_3 "
        "+step +proj=cart +ellps=WGS84 "
        f"+step +inv {helmert_step()} "
        "+step +inv +proj=cart +ellps=WGS84 "
        "+step +proj=pop +v_3 "
        f"+step +proj=tmerc +lat_0=0 +lon_0={lon_0!r} +k={TM3_K0!r} "
        f"+x_0={TM3_FALSE_EASTING_M:g} +y_0={TM3_FALSE_NORTHING_M:g} +ellps=WGS84"
    )


@functools.lru_cache(maxsize=8)
def wgs84_to_vn2000_transformer(meridian: float = DEFAULT_MERIDIAN) -> pyproj.Transformer:
    """
    Return the pinned transformer WGS 84 lon/lat → VN-2000 TM-3 easting/northing.

    Its inverse direction (``direction="INVERSE"``) goes back to WGS 84 lon/lat.

    Parameters
    ----------
    meridian
        Central meridian of the TM-3 zone, 105.75 or 105.5.

    Returns
    -------
    transformer
        A pyproj Transformer built from `wgs84_to_vn2000_pipeline`.

    Raises
    ------
    CRSError
        If the meridian is not supported.

    Examples
    --------
    Nam Đồ Sơn berths 1-2 (FACTS section 6):

    >>> t = wgs84_to_vn2000_transformer()
    >>> e, n = t.transform(106.770, 20.632)
    >>> round(e, 2), round(n, 2)
    (606105.05, 2282548.31)
    """
    return pyproj.Transformer.from_pipeline(wgs84_to_vn2000_pipeline(meridian))


@functools.lru_cache(maxsize=2)
def _vn2000_geographic_shift() -> pyproj.Transformer:
    """Return the pinned Helmert shift VN-2000 lon/lat → WGS 84 lon/lat (degrees)."""
    return pyproj.Transformer.from_pipeline(_geographic_shift_pipeline())


def _geographic_shift_pipeline() -> str:
    """Return the PROJ pipeline VN-2000 lon/lat → WGS 84 lon/lat, degrees in and out."""
    return (
        "+proj=pipeline "
        "+step +proj=unitconvert +xy_in=deg +xy_out=rad "
        "+step +proj=push +v_3 "
        "+step +proj=cart +ellps=WGS84 "
        f"+step {helmert_step()} "
        "+step +inv +proj=cart +ellps=WGS84 "
        "+step +proj=pop +v_3 "
        "+step +proj=unitconvert +xy_in=rad +xy_out=deg"
    )


def vn2000_geographic_to_wgs84(
    lon: np.ndarray | float, lat: np.ndarray | float
) -> tuple[np.ndarray, np.ndarray]:
    """
    Transform VN-2000 lon/lat (EPSG:4756) to WGS 84 lon/lat, degrees, with the pinned shift.

    Maritime notices of VMS-North publish points in both systems; this is the
    conversion between those two columns.

    Parameters
    ----------
    lon, lat
        VN-2000 longitude and latitude in decimal degrees.

    Returns
    -------
    lon, lat
        WGS 84 longitude and latitude in decimal degrees.

    Examples
    --------
    The shift is about +6.8" in longitude and -3.6" in latitude at Hai Phong:

    >>> lon, lat = vn2000_geographic_to_wgs84(106.7, 20.65)
    >>> print(f"{(float(lon) - 106.7) * 3600:.1f} {(float(lat) - 20.65) * 3600:.1f}")
    6.8 -3.6
    """
    lon2, lat2 = _vn2000_geographic_shift().transform(lon, lat)
    return np.asarray(lon2), np.asarray(lat2)


def wgs84_to_vn2000(
    lon: np.ndarray | float, lat: np.ndarray | float, *, meridian: float = DEFAULT_MERIDIAN
) -> tuple[np.ndarray, np.ndarray]:
    """
    Transform WGS 84 lon/lat (degrees) to VN-2000 TM-3 easting/northing (metres).

    Parameters
    ----------
    lon, lat
        WGS 84 longitude and latitude in decimal degrees.
    meridian
        Central meridian of the TM-3 zone, 105.75 or 105.5.

    Returns
    -------
    easting_m, northing_m
        VN-2000 TM-3 grid coordinates.

    Examples
    --------
    >>> e, n = wgs84_to_vn2000(106.770, 20.632)
    >>> print(f"{float(e):.2f} {float(n):.2f}")
    606105.05 2282548.31
    """
    e, n = wgs84_to_vn2000_transformer(meridian).transform(lon, lat)
    return np.asarray(e), np.asarray(n)


def vn2000_to_wgs84(
    easting_m: np.ndarray | float,
    northing_m: np.ndarray | float,
    *,
    meridian: float = DEFAULT_MERIDIAN,
    exact: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """
    Transform VN-2000 TM-3 easting/northing (metres) to WGS 84 lon/lat (degrees).

    Parameters
    ----------
    easting_m, northing_m
        VN-2000 TM-3 grid coordinates.
    meridian
        Central meridian of the TM-3 zone, 105.75 or 105.5.
    exact
        Make the result the exact inverse of `wgs84_to_vn2000` (PROJ's inverse
        direction differs from it by about 0.65 mm), so reprojection round trips
        keep areas to 1e-9.

    Returns
    -------
    lon, lat
        WGS 84 longitude and latitude in decimal degrees.

    Examples
    --------
    >>> lon, lat = vn2000_to_wgs84(606105.05, 2282548.31)
    >>> print(f"{float(lon):.6f} {float(lat):.6f}")
    106.770000 20.632000
    """
    tr = wgs84_to_vn2000_transformer(meridian)
    lon, lat = tr.transform(easting_m, northing_m, direction="INVERSE")
    if exact:
        # The 2D pipeline takes WGS 84 points at height 0 going one way and VN-2000
        # points at height 0 coming back; the 21 m separation of the ellipsoids moves
        # points by about 0.65 mm, enough to change areas by 1e-9. Two fixed-point
        # steps on the forward transformation make the round trip exact (< 1 nm).
        x0 = np.asarray(easting_m, dtype=float)
        y0 = np.asarray(northing_m, dtype=float)
        tx, ty = x0, y0
        for _ in range(2):
            fx, fy = tr.transform(lon, lat)
            tx, ty = tx + (x0 - fx), ty + (y0 - fy)
            lon, lat = tr.transform(tx, ty, direction="INVERSE")
    return np.asarray(lon), np.asarray(lat)


def require_crs(gdf: gpd.GeoDataFrame | gpd.GeoSeries, name: str | None = None) -> pyproj.CRS:
    """
    Return the CRS of `gdf`, refusing data without one.

    Parameters
    ----------
    gdf
        A GeoDataFrame or GeoSeries.
    name
        Layer name or file for the message; ``gdf.attrs["layer_id"]`` when None.

    Returns
    -------
    crs
        The layer's CRS.

    Raises
    ------
    CRSError
        If the layer has no CRS.
    """
    if gdf.crs is None:
        label = name or gdf.attrs.get("layer_id") or gdf.attrs.get("path") or "the layer"
        msg = (
            f"Layer {label!s} has no CRS, so its areas cannot be measured; "
            "set the CRS it was digitized in, e.g. gdf.set_crs(4326) for lon/lat "
            "or gdf.set_crs(9210) for VN-2000 / TM-3 105-45"
        )
        raise CRSError(msg)
    return pyproj.CRS.from_user_input(gdf.crs)


def is_vn2000(crs: CRSLike) -> bool:
    """
    Tell whether a CRS is based on the VN-2000 datum.

    Parameters
    ----------
    crs
        Any CRS pyproj understands.

    Returns
    -------
    is_vn2000
        True for EPSG:4756 and every projected CRS on it (9205–9218, 3405, ...).

    Examples
    --------
    >>> is_vn2000(9210), is_vn2000(4326)
    (True, False)
    """
    crs = pyproj.CRS.from_user_input(crs)
    datum = crs.datum
    return datum is not None and datum.name == _VN2000_DATUM


def transform_geometries(
    geoms: np.ndarray, func: Callable[[np.ndarray, np.ndarray], tuple[Any, Any]]
) -> np.ndarray:
    """
    Apply a coordinate function ``(x, y) -> (x2, y2)`` to every vertex of `geoms`.

    Parameters
    ----------
    geoms
        Shapely geometries (2D).
    func
        Takes and returns arrays of x and y, such as a ``pyproj.Transformer``'s
        ``transform``.

    Returns
    -------
    geoms
        New geometries.
    """

    def _xy(coords: np.ndarray) -> np.ndarray:
        if len(coords) == 0:
            return coords
        x2, y2 = func(coords[:, 0], coords[:, 1])
        return np.column_stack([x2, y2])

    return shapely.transform(geoms, _xy)


def to_wgs84(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> np.ndarray:
    """
    Return the geometries of `gdf` as WGS 84 lon/lat shapely geometries.

    VN-2000 data goes through the pinned Decision 05/2007 Helmert step; data on
    WGS 84 (lon/lat, UTM, ...) is only unprojected; any other datum uses PROJ's
    best transformation to EPSG:4326.

    Parameters
    ----------
    gdf
        A GeoDataFrame or GeoSeries with a CRS.

    Returns
    -------
    geoms
        Array of shapely geometries in WGS 84 lon/lat degrees.

    Raises
    ------
    CRSError
        If the layer has no CRS.
    """
    crs = require_crs(gdf)
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    if is_vn2000(crs):
        to_geog = pyproj.Transformer.from_crs(crs, VN2000_GEOGRAPHIC_EPSG, always_xy=True)
        shift = _vn2000_geographic_shift()

        def _func(x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
            return shift.transform(*to_geog.transform(x, y))

        return transform_geometries(geoms, _func)
    return np.asarray(gdf.geometry.to_crs(4326).values, dtype=object)


def to_vn2000(
    gdf: gpd.GeoDataFrame | gpd.GeoSeries, *, meridian: float = DEFAULT_MERIDIAN
) -> np.ndarray:
    """
    Return the geometries of `gdf` in VN-2000 / TM-3 (metres) through the pinned transformation.

    Parameters
    ----------
    gdf
        A GeoDataFrame or GeoSeries with a CRS.
    meridian
        Central meridian of the TM-3 zone, 105.75 (EPSG:9210) or 105.5 (EPSG:9209).

    Returns
    -------
    geoms
        Array of shapely geometries in VN-2000 TM-3 easting/northing.

    Raises
    ------
    CRSError
        If the layer has no CRS or the meridian is not supported.
    """
    crs = require_crs(gdf)
    target = vn2000_tm3_crs(meridian)
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    if is_vn2000(crs):
        # Same datum: only a change of projection, no transformation to pin.
        tr = pyproj.Transformer.from_crs(crs, target, always_xy=True)
        return transform_geometries(geoms, tr.transform)
    tr = wgs84_to_vn2000_transformer(meridian)
    return transform_geometries(to_wgs84(gdf), tr.transform)


def reproject(gdf: gpd.GeoDataFrame, crs: CRSLike) -> gpd.GeoDataFrame:
    """
    Reproject a layer, through the pinned VN-2000 transformation when the datum changes.

    Between VN-2000 and any other datum the layer goes through VN-2000 / TM-3
    105°45' and the pinned Helmert step, both ways exactly inverse, so a round
    trip keeps areas to 1e-9; within one datum it is a plain change of projection.

    Parameters
    ----------
    gdf
        The layer, with a CRS.
    crs
        The target CRS.

    Returns
    -------
    gdf
        A copy in `crs`.

    Raises
    ------
    CRSError
        If the layer has no CRS.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> pt = gpd.GeoDataFrame(geometry=[Point(106.770, 20.632)], crs=4326)
    >>> p = reproject(pt, 9210).geometry.iloc[0]
    >>> round(p.x, 2), round(p.y, 2)
    (606105.05, 2282548.31)
    """
    import geopandas as gpd

    source = require_crs(gdf)
    target = pyproj.CRS.from_user_input(crs)
    if source.equals(target):
        return gdf.copy()
    src_vn, dst_vn = is_vn2000(source), is_vn2000(target)
    if src_vn == dst_vn:
        return gdf.to_crs(target)
    hub = vn2000_tm3_crs(DEFAULT_MERIDIAN)
    if src_vn:
        grid = gdf.to_crs(hub) if not source.equals(hub) else gdf
        geoms = transform_geometries(grid.geometry.to_numpy(), _tm3_to_wgs84_exact)
        wgs84 = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=4326), crs=4326)
        return wgs84 if target.equals(pyproj.CRS.from_epsg(4326)) else wgs84.to_crs(target)
    wgs84 = gdf.to_crs(4326)
    geoms = to_vn2000(wgs84, meridian=DEFAULT_MERIDIAN)
    grid = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=hub), crs=hub)
    return grid if target.equals(hub) else grid.to_crs(target)


def _tm3_to_wgs84_exact(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Invert the pinned WGS 84 → VN-2000 / TM-3 105°45' transformation exactly."""
    return vn2000_to_wgs84(x, y, meridian=DEFAULT_MERIDIAN, exact=True)


def meridian_of(crs: CRSLike) -> float:
    """
    Return the TM-3 central meridian a CRS stands on: its own for EPSG:9209/9210.

    Parameters
    ----------
    crs
        Any CRS.

    Returns
    -------
    meridian
        105.5 for EPSG:9209, else `DEFAULT_MERIDIAN`.

    Examples
    --------
    >>> meridian_of(9209), meridian_of(4326)
    (105.5, 105.75)
    """
    code = pyproj.CRS.from_user_input(crs).to_epsg()
    by_code = {c: m for m, c in TM3_EPSG.items()}
    return by_code.get(code, DEFAULT_MERIDIAN) if code is not None else DEFAULT_MERIDIAN


def tm3_point_scale(lon: float, lat: float, *, meridian: float = DEFAULT_MERIDIAN) -> float:
    """
    Return the VN-2000 TM-3 point scale factor k at a point (series to 4th order).

    ``k = k0 * (1 + L²/2 · (1 + η²) + L⁴/24 · (5 − 4t² + 14η² − 28t²η²))``
    with ``L = Δλ·cos φ`` (radians), ``t = tan φ`` and ``η² = e'² cos² φ``; for Hai
    Phong the neglected terms are below 1e-10.

    Parameters
    ----------
    lon, lat
        Position in degrees.
    meridian
        Central meridian of the TM-3 zone.

    Returns
    -------
    k
        Linear scale factor; the areal scale factor is ``k**2``.

    Examples
    --------
    >>> round(tm3_point_scale(105.75, 20.7), 6)
    0.9999
    """
    lon_0 = check_meridian(meridian)
    e2 = WGS84_F * (2 - WGS84_F)
    ep2 = e2 / (1 - e2)
    phi = math.radians(lat)
    big_l = math.radians(lon - lon_0) * math.cos(phi)
    t2 = math.tan(phi) ** 2
    eta2 = ep2 * math.cos(phi) ** 2
    series = big_l**2 / 2 * (1 + eta2) + big_l**4 / 24 * (5 - 4 * t2 + 14 * eta2 - 28 * t2 * eta2)
    return TM3_K0 * (1 + series)


@functools.lru_cache(maxsize=2)
def _wgs84_to_vn2000_3d() -> pyproj.Transformer:
    """Return the pinned Helmert shift WGS 84 → VN-2000 keeping the height it produces."""
    pipeline = (
        "+proj=pipeline "
        "+step +proj=unitconvert +xy_in=deg +xy_out=rad "
        "+step +proj=cart +ellps=WGS84 "
        f"+step +inv {helmert_step()} "
        "+step +inv +proj=cart +ellps=WGS84 "
        "+step +proj=unitconvert +xy_in=rad +xy_out=deg"
    )
    return pyproj.Transformer.from_pipeline(pipeline)


def ellipsoid_separation_m(lon: float, lat: float) -> float:
    """
    Return the height of the WGS 84 ellipsoid above the VN-2000 ellipsoid at a point.

    VN-2000 uses the WGS 84 ellipsoid's size and shape but a different position,
    fitted to the geoid over Vietnam; at Hai Phong the WGS 84 surface lies about
    21–24 m above it. Moving a figure down by `h` along the normals shrinks its
    lengths by about ``h / R``, so VN-2000 areas are smaller than WGS 84
    ellipsoidal areas by about ``2 h / R`` ≈ 7 ppm here, before the TM-3 scale.

    Parameters
    ----------
    lon, lat
        WGS 84 position in degrees.

    Returns
    -------
    separation_m
        Ellipsoidal height in VN-2000 of the point at height 0 on WGS 84.

    Examples
    --------
    >>> round(ellipsoid_separation_m(106.7, 20.65), 1)
    21.3
    """
    _, _, h = _wgs84_to_vn2000_3d().transform(lon, lat, 0.0)
    return float(h)


def _radii_m(lat: float) -> tuple[float, float]:
    """Return the meridional (M) and prime-vertical (N) radii of curvature of WGS 84 at `lat`."""
    e2 = WGS84_F * (2 - WGS84_F)
    w2 = 1 - e2 * math.sin(math.radians(lat)) ** 2
    return WGS84_A_M * (1 - e2) / w2**1.5, WGS84_A_M / math.sqrt(w2)


def datum_area_factor(lon: float, lat: float) -> float:
    """
    Return the areal scale of the Decision 05/2007 datum shift WGS 84 → VN-2000 at a point.

    ``1 − h (1/M + 1/N)``, with `h` from `ellipsoid_separation_m` and M, N the radii
    of curvature; the tilt between the two ellipsoids changes areas by less than 1e-11.

    Parameters
    ----------
    lon, lat
        WGS 84 position in degrees.

    Returns
    -------
    factor
        Area on the VN-2000 ellipsoid / area on the WGS 84 ellipsoid (about 0.999993).
    """
    h = ellipsoid_separation_m(lon, lat)
    m, n = _radii_m(lat)
    return 1 - h * (1 / m + 1 / n)


def expected_area_ratio(lon: float, lat: float, *, meridian: float = DEFAULT_MERIDIAN) -> float:
    """
    Return the expected ratio VN-2000 TM-3 planar area / WGS 84 ellipsoidal area at a point.

    It is the product of the TM-3 areal scale ``k²`` (at the point's VN-2000
    position) and `datum_area_factor`. For a small figure the ratio of its two
    measured areas equals this at its centroid; for a large one it is the
    area-weighted mean of this over the figure.

    Parameters
    ----------
    lon, lat
        WGS 84 position in degrees.
    meridian
        Central meridian of the TM-3 zone.

    Returns
    -------
    ratio
        Expected planar / ellipsoidal area ratio.

    Examples
    --------
    >>> round(expected_area_ratio(106.7, 20.65), 6)
    1.000034
    """
    lon_vn, lat_vn = wgs84_to_vn2000_geographic(lon, lat)
    k = tm3_point_scale(lon_vn, lat_vn, meridian=meridian)
    return k**2 * datum_area_factor(lon, lat)


def wgs84_to_vn2000_geographic(lon: float, lat: float) -> tuple[float, float]:
    """
    Return the VN-2000 lon/lat of a WGS 84 lon/lat (degrees), through the pinned shift.

    Parameters
    ----------
    lon, lat
        WGS 84 position in degrees.

    Returns
    -------
    lon_vn2000, lat_vn2000
        The same point in VN-2000 geographic coordinates (EPSG:4756).
    """
    lon_vn, lat_vn = _vn2000_geographic_shift().transform(lon, lat, direction="INVERSE")
    return float(lon_vn), float(lat_vn)


def tm3_area_scale_bounds(
    bounds: tuple[float, float, float, float], *, meridian: float = DEFAULT_MERIDIAN
) -> tuple[float, float]:
    """
    Bound the ratio (VN-2000 planar area / WGS 84 ellipsoidal area) over a lon/lat box.

    The ratio is ``k² · d`` (see `expected_area_ratio`). The TM-3 areal scale
    ``k²`` grows with the distance from the central meridian and barely changes
    with latitude, so over a box it is smallest at the longitude nearest the
    meridian and largest at the farthest, checked at the lowest and highest
    latitude, with the box shifted into VN-2000 (about 7" west). The datum factor
    ``d`` changes linearly across the region, so its extremes are at the corners.
    A margin of 1e-7 covers the difference between straight grid edges and
    geodesic edges a few km long.

    Parameters
    ----------
    bounds
        ``(lon_min, lat_min, lon_max, lat_max)`` in WGS 84 degrees.
    meridian
        Central meridian of the TM-3 zone.

    Returns
    -------
    low, high
        Any polygon inside the box has planar/ellipsoidal area ratio in [low, high].

    Examples
    --------
    The Decision 1511 bounding box of the zone on the Hai Phong meridian:

    >>> low, high = tm3_area_scale_bounds((106.5356, 20.5972, 106.8208, 20.7597))
    >>> f"{low:.6f} {high:.6f}"
    '0.999958 1.000100'
    """
    lon_min, lat_min, lon_max, lat_max = bounds
    lon_0 = check_meridian(meridian)
    corners = [(x, y) for x in (lon_min, lon_max) for y in (lat_min, lat_max)]
    vn = [wgs84_to_vn2000_geographic(x, y) for x, y in corners]
    vlon = [c[0] for c in vn]
    vlat = [c[1] for c in vn]
    lo, hi = min(vlon), max(vlon)
    near = lon_0 if lo <= lon_0 <= hi else min((lo, hi), key=lambda v: abs(v - lon_0))
    far = max((lo, hi), key=lambda v: abs(v - lon_0))
    k_low = min(tm3_point_scale(near, la, meridian=lon_0) for la in vlat)
    k_high = max(tm3_point_scale(far, la, meridian=lon_0) for la in vlat)
    datum = [datum_area_factor(x, y) for x, y in corners]
    margin = 1e-7
    return k_low**2 * min(datum) - margin, k_high**2 * max(datum) + margin


# --- which CRS were these coordinates meant in ----------------------------------------------

#: Hai Phong city after the 2025 merger, with the former Hải Dương province and a
#: margin of about 5 km (lon/lat boxes: the mainland with Cát Bà, and Bạch Long Vĩ).
HAI_PHONG_EXTENT: Final[tuple[tuple[float, float, float, float], ...]] = (
    (105.98, 20.40, 107.20, 21.30),
    (107.60, 20.05, 107.80, 20.20),
)
#: Rough longitude of the border between the former Hải Dương (west) and Hai Phong (east).
FORMER_HAI_DUONG_EAST_LON: Final[float] = 106.45

#: Projected CRSs that Hai Phong data arrives in, most likely first, with their names.
CANDIDATE_CRS: Final[tuple[tuple[str, str], ...]] = (
    ("EPSG:9210", "VN-2000 / TM-3 105°45' (Hai Phong)"),
    ("EPSG:9209", "VN-2000 / TM-3 105°30' (former Hải Dương)"),
    ("EPSG:3405", "VN-2000 / UTM zone 48N"),
    ("EPSG:32648", "WGS 84 / UTM zone 48N"),
    ("EPSG:5899", "VN-2000 / TM-3 107°45' (Quảng Ninh)"),
)
#: Geographic CRSs that Hai Phong data arrives in.
GEOGRAPHIC_CANDIDATE_CRS: Final[tuple[tuple[str, str], ...]] = (
    ("EPSG:4326", "WGS 84"),
    ("EPSG:4756", "VN-2000 geographic"),
)
#: Coordinates tried per candidate CRS when guessing (evenly spaced, with the extremes).
_GUESS_SAMPLE: Final[int] = 2_000


def in_hai_phong(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """
    Tell which lon/lat points lie in Hai Phong city (with the former Hải Dương).

    Parameters
    ----------
    lon, lat
        WGS 84 degrees.

    Returns
    -------
    inside
        Boolean array.

    Examples
    --------
    >>> in_hai_phong(np.array([106.77, 106.3, 105.5]), np.array([20.63, 20.9, 20.6])).tolist()
    [True, True, False]
    """
    inside = np.zeros(np.shape(lon), dtype=bool)
    for x0, y0, x1, y1 in HAI_PHONG_EXTENT:
        inside |= (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
    return inside


def place_points(xs: np.ndarray, ys: np.ndarray, crs: CRSLike) -> tuple[np.ndarray, np.ndarray]:
    """
    Place coordinates read in `crs` in WGS 84 (VN-2000 through the pinned shift).

    Parameters
    ----------
    xs, ys
        Coordinates in `crs` (longitude/easting first).
    crs
        The CRS to read them in.

    Returns
    -------
    lon, lat
        WGS 84 degrees; NaN or infinite where the projection cannot place a point.
    """
    import geopandas as gpd

    pts = gpd.GeoSeries(shapely.points(xs, ys), crs=pyproj.CRS.from_user_input(crs))
    lonlat = to_wgs84(pts)
    return shapely.get_x(lonlat), shapely.get_y(lonlat)


def places_in_hai_phong(xs: np.ndarray, ys: np.ndarray, crs: CRSLike) -> bool:
    """Tell whether every point falls in Hai Phong when read in `crs`."""
    with np.errstate(all="ignore"):
        try:
            lon, lat = place_points(xs, ys, crs)
        except Exception:  # a projection that cannot place these numbers
            return False
    return bool(np.all(np.isfinite(lon)) and in_hai_phong(lon, lat).all())


def crs_label(crs: pyproj.CRS) -> str:
    """Name a CRS with its EPSG code."""
    code = crs.to_epsg()
    return f"EPSG:{code} ({crs.name})" if code else crs.name


@dataclass(frozen=True)
class CRSGuess:
    """
    A CRS under which coordinates fall in Hai Phong.

    Parameters
    ----------
    code
        ``"EPSG:nnnn"``.
    name
        What it is, for messages.
    swapped
        The coordinates fall in Hai Phong only with x and y swapped.
    """

    code: str
    name: str
    swapped: bool = False


def _sample(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """At most `_GUESS_SAMPLE` of the points, evenly spaced, with each extreme kept."""
    if len(xs) <= _GUESS_SAMPLE:
        return xs, ys
    pick = np.linspace(0, len(xs) - 1, _GUESS_SAMPLE).astype(np.int64)
    extremes = [np.argmin(xs), np.argmax(xs), np.argmin(ys), np.argmax(ys)]
    pick = np.unique(np.concatenate([pick, extremes]))
    return xs[pick], ys[pick]


def guess_crs(xs: np.ndarray, ys: np.ndarray, *, tried: CRSLike | None = None) -> list[CRSGuess]:
    """
    Guess which CRS coordinates were meant in: those that put every point in Hai Phong.

    Degree-sized numbers are tried as WGS 84 and VN-2000 longitude/latitude,
    anything larger in the projected CRSs of `CANDIDATE_CRS`, most likely
    first; then each of these with x and y swapped (Vietnamese tables give the
    northing X first).

    Parameters
    ----------
    xs, ys
        The coordinates, longitude/easting first.
    tried
        A CRS already found wrong: left out of the unswapped guesses.

    Returns
    -------
    guesses
        Most likely first; the swapped readings after the others; empty when
        nothing places the points in Hai Phong.

    Examples
    --------
    >>> [g.code for g in guess_crs(np.array([606105.0]), np.array([2282548.0]))][:2]
    ['EPSG:9210', 'EPSG:9209']
    >>> guess_crs(np.array([2282548.0]), np.array([606105.0]))[0]
    CRSGuess(code='EPSG:9210', name="VN-2000 / TM-3 105°45' (Hai Phong)", swapped=True)
    """
    xs, ys = _sample(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))
    if not len(xs) or not (np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))):
        return []
    skip = pyproj.CRS.from_user_input(tried) if tried is not None else None
    guesses = []
    for a, b, swapped in ((xs, ys, False), (ys, xs, True)):
        degrees = bool(np.all(np.abs(a) <= 180) and np.all(np.abs(b) <= 90))
        for code, name in GEOGRAPHIC_CANDIDATE_CRS if degrees else CANDIDATE_CRS:
            if not swapped and skip is not None and skip.equals(pyproj.CRS.from_user_input(code)):
                continue
            if places_in_hai_phong(a, b, code):
                guesses.append(CRSGuess(code, name, swapped))
    return guesses


def suggest_crs(geoms: np.ndarray | gpd.GeoSeries) -> str | None:
    """
    Name the CRS that coordinates of unknown or doubtful CRS are probably in.

    Parameters
    ----------
    geoms
        Geometries whose CRS is missing or wrong.

    Returns
    -------
    guess
        A phrase naming the likely CRS (with its EPSG code) for a message, or
        None; degrees outside Hai Phong are taken for WGS 84.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> suggest_crs(np.array([Point(606105, 2282548)]))
    "VN-2000 / TM-3 105°45' (Hai Phong), EPSG:9210 (or EPSG:9209 for the former Hải Dương part)"
    """
    arr = np.asarray(geoms, dtype=object)
    arr = arr[~shapely.is_missing(arr)]
    coords = shapely.get_coordinates(arr[~shapely.is_empty(arr)])
    if not len(coords):
        return None
    xs, ys = coords[:, 0], coords[:, 1]
    guesses = guess_crs(xs, ys)
    if not guesses:
        degrees = np.all(np.abs(xs) <= 180) and np.all(np.abs(ys) <= 90)
        return "WGS 84 longitude/latitude, EPSG:4326" if degrees else None
    best = guesses[0]
    if best.swapped:
        return (
            "VN-2000 TM-3 with X and Y swapped (X is the northing); "
            f"swap the columns, then {best.code}"
        )
    if best.code in ("EPSG:9210", "EPSG:9209"):
        return (
            "VN-2000 / TM-3 105°45' (Hai Phong), EPSG:9210 "
            "(or EPSG:9209 for the former Hải Dương part)"
        )
    if best.code in ("EPSG:3405", "EPSG:32648"):
        return "UTM zone 48N: VN-2000 EPSG:3405 or WGS 84 EPSG:32648"
    if best.code == "EPSG:4326":
        return "WGS 84 longitude/latitude, EPSG:4326"
    return f"{best.name}, {best.code}"


def meridian_hints(crs: pyproj.CRS, lon: np.ndarray, label: str) -> list[str]:
    """
    Hint at the other TM-3 zone when points lie on the wrong side of the old border.

    Parameters
    ----------
    crs
        The CRS the points were read in.
    lon
        Their WGS 84 longitudes.
    label
        The file name for the message.

    Returns
    -------
    hints
        EPSG:9209 for Hai Phong's meridian used west of `FORMER_HAI_DUONG_EAST_LON`,
        EPSG:9210 for the reverse; empty otherwise.
    """
    code = crs.to_epsg()
    mean = float(np.mean(lon))
    if code == 9210 and mean < FORMER_HAI_DUONG_EAST_LON:
        return [
            f"{label}: the points lie in the former Hải Dương part (lon {mean:.3f}); if the table "
            "comes from a Hải Dương document it is on 105°30': rerun with --crs EPSG:9209"
        ]
    if code == 9209 and mean >= FORMER_HAI_DUONG_EAST_LON:
        return [
            f"{label}: the points lie in Hai Phong east of the former Hải Dương (lon {mean:.3f}); "
            "Hai Phong documents use 105°45': if so, rerun with --crs EPSG:9210"
        ]
    return []
