"""Outputs are written whole or not at all; an earlier file stays exactly as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zoneplan._atomic import atomic_open, atomic_path, atomic_write, check_output_path
from zoneplan.errors import OutputError


def test_atomic_write_replaces_whole(tmp_path):
    out = tmp_path / "map.html"
    atomic_write(out, "first")
    atomic_write(out, "second ✓ Đồ Sơn")
    assert out.read_text(encoding="utf-8") == "second ✓ Đồ Sơn"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]


def _write_half_then_fail(out: Path) -> None:
    with atomic_open(out) as fh:
        fh.write("half of the new")
        msg = "boom"
        raise RuntimeError(msg)


def test_failure_midway_leaves_the_old_file_and_no_debris(tmp_path):
    out = tmp_path / "table.csv"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        _write_half_then_fail(out)
    assert out.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]


def _write_partial_then_fail(out: Path) -> None:
    with atomic_path(out) as tmp:
        tmp.write_bytes(b"partial")
        msg = "nope"
        raise ValueError(msg)


def test_failure_with_no_earlier_file_creates_nothing(tmp_path):
    out = tmp_path / "layer.gpkg"
    with pytest.raises(ValueError, match="nope"):
        _write_partial_then_fail(out)
    assert list(tmp_path.iterdir()) == []


def test_new_file_gets_ordinary_permissions(tmp_path):
    out = tmp_path / "x.txt"
    atomic_write(out, b"bytes")
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "pipe.html")
    return folder / "pipe.html"


def _under_a_file(folder: Path) -> Path:
    (folder / "notes.txt").write_text("not a folder", encoding="utf-8")
    return folder / "notes.txt" / "map.html"


@pytest.mark.parametrize(
    ("make", "pattern"),
    [
        (lambda t: t, "is a folder; give a file name"),
        (lambda t: t / "missing" / "map.html", "the folder .* does not exist"),
        # os.replace would swap a device or pipe for a regular file (think --out /dev/null as root)
        (_fifo, r"pipe\.html: is not a regular file \(a device or a pipe\); choose another --out"),
        (_under_a_file, r"notes\.txt is a file, not a folder; choose another --out"),
    ],
)
def test_bad_output_paths(tmp_path, make, pattern):
    out = make(tmp_path)
    before = sorted((p.name, p.stat().st_mode) for p in tmp_path.iterdir())
    with pytest.raises(OutputError, match=pattern):
        check_output_path(out)
    with pytest.raises(OutputError, match=pattern):
        atomic_write(out, "x")
    assert sorted((p.name, p.stat().st_mode) for p in tmp_path.iterdir()) == before


def test_check_output_path_leaves_no_probe(tmp_path):
    assert check_output_path(tmp_path / "map.html") == tmp_path / "map.html"
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder():
    # /proc refuses new files even for root, unlike a chmod'ed folder
    out = Path("/proc/zoneplan-test-map.html")
    pattern = r"^/proc/zoneplan-test-map\.html: cannot write in /proc .*choose another --out"
    with pytest.raises(OutputError, match=pattern):
        check_output_path(out)  # refused before any work, although os.access says yes to root
    with pytest.raises(OutputError, match=pattern):
        atomic_write(out, "x")
    assert not out.exists()
