"""
The date slider in headless Chromium.

What the page shows on a date is checked against what Python computes from the same
files: `zoneplan.events.EventLog` for the shipped layers (a feature exists from its first
event, its status is the one its latest status-giving event gives), pandas for a user
layer's date column. The date goes into the address and comes back from it; the slider
moves by keyboard and by touch.
"""

from __future__ import annotations

import itertools
import json

import geopandas as gpd
import pytest
import shapely

from helpers import build
from zoneplan.catalog import load_catalog
from zoneplan.events import load_events
from zoneplan.render.style import STATUS_STYLES
from zoneplan.schema import STATUSES

pytestmark = pytest.mark.browser

DATES = ("2017-05-31", "2023-12-31", "2024-12-04", "2025-06-30", "2025-12-31", "2026-11-30")

SHOWN = """() => { const v = window.zoneplan.viewer, keys = v.data.statuses.map(s => s.key);
  const out = {};
  for (const e of v.layers) {
    if (e.big) continue;
    out[e.spec.title] = { count: e.countNow, features: Object.fromEntries(e.items
      .filter(it => it.shown && e.group.hasLayer(it.layer))
      .map(it => [it.feature.properties.id,
        it.feature.zp.status >= 0 ? keys[it.feature.zp.status] : null])) };
  }
  return out; }"""
PANEL_COUNTS = """() => [...document.querySelectorAll('.zp-layer')].map(l =>
  [l.textContent.replace(/\\s*\\(\\d+\\)$/, '').trim(),
   l.querySelector('.zp-layer-count').textContent])"""
LEGEND_STATUSES = """() => [...document.querySelectorAll('.zp-legend-status')]
  .filter(li => !li.hidden).map(li => li.textContent.trim())"""
DASHES = """() => { const v = window.zoneplan.viewer, out = {};
  for (const e of v.layers) for (const it of e.items)
    if (it.shown && it.layer.getElement && it.layer.getElement())
      out[it.feature.properties.id] = it.layer.getElement().getAttribute('stroke-dasharray');
  return out; }"""


@pytest.fixture(scope="module")
def expected() -> dict[str, dict]:
    """For each date: layer title → {id: status} of the features existing then."""
    log = load_events()
    layers = []
    for entry in load_catalog().layers:
        data = json.loads(entry.path.read_text(encoding="utf-8"))
        own = {f["properties"]["id"]: f["properties"].get("status") for f in data["features"]}
        layers.append((entry.title_en, own))
    return {day: {title: log.statuses_on(day, own) for title, own in layers} for day in DATES}


@pytest.fixture(scope="module")
def page(shared_map, maps):
    return shared_map("en", maps["en"])


def _features(mp) -> dict[str, dict]:
    return {k: v["features"] for k, v in mp.js(SHOWN).items()}


def test_features_and_statuses_on_each_date_match_the_events(page, expected) -> None:
    statuses = {s["key"]: s["label"] for s in page.js("() => window.zoneplan.viewer.data.statuses")}
    for day in DATES:
        page.js("(d) => window.zoneplan.viewer.setDate(d)", day)
        got = _features(page)
        assert got == expected[day], day
        # the layer panel counts the features existing that day
        counts = dict(page.js(PANEL_COUNTS))
        for title, feats in expected[day].items():
            assert counts[title] == f" ({len(feats)})", (day, title)
        # the slider's count and the legend's status key: the layers switched on
        on = set(
            page.js("() => window.zoneplan.viewer.layers.filter(e => e.on).map(e => e.spec.title)")
        )
        shown = {title: feats for title, feats in expected[day].items() if title in on}
        assert page.page.locator(".zp-time-count").text_content() == (
            f"{sum(len(f) for f in shown.values())} features on this date"
        )
        drawn = {s for feats in shown.values() for s in feats.values() if s}
        assert sorted(page.js(LEGEND_STATUSES)) == sorted(statuses[s] for s in drawn)
        # each outline is drawn as its status on that day asks
        dashes = page.js(DASHES)
        for feats in expected[day].values():
            for fid, status in feats.items():
                dash = STATUS_STYLES[status].dash
                if fid in dashes and dash is not None:
                    assert dashes[fid] == (dash or None), (day, fid, status)
    # the first date: only what was announced by then; the zone itself only from Sep 2023
    assert expected["2017-05-31"]["Economic zone boundary (indicative)"] == {}
    assert expected["2023-12-31"]["Economic zone boundary (indicative)"] == {"zone": "proposed"}
    assert expected["2024-12-04"]["Economic zone boundary (indicative)"] == {"zone": "planned"}
    page.js("() => window.zoneplan.viewer.setDate(window.zoneplan.viewer.data.time.end)")


def test_popup_status_and_later_events_follow_the_date(page) -> None:
    log = load_events()
    fid, day = "tr-coastal-road", "2024-12-04"
    page.js("(d) => window.zoneplan.viewer.setDate(d)", day)
    opened = page.js(
        """(fid) => { const v = window.zoneplan.viewer;
        for (const e of v.layers) for (const it of e.items)
          if (it.feature.properties.id === fid) { v.openPopup(it); return true; }
        return false; }""",
        fid,
    )
    assert opened
    popup = page.page.locator(".leaflet-popup-content")
    popup.locator(".zp-timeline").wait_for(state="visible")
    status_row = popup.locator(".zp-row-status")
    assert status_row.locator("th").text_content() == "Status on 4 Dec 2024"
    status = log.status(fid, day)
    assert status is not None
    assert status_row.locator("td").text_content() == STATUSES[status][1]  # English label
    later = popup.locator(".zp-event-later .zp-event-date").evaluate_all(
        "ns => ns.map(n => n.getAttribute('data-date'))"
    )
    assert later == [
        e.date.text for e in log.timeline(fid, newest_first=True) if e.date.start.isoformat() > day
    ]
    assert later  # the road has events after the decision
    page.js("() => window.zoneplan.viewer.map.closePopup()")
    page.js("() => window.zoneplan.viewer.setDate(window.zoneplan.viewer.data.time.end)")


def test_date_in_the_address_round_trips_and_the_keyboard_moves_it(open_map, maps) -> None:
    path = maps["en"]
    mp = open_map(path)
    spec = mp.js("() => window.zoneplan.viewer.data.time")
    stops = [s[0] for s in spec["stops"]]
    assert stops[0] == "2017-05-31"
    assert stops[-1] == spec["end"] == "2026-11-30"
    assert "2024-12-04" in stops  # the decision's date is a stop of its own, between months
    assert all(a < b for a, b in itertools.pairwise(stops))
    # a link opens on its date
    mp.page.goto(path.resolve().as_uri() + "#date=2025-06-30")
    mp.page.wait_for_selector("body[data-zoneplan-ready]", state="attached")
    assert mp.js("() => window.zoneplan.viewer.timeline.date") == "2025-06-30"
    rng = mp.page.locator(".zp-time-range")
    assert rng.input_value() == str(stops.index("2025-06-30"))
    assert rng.get_attribute("aria-valuetext") == "30 Jun 2025"
    # keys move it a month at a time, and the address follows without a history step
    length = mp.js("() => history.length")
    rng.focus()
    mp.page.keyboard.press("ArrowRight")
    assert mp.js("() => location.hash") == "#date=2025-07-31"
    mp.page.keyboard.press("Home")
    assert mp.js("() => location.hash") == "#date=2017-05-31"
    mp.page.keyboard.press("End")
    assert mp.js("() => location.hash") == "#date=2026-11-30"
    assert mp.js("() => history.length") == length
    # the marks jump to their day
    mp.page.locator('.zp-time-mark[data-date="2024-12-04"]').click()
    assert mp.js("() => location.hash") == "#date=2024-12-04"
    assert rng.get_attribute("aria-valuetext") == "4 Dec 2024 · Decision 1511/QĐ-TTg"
    # the address is read back when it changes, and a date out of range or not a date is clamped
    mp.js("() => { location.hash = 'date=2025-12-31'; }")
    mp.page.wait_for_function("() => window.zoneplan.viewer.timeline.date === '2025-12-31'")
    mp.js("() => { location.hash = 'date=1999-01-01'; }")
    mp.page.wait_for_function("() => window.zoneplan.viewer.timeline.date === '2017-05-01'")
    mp.js("() => { location.hash = 'date=2025-02-30'; }")
    mp.page.wait_for_function("() => window.zoneplan.viewer.timeline.date === '2026-11-30'")
    mp.assert_clean(allow_refused_tiles=True)


def test_slider_by_touch_on_a_phone(open_map, maps, phone) -> None:
    mp = open_map(maps["en"], **phone)
    mp.page.locator('.zp-toolbar button[data-panel="time"]').tap()
    rng = mp.page.locator(".zp-time-range")
    rng.wait_for(state="visible")
    box = rng.bounding_box()
    assert box is not None
    assert box["width"] > 200  # the sheet gives the slider the width
    mp.page.touchscreen.tap(box["x"] + 8, box["y"] + box["height"] / 2)
    mp.page.wait_for_function("() => window.zoneplan.viewer.timeline.date === '2017-05-31'")
    assert mp.js("() => location.hash") == "#date=2017-05-31"
    mp.assert_clean(allow_refused_tiles=True)


@pytest.fixture(scope="module")
def dated(tmp_path_factory):
    """A user layer of 60 squares with a date column in three spellings and some blanks."""
    folder = tmp_path_factory.mktemp("dated")
    values = ["2025-03-15", "04/2025", "2024", None, "2026-01-01", "15/08/2025"] * 10
    squares = [shapely.box(106.60 + 0.01 * i, 20.70, 106.605 + 0.01 * i, 20.705) for i in range(60)]
    gdf = gpd.GeoDataFrame(
        {"id": [f"p{i}" for i in range(60)], "approved": values}, geometry=squares, crs=4326
    )
    path = folder / "dated.geojson"
    gdf.to_file(path, driver="GeoJSON")
    small = build(
        folder / "small.html", "--lang", "en", "--layer", str(path), "--date-field", "approved"
    )
    big = build(
        folder / "big.html",
        "--lang", "en", "--layer", str(path), "--date-field", "approved",
        "--big-layer-threshold", "10",
    )  # fmt: skip
    first = {"2025-03-15": "2025-03-15", "04/2025": "2025-04-01", "2024": "2024-01-01",
             "2026-01-01": "2026-01-01", "15/08/2025": "2025-08-15"}  # fmt: skip
    return {"small": small, "big": big, "days": [first.get(v) if v else None for v in values]}


@pytest.mark.parametrize("kind", ["small", "big"])
def test_user_layer_date_field(open_map, dated, kind) -> None:
    mp = open_map(dated[kind])
    count = """() => { const v = window.zoneplan.viewer;
      const e = v.layers.find(e => e.spec.group === 'user'); return e.countNow; }"""
    for day in ("2024-01-01", "2024-12-31", "2025-03-31", "2025-04-01", "2025-08-31", "2026-11-30"):
        mp.js("(d) => window.zoneplan.viewer.setDate(d)", day)
        want = sum(1 for d in dated["days"] if d is None or d <= day)
        assert mp.js(count) == want, (kind, day)
        label = mp.page.locator(".zp-layer", has_text="dated.geojson").locator(".zp-layer-count")
        assert label.text_content() == f" ({want})"
    mp.assert_clean(allow_refused_tiles=True)
