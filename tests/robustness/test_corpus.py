"""
Bad input never crashes, hangs or loses data: every corpus case through every command.

Each command must exit 1 with one line on standard error that names the file, the
feature where there is one, and the fix; no traceback; no --out file created, and an
existing one left byte for byte with its modification time. ``zoneplan validate``
reports problems in its own format, one line each (``FILE: feature F: what; fix``);
the other commands print the same text after ``zoneplan: error: ``.
"""

from __future__ import annotations

import csv
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from corpus_cases import CASES, CORPUS, GOOD, SMALL_LIMIT_MB, Case

from zoneplan.cli import main
from zoneplan.io import DEFAULT_MAX_INPUT_MB

#: The --out suffix of each command.
SUFFIX = {
    "validate": ".geojson",
    "validate --repair": ".geojson",
    "build": ".html",
    "areas": ".csv",
    "diff": ".csv",
}
PREFIX = "zoneplan: error: "
OLD_BYTES = b"an earlier output, to be left exactly as it was\n"
OLD_MTIME_NS = 1_500_000_000_000_000_000  # 2017, so a rewrite could not keep it by chance


def argv(command: str, source: Path, out: Path | None, case: Case) -> list[str]:
    """The command line of `command` on `source`, writing to `out` where it writes."""
    if command == "validate":
        return ["validate", *case.args, str(source)]
    if command == "validate --repair":
        return ["validate", "--repair", *case.args, str(source), "--out", str(out)]
    if command == "diff":  # the bad file as the earlier version, a clean one as the later
        return ["diff", *case.args, str(source), str(GOOD), "--out", str(out)]
    return [command, *case.args, "--layer", str(source), "--out", str(out)]


def rows() -> list[pytest.param]:
    """Every case with every command that must refuse it."""
    return [
        pytest.param(case, command, id=f"{case.name}-{command.replace(' --', '-')}")
        for case in CASES
        for command in case.refused_by()
    ]


def the_line(stderr: str, command: str) -> str:
    """The one message line, without the ``zoneplan: error:`` prefix; fails unless one line."""
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{stderr}"
    line = lines[0]
    if command == "validate":
        assert not line.startswith(PREFIX), line  # validate's report: FILE: feature: what; fix
        return line
    assert line.startswith(PREFIX), line
    return line[len(PREFIX) :]


def check_message(body: str, case: Case, named: Path) -> None:
    """The message names the file, the feature and carries the case's words."""
    assert body.startswith(f"{named}: "), body
    if case.feature:
        assert body.startswith(f"{named}: feature {case.feature}: "), body
    for words in case.words:
        assert words in body, f"{words!r} not in {body!r}"
    assert "Traceback" not in body


def snapshot(folder: Path) -> list[tuple[str, int]]:
    """Names and sizes of the files in `folder`: a stray temporary file would show."""
    return sorted((p.name, p.lstat().st_size) for p in folder.iterdir())


@pytest.fixture
def folders(tmp_path):
    """(inputs, outputs) folders."""
    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    return tmp_path / "in", tmp_path / "out"


@pytest.mark.parametrize(("case", "command"), rows())
def test_refused_with_one_line_and_no_output(case, command, folders, capsys):
    inputs, outputs = folders
    source = case.input_path(inputs)
    before = source.read_bytes() if source.is_file() else None
    suffix = SUFFIX[command]
    out = case.out(outputs, suffix) if case.out else outputs / f"result{suffix}"
    named = out if case.out else source

    # 1. no earlier output: none is created
    listing = snapshot(outputs)
    code = main(argv(command, source, out, case))
    captured = capsys.readouterr()
    assert code == 1, captured.err
    check_message(the_line(captured.err, command), case, named)
    assert "Traceback" not in captured.out
    assert snapshot(outputs) == listing
    if case.out is None:
        assert not out.exists()
    elif case.name == "output_is_a_pipe":
        assert stat.S_ISFIFO(out.lstat().st_mode)  # still the pipe, not replaced by a file

    # 2. an earlier output: left byte for byte, with its modification time
    if case.out is None and command != "validate":
        out.write_bytes(OLD_BYTES)
        os.utime(out, ns=(OLD_MTIME_NS, OLD_MTIME_NS))
        listing = snapshot(outputs)
        assert main(argv(command, source, out, case)) == 1
        check_message(the_line(capsys.readouterr().err, command), case, named)
        assert out.read_bytes() == OLD_BYTES
        assert out.stat().st_mtime_ns == OLD_MTIME_NS
        assert snapshot(outputs) == listing

    # the source file is never modified
    if before is not None:
        assert source.read_bytes() == before


THREE = ("validate", "build", "areas")


@pytest.mark.parametrize(
    "case", [c for c in CASES if set(THREE) <= set(c.refused_by())], ids=lambda c: c.name
)
def test_every_command_gives_the_same_message(case, folders, capsys):
    """validate's report line is what build and areas print after ``zoneplan: error:``."""
    inputs, outputs = folders
    source = case.input_path(inputs)
    bodies = {}
    for command in THREE:
        main(argv(command, source, outputs / f"result{SUFFIX[command]}", case))
        bodies[command] = the_line(capsys.readouterr().err, command)
    assert bodies["build"] == bodies["validate"]
    assert bodies["areas"] == bodies["validate"]


def zoneplan_cli() -> list[str]:
    """The installed ``zoneplan`` script beside this Python, as a user runs it."""
    script = Path(sys.executable).with_name("zoneplan")
    return [str(script)] if script.exists() else [sys.executable, "-m", "zoneplan"]


SUBPROCESS_ROWS = [
    ("truncated_json", "build"),
    ("random_bytes_gpkg", "areas"),
    ("deep_nesting", "areas"),
    ("deep_property", "build"),
    ("integer_too_long", "validate"),
    ("very_large_file", "validate"),
    ("output_folder_not_writable", "build"),
]


@pytest.mark.parametrize(("name", "command"), SUBPROCESS_ROWS)
def test_no_traceback_reaches_the_terminal(name, command, folders):
    """In a real process: one line on stderr, nothing else, whatever logging or warnings do."""
    case = next(c for c in CASES if c.name == name)
    inputs, outputs = folders
    source = case.input_path(inputs)
    suffix = SUFFIX[command]
    out = case.out(outputs, suffix) if case.out else outputs / f"result{suffix}"
    result = subprocess.run(
        [*zoneplan_cli(), *argv(command, source, out, case)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "ZONEPLAN_DEBUG": ""},
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    check_message(the_line(result.stderr, command), case, out if case.out else source)
    assert not out.exists()


def test_the_committed_corpus_is_all_used():
    """Every file under corpus/ is a case (or the clean input), and every case's file exists."""
    files = {c.file for c in CASES if c.file}
    assert all((CORPUS / f).is_file() for f in files)
    assert {p.name for p in CORPUS.iterdir()} == files | {GOOD.name}


def test_the_clean_input_passes_every_command(folders, capsys):
    """The output cases fail because of the output alone: the same input with a good --out works."""
    _, outputs = folders
    assert main(["validate", str(GOOD)]) == 0
    assert main(["areas", "--layer", str(GOOD), "--out", str(outputs / "a.csv")]) == 0
    assert main(["validate", "--repair", str(GOOD), "--out", str(outputs / "v.geojson")]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in outputs.iterdir()) == ["a.csv", "v.geojson"]


def test_a_higher_input_limit_accepts_the_very_large_file(folders, capsys):
    case = next(c for c in CASES if c.name == "very_large_file")
    source = case.input_path(folders[0])
    size_mb = source.stat().st_size / 1e6
    assert SMALL_LIMIT_MB < size_mb < 5  # a few MB: larger than the limit, small to commit to
    assert main(["validate", "--max-input-mb", "5", str(source)]) == 0
    assert f"{source}: clean" in capsys.readouterr().out
    assert DEFAULT_MAX_INPUT_MB == 1024


@pytest.mark.parametrize("value", ["0", "-3", "nan", "inf", "lots"])
def test_a_bad_input_limit_is_a_usage_error(value, capsys):
    with pytest.raises(SystemExit) as info:
        main(["validate", "--max-input-mb", value, str(GOOD)])
    assert info.value.code == 2
    assert "is not a positive number of megabytes" in capsys.readouterr().err


def test_your_own_layers_need_no_schema_properties(folders, capsys):
    """The missing-property case is a catalog-schema rule: build and areas accept the file."""
    source = CORPUS / "missing_required_property.geojson"
    out = folders[1] / "a.csv"
    assert main(["validate", str(source)]) == 0
    assert main(["areas", "--layer", str(source), "--out", str(out)]) == 0
    capsys.readouterr()
    assert out.is_file()


# --- --repair: every change reported with its area difference, never silently ------------------

REPAIRABLE = [c for c in CASES if c.repairable]


def repair_lines(text: str, source: Path) -> list[str]:
    return [
        line for line in text.splitlines() if line.startswith(f"{source}: feature 'p1': repaired (")
    ]


@pytest.mark.parametrize("case", REPAIRABLE, ids=lambda c: c.name)
def test_areas_repair_reports_and_measures_the_repaired_geometry(case, folders, caplog):
    source = case.input_path(folders[0])
    out = folders[1] / "areas.csv"
    with caplog.at_level("INFO"):
        assert main(["areas", "--repair", "--layer", str(source), "--out", str(out)]) == 0
    [line] = repair_lines("\n".join(caplog.messages), source)
    reason = case.words[0].removeprefix("invalid geometry: ")
    assert f"repaired ({reason}" in line
    assert " ha as drawn, " in line
    assert " ha after (" in line
    with out.open(encoding="utf-8") as fh:
        [row] = list(csv.DictReader(fh))
    after = float(line.split(" ha as drawn, ")[1].split(" ha after")[0])
    assert float(row["area_ha_ellipsoidal"]) == pytest.approx(after, abs=1e-4)


def test_build_repair_reports_and_draws_the_repaired_geometry(folders, caplog, capsys):
    source = CORPUS / "bowtie.geojson"
    out = folders[1] / "map.html"
    with caplog.at_level("INFO"):
        assert main(["build", "--repair", "--layer", str(source), "--out", str(out)]) == 0
    [line] = repair_lines("\n".join(caplog.messages), source)
    assert "repaired (Self-intersection[106.65 20.65]): 0.0000 ha as drawn, " in line
    assert "bowtie.geojson" in out.read_text(encoding="utf-8")  # the layer is on the map
    assert f"{out}: map of " in capsys.readouterr().out


@pytest.mark.parametrize("case", REPAIRABLE, ids=lambda c: c.name)
def test_validate_repair_writes_a_valid_copy(case, folders, capsys):
    source = case.input_path(folders[0])
    before = source.read_bytes()
    out = folders[1] / "fixed.geojson"
    assert main(["validate", "--repair", str(source), "--out", str(out)]) == 0
    assert len(repair_lines(capsys.readouterr().out, source)) == 1
    assert main(["validate", str(out)]) == 0
    assert source.read_bytes() == before


def test_repair_is_reported_on_the_terminal(folders):
    """In a real process the repair report reaches stderr, with the area difference."""
    source = CORPUS / "bowtie.geojson"
    out = folders[1] / "areas.csv"
    result = subprocess.run(
        [*zoneplan_cli(), "areas", "--repair", "--layer", str(source), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    [line] = repair_lines(result.stderr, source)
    assert re.search(r" ha as drawn, \d+\.\d{4} ha after \([+-]\d+\.\d{4} ha\)$", line), line
    assert out.is_file()
