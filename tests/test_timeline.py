"""The date slider's Python side: dates read, the stops, the range, bad date columns refused."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from zoneplan.cli import main
from zoneplan.errors import InputError
from zoneplan.events import load_events
from zoneplan.render.map import catalog_layers
from zoneplan.render.payload import map_payload
from zoneplan.render.timeline import DECISION_DATE, date_values, parse_day, stops

D = dt.date


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("2025-03-15", D(2025, 3, 15)),
        ("2025-03", D(2025, 3, 1)),
        ("2025", D(2025, 1, 1)),
        ("15/03/2025", D(2025, 3, 15)),
        ("5.3.2025", D(2025, 3, 5)),
        ("03/2025", D(2025, 3, 1)),
        ("2025-03-15T10:00:00", D(2025, 3, 15)),
        (2025, D(2025, 1, 1)),
        (2025.0, D(2025, 1, 1)),
        (np.int64(2025), D(2025, 1, 1)),
        (pd.Timestamp("2025-03-15 23:00"), D(2025, 3, 15)),
        (dt.datetime(2025, 3, 15, 8), D(2025, 3, 15)),
        (D(2025, 3, 15), D(2025, 3, 15)),
        ("", None),
        (None, None),
        (float("nan"), None),
        (pd.NaT, None),
    ],
)
def test_parse_day(value, want) -> None:
    assert parse_day(value) == want


@pytest.mark.parametrize("value", ["2025-02-30", "15/13/2025", "soon", 12.5, 99, True, "2025-3-x"])
def test_parse_day_refuses_what_is_not_a_date(value) -> None:
    with pytest.raises(ValueError, match="not a"):
        parse_day(value)


def test_stops_are_month_ends_with_the_marks_between() -> None:
    got = stops(D(2024, 10, 20), D(2025, 2, 10), [DECISION_DATE, D(2030, 1, 1)])
    assert got == [
        (D(2024, 10, 31), "month"),
        (D(2024, 11, 30), "month"),
        (D(2024, 12, 4), "day"),
        (D(2024, 12, 31), "month"),
        (D(2025, 1, 31), "month"),
        (D(2025, 2, 10), "day"),
    ]
    # a leap year's February, and an end on a month's last day counted once
    assert stops(D(2024, 2, 1), D(2024, 3, 31)) == [
        (D(2024, 2, 29), "month"),
        (D(2024, 3, 31), "day"),
    ]


def test_time_payload_runs_from_the_first_event_to_the_facts_date() -> None:
    layers = catalog_layers()
    time = map_payload(layers, "en", [])["time"]
    log = load_events()
    first = min(e.date.start for e in log.events)
    assert time["start"] == first.isoformat()
    assert time["end"] == "2026-11-30"  # the catalog's facts_as_of
    days = [D.fromisoformat(s[0]) for s in time["stops"]]
    assert days == sorted(set(days))
    months = [d for d, (_, kind) in zip(days, time["stops"], strict=True) if kind == "month"]
    # one stop per month from the first event's month to the month before the facts date
    n_months = (2026 - first.year) * 12 + (11 - first.month)
    assert len(months) == n_months
    assert all((d + dt.timedelta(days=1)).day == 1 for d in months)
    assert [m["date"] for m in time["marks"]] == ["2024-12-04", "2026-11-30"]
    assert [m["label"] for m in time["marks"]] == ["Decision 1511/QĐ-TTg", "facts date"]
    # a user layer alone: no facts date, the range of its own dates
    gdf = gpd.GeoDataFrame(
        {"since": ["2025-05", None, "2026-02-14"]},
        geometry=[shapely.box(106.6, 20.6, 106.61, 20.61)] * 3,
        crs=4326,
    )
    from zoneplan.render.layers import MapLayer

    user = MapLayer("u", "u", "u", "user", gdf, date_field="since")
    time = map_payload([user], "vi", [])["time"]
    assert (time["start"], time["end"]) == ("2025-05-01", "2026-02-14")
    assert time["marks"] == []  # the decision's date is outside the range
    row = map_payload([user], "vi", [])["layers"][0]["time"]
    assert row == {"field": "since", "days": {"2025-05": "2025-05-01", "2026-02-14": "2026-02-14"}}
    # no dates anywhere: no slider
    assert map_payload([MapLayer("u", "u", "u", "user", gdf)], "vi", [])["time"] is None


def test_date_values_names_the_bad_values() -> None:
    gdf = pd.DataFrame({"d": ["2025-01-01", "later", "2025-02-30", "x", "y", "z"]})
    with pytest.raises(InputError, match=r"f\.gpkg: column 'd' holds values that are not") as err:
        date_values(gdf, "d", "f.gpkg")
    msg = str(err.value)
    assert "'later' (feature 2)" in msg
    assert "'2025-02-30' (feature 3)" in msg
    assert "and 2 more" in msg
    assert "\n" not in msg
    with pytest.raises(InputError, match="no column 'when' for --date-field; its columns: d"):
        date_values(gdf, "when", "f.gpkg")


def test_build_refuses_a_bad_date_column_in_one_line(tmp_path, capsys) -> None:
    gdf = gpd.GeoDataFrame(
        {"id": ["a", "b"], "since": ["2025-01-01", "tomorrow"]},
        geometry=[shapely.box(106.6, 20.6, 106.61, 20.61)] * 2,
        crs=4326,
    )
    path = tmp_path / "mine.geojson"
    gdf.to_file(path, driver="GeoJSON")
    out = tmp_path / "map.html"
    code = main(["build", "--out", str(out), "--layer", str(path), "--date-field", "since"])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert len(err.splitlines()) == 1
    assert "mine.geojson" in err
    assert "'tomorrow' (feature 2)" in err
    assert "YYYY-MM-DD" in err
    assert not out.exists()
    # FILE=NAME that names none of the files
    code = main(["build", "--out", str(out), "--layer", str(path), "--date-field", "x.gpkg=since"])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert "x.gpkg is not one of the --layer files" in err
    assert not out.exists()
