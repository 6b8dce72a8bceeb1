"""``zoneplan diff OLD NEW``, end to end: files in several formats and CRSs, every table format."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
from shapely import box

from zoneplan.cli import main
from zoneplan.crs import reproject

X0, Y0 = 600_000.0, 2_280_000.0
#: The JSON fields the issue names.
FIELDS = (
    "id",
    "change",
    "area_ha_vn2000_old",
    "area_ha_vn2000_new",
    "gained_ha_vn2000",
    "lost_ha_vn2000",
    "area_ha_ellipsoidal_old",
    "area_ha_ellipsoidal_new",
    "changed_fields",
)


def sq(x: float, w: float = 100.0):
    return box(X0 + x, Y0, X0 + x + w, Y0 + 100)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """v1 as a GeoPackage on the VN-2000 grid, v2 as GeoJSON in WGS 84, v2 as a .prj-less .shp."""
    folder = tmp_path_factory.mktemp("diff")
    old = gpd.GeoDataFrame(
        {"id": ["a", "b", "c"], "status": ["planned", "planned", "planned"]},
        geometry=[sq(0), sq(200), sq(400)],
        crs=9210,
    )
    new = gpd.GeoDataFrame(
        {"id": ["a", "c", "d"], "status": ["planned", "approved", "proposed"]},
        geometry=[sq(0, w=130), sq(400), sq(600, w=50)],
        crs=9210,
    )
    paths = {"old": folder / "v1.gpkg", "new": folder / "v2.geojson", "shp": folder / "v2.shp"}
    old.to_file(paths["old"])
    reproject(new, 4326).to_file(paths["new"])
    new.to_file(paths["shp"])
    paths["shp"].with_suffix(".prj").unlink()
    split = reproject(new, 4326)
    split.loc[len(split)] = {
        "id": "c",
        "status": "planned",
        "geometry": box(106.7, 20.6, 106.71, 20.61),
    }
    paths["split"] = folder / "split.geojson"
    split.to_file(paths["split"])
    return paths


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["diff", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_records_in_different_crss(files, capsys):
    code, out, err = run(capsys, files["old"], files["new"], "--format", "json")
    assert code == 0
    records = {r["id"]: r for r in json.loads(out)}
    assert set(records) == {"a", "b", "c", "d"}
    for r in records.values():
        assert set(FIELDS) <= set(r)
    a = records["a"]
    assert a["change"] == "changed"
    assert a["gained_ha_vn2000"] == pytest.approx(0.3, abs=1e-9)
    assert a["lost_ha_vn2000"] == 0.0
    assert a["area_ha_vn2000_new"] == pytest.approx(1.3, abs=1e-9)
    assert a["changed_fields"] == []
    assert records["b"]["change"] == "removed"
    assert records["b"]["area_ha_vn2000_new"] is None
    assert records["c"]["changed_fields"] == ["status"]
    assert records["c"]["changes"] == {"status": {"old": "planned", "new": "approved"}}
    assert records["d"]["change"] == "added"
    assert records["d"]["gained_ha_vn2000"] == pytest.approx(0.5, abs=1e-9)
    assert "1 added, 1 removed, 2 changed, 0 unchanged; gained 0.8000 ha, lost 1.0000 ha" in err


def test_csv_markdown_excel_and_text(files, tmp_path, capsys):
    code, out, _ = run(capsys, files["old"], files["new"], "--format", "csv")
    assert code == 0
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["c"]["changes"] == "status: planned → approved"
    assert rows["c"]["changed_fields"] == "status"
    assert float(rows["a"]["gained_ha_vn2000"]) == pytest.approx(0.3, abs=1e-9)
    code, out, _ = run(capsys, files["old"], files["new"], "--format", "md", "--decimals", "2")
    assert "| c | changed |" in out
    assert "| 0.30 |" in out
    xlsx = tmp_path / "changes.xlsx"
    code, _, err = run(capsys, files["old"], files["new"], "--out", xlsx)
    assert code == 0
    assert f"{xlsx}: written, 4 row(s)" in err
    sheet = openpyxl.load_workbook(xlsx)["changes"]
    values = list(sheet.values)
    header = values[0]
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in values[1:]}
    assert by_id["a"]["gained_ha_vn2000"] == pytest.approx(0.3, abs=1e-9)
    assert by_id["c"]["changes"] == "status: planned → approved"
    code, out, _ = run(capsys, files["old"], files["new"], "--changed-only")
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["id", "change"]
    assert len(lines) == 2 + 4


def test_changed_only_drops_unchanged(files, capsys):
    code, out, _ = run(capsys, files["new"], files["new"], "--format", "json", "--changed-only")
    assert code == 0
    assert json.loads(out) == []
    code, out, _ = run(capsys, files["new"], files["new"], "--format", "json")
    assert [r["change"] for r in json.loads(out)] == ["unchanged"] * 3


def test_duplicate_key_refused_in_one_line(files, tmp_path, capsys):
    out = tmp_path / "t.csv"
    out.write_text("earlier\n", encoding="utf-8")
    code, _, err = run(capsys, files["old"], files["split"], "--out", out)
    assert code == 1
    assert err.count("\n") == 1
    # the file's check names it first (ids must be unique in any layer)
    assert f"{files['split']}: feature 'c': id 'c' is used by 2 features" in err
    assert out.read_text(encoding="utf-8") == "earlier\n"  # left as it was
    code, _, err = run(capsys, files["old"], files["new"], "--key", "status")
    assert code == 1
    assert f"{files['old']}: the key 'status' is not unique: 'planned' (3 features)" in err
    code, _, err = run(capsys, files["old"], files["new"], "--key", "code")
    assert code == 1
    assert "no column 'code' to match features by (its columns: id, status)" in err


def test_file_without_crs_needs_crs(files, capsys):
    code, _, err = run(capsys, files["old"], files["shp"])
    assert code == 1
    assert "has no CRS" in err
    assert "--crs" in err
    code, out, _ = run(capsys, files["old"], files["shp"], "--crs", "EPSG:9210", "--format", "json")
    assert code == 0
    got = {r["id"]: r["change"] for r in json.loads(out)}
    assert got == {"a": "changed", "b": "removed", "c": "changed", "d": "added"}
