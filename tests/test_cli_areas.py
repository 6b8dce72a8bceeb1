"""The ``zoneplan areas`` and ``zoneplan analyse`` commands, end to end."""

from __future__ import annotations

import csv
import io
import json
import math

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyproj
import pytest
import shapely
from shapely import LineString, Point, Polygon

from zoneplan.cli import main
from zoneplan.crs import expected_area_ratio, tm3_area_scale_bounds

A = 6378137.0
F = 1 / 298.257223563
E2 = F * (2 - F)
E = math.sqrt(E2)
B = A * (1 - F)
GEOD = pyproj.Geod(ellps="WGS84")


def cell_ha(lon1, lat1, lon2, lat2):
    """Closed-form ellipsoidal area of a cell between two meridians and two parallels, in ha."""

    def q(lat):
        s = math.sin(math.radians(lat))
        return s / (1 - E2 * s * s) + math.log((1 + E * s) / (1 - E * s)) / (2 * E)

    return B * B * math.radians(lon2 - lon1) / 2 * (q(lat2) - q(lat1)) / 1e4


def dense_cell(lon1, lat1, lon2, lat2, n=60):
    lons, lats = np.linspace(lon1, lon2, n), np.linspace(lat1, lat2, n)
    ring = (
        [(x, lat1) for x in lons]
        + [(lon2, y) for y in lats[1:]]
        + [(x, lat2) for x in lons[::-1][1:]]
        + [(lon1, y) for y in lats[::-1][1:]]
    )
    return Polygon(ring)


def props(fid, category, name_vi, name_en, declared=None, **extra):
    base = {
        "id": fid,
        "name_vi": name_vi,
        "name_en": name_en,
        "category": category,
        "status": "planned",
        "phase": "2026-2030",
        "declared_area_ha": declared,
        "source": "synthetic test layer",
        "source_url": "https://example.org",
        "accuracy_m": 100,
        "method": "test",
    }
    base.update(extra)
    return base


@pytest.fixture
def catalog(tmp_path, monkeypatch):
    """A small catalog of the six layers, written to tmp_path and pointed at by ZONEPLAN_GEODATA."""
    layers = {
        "zone": [
            (
                props(
                    "sez",
                    "economic_zone",
                    "Khu kinh tế ven biển phía Nam Hải Phòng",
                    "Southern Coastal Economic Zone",
                    12_000.0,
                ),
                dense_cell(106.60, 20.60, 106.70, 20.70),
            )
        ],
        "functional_areas": [
            (
                props("ftz", "free_trade_zone", "Khu thương mại tự do", "Free trade zone", 1000.0),
                dense_cell(106.60, 20.60, 106.63, 20.63),
            ),
            (
                props("ip", "industrial_park", "Khu công nghiệp Tiên Lãng", "Tien Lang IP"),
                dense_cell(106.62, 20.60, 106.65, 20.63),
            ),
        ],
        "port": [
            (
                props("b1", "berth", "Bến 1-2", "Berths 1-2"),
                Polygon(
                    [(106.764, 20.625), (106.777, 20.625), (106.777, 20.638), (106.764, 20.638)]
                ),
            )
        ],
        "airport": [
            (
                props("rwy", "runway", "Đường cất hạ cánh", "Runway"),
                LineString([(106.62, 20.62), (106.65, 20.63)]),
            )
        ],
        "transport": [
            (
                props(
                    "cr",
                    "road",
                    "Đường ven biển",
                    "Coastal road",
                    width_m=24.7,
                    right_of_way_m=68.0,
                ),
                LineString([(106.735, 20.745), (106.700, 20.683), (106.66, 20.64)]),
            )
        ],
        "context": [
            (
                props("vvci", "existing_airport", "Sân bay Cát Bi", "Cat Bi airport"),
                Point(106.72306, 20.81694),
            )
        ],
    }
    groups = {
        "zone": "zone",
        "functional_areas": "functional",
        "port": "port",
        "airport": "airport",
        "transport": "transport",
        "context": "context",
    }
    entries = []
    for order, (layer_id, feats) in enumerate(layers.items()):
        gdf = gpd.GeoDataFrame([p for p, _ in feats], geometry=[g for _, g in feats], crs=4326)
        (tmp_path / f"{layer_id}.geojson").write_text(
            gdf.to_json(drop_id=True, ensure_ascii=False), encoding="utf-8"
        )
        entries.append(
            {
                "id": layer_id,
                "file": f"{layer_id}.geojson",
                "title_vi": layer_id,
                "title_en": layer_id,
                "group": groups[layer_id],
                "order": order,
                "visible": True,
                "style": {},
            }
        )
    (tmp_path / "catalog.json").write_text(json.dumps({"layers": entries}), encoding="utf-8")
    monkeypatch.setenv("ZONEPLAN_GEODATA", str(tmp_path))
    return tmp_path


def run_json(capsys, *argv):
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_areas_json_records_and_known_zone_area(catalog, capsys):
    records = run_json(capsys, "areas", "--format", "json")
    keys = {
        "layer",
        "id",
        "name_vi",
        "name_en",
        "category",
        "declared_ha",
        "area_ha_vn2000",
        "area_ha_ellipsoidal",
        "diff_ha",
        "diff_pct",
        "declared_diff_ha",
        "declared_diff_pct",
    }
    assert all(keys <= set(r) for r in records)
    zone = next(r for r in records if r["layer"] == "zone")
    assert zone["name_vi"] == "Khu kinh tế ven biển phía Nam Hải Phòng"
    truth = cell_ha(106.60, 20.60, 106.70, 20.70)
    assert zone["area_ha_ellipsoidal"] == pytest.approx(truth, rel=1e-6)
    ratio = zone["area_ha_vn2000"] / zone["area_ha_ellipsoidal"]
    assert ratio == pytest.approx(expected_area_ratio(106.65, 20.65), abs=1e-6)
    ip = next(r for r in records if r["id"] == "ip")
    assert ip["declared_ha"] is None
    assert ip["declared_diff_pct"] is None
    runway = next(r for r in records if r["id"] == "rwy")
    assert runway["area_ha_vn2000"] is None
    assert runway["length_km_geodesic"] == pytest.approx(
        GEOD.inv(106.62, 20.62, 106.65, 20.63)[2] / 1000, rel=1e-9
    )


def test_areas_by_layer_and_category(catalog, capsys):
    by_layer = run_json(capsys, "areas", "--by", "layer", "--format", "json")
    assert [r["layer"] for r in by_layer] == [
        "zone",
        "functional_areas",
        "port",
        "airport",
        "transport",
        "context",
    ]
    by_cat = {
        r["category"]: r for r in run_json(capsys, "areas", "--by", "category", "--format", "json")
    }
    assert by_cat["free_trade_zone"]["area_ha_ellipsoidal"] == pytest.approx(
        cell_ha(106.60, 20.60, 106.63, 20.63), rel=1e-6
    )
    assert by_cat["free_trade_zone"]["category_vi"] == "Khu thương mại tự do"


def test_composition_declared_and_overlaps(catalog, capsys):
    comp = {
        r["part"]: r for r in run_json(capsys, "areas", "--by", "composition", "--format", "json")
    }
    overlap = cell_ha(106.62, 20.60, 106.63, 20.63)
    assert comp["double_counted"]["area_ha_ellipsoidal"] == pytest.approx(overlap, rel=1e-5)
    union = cell_ha(106.60, 20.60, 106.65, 20.63)
    assert comp["unassigned"]["area_ha_ellipsoidal"] == pytest.approx(
        cell_ha(106.60, 20.60, 106.70, 20.70) - union, rel=1e-6
    )
    declared = run_json(
        capsys, "areas", "--by", "declared", "--tolerance-pct", "1", "--format", "json"
    )
    assert [r["id"] for r in declared] == ["sez", "ftz"]
    ftz = declared[1]
    assert ftz["declared_flag"] is True  # ~1,040 ha measured vs 1,000 declared: 4 % > 1 %
    assert ftz["declared_diff_pct"] == pytest.approx(100 * (ftz["area_ha_vn2000"] / 1000 - 1))
    overlaps = run_json(capsys, "areas", "--by", "overlaps", "--format", "json")
    assert len(overlaps) == 1
    assert {overlaps[0]["id_a"], overlaps[0]["id_b"]} == {"ftz", "ip"}


def test_user_layers_in_vn2000_and_utm_give_the_same_areas(catalog, tmp_path, capsys):
    zone = gpd.read_file(catalog / "zone.geojson")
    zone.to_crs(9210).to_file(tmp_path / "zone_vn2000.gpkg")  # PROJ's EPSG:6960 = ours
    zone.to_crs(32648).to_file(tmp_path / "zone_utm.gpkg")
    ref = run_json(capsys, "areas", "--format", "json", "--layer", str(catalog / "zone.geojson"))
    for name in ("zone_vn2000.gpkg", "zone_utm.gpkg"):
        got = run_json(capsys, "areas", "--format", "json", "--layer", str(tmp_path / name))
        assert got[0]["layer"] == name.removesuffix(".gpkg")
        for key in ("area_ha_vn2000", "area_ha_ellipsoidal"):
            assert got[0][key] == pytest.approx(ref[0][key], rel=1e-8)
    both = run_json(
        capsys,
        "areas",
        "--format",
        "json",
        "--layer",
        str(tmp_path / "zone_utm.gpkg"),
        "--layer",
        str(tmp_path / "zone_utm.gpkg"),
    )
    assert [r["layer"] for r in both] == ["zone_utm", "zone_utm#2"]


def test_meridian_105_30(catalog, capsys):
    r45 = run_json(capsys, "areas", "--format", "json")[0]
    r30 = run_json(capsys, "areas", "--format", "json", "--meridian", "105.5")[0]
    assert r30["area_ha_ellipsoidal"] == pytest.approx(r45["area_ha_ellipsoidal"], rel=1e-12)
    ratio = r30["area_ha_vn2000"] / r30["area_ha_ellipsoidal"]
    assert ratio == pytest.approx(expected_area_ratio(106.65, 20.65, meridian=105.5), abs=1e-6)
    low, high = tm3_area_scale_bounds((106.6, 20.6, 106.7, 20.7), meridian=105.5)
    assert low <= ratio <= high


def test_formats_table_csv_md_xlsx(catalog, tmp_path, capsys):
    assert main(["areas", "--by", "layer"]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["layer", "n_features", "declared_ha"]
    assert set(lines[1]) <= {"-", " "}
    assert any(line.startswith("zone ") for line in lines)

    out = tmp_path / "areas.csv"
    assert main(["areas", "--out", str(out)]) == 0
    assert f"{out}: written" in capsys.readouterr().err
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0]["name_vi"] == "Khu kinh tế ven biển phía Nam Hải Phòng"

    md = tmp_path / "areas.md"
    assert main(["areas", "--by", "category", "--format", "md", "--out", str(md)]) == 0
    assert md.read_text(encoding="utf-8").splitlines()[1].startswith("|---|---|---|---:|")
    capsys.readouterr()

    xlsx = tmp_path / "areas.xlsx"
    assert main(["-q", "areas", "--out", str(xlsx)]) == 0
    assert capsys.readouterr().err == ""
    sheet = openpyxl.load_workbook(xlsx).active
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["layer", "id", "name_vi", "name_en", "category"]
    assert sheet.cell(row=2, column=3).value == "Khu kinh tế ven biển phía Nam Hải Phòng"
    col = header.index("area_ha_ellipsoidal") + 1
    assert sheet.cell(row=2, column=col).value == pytest.approx(
        cell_ha(106.60, 20.60, 106.70, 20.70), rel=1e-6
    )


def test_parquet_output_and_unknown_suffix(catalog, tmp_path, capsys):
    ref = run_json(capsys, "areas", "--format", "json")
    out = tmp_path / "areas.parquet"
    assert main(["-q", "areas", "--out", str(out)]) == 0
    table = pd.read_parquet(out)
    assert table["name_vi"].tolist() == [r["name_vi"] for r in ref]
    areas = [None if math.isnan(v) else v for v in table["area_ha_vn2000"]]  # lines have none
    assert areas == [r["area_ha_vn2000"] for r in ref]
    assert main(["areas", "--format", "parquet"]) == 1
    assert "binary file" in capsys.readouterr().err
    wrong = tmp_path / "areas.gpkg"
    assert main(["areas", "--out", str(wrong)]) == 1
    err = capsys.readouterr().err
    assert ".gpkg names no table format" in err
    assert err.count("\n") == 1
    assert not wrong.exists()


def test_errors_are_one_line(catalog, tmp_path, capsys):
    assert main(["areas", "--format", "xlsx"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("zoneplan: error: the xlsx format")
    assert "--out" in err
    assert err.count("\n") == 1

    assert main(["areas", "--out", str(tmp_path / "missing" / "a.json")]) == 1
    assert "does not exist; create it first" in capsys.readouterr().err

    # a shapefile without .prj: refused, naming the file and the fix
    gpd.GeoDataFrame(
        {"id": ["x"]}, geometry=[dense_cell(106.6, 20.6, 106.61, 20.61)], crs=4326
    ).to_file(tmp_path / "nocrs.shp")
    (tmp_path / "nocrs.prj").unlink()
    assert main(["areas", "--layer", str(tmp_path / "nocrs.shp")]) == 1
    err = capsys.readouterr().err
    assert "nocrs.shp" in err
    assert "CRS" in err
    assert err.count("\n") == 1
    # ... and accepted with --crs
    got = run_json(
        capsys,
        "areas",
        "--format",
        "json",
        "--crs",
        "EPSG:4326",
        "--layer",
        str(tmp_path / "nocrs.shp"),
    )
    assert got[0]["area_ha_ellipsoidal"] == pytest.approx(
        cell_ha(106.6, 20.6, 106.61, 20.61), rel=1e-6
    )


def test_existing_output_kept_when_the_command_fails(catalog, tmp_path, capsys):
    out = tmp_path / "areas.json"
    out.write_text("previous", encoding="utf-8")
    assert main(["areas", "--out", str(out), "--layer", str(tmp_path / "nope.geojson")]) == 1
    capsys.readouterr()
    assert out.read_text(encoding="utf-8") == "previous"


def test_analyse_corridor(catalog, capsys):
    rows = run_json(
        capsys, "analyse", "corridor", "--format", "json", "--bands", "500", "1000", "2000"
    )
    assert {r["band"] for r in rows} == {"0–500 m", "500–1,000 m", "1,000–2,000 m"}
    assert {r["id"] for r in rows} == {"ftz", "ip"}
    for fid in ("ftz", "ip"):
        share = sum(r["share_pct"] for r in rows if r["id"] == fid)
        assert 0 <= share <= 100 + 1e-9
    row = run_json(capsys, "analyse", "corridor", "--right-of-way", "--format", "json")[0]
    assert row["right_of_way_m"] == 68.0
    assert row["area_ha_ellipsoidal"] == pytest.approx(row["length_km_geodesic"] * 6.8, rel=1e-3)


def test_analyse_distances(catalog, capsys):
    rows = run_json(capsys, "analyse", "distances", "--format", "json")
    pairs = {(r["from_key"], r["to_key"]): r for r in rows}
    assert len(pairs) == 6
    # the runway midpoint (ARP) to Cát Bi, geodesic
    mid_lon, mid_lat = (106.62 + 106.65) / 2, (20.62 + 20.63) / 2
    expected = GEOD.inv(mid_lon, mid_lat, 106.72306, 20.81694)[2] / 1000
    assert pairs[("airport", "cat_bi")]["distance_km_geodesic"] == pytest.approx(
        expected, abs=0.001
    )


def test_analyse_airport(catalog, capsys):
    surfaces = run_json(capsys, "analyse", "airport", "--surfaces", "--format", "json")
    assert {"strip", "inner_horizontal", "conical", "approach", "takeoff_climb"} <= {
        s["surface"] for s in surfaces
    }
    rows = run_json(capsys, "analyse", "airport", "--format", "json", "--step-m", "15")
    assert rows
    assert all(r["height_limit_m"] >= 0 for r in rows)
    # every functional area here lies within 6 km of the runway, so all of it is under a limit
    for fid in ("ftz", "ip"):
        assert sum(r["share_pct"] for r in rows if r["id"] == fid) == pytest.approx(100, abs=1e-6)
    assert main(["analyse", "airport", "--step-m", "0"]) == 1
    assert "height step 0.0 must be a positive" in capsys.readouterr().err


def test_shipped_zone_area_against_an_independent_equal_area_computation(capsys):
    """Done-when of the areas issue, on the shipped geodata/ (no ZONEPLAN_GEODATA override)."""
    from shapely.geometry import shape

    from zoneplan.catalog import geodata_dir

    records = run_json(capsys, "areas", "--format", "json")
    zone = next(r for r in records if r["category"] == "economic_zone")
    # independent: read the GeoJSON directly, project to an ellipsoidal Lambert azimuthal
    # equal-area projection centred on the zone, take the planar area
    data = json.loads((geodata_dir() / "zone.geojson").read_text(encoding="utf-8"))
    feat = next(f for f in data["features"] if f["properties"]["category"] == "economic_zone")
    geom = shape(feat["geometry"])
    c = geom.centroid
    laea = pyproj.Transformer.from_crs(
        4326, f"+proj=laea +lat_0={c.y} +lon_0={c.x} +ellps=WGS84", always_xy=True
    )
    projected = shapely.transform(
        geom.segmentize(0.001), lambda xy: np.column_stack(laea.transform(xy[:, 0], xy[:, 1]))
    )
    independent_ha = projected.area / 1e4
    assert zone["area_ha_ellipsoidal"] == pytest.approx(independent_ha, rel=1e-4)
    # the VN-2000 planar area differs by the expected TM-3 × datum scale factor
    ratio = zone["area_ha_vn2000"] / zone["area_ha_ellipsoidal"]
    assert ratio == pytest.approx(expected_area_ratio(c.x, c.y), abs=5e-6)
    low, high = tm3_area_scale_bounds(geom.bounds)
    assert low <= ratio <= high
