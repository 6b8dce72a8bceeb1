"""
The tables of the zone as of the facts date: `zoneplan areas --by projects` (declared
against measured areas) and `--by communes`, in every table format.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pyproj
import pytest
from shapely.geometry import shape

from zoneplan.catalog import geodata_dir
from zoneplan.cli import main
from zoneplan.errors import InputError
from zoneplan.inventory import PROJECT_COLUMNS, UNIT_COLUMNS, commune_table, project_table
from zoneplan.io import load_catalog_layers

GEOD = pyproj.Geod(ellps="WGS84")
#: Declared areas of the projects (fact sheet, section 7).
DECLARED = {
    "prj-tan-trao-ip-1": 226.79,
    "prj-hai-phong-lng": 100,
    "prj-ngu-phuc-ip-1": 238,
    "prj-tien-lang-1-ip": 596.78,
    "prj-tien-lang-airport-ip-b": 186.49,
}
#: Published population of the 10 units (fact sheet, section 7), and their sum.
POPULATION = {
    "adm-nam-do-son": 30372,
    "adm-kien-hai": 44862,
    "adm-kien-hung": 28044,
    "adm-nghi-duong": 25660,
    "adm-an-hung": 25535,
    "adm-hung-thang": 26877,
    "adm-chan-hung": 26092,
    "adm-tien-minh": 36236,
    "adm-nguyen-binh-khiem": 24575,
    "adm-vinh-am": 34562,
}


@pytest.fixture(scope="module")
def layers():
    return load_catalog_layers()


@pytest.fixture(scope="module")
def shipped() -> dict[str, dict]:
    out = {}
    for name in ("projects.geojson", "communes.geojson"):
        data = json.loads((geodata_dir() / name).read_text(encoding="utf-8"))
        out.update({f["properties"]["id"]: f for f in data["features"]})
    return out


def test_project_table_declared_against_measured(layers, shipped) -> None:
    t = project_table(layers)
    assert list(t.columns) == list(PROJECT_COLUMNS)
    assert dict(zip(t["id"], t["declared_ha"], strict=True)) == DECLARED
    for row in t.itertuples():
        # the ellipsoidal area, independently with pyproj.Geod on the shipped GeoJSON
        geo_ha = abs(GEOD.geometry_area_perimeter(shape(shipped[row.id]["geometry"]))[0]) / 1e4
        assert row.area_ha_ellipsoidal == pytest.approx(geo_ha, rel=1e-9)
        # VN-2000 planar within the TM-3 scale of the ellipsoidal one here (+0.002 %)
        assert row.area_ha_vn2000 == pytest.approx(geo_ha, rel=1e-4)
        assert row.declared_diff_ha == pytest.approx(row.area_ha_vn2000 - row.declared_ha)
        assert not row.declared_flag
        assert row.status == shipped[row.id]["properties"]["status"]
        assert row.as_of == shipped[row.id]["properties"]["as_of"]
    by_id = t.set_index("id")
    assert by_id.loc["prj-ngu-phuc-ip-1", "status"] == "proposed"
    assert by_id.loc["prj-tien-lang-airport-ip-b", "capital_vnd_bn"] == 2795.372
    assert by_id.loc["prj-tan-trao-ip-1", "communes"] == "Kiến Hưng, Nghi Dương"


def test_a_project_off_its_declared_area_is_flagged(layers) -> None:
    grown = layers["projects"].copy()
    grown.loc[grown["id"] == "prj-hai-phong-lng", "declared_area_ha"] = 80.0
    t = project_table({"projects": grown}, tolerance_pct=5).set_index("id")
    assert t.loc["prj-hai-phong-lng", "declared_flag"]
    assert t.loc["prj-hai-phong-lng", "declared_diff_pct"] == pytest.approx(25.0, abs=0.01)


def test_commune_table(layers) -> None:
    t = commune_table(layers)
    assert list(t.columns) == list(UNIT_COLUMNS)
    assert dict(zip(t["id"], t["population"], strict=True)) == POPULATION
    assert int(t["population"].sum()) == sum(POPULATION.values()) == 302815
    row = t.set_index("id").loc["adm-hung-thang"]
    assert (row["area_km2"], row["lon"], row["lat"]) == (43.59, 106.6764, 20.6621)
    assert row["old_units"] == "Hùng Thắng, Vinh Quang"
    assert row["in_zone"] == "whole"
    assert row["as_of"] == "2025-07-01"  # text, as in the file, not a parsed datetime


def test_tables_need_their_features(layers) -> None:
    with pytest.raises(InputError, match="no feature of category 'commune' or 'ward' in zone"):
        commune_table({"zone": layers["zone"]})
    with pytest.raises(InputError, match="'ip_project' or 'power_plant'"):
        project_table({"zone": layers["zone"]})


@pytest.mark.parametrize("by", ["projects", "communes"])
def test_every_table_format(by: str, tmp_path: Path, capsys) -> None:
    key = "declared_ha" if by == "projects" else "population"
    assert main(["areas", "--by", by, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == (5 if by == "projects" else 10)
    assert main(["areas", "--by", by, "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in records] == [r["id"] for r in rows]
    assert [float(r[key]) for r in rows] == [float(r[key]) for r in records]
    assert main(["areas", "--by", by, "--format", "md"]) == 0
    md = capsys.readouterr().out
    assert md.count("\n") == len(rows) + 2
    assert f"| {key} |" in md.splitlines()[0] + " "
    assert main(["areas", "--by", by]) == 0
    assert records[0]["name_vi"] in capsys.readouterr().out
    xlsx = tmp_path / f"{by}.xlsx"
    assert main(["-q", "areas", "--by", by, "--out", str(xlsx)]) == 0
    sheet = openpyxl.load_workbook(xlsx).active
    values = list(sheet.values)
    assert values[0][: len(rows[0])] == tuple(rows[0])
    assert [v[0] for v in values[1:]] == [r["layer" if by == "projects" else "id"] for r in rows]
    parquet = tmp_path / f"{by}.parquet"
    assert main(["-q", "areas", "--by", by, "--out", str(parquet)]) == 0
    assert pd.read_parquet(parquet)["id"].tolist() == [r["id"] for r in records]


def test_declared_table_holds_the_projects(capsys) -> None:
    assert main(["areas", "--by", "declared", "--format", "json"]) == 0
    got = {r["id"]: r["declared_ha"] for r in json.loads(capsys.readouterr().out)}
    assert {k: got[k] for k in DECLARED} == DECLARED


def test_communes_of_a_layer_without_them_is_one_line(capsys) -> None:
    zone = str(geodata_dir() / "zone.geojson")
    assert main(["areas", "--by", "communes", "--layer", zone]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "no feature of category 'commune' or 'ward'" in err[0]
