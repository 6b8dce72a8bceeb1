"""Known-answer tests of zoneplan.analysis: corridor, bands, distances, airport surfaces."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pyproj
import pytest
from shapely import LineString, Point, Polygon

from zoneplan.analysis import (
    ANNEX14_CODE4_PRECISION,
    QUAD_SEGS,
    area_under_height_limits,
    corridor_analysis,
    distance_bands,
    distance_table,
    height_limit_at,
    height_limit_zones,
    key_locations,
    obstacle_limitation_surfaces,
    road_corridor,
)
from zoneplan.errors import CRSError, LayerValidationError

GEOD = pyproj.Geod(ellps="WGS84")
A = 6378137.0
F = 1 / 298.257223563
E2 = F * (2 - F)


def meridian_arc_m(lat1: float, lat2: float, n: int = 2001) -> float:
    """Length of the meridian between two latitudes: ∫ M(φ) dφ by Simpson's rule."""
    phi = np.linspace(math.radians(lat1), math.radians(lat2), n)
    m = A * (1 - E2) / (1 - E2 * np.sin(phi) ** 2) ** 1.5
    h = phi[1] - phi[0]
    return float(h / 3 * (m[0] + m[-1] + 4 * m[1:-1:2].sum() + 2 * m[2:-1:2].sum()))


def offset(lon: float, lat: float, azimuth: float, dist_m: float) -> tuple[float, float]:
    lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth, dist_m)
    return lon2, lat2


def polygon_circle_m2(r: float) -> float:
    """Area of shapely's buffer circle: a regular polygon of 4·QUAD_SEGS sides."""
    n = 4 * QUAD_SEGS
    return n / 2 * r * r * math.sin(2 * math.pi / n)


ROAD = LineString([(106.70, 20.60), (106.70, 20.70)])  # along a meridian, ~11.07 km


def road_layer(**props) -> gpd.GeoDataFrame:
    data = {"id": ["ct08"], "name_vi": ["Cao tốc"], "name_en": ["Expressway"], "category": ["road"]}
    data.update({k: [v] for k, v in props.items()})
    gdf = gpd.GeoDataFrame(data, geometry=[ROAD], crs=4326)
    gdf.attrs["layer_id"] = "transport"
    return gdf


def test_meridian_arc_helper_against_pyproj():
    assert meridian_arc_m(20.60, 20.70) == pytest.approx(
        GEOD.inv(106.7, 20.6, 106.7, 20.7)[2], abs=1e-3
    )


def test_corridor_is_length_times_width():
    c = road_corridor(road_layer(right_of_way_m=68.0, width_m=24.7))
    row = c.iloc[0]
    length_m = meridian_arc_m(20.60, 20.70)
    assert row["length_km_geodesic"] * 1000 == pytest.approx(length_m, rel=1e-9)
    assert row["right_of_way_m"] == 68.0
    assert row["area_ha_ellipsoidal"] * 1e4 == pytest.approx(length_m * 68.0, rel=2e-5)
    assert c.crs.to_epsg() == 4326
    # the polygon is 68 m wide on the ground at mid-length
    cut = c.geometry.iloc[0].intersection(LineString([(106.6, 20.65), (106.8, 20.65)]))
    (x0, y0), (x1, y1) = cut.coords
    assert GEOD.inv(x0, y0, x1, y1)[2] == pytest.approx(68.0, abs=0.01)
    # explicit width wins; width_m is the fallback
    assert road_corridor(road_layer(right_of_way_m=68.0), width_m=100).iloc[0][
        "area_ha_ellipsoidal"
    ] * 1e4 == pytest.approx(length_m * 100, rel=2e-5)
    assert road_corridor(road_layer(width_m=24.7)).iloc[0]["right_of_way_m"] == 24.7


def test_corridor_without_width_or_road_is_refused():
    with pytest.raises(
        LayerValidationError, match=r"Road ct08 of layer transport has no right_of_way_m.*--width-m"
    ):
        road_corridor(road_layer())
    bridges = road_layer(right_of_way_m=68.0).assign(category="bridge")
    with pytest.raises(
        LayerValidationError,
        match="Layer transport has no LineString or MultiLineString of category 'road'",
    ):
        road_corridor(bridges)
    with pytest.raises(CRSError, match="has no CRS"):
        road_corridor(gpd.GeoDataFrame({"category": ["road"]}, geometry=[ROAD]))


def test_distance_band_areas_are_stadium_rings():
    bands = distance_bands(road_layer(), bands_m=(1000, 500, 2000))
    assert list(bands["band_to_m"]) == [500, 1000, 2000]
    assert list(bands["band"]) == ["0–500 m", "500–1,000 m", "1,000–2,000 m"]
    length_m = meridian_arc_m(20.60, 20.70)

    def stadium(r):
        return 2 * r * length_m + polygon_circle_m2(r)

    expected = [stadium(500), stadium(1000) - stadium(500), stadium(2000) - stadium(1000)]
    got = bands["area_ha_ellipsoidal"].to_numpy() * 1e4
    assert got == pytest.approx(expected, rel=1e-4)
    with pytest.raises(ValueError, match="must be distinct positive metres"):
        distance_bands(road_layer(), bands_m=(0, 500))


def test_functional_areas_per_band():
    # a block 250–750 m east of the road: half in 0–500 m, half in 500–1,000 m
    lat1, lat2 = 20.64, 20.66
    corners = [
        offset(106.70, lat1, 90, 250),
        offset(106.70, lat1, 90, 750),
        offset(106.70, lat2, 90, 750),
        offset(106.70, lat2, 90, 250),
    ]
    block = Polygon(corners).segmentize(0.001)
    near = Polygon(
        [
            offset(106.70, 20.61, 90, 50),
            offset(106.70, 20.61, 90, 150),
            offset(106.70, 20.62, 90, 150),
            offset(106.70, 20.62, 90, 50),
        ]
    )
    func = gpd.GeoDataFrame(
        {
            "id": ["ip", "ftz"],
            "name_vi": ["KCN", "KTM"],
            "name_en": ["IP", "FTZ"],
            "category": ["industrial_park", "free_trade_zone"],
        },
        geometry=[block, near],
        crs=4326,
    )
    t = corridor_analysis(road_layer(), func, bands_m=(500, 1000, 2000))
    assert len(t) == 6
    ip = t[t["id"] == "ip"].set_index("band_to_m")
    assert ip.loc[500, "share_pct"] == pytest.approx(50, abs=0.05)
    assert ip.loc[1000, "share_pct"] == pytest.approx(50, abs=0.05)
    assert ip.loc[2000, "share_pct"] == 0
    assert ip["area_ha_ellipsoidal"].sum() == pytest.approx(
        abs(GEOD.geometry_area_perimeter(block)[0]) / 1e4, rel=1e-6
    )
    ftz = t[t["id"] == "ftz"].set_index("band_to_m")
    assert ftz.loc[500, "share_pct"] == pytest.approx(100)


def test_distances_point_to_point_and_to_a_line():
    cat_bi = (106.72306, 20.81694)  # AIP ARP
    locs = gpd.GeoDataFrame(
        {
            "key": ["cat_bi", "south", "expressway"],
            "name_vi": ["", "", ""],
            "name_en": ["Cat Bi", "South", "Road"],
        },
        geometry=[
            Point(cat_bi),
            Point(106.72306, 20.63),
            LineString([offset(*cat_bi, 90, 3000), (*offset(*cat_bi, 90, 3000)[:1], 20.95)]),
        ],
        crs=4326,
    )
    t = distance_table(locs).set_index(["from_key", "to_key"])
    # due south along the meridian: the meridian arc
    assert t.loc[("cat_bi", "south"), "distance_km_geodesic"] * 1000 == pytest.approx(
        meridian_arc_m(20.63, 20.81694), abs=0.01
    )
    assert t.loc[("cat_bi", "south"), "method"] == "point to point"
    # to a north-south line 3 km east of Cát Bi
    assert t.loc[("cat_bi", "expressway"), "distance_km_geodesic"] == pytest.approx(3.0, abs=0.002)
    assert t.loc[("cat_bi", "expressway"), "method"] == "nearest points"
    # grid distance = geodesic × local scale (k ~ 1.00006 at 1° from the meridian, − 3.5 ppm datum)
    ratio = t["distance_km_vn2000"] / t["distance_km_geodesic"]
    assert ratio.between(1.00002, 1.00008).all()


def catalog_like_layers() -> dict[str, gpd.GeoDataFrame]:
    port = gpd.GeoDataFrame(
        {"id": ["b1", "ch"], "category": ["berth", "channel"]},
        geometry=[
            Polygon([(106.76, 20.62), (106.78, 20.62), (106.78, 20.64), (106.76, 20.64)]),
            Polygon([(106.80, 20.55), (106.85, 20.55), (106.85, 20.60), (106.80, 20.60)]),
        ],
        crs=4326,
    )
    airport = gpd.GeoDataFrame(
        {"id": ["rwy"], "category": ["runway"]},
        geometry=[LineString([(106.62, 20.62), (106.62, 20.65)])],
        crs=4326,
    )
    context = gpd.GeoDataFrame(
        {"id": ["vvci", "hp"], "category": ["existing_airport", "place"]},
        geometry=[Point(106.72306, 20.81694), Point(106.68, 20.86)],
        crs=4326,
    )
    return {"port": port, "airport": airport, "transport": road_layer(), "context": context}


def test_key_locations_from_catalog_layers():
    locs = key_locations(catalog_like_layers())
    assert list(locs["key"]) == ["port", "airport", "expressway", "cat_bi"]
    port = locs.geometry.iloc[0]
    assert port.x == pytest.approx(106.77, abs=1e-4)
    assert port.y == pytest.approx(20.63, abs=1e-4)
    airport = locs.geometry.iloc[1]
    assert airport.y == pytest.approx(20.635, abs=1e-4)
    assert locs.geometry.iloc[2].geom_type == "LineString"
    t = distance_table(locs).set_index(["from_key", "to_key"])
    assert len(t) == 6
    expected = GEOD.inv(port.x, port.y, 106.72306, 20.81694)[2] / 1000
    assert t.loc[("port", "cat_bi"), "distance_km_geodesic"] == pytest.approx(expected, abs=1e-6)


# --- airport surfaces ---------------------------------------------------------------------

RWY_A, RWY_B = (106.62, 20.62), (106.62, 20.65)  # north-south runway, end A south


@pytest.fixture(scope="module")
def runway():
    return gpd.GeoDataFrame(
        {"id": ["rwy"], "category": ["runway"]}, geometry=[LineString([RWY_A, RWY_B])], crs=4326
    )


@pytest.fixture(scope="module")
def surfaces(runway):
    return obstacle_limitation_surfaces(runway, step_m=5)


@pytest.fixture(scope="module")
def zones(surfaces):
    return height_limit_zones(surfaces)


def sums(surfaces, surface, end=""):
    sel = surfaces[(surfaces["surface"] == surface) & (surfaces["end"] == end)]
    return sel["area_ha_ellipsoidal"].sum() * 1e4


def test_surface_areas_match_annex_14_geometry(surfaces):
    p = ANNEX14_CODE4_PRECISION
    length = meridian_arc_m(RWY_A[1], RWY_B[1]) + 2 * p.strip_end_m

    def stadium(r):
        return 2 * r * length + polygon_circle_m2(r)

    assert sums(surfaces, "strip") == pytest.approx(length * 280, rel=1e-4)
    assert sums(surfaces, "inner_horizontal") == pytest.approx(stadium(4000), rel=1e-4)
    assert sums(surfaces, "conical") == pytest.approx(stadium(6000) - stadium(4000), rel=1e-4)
    # approach: trapezoid 280 m wide at the inner edge, 15 % divergence, 15 km long
    approach = 2 * (140 * 15000 + 0.15 * 15000**2 / 2)
    # take-off: 180 m, 12.5 % divergence up to 1,200 m (at 4,080 m), 15 km long
    takeoff = 2 * (90 * 4080 + 0.125 * 4080**2 / 2) + 1200 * (15000 - 4080)
    for end in ("A", "B"):
        assert sums(surfaces, "approach", end) == pytest.approx(approach, rel=2e-4)
        assert sums(surfaces, "takeoff_climb", end) == pytest.approx(takeoff, rel=2e-4)
    assert sums(surfaces, "transitional") == pytest.approx(2 * length * 45 / 0.143, rel=1e-4)
    # heights: inner horizontal 45, conical 45–145, approach up to 150, take-off up to 300
    by = surfaces.groupby("surface")
    assert by["height_max_m"].max()["conical"] == pytest.approx(145)
    assert by["height_max_m"].max()["approach"] == pytest.approx(150)
    assert by["height_max_m"].max()["takeoff_climb"] == pytest.approx(300)
    assert (surfaces["height_max_m"] - surfaces["height_limit_m"]).max() <= 5 + 1e-9


def test_height_limit_at_points(zones):
    mid = (RWY_A[0], (RWY_A[1] + RWY_B[1]) / 2)
    _, lat_mid, _ = GEOD.fwd(*RWY_A, 0, meridian_arc_m(RWY_A[1], RWY_B[1]) / 2)
    mid = (RWY_A[0], lat_mid)
    assert height_limit_at(zones, *mid) == 0.0  # in the strip
    assert height_limit_at(zones, *offset(*mid, 90, 240)) == pytest.approx(
        10
    )  # transitional 14.3 m
    assert height_limit_at(zones, *offset(*mid, 90, 3000)) == pytest.approx(45)
    assert height_limit_at(zones, *offset(*mid, 270, 5010)) == pytest.approx(95)  # conical 95.5 m
    # on the approach to end A, 1,050 m out from the inner edge: 2 % → 21 m
    assert height_limit_at(zones, *offset(*RWY_A, 180, 60 + 1050)) == pytest.approx(20)
    # far out on the approach's horizontal section (beyond the take-off climb's 150 m mark)
    assert height_limit_at(zones, *offset(*RWY_B, 0, 60 + 14000)) == pytest.approx(150)
    assert math.isnan(height_limit_at(zones, *offset(*mid, 90, 20000)))


def test_zones_partition_the_surfaces(surfaces, zones):
    assert zones["height_limit_m"].is_monotonic_increasing
    union = surfaces.to_crs(9210).union_all().area
    assert zones.to_crs(9210).area.sum() == pytest.approx(union, rel=1e-6)


def test_functional_area_under_height_limits(zones):
    mid_lat = (RWY_A[1] + RWY_B[1]) / 2
    # a block 1–2 km east of the runway middle: entirely under the 45 m inner horizontal
    ring = [
        offset(RWY_A[0], mid_lat - 0.004, 90, 1000),
        offset(RWY_A[0], mid_lat - 0.004, 90, 2000),
        offset(RWY_A[0], mid_lat + 0.004, 90, 2000),
        offset(RWY_A[0], mid_lat + 0.004, 90, 1000),
    ]
    func = gpd.GeoDataFrame(
        {"id": ["ip"], "name_vi": ["KCN"], "name_en": ["IP"], "category": ["industrial_park"]},
        geometry=[Polygon(ring)],
        crs=4326,
    )
    t = area_under_height_limits(zones, func)
    assert list(t["height_limit_m"]) == [45.0]
    assert t["share_pct"].iloc[0] == pytest.approx(100)
    assert t["surfaces"].iloc[0] == "inner_horizontal"


def test_runway_required(runway):
    with pytest.raises(
        LayerValidationError, match="no LineString or MultiLineString of category 'runway'"
    ):
        obstacle_limitation_surfaces(runway.assign(category="road"))
    with pytest.raises(ValueError, match="height step 0 must be a positive"):
        obstacle_limitation_surfaces(runway, step_m=0)


def test_height_limit_zones_are_valid_polygons_in_lonlat(zones):
    """The lon/lat zones can be used directly (overlays, maps) without make_valid."""
    from zoneplan.io import load_catalog_layers

    shipped = height_limit_zones(obstacle_limitation_surfaces(load_catalog_layers()["airport"]))
    for frame in (zones, shipped):
        assert frame.geometry.is_valid.all()
        assert set(frame.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
        assert not frame.geometry.is_empty.any()
