"""Known-answer tests of zoneplan.areas."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import LineString, MultiPolygon, Point, Polygon, box

import pyproj

from zoneplan.areas import geodesic_area_m2, measure_features
from zoneplan.crs import expected_area_ratio, tm3_point_scale, wgs84_to_vn2000
from zoneplan.errors import CRSError

A = 6378137.0
F = 1 / 298.257223563
E2 = F * (2 - F)
E = math.sqrt(E2)
B = A * (1 - F)


def cell_area_m2(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Closed-form ellipsoidal area of a cell bounded by two meridians and two parallels."""

    def q(lat_deg: float) -> float:
        s = math.sin(math.radians(lat_deg))
        return s / (1 - E2 * s * s) + math.log((1 + E * s) / (1 - E * s)) / (2 * E)

    return B * B * math.radians(lon2 - lon1) / 2 * (q(lat2) - q(lat1))


def dense_cell(lon1: float, lat1: float, lon2: float, lat2: float, n: int = 200) -> Polygon:
    """A lon/lat cell whose parallel edges are densified, so geodesic chords follow the parallels."""
    lons = np.linspace(lon1, lon2, n)
    lats = np.linspace(lat1, lat2, n)
    ring = (
        [(x, lat1) for x in lons]
        + [(lon2, y) for y in lats[1:]]
        + [(x, lat2) for x in lons[::-1][1:]]
        + [(lon1, y) for y in lats[::-1][1:]]
    )
    return Polygon(ring)


def test_closed_form_formula_on_the_whole_ellipsoid():
    # the closed form itself against a published constant: the WGS 84 authalic
    # radius R_q = 6,371,007.1809 m, whose sphere has the ellipsoid's surface
    whole = cell_area_m2(-180, -90, 180, 90)
    assert whole == pytest.approx(4 * math.pi * 6_371_007.1809**2, rel=1e-10)


@pytest.mark.parametrize(
    ("lon1", "lat1", "lon2", "lat2"),
    [(106.70, 20.60, 106.71, 20.61), (106.5, 20.5, 106.9, 20.8), (105.0, 0.0, 106.0, 1.0)],
)
def test_ellipsoidal_area_of_cells_matches_closed_form(lon1, lat1, lon2, lat2):
    gdf = gpd.GeoDataFrame(geometry=[dense_cell(lon1, lat1, lon2, lat2)], crs=4326)
    measured = measure_features(gdf)["area_ha_ellipsoidal"].iloc[0]
    assert measured == pytest.approx(cell_area_m2(lon1, lat1, lon2, lat2) / 1e4, rel=1e-6)


def test_gdf_without_crs_is_refused():
    gdf = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)])
    gdf.attrs["layer_id"] = "functional_areas"
    with pytest.raises(CRSError, match=r"functional_areas has no CRS.*set_crs\(4326\)"):
        measure_features(gdf)


def test_unsupported_meridian_is_refused():
    gdf = gpd.GeoDataFrame(geometry=[box(106.7, 20.6, 106.71, 20.61)], crs=4326)
    with pytest.raises(CRSError, match=r"meridian 106.0 is not supported.*105.75"):
        measure_features(gdf, meridian=106.0)


def test_columns_index_and_nan_for_other_kinds():
    gdf = gpd.GeoDataFrame(
        geometry=[
            box(106.70, 20.60, 106.71, 20.61),
            LineString([(106.70, 20.60), (106.71, 20.61)]),
            Point(106.7, 20.6),
            None,
        ],
        index=["a", "b", "c", "d"],
        crs=4326,
    )
    m = measure_features(gdf)
    assert list(m.columns) == [
        "area_ha_vn2000",
        "area_ha_ellipsoidal",
        "length_km_vn2000",
        "length_km_geodesic",
    ]
    assert list(m.index) == ["a", "b", "c", "d"]
    assert all(m.dtypes == float)
    assert m.loc["a", "area_ha_ellipsoidal"] > 0
    assert np.isnan(m.loc[["b", "c", "d"], "area_ha_vn2000"]).all()
    assert np.isnan(m.loc[["a", "c", "d"], "length_km_geodesic"]).all()
    assert m.loc["b", "length_km_geodesic"] > 0


def test_line_lengths_against_independent_geodesic_and_grid():
    line = LineString([(106.60, 20.62), (106.70, 20.68), (106.78, 20.70)])
    gdf = gpd.GeoDataFrame(geometry=[line], crs=4326)
    m = measure_features(gdf).iloc[0]
    geod = pyproj.Geod(a=A, rf=1 / F)
    expected_km = sum(
        geod.inv(*line.coords[i], *line.coords[i + 1])[2] for i in range(len(line.coords) - 1)
    ) / 1000
    assert m["length_km_geodesic"] == pytest.approx(expected_km, rel=1e-12)
    e, n = wgs84_to_vn2000(*np.array(line.coords).T)
    grid_km = np.hypot(np.diff(e), np.diff(n)).sum() / 1000
    assert m["length_km_vn2000"] == pytest.approx(grid_km, rel=1e-12)
    # grid length = geodesic length × k × (1 - h/R): TM-3 scale and datum separation
    k = tm3_point_scale(106.69, 20.66) * (1 - 22 / 6_375_000)
    assert m["length_km_vn2000"] / m["length_km_geodesic"] == pytest.approx(k, abs=2e-5)


def test_polygon_crossing_the_central_meridian():
    # a cell straddling 105°45': the areal scale there is k0² = 0.99980001
    lon1, lat1, lon2, lat2 = 105.70, 20.60, 105.80, 20.70
    gdf = gpd.GeoDataFrame(geometry=[dense_cell(lon1, lat1, lon2, lat2)], crs=4326)
    m = measure_features(gdf).iloc[0]
    truth_ha = cell_area_m2(lon1, lat1, lon2, lat2) / 1e4
    assert m["area_ha_ellipsoidal"] == pytest.approx(truth_ha, rel=1e-6)
    # PROJ's own choice for EPSG:4326 → 9210 (EPSG:6960) gives the same planar area
    proj_default = gpd.GeoDataFrame(geometry=gdf.geometry.to_crs(9210)).area.iloc[0] / 1e4
    assert m["area_ha_vn2000"] == pytest.approx(proj_default, rel=1e-9)
    # the ratio is k0² (1 + a few 1e-7 over ±0.05° of the meridian) times the datum
    # factor 1 - 2h/R: VN-2000's ellipsoid lies h ≈ 24 m below WGS 84's here
    ratio = m["area_ha_vn2000"] / truth_ha
    assert ratio == pytest.approx(0.9999**2 * (1 - 2 * 24.35 / 6_375_000), abs=3e-7)
    assert ratio == pytest.approx(expected_area_ratio(105.75, 20.65), abs=3e-7)


def test_holes_are_subtracted_in_any_orientation():
    outer = dense_cell(106.60, 20.60, 106.70, 20.70)
    hole = dense_cell(106.62, 20.62, 106.64, 20.64)
    truth = cell_area_m2(106.60, 20.60, 106.70, 20.70) - cell_area_m2(106.62, 20.62, 106.64, 20.64)
    cw_hole = Polygon(outer.exterior.coords, [hole.exterior.coords])
    ccw_hole = Polygon(outer.exterior.coords, [hole.exterior.coords[::-1]])
    for poly in (cw_hole, ccw_hole):
        assert geodesic_area_m2(poly) == pytest.approx(truth, rel=1e-6)
    gdf = gpd.GeoDataFrame(geometry=[cw_hole], crs=4326)
    vn = measure_features(gdf)["area_ha_vn2000"].iloc[0] * 1e4
    assert vn == pytest.approx(truth * expected_area_ratio(106.65, 20.65), rel=3e-7)


def test_multipolygon_is_the_sum_of_its_parts():
    a = dense_cell(106.60, 20.60, 106.62, 20.62)
    b = dense_cell(106.70, 20.65, 106.73, 20.66)
    gdf = gpd.GeoDataFrame(geometry=[MultiPolygon([a, b]), a, b], crs=4326)
    m = measure_features(gdf)
    for col in ("area_ha_vn2000", "area_ha_ellipsoidal"):
        assert m[col].iloc[0] == pytest.approx(m[col].iloc[1] + m[col].iloc[2], rel=1e-12)
    truth = cell_area_m2(106.60, 20.60, 106.62, 20.62) + cell_area_m2(106.70, 20.65, 106.73, 20.66)
    assert m["area_ha_ellipsoidal"].iloc[0] * 1e4 == pytest.approx(truth, rel=1e-6)


@pytest.mark.parametrize("epsg", [9210, 9209, 3405, 32648, 4756])
def test_same_answers_whatever_crs_the_layer_is_delivered_in(epsg):
    poly = Polygon(
        [(106.55, 20.60), (106.80, 20.62), (106.78, 20.75), (106.62, 20.72), (106.55, 20.60)]
    ).segmentize(0.005)
    line = LineString([(106.60, 20.62), (106.70, 20.68), (106.78, 20.70)])
    wgs = gpd.GeoDataFrame(geometry=[poly, line], crs=4326)
    ref = measure_features(wgs)
    # deliver the layer in another CRS through the pinned transformation (VN-2000)
    # or plain projection (UTM 48N on WGS 84)
    if epsg in (9210, 9209):
        meridian = 105.75 if epsg == 9210 else 105.5
        e_n = [
            g.__class__(np.column_stack(wgs84_to_vn2000(*np.array(g.coords).T, meridian=meridian)))
            if g.geom_type == "LineString"
            else Polygon(
                np.column_stack(
                    wgs84_to_vn2000(*np.array(g.exterior.coords).T, meridian=meridian)
                )
            )
            for g in wgs.geometry
        ]
        other = gpd.GeoDataFrame(geometry=e_n, crs=epsg)
    elif epsg in (3405, 4756):
        # VN-2000 UTM 48N / geographic: VN-2000 grid 105-45 → VN-2000 lon/lat → target
        e_n = gpd.GeoSeries(
            [
                Polygon(np.column_stack(wgs84_to_vn2000(*np.array(poly.exterior.coords).T))),
                LineString(np.column_stack(wgs84_to_vn2000(*np.array(line.coords).T))),
            ],
            crs=9210,
        )
        other = gpd.GeoDataFrame(geometry=e_n.to_crs(epsg))
    else:
        other = wgs.to_crs(epsg)
    got = measure_features(other)
    pd.testing.assert_frame_equal(got, ref, rtol=1e-7)
