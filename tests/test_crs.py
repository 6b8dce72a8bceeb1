"""Tests of the pinned VN-2000 ↔ WGS 84 transformation and the VN-2000 TM-3 helpers."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pyproj
import pytest
from pyproj.transformer import TransformerGroup
from shapely import Point, box

from zoneplan.crs import (
    HELMERT_05_2007,
    TM3_EPSG,
    TM3_FALSE_EASTING_M,
    TM3_FALSE_NORTHING_M,
    TM3_K0,
    WGS84_A_M,
    WGS84_F,
    datum_area_factor,
    ellipsoid_separation_m,
    is_vn2000,
    require_crs,
    tm3_area_scale_bounds,
    tm3_point_scale,
    to_vn2000,
    to_wgs84,
    vn2000_geographic_to_wgs84,
    vn2000_tm3_crs,
    vn2000_to_wgs84,
    wgs84_to_vn2000,
    wgs84_to_vn2000_geographic,
    wgs84_to_vn2000_pipeline,
)
from zoneplan.errors import CRSError

GEOD = pyproj.Geod(ellps="WGS84")

# A grid of points over the zone and the wider city (WGS 84 lon/lat).
LON, LAT = (
    a.ravel() for a in np.meshgrid(np.linspace(106.3, 107.0, 8), np.linspace(20.5, 21.0, 6))
)


def dms(text: str) -> float:
    """Parse 20°47'52.1" into decimal degrees."""
    deg, rest = text.split("°")
    minutes, seconds = rest.split("'")
    return int(deg) + int(minutes) / 60 + float(seconds.rstrip('"')) / 3600


# Published pairs (VN-2000 lat, lon | WGS-84 lat, lon), rounded to 0.1", from VMS-North
# maritime notices:
# - Lạch Huyện container berth 3 (HPG-11-2025), http://vms-north.com.vn/thong-bao-hang-hai-247/
#   hai-phong-253/ve-thong-so-ky-thuat-cua-vung-nuoc-truoc-ben-container-so-3-thuoc-cang-cua-
#   ngo-quoc-te-hai-phong-11995-2.html
# - K99 fuel port (HPG-190-2024), https://vms-north.vn/thong-bao-hang-hai-247/hai-phong-253/
#   ve-thong-so-ky-thuat-cua-vung-nuoc-truoc-cang-xang-dau-k99-hai-phong--11957-2.html
# - Đình Vũ petroleum service berth (HPG-45-2009), https://vms-north.vn/thong-bao-hang-hai-247/
#   hai-phong-253/ve-do-sau-khu-nuoc-truoc-ben-cang-dich-vu-dau-khi-dinh-vu-3097-2.html
PUBLISHED_PAIRS = {
    "Lạch Huyện A2": ("20°47'52.1\"", "106°54'28.6\"", "20°47'48.5\"", "106°54'35.4\""),
    "Lạch Huyện B1": ("20°47'53.7\"", "106°54'31.4\"", "20°47'50.1\"", "106°54'38.2\""),
    "Lạch Huyện B3": ("20°47'43.2\"", "106°54'38.0\"", "20°47'39.6\"", "106°54'44.8\""),
    "Lạch Huyện B4": ("20°47'41.6\"", "106°54'35.1\"", "20°47'38.0\"", "106°54'41.9\""),
    "K99 A": ("20°51'16.5\"", "106°44'33.9\"", "20°51'12.9\"", "106°44'40.7\""),
    "K99 B": ("20°51'14.6\"", "106°44'39.8\"", "20°51'11.0\"", "106°44'46.6\""),
    "K99 NV1": ("20°51'15.0\"", "106°44'33.4\"", "20°51'11.4\"", "106°44'40.2\""),
    "K99 NV4": ("20°51'13.2\"", "106°44'39.3\"", "20°51'09.6\"", "106°44'46.1\""),
    "Đình Vũ A": ("20°50'42.7\"", "106°45'54.6\"", "20°50'39.1\"", "106°46'01.4\""),
    "Đình Vũ B": ("20°50'45.3\"", "106°45'54.2\"", "20°50'41.7\"", "106°46'01.0\""),
    "Đình Vũ C": ("20°50'39.4\"", "106°46'02.8\"", "20°50'35.8\"", "106°46'09.6\""),
    "Đình Vũ D": ("20°50'37.8\"", "106°46'01.6\"", "20°50'34.2\"", "106°46'08.4\""),
}


def test_pipeline_carries_the_decision_05_2007_parameters():
    pipe = wgs84_to_vn2000_pipeline()
    for key, value in HELMERT_05_2007.items():
        assert f"+{key}={value!r}" in pipe
    assert "+convention=coordinate_frame" in pipe
    assert "+lon_0=105.75 +k=0.9999" in pipe
    assert "+lon_0=105.5 " in wgs84_to_vn2000_pipeline(105.5)


def test_decision_parameters_equal_epsg_6960():
    op = pyproj.CRS.from_epsg(9210)  # noqa: F841 - keeps the database warm
    coord_op = pyproj.crs.CoordinateOperation.from_epsg(6960)
    params = {p.name: p.value for p in coord_op.params}
    assert params["X-axis translation"] == HELMERT_05_2007["x"]
    assert params["Y-axis translation"] == HELMERT_05_2007["y"]
    assert params["Z-axis translation"] == HELMERT_05_2007["z"]
    assert params["X-axis rotation"] == HELMERT_05_2007["rx"]
    assert params["Y-axis rotation"] == HELMERT_05_2007["ry"]
    assert params["Z-axis rotation"] == HELMERT_05_2007["rz"]
    assert params["Scale difference"] == HELMERT_05_2007["s"]
    assert coord_op.method_name == "Coordinate Frame rotation (geog2D domain)"


def test_tm3_constants_equal_the_epsg_definitions():
    for meridian, epsg in TM3_EPSG.items():
        crs = pyproj.CRS.from_epsg(epsg)
        params = {p.name: p.value for p in crs.coordinate_operation.params}
        assert params["Longitude of natural origin"] == meridian
        assert params["Latitude of natural origin"] == 0
        assert params["Scale factor at natural origin"] == TM3_K0
        assert params["False easting"] == TM3_FALSE_EASTING_M
        assert params["False northing"] == TM3_FALSE_NORTHING_M
        assert crs.ellipsoid.semi_major_metre == WGS84_A_M
        assert 1 / crs.ellipsoid.inverse_flattening == pytest.approx(WGS84_F, rel=1e-15)


@pytest.mark.parametrize(("meridian", "epsg"), [(105.75, 9210), (105.5, 9209)])
def test_pinned_pipeline_equals_epsg_6960_result(meridian, epsg):
    # PROJ's EPSG:6960-based operation, selected by name, not by whatever PROJ prefers
    group = TransformerGroup(4326, epsg, always_xy=True)
    (epsg6960,) = [t for t in group.transformers if "VN-2000 to WGS 84 (2)" in t.description]
    e_ref, n_ref = epsg6960.transform(LON, LAT)
    e, n = wgs84_to_vn2000(LON, LAT, meridian=meridian)
    assert np.abs(e - e_ref).max() < 1e-6
    assert np.abs(n - n_ref).max() < 1e-6
    # and it is not the Mekong-delta set EPSG:5194, which is off by about a metre here
    (epsg5194,) = [t for t in group.transformers if "VN-2000 to WGS 84 (1)" in t.description]
    e_5194, n_5194 = epsg5194.transform(LON, LAT)
    assert np.hypot(e - e_5194, n - n_5194).min() > 0.5


def test_round_trip_is_sub_millimetre():
    e, n = wgs84_to_vn2000(LON, LAT)
    lon, lat = vn2000_to_wgs84(e, n)
    _, _, dist = GEOD.inv(LON, LAT, lon, lat)
    assert np.max(dist) < 1e-3


def test_facts_worked_example_nam_do_son():
    # FACTS section 6: 106.770, 20.632 → E 606,105.05 / N 2,282,548.31 (0.01 m printed)
    e, n = wgs84_to_vn2000(106.770, 20.632)
    assert float(e) == pytest.approx(606_105.05, abs=0.006)
    assert float(n) == pytest.approx(2_282_548.31, abs=0.006)
    # without the datum shift E is ~196 m too large and N ~109 m too small
    plain = pyproj.Transformer.from_crs(4756, 9210, always_xy=True).transform(106.770, 20.632)
    assert plain[0] - float(e) == pytest.approx(196.13, abs=0.05)
    assert float(n) - plain[1] == pytest.approx(109.23, abs=0.05)


@pytest.mark.parametrize("name", list(PUBLISHED_PAIRS))
def test_published_vn2000_wgs84_pairs_within_1_5_m(name):
    vn_lat, vn_lon, wgs_lat, wgs_lon = (dms(v) for v in PUBLISHED_PAIRS[name])
    lon, lat = vn2000_geographic_to_wgs84(vn_lon, vn_lat)
    _, _, residual_m = GEOD.inv(float(lon), float(lat), wgs_lon, wgs_lat)
    assert residual_m < 1.5
    # the same through the TM-3 grid: VN-2000 lon/lat → E/N (pure projection) → WGS 84
    e, n = pyproj.Transformer.from_crs(4756, 9210, always_xy=True).transform(vn_lon, vn_lat)
    lon2, lat2 = vn2000_to_wgs84(e, n)
    _, _, residual2_m = GEOD.inv(float(lon2), float(lat2), wgs_lon, wgs_lat)
    assert residual2_m == pytest.approx(residual_m, abs=1e-3)


def test_published_pairs_residuals_are_within_the_rounding():
    # Both columns are rounded to 0.1"; the mean residual over 12 points stays within
    # the worst case of that rounding (0.05" in each coordinate of each column).
    worst_m = math.hypot(2 * 0.05 / 3600 * 110_700, 2 * 0.05 / 3600 * 104_000)
    residuals = []
    for vn_lat, vn_lon, wgs_lat, wgs_lon in PUBLISHED_PAIRS.values():
        lon, lat = vn2000_geographic_to_wgs84(dms(vn_lon), dms(vn_lat))
        residuals.append(GEOD.inv(float(lon), float(lat), dms(wgs_lon), dms(wgs_lat))[2])
    assert np.mean(residuals) < worst_m


def test_lach_huyen_wgs84_corners_within_rounding_of_their_vn2000_position():
    # the WGS-84 corners printed in FACTS come back to the published VN-2000 values
    for name in ("Lạch Huyện A2", "Lạch Huyện B4"):
        vn_lat, vn_lon, wgs_lat, wgs_lon = (dms(v) for v in PUBLISHED_PAIRS[name])
        e, n = wgs84_to_vn2000(wgs_lon, wgs_lat)
        e_pub, n_pub = pyproj.Transformer.from_crs(4756, 9210, always_xy=True).transform(
            vn_lon, vn_lat
        )
        assert math.hypot(float(e) - e_pub, float(n) - n_pub) < 1.5


def test_meridians_and_their_crs():
    assert vn2000_tm3_crs().to_epsg() == 9210
    assert vn2000_tm3_crs(105.5).to_epsg() == 9209
    with pytest.raises(CRSError, match=r"meridian 107.75 is not supported.*EPSG:9209"):
        vn2000_tm3_crs(107.75)
    # 105°30' puts Hai Phong ~26 km further east of its meridian
    e_45, _ = wgs84_to_vn2000(106.7, 20.65)
    e_30, _ = wgs84_to_vn2000(106.7, 20.65, meridian=105.5)
    assert float(e_30) - float(e_45) == pytest.approx(26_060, abs=50)


def test_require_crs_and_is_vn2000():
    gdf = gpd.GeoDataFrame(geometry=[Point(0, 0)])
    with pytest.raises(CRSError, match=r"Layer the layer has no CRS.*set_crs\(9210\)"):
        require_crs(gdf)
    with pytest.raises(CRSError, match=r"Layer zone\.geojson has no CRS"):
        require_crs(gdf, "zone.geojson")
    assert require_crs(gdf.set_crs(4326)).to_epsg() == 4326
    assert is_vn2000(9210)
    assert is_vn2000(3405)
    assert is_vn2000(4756)
    assert not is_vn2000(4326)
    assert not is_vn2000(32648)


def test_to_vn2000_and_back_for_layers():
    gdf = gpd.GeoDataFrame(geometry=[box(106.6, 20.6, 106.7, 20.7)], crs=4326)
    grid = to_vn2000(gdf)[0]
    corners = np.array(gdf.geometry[0].exterior.coords)
    e, n = wgs84_to_vn2000(corners[:, 0], corners[:, 1])
    assert np.allclose(np.array(grid.exterior.coords), np.column_stack([e, n]), atol=1e-6)
    back = to_wgs84(gpd.GeoDataFrame(geometry=[grid], crs=9210))[0]
    assert np.allclose(
        np.array(back.exterior.coords), np.array(gdf.geometry[0].exterior.coords), atol=1e-9
    )


def test_point_scale_matches_proj_factors():
    proj = pyproj.Proj(9210)
    for lon, lat in zip(LON, LAT, strict=True):
        k_proj = proj.get_factors(lon, lat).meridional_scale
        assert tm3_point_scale(lon, lat) == pytest.approx(k_proj, abs=1e-9)


def test_ellipsoid_separation_independently_from_geocentric_coordinates():
    # Put a WGS 84 point at height 0 into geocentric XYZ, apply the inverse Helmert by hand
    # (small-angle coordinate-frame matrix) and read its height on the same ellipsoid.
    lon, lat = 106.7, 20.65
    to_xyz = pyproj.Transformer.from_crs(4979, 4978, always_xy=True)
    x, y, z = to_xyz.transform(lon, lat, 0.0)
    p = HELMERT_05_2007
    sec = math.pi / 180 / 3600
    rx, ry, rz = p["rx"] * sec, p["ry"] * sec, p["rz"] * sec
    s = 1 + p["s"] * 1e-6
    # coordinate frame: X_wgs = T + s * R X_vn, R = [[1, rz, -ry], [-rz, 1, rx], [ry, -rx, 1]]
    rot = np.array([[1, rz, -ry], [-rz, 1, rx], [ry, -rx, 1]])
    xyz_vn = np.linalg.solve(s * rot, np.array([x, y, z]) - [p["x"], p["y"], p["z"]])
    _, _, h = to_xyz.transform(*xyz_vn, direction="INVERSE")
    assert ellipsoid_separation_m(lon, lat) == pytest.approx(h, abs=0.01)
    assert 20 < h < 26
    assert datum_area_factor(lon, lat) == pytest.approx(1 - 2 * h / 6_370_000, abs=2e-8)


def test_area_scale_bounds_contain_proj_areal_scale_over_the_zone():
    bounds = (106.5356, 20.5972, 106.8208, 20.7597)
    low, high = tm3_area_scale_bounds(bounds)
    proj = pyproj.Proj(9210)
    lon, lat = np.meshgrid(
        np.linspace(bounds[0], bounds[2], 9), np.linspace(bounds[1], bounds[3], 5)
    )
    for x, y in zip(lon.ravel(), lat.ravel(), strict=True):
        # PROJ's areal scale at the point's VN-2000 position, times the datum factor
        ratio = proj.get_factors(*wgs84_to_vn2000_geographic(x, y)).areal_scale
        ratio *= datum_area_factor(x, y)
        assert low <= ratio <= high
    # the bound is tight: k0² (1 + ...) across 0.8–1.1° from the meridian, minus ~7 ppm datum
    assert high - low < 1.5e-4
    low_30, high_30 = tm3_area_scale_bounds(bounds, meridian=105.5)
    assert low_30 > low
    assert high_30 > high
