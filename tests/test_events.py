"""
The dated events: the shipped file's schema, the event API (timelines, status on a date,
the features existing on a date) and the checks of `zoneplan validate`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from helpers import fact_sheet_text
from zoneplan import schema
from zoneplan.catalog import geodata_dir
from zoneplan.cli import main
from zoneplan.errors import InputError
from zoneplan.events import (
    EVENT_COLUMNS,
    Event,
    EventDate,
    EventLog,
    load_events,
    parse_events,
    read_events,
)
from zoneplan.validate import validate_catalog
from zoneplan.validate.events import check_events

ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    """The shipped events, read with the csv module alone."""
    text = (geodata_dir() / "events.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture(scope="module")
def features() -> dict[str, dict[str, Any]]:
    cat = json.loads((geodata_dir() / "catalog.json").read_text(encoding="utf-8"))
    out = {}
    for layer in cat["layers"]:
        data = json.loads((geodata_dir() / layer["file"]).read_text(encoding="utf-8"))
        for f in data["features"]:
            out[f["properties"]["id"]] = f["properties"]
    return out


# --- the shipped file ------------------------------------------------------------------------


def test_events_file_schema(rows: list[dict[str, str]], features: dict[str, Any]) -> None:
    header = (geodata_dir() / "events.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == list(EVENT_COLUMNS)
    assert len(rows) > 40
    keys = [(r["event_id"], r["feature_id"]) for r in rows]
    assert len(keys) == len(set(keys))
    for r in rows:
        where = f"{r['event_id']}/{r['feature_id']}"
        assert r["feature_id"] in features, where
        assert ISO.match(r["date"]), where
        parsed = EventDate.parse(r["date"])
        assert r["precision"] == {4: "year", 7: "month", 10: "day"}[len(r["date"])], where
        assert parsed.precision == r["precision"]
        assert r["kind"] in schema.EVENT_KINDS, where
        assert re.match(r"^https?://\S+$", r["source_url"]), where
        assert r["text_vi"].strip()
        assert r["text_en"].strip()
        assert "<" not in r["text_vi"] + r["text_en"]


def test_event_sources_come_from_the_fact_sheet(rows: list[dict[str, str]]) -> None:
    text = fact_sheet_text()
    for r in rows:
        assert r["source_url"] in text, r["event_id"]


def test_conflicting_reports_are_both_present(rows: list[dict[str, str]]) -> None:
    groups: dict[str, dict[str, dict[str, str]]] = {}
    for r in rows:
        if r["conflict"]:
            groups.setdefault(r["conflict"], {})[r["event_id"]] = r
    assert set(groups) == {"ftz-4068-date", "port-scheme"}
    ftz = groups["ftz-4068-date"].values()
    assert sorted(r["date"] for r in ftz) == ["2025-10-13", "2025-10-16"]
    assert {r["decision"] for r in ftz} == {"4068/QĐ-UBND"}
    assert len({r["source_url"] for r in ftz}) == 2
    port = groups["port-scheme"].values()
    texts = " ".join(r["text_en"] for r in port)
    assert "4,394.5 ha" in texts
    assert "2,789 ha" in texts
    assert len({r["source_url"] for r in port}) == 2
    log = load_events()
    assert {k: len(v) for k, v in log.conflicts().items()} == {
        "ftz-4068-date": 2,
        "port-scheme": 2,
    }


def test_every_feature_status_follows_from_its_latest_event(
    features: dict[str, dict[str, Any]],
) -> None:
    log = load_events()
    for fid, props in features.items():
        timeline = log.timeline(fid)
        if not timeline:
            assert props["status"] == "existing", fid
            continue
        latest_with_status = [e for e in timeline if schema.KIND_STATUS[e.kind]][-1]
        assert props["status"] == schema.KIND_STATUS[latest_with_status.kind], fid
        assert props["as_of"] >= timeline[-1].date.text, fid


def test_the_shipped_catalog_validates_clean() -> None:
    assert validate_catalog() == []


# --- the API ---------------------------------------------------------------------------------


def test_event_dates_keep_their_precision() -> None:
    assert EventDate.parse("2025-10-13").precision == "day"
    month = EventDate.parse("2024-02")
    assert (month.start, month.end) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    year = EventDate.parse("2025")
    assert (year.start, year.end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert str(year) == "2025"
    for bad in ("2025-13", "2025-02-30", "13/10/2025", "2025-1-5", "", "soon"):
        with pytest.raises(ValueError, match="not"):
            EventDate.parse(bad)


def _ev(fid: str, date: str, kind: str, row: int = 0, **kw: str) -> Event:
    return Event(kw.pop("event_id", f"e{row}"), fid, EventDate.parse(date), kind, "vi", "en",
                 source_url="https://example.org/", row=row, **kw)  # fmt: skip


def test_status_on_a_date_follows_the_latest_event() -> None:
    log = EventLog(
        [
            _ev("a", "2025-09-26", "groundbreaking", 3),
            _ev("a", "2023", "proposed", 1),
            _ev("a", "2025-06-11", "investment approval", 2),
            _ev("a", "2026-01", "reviewed", 4),
            _ev("b", "2017-05", "groundbreaking", 5),
            _ev("b", "2025-09-07", "stalled", 6),
        ]
    )
    assert [e.kind for e in log.timeline("a")] == [
        "proposed",
        "investment approval",
        "groundbreaking",
        "reviewed",
    ]
    assert log.timeline("a", newest_first=True)[0].kind == "reviewed"
    assert log.status("a", on="2022-12-31") is None
    assert log.status("a", on="2023-01-01") == "proposed"  # a year counts from its first day
    assert log.status("a", on=dt.date(2025, 6, 11)) == "approved"
    assert log.status("a", on="2025-09-25") == "approved"
    assert log.status("a", on="2025-09-26") == "under construction"
    assert log.status("a") == "under construction"  # a review leaves the status
    assert log.status("b", on="2017-05-01") == "under construction"
    assert log.status("b") == "stalled"
    assert str(log.as_of("a")) == "2026-01"
    assert log.exists("a", "2023-06-01")
    assert not log.exists("b", "2017-04-30")
    assert log.exists("no-events", "1900-01-01")
    assert log.existing_on("2020-01-01", ["a", "b", "c"]) == ["b", "c"]
    assert log.statuses_on("2024-01-01", {"a": "x", "b": "x", "c": "existing"}) == {
        "a": "proposed",
        "b": "under construction",
        "c": "existing",
    }
    with pytest.raises(ValueError, match="full date"):
        log.status("a", on="2025-10")


def test_shipped_timelines_on_known_dates() -> None:
    log = load_events()
    assert log.status("zone", on="2024-12-03") == "proposed"
    assert log.status("zone", on="2024-12-04") == "planned"
    assert log.status("fa-ftz-1", on="2025-10-12") is None
    assert log.status("fa-ftz-1", on="2025-10-13") == "planned"
    assert log.status("tr-coastal-road", on="2025-09-06") == "under construction"
    assert log.status("tr-coastal-road", on="2025-09-07") == "stalled"
    assert log.status("adm-hung-thang", on="2025-06-20") == "planned"
    assert log.status("adm-hung-thang", on="2025-07-01") == "in operation"
    assert log.status("tr-ct08-link", on="2026-01-28") is None
    assert log.status("tr-ct08-link", on="2026-01-29") == "approved"
    on_decision = log.existing_on("2024-12-04", ["zone", "fa-ftz-1", "ctx-cat-bi"])
    assert on_decision == ["zone", "ctx-cat-bi"]
    newest_first = [str(e.date) for e in log.timeline("fa-port-logistics", newest_first=True)]
    assert newest_first == sorted(newest_first, reverse=True)


def test_events_text_round_trips() -> None:
    from zoneplan.events import events_text

    log = load_events()
    text = events_text(log.events)
    parsed, problems = parse_events(text)
    assert problems == []
    assert [e.record() for e in parsed] == log.records()


# --- broken rows -----------------------------------------------------------------------------

HEADER = ",".join(EVENT_COLUMNS)
GOOD = "e1,zone,2024-12-04,day,decision,vi,en,1511/QĐ-TTg,https://example.org/d,"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (GOOD.replace("2024-12-04", "4/12/2024"), "row 2 (e1): date '4/12/2024' is not an ISO"),
        (GOOD.replace("2024-12-04", "2024-02-30"), "row 2 (e1): date '2024-02-30' is not a"),
        (GOOD.replace(",day,", ",month,"), "precision 'month' does not match date"),
        (GOOD.replace(",decision,", ",approved,"), "kind 'approved' is not an event kind"),
        (GOOD.replace("https://example.org/d", "javascript:alert(1)"), "is not an http(s) link"),
        (GOOD.replace("https://example.org/d", ""), "source_url is empty"),
        (GOOD.replace(",vi,", ",,"), "row 2 (e1): text_vi is empty"),
        (GOOD + ",extra", "1 more values than columns"),
    ],
)
def test_broken_rows_are_named_with_the_fix(row: str, expected: str, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(f"{HEADER}\n{row}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_events(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message
    assert "; " in message  # the fix follows


def test_header_and_duplicates(tmp_path: Path) -> None:
    _, problems = parse_events("event_id,date\ne1,2025\n")
    assert "missing columns" in problems[0].message
    _, problems = parse_events(f"{HEADER},note\n{GOOD},x\n")
    assert "unknown columns ['note']" in problems[0].message
    events, problems = parse_events(f"{HEADER}\n{GOOD}\n{GOOD}\n")
    assert len(events) == 1
    assert problems[0].row == 3
    assert "names feature 'zone' twice" in problems[0].message


def test_check_events_against_features() -> None:
    feats = {
        "a": {"status": "planned", "as_of": "2024-12-04"},
        "b": {"status": "planned", "as_of": "2020"},
        "c": {"status": "planned", "as_of": "2020"},
    }
    events = [
        _ev("a", "2024-12-04", "decision", 2),
        _ev("ghost", "2024-12-04", "decision", 3),
        _ev("b", "2021", "reviewed", 4),
        _ev("b", "2022", "groundbreaking", 5, conflict="lonely"),
    ]
    got = {(p.row, p.message) for p in check_events(events, feats, facts_as_of="2021-06-30")}
    messages = " | ".join(m for _, m in got)
    assert "names feature 'ghost', which no catalog layer has" in messages
    assert "conflict 'lonely' has one report only" in messages
    assert "the first event of 'b' is a 'reviewed', which gives no status" in messages
    assert "'b' has status 'planned', but its latest event gives 'under construction'" in messages
    assert "'b' is dated as_of 2020, before its latest event (2022)" in messages
    assert "is dated 2024-12-04, after facts_as_of 2021-06-30" in messages
    assert "'c' has status 'planned' but no events" in messages
    assert (5, "conflict 'lonely' has one report only") in got


def test_validate_names_the_events_file_row_and_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "geodata"
    shutil.copytree(geodata_dir(), folder)
    events = folder / "events.csv"
    lines = events.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("road-stalled-2025,tr-coastal"))
    lines[row] = lines[row].replace("2025-09-07", "2025-09-31")
    events.write_text("\n".join(lines) + "\n", encoding="utf-8")
    catalog = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
    catalog["facts_as_of"] = "2026-01-01"
    (folder / "catalog.json").write_text(json.dumps(catalog, ensure_ascii=False), "utf-8")
    monkeypatch.setenv("ZONEPLAN_GEODATA", str(folder))
    assert main(["-q", "validate"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert (
        f"{events}: row {row + 1} (road-stalled-2025): date '2025-09-31' is not a calendar date"
    ) in "\n".join(err)
    # the road's status no longer follows from a readable event
    assert any("'tr-coastal-road' has status 'stalled'" in line for line in err)
    assert any(
        line.startswith(str(events)) and "after facts_as_of 2026-01-01" in line for line in err
    )
    assert all(line.count("; ") >= 1 for line in err)
