"""Known-answer tests of zoneplan.areas."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import LineString, MultiPolygon, Point, Polygon, box

from zoneplan.areas import grid_polygon_areas_m2, measure_features, measure_for_map
from zoneplan.crs import expected_area_ratio, tm3_point_scale, to_wgs84, wgs84_to_vn2000
from zoneplan.errors import CRSError
from zoneplan.geodesic import geodesic_area_m2

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
    """A lon/lat cell with densified parallel edges, so geodesic chords follow the parallels."""
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
    assert all(dtype == np.float64 for dtype in m.dtypes)
    assert m.loc["a", "area_ha_ellipsoidal"] > 0
    assert np.isnan(m.loc[["b", "c", "d"], "area_ha_vn2000"]).all()
    assert np.isnan(m.loc[["a", "c", "d"], "length_km_geodesic"]).all()
    assert m.loc["b", "length_km_geodesic"] > 0


def test_line_lengths_against_independent_geodesic_and_grid():
    line = LineString([(106.60, 20.62), (106.70, 20.68), (106.78, 20.70)])
    gdf = gpd.GeoDataFrame(geometry=[line], crs=4326)
    m = measure_features(gdf).iloc[0]
    geod = pyproj.Geod(a=A, rf=1 / F)
    expected_km = (
        sum(geod.inv(*line.coords[i], *line.coords[i + 1])[2] for i in range(len(line.coords) - 1))
        / 1000
    )
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
                np.column_stack(wgs84_to_vn2000(*np.array(g.exterior.coords).T, meridian=meridian))
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


# --- feature tables, declared areas and composition on synthetic layers ---------------

from zoneplan.areas import (  # noqa: E402
    FEATURE_COLUMNS,
    area_table,
    declared_vs_measured,
    feature_areas,
)
from zoneplan.composition import functional_overlaps, zone_composition  # noqa: E402
from zoneplan.errors import LayerValidationError  # noqa: E402


def synthetic_layers() -> dict[str, gpd.GeoDataFrame]:
    """Zone 0.1° × 0.1°; an industrial park and an FTZ overlapping; a port half outside."""
    zone = gpd.GeoDataFrame(
        {
            "id": ["sez"],
            "name_vi": ["Khu kinh tế ven biển phía Nam"],
            "name_en": ["Southern Coastal EZ"],
            "category": ["economic_zone"],
            "declared_area_ha": [12_000.0],
        },
        geometry=[dense_cell(106.60, 20.60, 106.70, 20.70, 80)],
        crs=4326,
    )
    functional = gpd.GeoDataFrame(
        {
            "id": ["ip", "ftz", "port"],
            "name_vi": ["Khu công nghiệp", "Khu thương mại tự do", "Cảng Nam Đồ Sơn"],
            "name_en": ["Industrial park", "Free trade zone", "Nam Do Son port"],
            "category": ["industrial_park", "free_trade_zone", "port_logistics"],
            "declared_area_ha": [1100.0, None, 400.0],
        },
        geometry=[
            dense_cell(106.60, 20.60, 106.63, 20.63, 40),
            dense_cell(106.62, 20.60, 106.65, 20.63, 40),
            dense_cell(106.68, 20.65, 106.72, 20.67, 40),
        ],
        crs=4326,
    )
    zone.attrs["layer_id"] = "zone"
    functional.attrs["layer_id"] = "functional_areas"
    return {"zone": zone, "functional_areas": functional}


def ha(lon1, lat1, lon2, lat2):
    return cell_area_m2(lon1, lat1, lon2, lat2) / 1e4


def test_feature_table_columns_and_declared_check():
    t = feature_areas(synthetic_layers(), tolerance_pct=5)
    assert tuple(t.columns) == FEATURE_COLUMNS
    assert list(t["layer"]) == ["zone", "functional_areas", "functional_areas", "functional_areas"]
    ip = t.set_index("id").loc["ip"]
    assert ip["area_ha_ellipsoidal"] == pytest.approx(ha(106.60, 20.60, 106.63, 20.63), rel=1e-6)
    assert ip["diff_ha"] == pytest.approx(ip["area_ha_vn2000"] - ip["area_ha_ellipsoidal"])
    expected_pct = 100 * (ip["area_ha_vn2000"] / ip["area_ha_ellipsoidal"] - 1)
    assert ip["diff_pct"] == pytest.approx(expected_pct)
    assert ip["declared_diff_ha"] == pytest.approx(ip["area_ha_vn2000"] - 1100.0)
    assert ip["declared_diff_pct"] == pytest.approx(100 * (ip["area_ha_vn2000"] - 1100) / 1100)
    # 1100 declared vs ~1040 measured: beyond 5 %, within 10 %
    assert bool(ip["declared_flag"]) is True
    assert (
        not feature_areas(synthetic_layers(), tolerance_pct=10)
        .set_index("id")
        .loc["ip", "declared_flag"]
    )
    ftz = t.set_index("id").loc["ftz"]
    assert np.isnan(ftz["declared_diff_ha"])
    assert not ftz["declared_flag"]


def test_declared_vs_measured_keeps_only_declared_features():
    d = declared_vs_measured(synthetic_layers(), tolerance_pct=5)
    assert list(d["id"]) == ["sez", "ip", "port"]
    sez = d.iloc[0]
    truth = ha(106.60, 20.60, 106.70, 20.70)
    assert sez["area_ha_ellipsoidal"] == pytest.approx(truth, rel=1e-6)
    assert sez["declared_diff_pct"] == pytest.approx(100 * (sez["area_ha_vn2000"] / 12_000 - 1))


def test_layer_and_category_sums():
    layers = synthetic_layers()
    feats = feature_areas(layers)
    by_layer = area_table(layers, by="layer").set_index("layer")
    assert by_layer.loc["functional_areas", "n_features"] == 3
    assert by_layer.loc["functional_areas", "area_ha_vn2000"] == pytest.approx(
        feats.loc[feats["layer"] == "functional_areas", "area_ha_vn2000"].sum()
    )
    assert by_layer.loc["functional_areas", "declared_ha"] == pytest.approx(1500.0)
    by_cat = area_table(layers, by="category").set_index("category")
    assert by_cat.loc["free_trade_zone", "category_vi"] == "Khu thương mại tự do"
    assert np.isnan(by_cat.loc["free_trade_zone", "declared_ha"])
    with pytest.raises(ValueError, match="cannot tabulate areas by 'commune'"):
        area_table(layers, by="commune")


def test_zone_composition_known_answers():
    layers = synthetic_layers()
    c = zone_composition(layers["zone"], layers["functional_areas"]).set_index("part")
    zone = ha(106.60, 20.60, 106.70, 20.70)
    ip = ha(106.60, 20.60, 106.63, 20.63)
    ftz = ha(106.62, 20.60, 106.65, 20.63)
    overlap = ha(106.62, 20.60, 106.63, 20.63)
    port_in = ha(106.68, 20.65, 106.70, 20.67)
    port_out = ha(106.70, 20.65, 106.72, 20.67)
    union = ip + ftz - overlap + port_in
    expected = {  # categories in schema.FUNCTIONAL_CATEGORIES order, then totals
        "port_logistics": port_in,
        "free_trade_zone": ftz,
        "industrial_park": ip,
        "functional_union": union,
        "double_counted": overlap,
        "unassigned": zone - union,
        "outside_zone": port_out,
        "zone": zone,
    }
    assert list(c.index) == list(expected)
    for part, value in expected.items():
        assert c.loc[part, "area_ha_ellipsoidal"] == pytest.approx(value, rel=1e-5, abs=1e-3), part
        ratio = expected_area_ratio(106.65, 20.65)
        assert c.loc[part, "area_ha_vn2000"] == pytest.approx(value * ratio, rel=3e-5), part
    assert c.loc["zone", "share_pct"] == pytest.approx(100.0, abs=1e-12)
    assert c.loc["unassigned", "share_pct"] + c.loc["functional_union", "share_pct"] == (
        pytest.approx(100.0)
    )
    assert c.loc["industrial_park", "category_en"] == "Industrial park"
    assert c.loc["unassigned", "category_vi"] == "Chưa có chức năng"


def test_functional_overlaps_pairs():
    layers = synthetic_layers()
    o = functional_overlaps(layers["functional_areas"])
    assert len(o) == 1
    row = o.iloc[0]
    assert {row["id_a"], row["id_b"]} == {"ip", "ftz"}
    assert row["area_ha_ellipsoidal"] == pytest.approx(ha(106.62, 20.60, 106.63, 20.63), rel=1e-5)
    assert o.crs.to_epsg() == 4326
    assert o.geometry.iloc[0].bounds[0] == pytest.approx(106.62, abs=1e-7)


def test_zone_without_polygon_is_refused():
    layers = synthetic_layers()
    empty = layers["zone"].iloc[:0]
    empty.attrs["layer_id"] = "zone"
    with pytest.raises(
        LayerValidationError, match="Layer zone has no polygon of the economic zone"
    ):
        zone_composition(empty, layers["functional_areas"])


def test_invalid_polygon_is_measured_after_make_valid_with_a_warning():
    from zoneplan.errors import ZoneplanWarning

    # a bow-tie: two triangles touching at (106.705, 20.605)
    bowtie = Polygon([(106.70, 20.60), (106.71, 20.61), (106.71, 20.60), (106.70, 20.61)])
    gdf = gpd.GeoDataFrame({"id": ["bad"]}, geometry=[bowtie], crs=4326)
    gdf.attrs["layer_id"] = "functional_areas"
    with pytest.warns(ZoneplanWarning, match=r"functional_areas: 1 invalid polygon\(s\) \['bad'\]"):
        m = measure_features(gdf)
    # the two triangles are half of the 0.01° cell
    half = cell_area_m2(106.70, 20.60, 106.71, 20.61) / 2 / 1e4
    assert m["area_ha_ellipsoidal"].iloc[0] == pytest.approx(half, rel=1e-4)
    assert m["area_ha_vn2000"].iloc[0] == pytest.approx(half, rel=2e-4)


def _bits(values) -> np.ndarray:
    return np.asarray(values, dtype=float).view(np.int64)


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(3, 40), min_size=1, max_size=12),
    seed=st.integers(0, 2**32 - 1),
)
def test_grid_areas_of_plain_polygons_are_geos_areas_bit_for_bit(sizes, seed):
    # star-shaped rings of 3-40 corners (longer than numpy's pairwise blocks), any orientation
    rng = np.random.default_rng(seed)
    polys = []
    for n in sizes:
        angles = np.sort(rng.uniform(0, 2 * np.pi, n))
        radius = rng.uniform(1e-4, 2e-2, n)
        lon = 106.6 + rng.uniform(0, 0.2) + radius * np.cos(angles)
        lat = 20.6 + rng.uniform(0, 0.1) + radius * np.sin(angles)
        ring = np.column_stack([lon, lat])
        polys.append(Polygon(ring if rng.random() < 0.5 else ring[::-1]))
    geoms = np.array(polys, dtype=object)
    grid = shapely.transform(geoms, lambda xy: np.column_stack(wgs84_to_vn2000(xy[:, 0], xy[:, 1])))
    assert np.array_equal(_bits(grid_polygon_areas_m2(geoms)), _bits(shapely.area(grid)))


def test_grid_areas_leave_other_shapes_to_shapely():
    cell = box(106.70, 20.60, 106.71, 20.61)
    holed = Polygon(cell.exterior, [box(106.702, 20.602, 106.703, 20.603).exterior])
    for other in (
        holed,
        MultiPolygon([cell]),
        Polygon(),
        LineString([(106.7, 20.6), (106.8, 20.7)]),
    ):
        assert grid_polygon_areas_m2(np.array([cell, other], dtype=object)) is None


def test_map_measures_are_the_feature_table_measures_bit_for_bit():
    from zoneplan.synthetic import synthetic_parcels

    parcels = synthetic_parcels(2_000, seed=7)
    holed = Polygon(
        box(106.70, 20.60, 106.71, 20.61).exterior, [box(106.702, 20.602, 106.703, 20.603).exterior]
    )
    mixed = gpd.GeoDataFrame(
        geometry=[
            holed,
            MultiPolygon([box(106.6, 20.7, 106.61, 20.71)]),
            LineString([(106.7, 20.6), (106.8, 20.7)]),
        ],
        crs=4326,
    )
    for gdf in (parcels, mixed, parcels.to_crs(32648)):
        lonlat, measured = measure_for_map(gdf, workers=2)
        full = measure_features(gdf)
        for column in ("area_ha_vn2000", "length_km_vn2000"):
            assert np.array_equal(_bits(measured[column]), _bits(full[column]))
        assert measured.index.equals(gdf.index)
        given = to_wgs84(gdf)  # made once by the caller: used as it is, not again
        again, remeasured = measure_for_map(gdf, workers=2, lonlat=given)
        assert remeasured.equals(measured)
        assert all(a is b for a, b in zip(again, given, strict=True))
        assert shapely.equals_exact(
            lonlat, np.asarray(gdf.to_crs(4326).geometry), tolerance=1e-9
        ).all()


def test_shared_corners_are_transformed_once_with_the_same_bits():
    from zoneplan.areas import _transform_shared_once
    from zoneplan.crs import wgs84_to_vn2000_transformer
    from zoneplan.synthetic import synthetic_parcels

    transformer = wgs84_to_vn2000_transformer()
    corners = shapely.get_coordinates(np.asarray(synthetic_parcels(3_000, seed=3).geometry))
    scattered = np.random.default_rng(3).uniform((106.5, 20.5), (106.9, 20.9), (20_000, 2))
    on_zero = corners.copy()
    on_zero[:4, 1] = [0.0, -0.0, 0.0, -0.0]  # where 0.0 and -0.0 would be taken for one point
    for xy in (corners, scattered, on_zero):
        x, y = _transform_shared_once(transformer, xy[:, 0], xy[:, 1])
        ex, ey = transformer.transform(xy[:, 0], xy[:, 1])
        assert np.array_equal(_bits(x), _bits(ex))
        assert np.array_equal(_bits(y), _bits(ey))
    # the mesh's corners repeat: they go through PROJ once each
    calls = []

    class Counting:
        def transform(self, x, y):
            calls.append(len(x))
            return transformer.transform(x, y)

    _transform_shared_once(Counting(), corners[:, 0], corners[:, 1])
    assert calls == [len(np.unique(corners, axis=0))]


def test_no_grid_area_where_proj_gives_none_and_no_numpy_warning():
    """
    About 90° from the grid's meridian the transverse Mercator has no finite
    coordinates: PROJ gives inf, the VN-2000 area and length are NaN on both paths
    (shapely's and the map's own shoelace), with no RuntimeWarning; the ellipsoidal
    measures are still there.
    """
    import warnings

    near = shapely.box(106.70, 20.60, 106.71, 20.61)
    far = shapely.box(14.84, -2.33, 14.85, -2.32)  # about 91° west of 105°45', near the equator
    line = shapely.LineString([(14.84, -2.33), (14.85, -2.32)])
    gdf = gpd.GeoDataFrame({"id": ["near", "far", "line"]}, geometry=[near, far, line], crs=4326)
    x, _ = pyproj.Transformer.from_crs(4326, 9210, always_xy=True).transform(14.84, -2.33)
    assert not math.isfinite(x)  # PROJ's own answer: no grid coordinates there
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        measured = measure_features(gdf)
        _, for_map = measure_for_map(gdf.iloc[:2])
        shoelace = grid_polygon_areas_m2(gdf.geometry.to_numpy()[:2])
    assert measured["area_ha_vn2000"].notna().tolist() == [True, False, False]
    assert math.isnan(measured["length_km_vn2000"].iloc[2])
    assert measured["area_ha_ellipsoidal"].iloc[1] == pytest.approx(123.0, rel=0.01)
    assert measured["length_km_geodesic"].iloc[2] == pytest.approx(1.57, rel=0.01)
    assert for_map["area_ha_vn2000"].notna().tolist() == [True, False]
    assert for_map["area_ha_vn2000"].iloc[0] == measured["area_ha_vn2000"].iloc[0]
    assert shoelace[0] / 1e4 == measured["area_ha_vn2000"].iloc[0]
    assert math.isnan(shoelace[1])
