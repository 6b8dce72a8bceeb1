"""The validator on the shipped data (clean) and on small bad fixtures of each kind."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from helpers import collection, feature, square
from zoneplan.errors import LayerValidationError
from zoneplan.schema import REQUIRED_NAMES
from zoneplan.validate import (
    Problem,
    errors_only,
    load_user_layer,
    validate_catalog,
    validate_file,
    validate_layer,
)


def good_props(fid: str = "f1", **over) -> dict:
    """Properties that satisfy the catalog schema."""
    props = {
        "id": fid,
        "name_vi": "Khu công nghiệp Tiên Lãng 1",
        "name_en": "Tien Lang 1 industrial park",
        "category": "industrial_park",
        "status": "planned",
        "phase": "2026-2030",
        "as_of": "2024-12-04",
        "declared_area_ha": None,
        "source": "Decision 1511/QĐ-TTg",
        "source_url": "https://example.org/decision",
        "accuracy_m": 500,
        "method": "digitized by hand",
    }
    props.update(over)
    return props


def messages(problems: list[Problem]) -> str:
    return "\n".join(str(p) for p in problems)


def test_shipped_catalog_is_clean():
    assert validate_catalog() == []


def test_shipped_catalog_is_clean_with_fiona():
    assert validate_catalog(engine="fiona") == []


def test_good_catalog_fixture_is_clean(write_json):
    path = write_json("good.geojson", collection(feature(square(), **good_props())))
    assert validate_file(path, kind="catalog") == []


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"name_en": None}, "property 'name_en' is null; give it text"),
        (
            {"category": "casino"},
            "property 'category' has a value not allowed ('casino'); use one of",
        ),
        ({"status": "done"}, "property 'status' has a value not allowed ('done')"),
        ({"phase": "2031"}, "property 'phase' has a value not allowed ('2031')"),
        (
            {"as_of": "25/10/2025"},
            "property 'as_of' is not an ISO date ('25/10/2025'); make it an ISO date: YYYY-MM-DD",
        ),
        (
            {"declared_area_ha": "120 ha"},
            "property 'declared_area_ha' has the wrong type (str '120 ha'); "
            "make it a number or null",
        ),
        ({"accuracy_m": True}, "property 'accuracy_m' has the wrong type (bool True)"),
        (
            {"source_url": "javascript:alert(1)"},
            "source_url 'javascript:alert(1)' is not an http(s) link",
        ),
        ({"method": "   "}, "property 'method' is empty"),
    ],
)
def test_property_values(write_json, props, expected):
    path = write_json("p.geojson", collection(feature(square(), **good_props(**props))))
    problems = validate_file(path, kind="catalog")
    assert len(problems) == 1, messages(problems)
    assert f"{path}: feature 'f1': {expected}" in str(problems[0])


def test_every_missing_property_is_reported_at_once(write_json):
    path = write_json("m.geojson", collection(feature(square(), id="x")))
    problems = validate_file(path, kind="catalog")
    missing = {p.message.split("'")[1] for p in problems}
    assert missing == set(REQUIRED_NAMES) - {"id"}
    assert all(p.feature == "'x'" for p in problems)
    # the same file is fine as a user layer: user layers need no schema properties
    assert validate_file(path, kind="user") == []


def test_duplicate_ids(write_json):
    path = write_json(
        "d.geojson",
        collection(
            feature(square(), **good_props("same")), feature(square(106.8), **good_props("same"))
        ),
    )
    problems = validate_file(path, kind="catalog")
    assert [p.message for p in problems] == ["id 'same' is used by 2 features"]


def test_ring_orientation_catalog_only(write_json):
    cw = square()
    cw["coordinates"][0].reverse()
    path = write_json("cw.geojson", collection(feature(cw, **good_props())))
    problems = validate_file(path, kind="catalog")
    assert [p.message for p in problems] == [
        "exterior ring is not counter-clockwise (RFC 7946 right-hand rule)"
    ]
    assert "reverse the ring" in problems[0].fix
    assert validate_file(path, kind="user") == []


def test_too_many_decimals_in_catalog(write_json):
    geom = square()
    geom["coordinates"][0][1][0] = 106.710000001
    path = write_json("dec.geojson", collection(feature(geom, **good_props())))
    problems = validate_file(path, kind="catalog")
    assert [p.message for p in problems] == ["coordinates with more than 7 decimals"]


BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[106.6, 20.6], [106.7, 20.7], [106.7, 20.6], [106.6, 20.7], [106.6, 20.6]]],
}
SELF_TOUCH = {
    "type": "Polygon",
    "coordinates": [
        [[106.6, 20.6], [106.8, 20.6], [106.8, 20.8], [106.7, 20.6], [106.6, 20.8], [106.6, 20.6]]
    ],
}
UNCLOSED = {
    "type": "Polygon",
    "coordinates": [[[106.6, 20.6], [106.7, 20.6], [106.7, 20.7], [106.6, 20.7]]],
}
TOO_FEW = {"type": "Polygon", "coordinates": [[[106.6, 20.6], [106.7, 20.6], [106.6, 20.6]]]}
SPIKE = {
    "type": "Polygon",
    "coordinates": [
        [[106.6, 20.6], [106.7, 20.6], [106.8, 20.6], [106.7, 20.6], [106.7, 20.7], [106.6, 20.6]]
    ],
}


@pytest.mark.parametrize(
    ("geometry", "expected"),
    [
        (BOWTIE, "invalid geometry: Self-intersection"),
        (SELF_TOUCH, "invalid geometry: Ring Self-intersection"),
        (SPIKE, "invalid geometry:"),
        (
            UNCLOSED,
            "exterior ring is not closed (first and last positions differ); "
            "repeat the first position",
        ),
        (TOO_FEW, "exterior ring has 3 positions; a ring needs at least 4"),
        (None, "has no geometry (null); draw its geometry or remove the feature"),
        ({"type": "Polygon", "coordinates": []}, "empty Polygon (no coordinates)"),
        ({"type": "Hexagon", "coordinates": []}, "unknown geometry type 'Hexagon'"),
        (
            {"type": "Point", "coordinates": ["106", "20"]},
            "Point coordinates are not nested as GeoJSON requires",
        ),
    ],
)
def test_geometry_problems(write_json, geometry, expected):
    path = write_json("g.geojson", collection(feature(geometry, id="g1")))
    problems = validate_file(path)
    assert problems, "expected a problem"
    assert f"{path}: feature 'g1': {expected}" in messages(problems)
    assert errors_only(problems)


@pytest.mark.parametrize(
    ("coords", "expected"),
    [
        (
            [606105.05, 2282548.31],
            "coordinates look like projected metres (606105, 2282548) in a lon/lat file",
        ),
        ([20.632, 106.770], "longitude and latitude look swapped (first position 20.632, 106.77)"),
        ([106.77, 95.0], "coordinates outside longitude/latitude ranges (106.77, 95)"),
    ],
)
def test_crs_sanity_in_geojson(write_json, coords, expected):
    path = write_json(
        "c.geojson", collection(feature({"type": "Point", "coordinates": coords}, id="p"))
    )
    problems = validate_file(path)
    assert str(problems[0]).startswith(f"{path}: feature 'p': {expected}")
    assert len(problems) == 1, messages(problems)


def test_metres_in_a_lonlat_geopackage(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"id": ["a"]}, geometry=[box(606000, 2282000, 607000, 2283000)], crs=4326
    )
    path = tmp_path / "m.gpkg"
    gdf.to_file(path, engine="pyogrio")
    problems = validate_file(path)
    assert len(problems) == 1
    assert "the CRS is WGS 84 (degrees) but coordinates reach 607000, 2283000" in str(problems[0])
    assert "EPSG:9210" in problems[0].fix


def test_swapped_projected_layer(tmp_path):
    gdf = gpd.GeoDataFrame({"id": ["a"]}, geometry=[box(20.60, 106.70, 20.61, 106.71)], crs=4326)
    problems = validate_layer(gdf, "swapped.gpkg")
    assert "swapped" in str(problems[0])


def test_layer_outside_vietnam_is_a_warning():
    gdf = gpd.GeoDataFrame({"id": ["a"]}, geometry=[box(2.30, 48.85, 2.31, 48.86)], crs=4326)
    problems = validate_layer(gdf, "paris.gpkg")
    assert [p.severity for p in problems] == ["warning"]
    assert errors_only(problems) == []


def test_layer_partly_outside_vietnam_is_a_warning_that_counts_the_features():
    """Features beyond the box around Vietnam, in lon/lat or on the VN-2000 grid, counted."""
    hai_phong = box(106.70, 20.60, 106.71, 20.61)
    paris, java = box(2.30, 48.85, 2.31, 48.86), box(110.0, -7.0, 110.01, -6.99)
    gdf = gpd.GeoDataFrame({"id": ["a", "b", "c"]}, geometry=[hai_phong, paris, java], crs=4326)
    problems = validate_layer(gdf, "world.gpkg")
    assert [p.severity for p in problems] == ["warning"]
    assert problems[0].message.startswith("2 of 3 features reach outside Vietnam")
    assert "lon 2.30–110.01, lat -7.00–48.86" in problems[0].message
    assert "zoneplan areas" in problems[0].fix
    assert errors_only(problems) == []
    # the same places on the VN-2000 grid (EPSG:9210): the same count
    on_grid = gdf.to_crs(9210)
    problems = validate_layer(on_grid, "world-vn2000.gpkg")
    assert [p.message.split(" features")[0] for p in problems] == ["2 of 3"]
    # inside the box: nothing to say
    assert validate_layer(gdf.iloc[[0]], "hai-phong.gpkg") == []


def test_shapefile_without_prj(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"id": ["a"]}, geometry=[box(606000, 2282000, 607000, 2283000)], crs=9210
    )
    path = tmp_path / "noprj.shp"
    gdf.to_file(path, engine="pyogrio")
    path.with_suffix(".prj").unlink()
    problems = validate_file(path)
    assert len(problems) == 1
    assert "the file has no CRS" in problems[0].message
    assert "EPSG:9210" in str(problems[0])
    assert validate_file(path, crs="EPSG:9210") == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b'{"type": "FeatureCollection", "feat', "not valid JSON at line 1 column 31"),
        ("Đông Hưng".encode("cp1258"), "not UTF-8 text (byte 0xd0 at offset 0)"),
        (bytes(range(256)), "not UTF-8 text (byte 0x80 at offset 128)"),
        (b'{"hello": "world"}', "not GeoJSON: no 'type' member at the top"),
        (b"[1, 2, 3]", "not GeoJSON"),
        (b'{"type": "Topology"}', "not GeoJSON: unknown type 'Topology'"),
        (b'{"type": "FeatureCollection", "features": []}', "the layer has no features"),
        (b"[" * 5000 + b"]" * 5000, "JSON nested too deeply"),
    ],
)
def test_unreadable_files(write_json, content, expected):
    path = write_json("u.geojson", content)
    problems = validate_file(path)
    assert len(problems) == 1, messages(problems)
    assert str(problems[0]).startswith(f"{path}: {expected}")


def test_every_problem_is_reported_at_once(write_json):
    path = write_json(
        "many.geojson",
        collection(
            feature(BOWTIE, **good_props("a")),
            feature(square(), **good_props("b", phase="soon")),
            feature(None, **good_props("c")),
            feature(square(106.8), **good_props("c", category=None)),
        ),
    )
    problems = validate_file(path, kind="catalog")
    text = messages(problems)
    for fragment in [
        "feature 'a': invalid geometry",
        "feature 'b': property 'phase'",
        "feature 'c': has no geometry",
        "property 'category' is null",
        "id 'c' is used by 2 features",
    ]:
        assert fragment in text
    assert all(str(p).count("\n") == 0 for p in problems)


def test_mixed_geometry_kinds_in_a_user_layer(write_json):
    point = {"type": "Point", "coordinates": [106.7, 20.65]}
    path = write_json(
        "mixed.geojson", collection(feature(square(), id="a"), feature(point, id="b"))
    )
    problems = validate_file(path)
    assert [p.message for p in problems] == ["mixes points and polygons in one layer"]


def test_load_user_layer_raises_with_all_problems(write_json):
    path = write_json("two.geojson", collection(feature(BOWTIE, id="a"), feature(None, id="b")))
    with pytest.raises(
        LayerValidationError,
        match=r"two\.geojson: feature '[ab]'.*\(and 1 more: run zoneplan validate",
    ) as info:
        load_user_layer(path)
    assert sorted(p.feature for p in info.value.problems) == ["'a'", "'b'"]
    ok = write_json("ok.geojson", collection(feature(square(), id="a")))
    assert len(load_user_layer(ok)) == 1


def test_repair_reports_each_change_with_its_area(write_json):
    from zoneplan.areas import measure_features
    from zoneplan.validate import repair_layer

    path = write_json("r.geojson", collection(feature(BOWTIE, id="a"), feature(square(), id="ok")))
    with pytest.raises(LayerValidationError, match="invalid geometry"):
        load_user_layer(path)
    gdf = load_user_layer(path, repair=True)
    assert gdf.geometry.is_valid.all()
    assert len(gdf.attrs["repairs"]) == 1
    line = gdf.attrs["repairs"][0]
    assert line.startswith(f"{path}: feature 'a': repaired (Self-intersection")
    # the reported area after the repair is the repaired geometry's ellipsoidal area
    expected = measure_features(gdf)["area_ha_ellipsoidal"].iloc[0]
    assert f"{expected:.4f} ha after" in line
    # the valid square is untouched
    assert gdf.geometry.iloc[1].equals(
        load_user_layer(
            write_json("s.geojson", collection(feature(square(), id="ok")))
        ).geometry.iloc[0]
    )
    _fixed, repairs = repair_layer(gdf)
    assert repairs == []


def test_cli_repair_writes_out_and_keeps_source(write_json, tmp_path):
    import subprocess
    import sys

    src = write_json("r.geojson", collection(feature(BOWTIE, id="a")))
    before = src.read_bytes()
    out = tmp_path / "fixed.geojson"
    result = subprocess.run(
        [sys.executable, "-m", "zoneplan", "validate", "--repair", str(src), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "repaired (Self-intersection" in result.stdout
    assert src.read_bytes() == before
    assert validate_file(out) == []
    same = subprocess.run(
        [sys.executable, "-m", "zoneplan", "validate", "--repair", str(src), "--out", str(src)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert same.returncode == 1
    assert "never modified" in same.stderr
    assert src.read_bytes() == before


def test_column_checks_find_what_the_row_checks_find():
    """The column-wise property check of user layers equals the row-by-row one, in order."""
    from zoneplan.validate.problems import feature_labels
    from zoneplan.validate.properties import column_property_problems, row_property_problems

    n = 40
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        {
            "id": [f"p{i}" if i % 9 else i for i in range(n)],
            "name_vi": ["Thửa", None, 3, True] * (n // 4),
            "category": ["industrial_park", "no-such", None, "port_logistics"] * (n // 4),
            "declared_area_ha": np.where(rng.random(n) < 0.2, np.inf, rng.random(n)),
            "accuracy_m": ["5", 5, None, float("-inf")] * (n // 4),
            "source_url": ["https://a.vn", "ftp://x", "", None, 7] * (n // 5),
            "flag": [True, False] * (n // 2),
            "other": [float("inf"), 1.5, "x", None] * (n // 4),
            "count": np.arange(n),
        }
    )
    gdf = gpd.GeoDataFrame(frame, geometry=[Point(106.6, 20.6)] * n, crs=4326)
    names = feature_labels(gdf)
    rows = row_property_problems(frame, "f.gpkg", names, "user")
    columns = column_property_problems(frame, "f.gpkg", names)
    assert len(rows) > 40
    assert [str(p) for p in columns] == [str(p) for p in rows]
    assert [p.blocking for p in columns] == [p.blocking for p in rows]
