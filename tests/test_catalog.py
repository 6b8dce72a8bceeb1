"""zoneplan.catalog: the shipped catalog against its JSON, and one-line errors for broken ones."""

from __future__ import annotations

import json
import shutil

import pytest

from zoneplan.catalog import CATALOG_FILE, geodata_dir, load_catalog
from zoneplan.errors import InputError
from zoneplan.schema import GROUPS


def test_shipped_catalog_is_its_json_in_draw_order():
    raw = json.loads((geodata_dir() / CATALOG_FILE).read_text(encoding="utf-8"))["layers"]
    cat = load_catalog()
    assert cat.ids == tuple(r["id"] for r in sorted(raw, key=lambda r: r["order"]))
    for entry in cat.layers:
        spec = next(r for r in raw if r["id"] == entry.id)
        assert entry.path == geodata_dir() / spec["file"]
        assert entry.path.is_file()
        assert (entry.title_vi, entry.title_en) == (spec["title_vi"], spec["title_en"])
        assert entry.group in GROUPS
        assert cat[entry.id] is entry


@pytest.fixture
def copy(tmp_path):
    """A copy of the shipped geodata folder, to break."""
    folder = tmp_path / "geodata"
    shutil.copytree(geodata_dir(), folder)
    return folder


def test_geodata_folder_from_the_environment(copy, monkeypatch):
    monkeypatch.setenv("ZONEPLAN_GEODATA", str(copy))
    assert geodata_dir() == copy
    assert load_catalog().path == copy / CATALOG_FILE
    monkeypatch.setenv("ZONEPLAN_GEODATA", str(copy.parent / "nowhere"))
    assert geodata_dir() != copy  # falls back to the installed or checked-out data


def _rewrite(folder, change):
    path = folder / CATALOG_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["layers"].append(dict(d["layers"][0])), "duplicate layer ids"),
        (
            lambda d: d["layers"][0].pop("title_en"),
            r"layer #1 \(\w+\): missing keys \['title_en'\]",
        ),
        (lambda d: d["layers"][0].update(group="nope"), "unknown group 'nope'"),
        (lambda d: d["layers"][0].update(file="gone.geojson"), "gone.geojson does not exist"),
        (lambda d: d["layers"].__setitem__(0, 5), "layer #1: must be an object"),
        (lambda d: d.pop("layers"), "must be an object with a 'layers' list"),
    ],
)
def test_broken_catalog_is_one_line_naming_the_file(copy, change, message):
    path = _rewrite(copy, change)
    with pytest.raises(InputError, match=message) as err:
        load_catalog(copy)
    assert str(err.value).startswith(str(path))
    assert "\n" not in str(err.value)


def test_missing_or_unreadable_catalog(tmp_path):
    with pytest.raises(InputError, match="no such catalog file"):
        load_catalog(tmp_path / "catalog.json")
    bad = tmp_path / "catalog.json"
    bad.write_bytes(b"\xff{")
    with pytest.raises(InputError, match="not a readable JSON catalog"):
        load_catalog(bad)
