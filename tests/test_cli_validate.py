"""``zoneplan validate``: exit codes, one line per problem, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import collection, feature, square
from zoneplan.cli import main


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m zoneplan`` as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "zoneplan", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_catalog_is_clean_exit_0():
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    assert "the catalog layers: clean" in result.stdout
    assert result.stderr == ""


def test_problems_exit_1_with_one_line_each(write_json):
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[106.6, 20.6], [106.7, 20.7], [106.7, 20.6], [106.6, 20.7], [106.6, 20.6]]
        ],
    }
    bad = write_json("bad.geojson", collection(feature(bowtie, id="a"), feature(None, id="b")))
    good = write_json("good.geojson", collection(feature(square(), id="c")))
    result = run_cli("validate", str(good), str(bad))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{bad}: feature ") for line in lines)
    assert "Traceback" not in result.stderr + result.stdout
    assert "1 error" not in result.stdout
    assert "2 error(s), 0 warning(s)" in result.stdout


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02", b'{"type": "Feature', b"\xff" * 10])
def test_unreadable_input_no_traceback(write_json, content):
    path = write_json("x.geojson", content)
    result = run_cli("validate", str(path))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"{path}: ")
    assert "Traceback" not in result.stderr


def test_missing_path_and_folder(tmp_path):
    result = run_cli("validate", str(tmp_path / "nope.geojson"), str(tmp_path))
    assert result.returncode == 1
    assert f"{tmp_path / 'nope.geojson'}: no such file" in result.stderr
    assert f"{tmp_path}: is a folder, not a file" in result.stderr


def test_usage_error_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["validate", "--schema", "nonsense"])
    assert info.value.code == 2
    assert main([]) == 2


def test_catalog_schema_flag(write_json):
    path = write_json("u.geojson", collection(feature(square(), id="u")))
    assert run_cli("validate", str(path)).returncode == 0
    strict = run_cli("validate", "--schema", "catalog", str(path))
    assert strict.returncode == 1
    assert "missing property 'name_vi'" in strict.stderr


def test_crs_flag_for_a_shapefile_without_prj(tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    gdf = gpd.GeoDataFrame(
        {"id": ["a"]}, geometry=[box(606000, 2282000, 607000, 2283000)], crs=9210
    )
    path = tmp_path / "noprj.shp"
    gdf.to_file(path, engine="pyogrio")
    path.with_suffix(".prj").unlink()
    refused = run_cli("validate", str(path))
    assert refused.returncode == 1
    assert "has no CRS" in refused.stderr
    assert "EPSG:9210" in refused.stderr
    assert run_cli("validate", "--crs", "EPSG:9210", str(path)).returncode == 0
