"""A plain (non-editable) wheel carries the geodata and can find it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helpers import REPO
from zoneplan.render import assets


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (path,) = out.glob("zoneplan-*.whl")
    return path


def test_wheel_contains_geodata_and_catalog(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted(p.name for p in (REPO / "geodata").glob("*") if p.is_file())
    assert shipped, "geodata/ is empty"
    for name in shipped:
        assert f"zoneplan/geodata/{name}" in names
    assert "zoneplan/py.typed" in names
    # the map's own script and style, which --self-contained inlines
    for module in assets.VIEWER_MODULES:
        assert f"zoneplan/render/static/{assets.VIEWER_MODULE_DIR}/{module}" in names
    assert "zoneplan/render/static/zoneplan.css" in names


def test_installed_wheel_finds_its_own_geodata(wheel, tmp_path):
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("ZONEPLAN_GEODATA", None)
    code = "import zoneplan.catalog as c; print(c.geodata_dir())"
    found = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert Path(found.stdout.strip()) == target / "zoneplan" / "geodata"
    check = subprocess.run(
        [sys.executable, "-m", "zoneplan", "validate"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert check.returncode == 0, check.stderr
