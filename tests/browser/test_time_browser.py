"""
The date slider in headless Chromium.

What the page shows on a date is checked against what Python computes from the same
files: `zoneplan.events.EventLog` for the shipped layers (a feature exists from its first
event, its status is the one its latest status-giving event gives), pandas for a user
layer's date column. The date goes into the address and comes back from it; the slider
moves by keyboard and by touch.
"""

from __future__ import annotations

import io
import itertools
import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PIL import Image

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
    rng = mp.page.locator(".zp-time-date")
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
    rng = mp.page.locator(".zp-time-date")
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
    # the swipe: the right side's copy of the layer counts its own date
    mp.js("() => window.zoneplan.viewer.setDate('2024-06-30')")
    mp.js("() => window.zoneplan.viewer.setSwipe(true)")
    mp.js("() => window.zoneplan.viewer.setDate('2025-04-15', {right: true})")
    counts = mp.js(
        """() => { const v = window.zoneplan.viewer;
        const e = v.layers.find(e => e.spec.group === 'user'), t = v.twins[e.index];
        if (!t.big) t.countNow = t.items.filter(it => it.shown).length;
        return [e.countNow, t.countNow, v.map.hasLayer(t.group)]; }"""
    )
    by = [
        sum(1 for d in dated["days"] if d is None or d <= day)
        for day in ("2024-06-30", "2025-04-15")
    ]
    assert counts == [*by, True]
    # a parcel there only on the right date is found under the pointer on the right side
    # alone (the first square: 15 Mar 2025), and its popup is the right side's
    hit = """(at) => { const v = window.zoneplan.viewer; v.setSwipeAt(at);
      v.map.setView([20.7025, 106.6025], 15, {animate: false});
      const e = v.layers.find(e => e.spec.group === 'user');
      if (!e.big) return null;
      const h = v.bigHit(L.latLng(20.7025, 106.6025));
      return h ? [h.entry === v.twins[e.index], v.bigItem(h.entry, h.f).feature.properties.id]
               : 'none'; }"""
    if kind == "big":
        assert dated["days"][0] == "2025-03-15"
        assert mp.js(hit, 1) == "none"  # all left: 30 Jun 2024
        assert mp.js(hit, 0) == [True, "p0"]  # all right: 15 Apr 2025
    mp.page.evaluate("() => window.zoneplan.viewer.whenDrawn()")
    mp.assert_clean(allow_refused_tiles=True)


#: What covers the map: the controls, the phone's dock and the swipe's divider.
COVERS = ".leaflet-control-container, .zp-toolbar, .zp-sheet, .zp-swipe"
SET_COVERS = (
    "(v) => document.querySelectorAll('" + COVERS + "').forEach(n => { n.style.visibility = v; })"
)


def _shot(mp) -> np.ndarray:
    """The map's pixels (controls and divider hidden), once the view has been painted."""
    mp.page.evaluate("() => window.zoneplan.viewer.whenDrawn()")
    mp.js(SET_COVERS, "hidden")
    png = mp.page.screenshot()
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def _mad(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference of two images."""
    return float(np.abs(a.astype(int) - b.astype(int)).mean())


def _whole_sides(mp) -> tuple[np.ndarray, np.ndarray]:
    """The swipe with the divider at the right edge (all left side) and at the left edge."""
    at = mp.js("() => window.zoneplan.viewer.swipe.at")
    shots = []
    for edge in (1, 0):
        mp.js("(x) => window.zoneplan.viewer.setSwipeAt(x)", edge)
        shots.append(_shot(mp))
    mp.js("(x) => window.zoneplan.viewer.setSwipeAt(x)", at)
    mp.js(SET_COVERS, "")
    return shots[0], shots[1]


def test_swipe_shows_each_date_on_its_side(open_map, maps) -> None:
    mp = open_map(maps["en"])
    old, new = "2017-05-31", "2026-11-30"
    mp.js("(d) => window.zoneplan.viewer.setDate(d)", old)
    ref_old = _shot(mp)
    mp.js("(d) => window.zoneplan.viewer.setDate(d)", new)
    ref_new = _shot(mp)
    width = ref_old.shape[1]
    half = width // 2
    # the two dates look different on both halves, so the checks below can tell them apart
    assert (ref_old[:, :half] != ref_new[:, :half]).any(axis=2).sum() > 1000
    assert (ref_old[:, half:] != ref_new[:, half:]).any(axis=2).sum() > 1000
    # the swipe from the panel: the slider's date on the left, the second date on the right
    mp.js("(d) => window.zoneplan.viewer.setDate(d)", old)
    mp.js(SET_COVERS, "")
    mp.page.locator(".zp-swipe-on").check()
    mp.js("(d) => window.zoneplan.viewer.setDate(d, {right: true})", new)
    assert mp.js("() => location.hash") == f"#date={old}&right={new}"
    divider = mp.page.locator(".zp-swipe")
    assert divider.get_attribute("aria-label") == "Divider: left 31 May 2017, right 30 Nov 2026"
    box = divider.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] / 2 == pytest.approx(half, abs=1)
    # with the divider at an edge, one side fills the map: the left side is the first date,
    # the right side the second (clipping panes antialiases edges a little differently, so
    # these are compared by how close they are; the halves below pixel for pixel)
    all_left, all_right = _whole_sides(mp)
    assert _mad(all_left, ref_old) < 0.2 * _mad(all_left, ref_new)
    assert _mad(all_right, ref_new) < 0.2 * _mad(all_right, ref_old)
    # drag the divider to a quarter of the width
    y = box["y"] + box["height"] / 2
    mp.page.mouse.move(half, y)
    mp.page.mouse.down()
    mp.page.mouse.move(width * 0.6, y, steps=4)
    mp.page.mouse.move(width / 4, y, steps=4)
    mp.page.mouse.up()
    at = round(width / 4)
    assert mp.js("() => window.zoneplan.viewer.swipe.at") == pytest.approx(0.25, abs=0.002)
    got = _shot(mp)
    assert (got[:, : at - 3] == all_left[:, : at - 3]).all()
    assert (got[:, at + 3 :] == all_right[:, at + 3 :]).all()
    # pan the map: each side still shows its date, clipped at the same place on the screen
    mp.js(SET_COVERS, "")
    mp.js("() => window.zoneplan.viewer.map.panBy([120, 0], {animate: false})")
    panned = _shot(mp)
    mp.js(SET_COVERS, "")
    all_left, all_right = _whole_sides(mp)
    assert (panned[:, : at - 3] == all_left[:, : at - 3]).all()
    assert (panned[:, at + 3 :] == all_right[:, at + 3 :]).all()
    assert (panned != got).any(axis=2).sum() > 1000  # it did move
    # off: the panes are whole again and the address forgets the right date
    mp.js("() => window.zoneplan.viewer.setSwipe(false)")
    assert "right=" not in mp.js("() => location.hash")
    mp.js("() => window.zoneplan.viewer.map.panBy([-120, 0], {animate: false})")
    back = _shot(mp)
    assert _mad(back, ref_old) < 0.2 * _mad(back, ref_new)
    assert mp.js("() => window.zoneplan.viewer.panes.every(p => !p.style.clip)")
    # a link with both dates opens the swipe; the keyboard moves the divider
    mp.js(SET_COVERS, "")
    mp.js("() => { location.hash = 'date=2017-05-31&right=2026-11-30'; }")
    mp.page.wait_for_function("() => window.zoneplan.viewer.swipe.on")
    divider.focus()
    mp.page.keyboard.press("ArrowRight")
    assert mp.js("() => window.zoneplan.viewer.swipe.at") == pytest.approx(0.27, abs=0.002)
    assert divider.get_attribute("aria-valuenow") == "27"
    mp.assert_clean(allow_refused_tiles=True)


@pytest.fixture(scope="module")
def change_map(tmp_path_factory) -> dict:
    """Two versions of three squares on the grid, compared by ``zoneplan diff --map``."""
    from zoneplan.cli import main

    folder = tmp_path_factory.mktemp("change")
    x0, y0 = 600_000, 2_280_000

    def sq(x: float, h: float = 800) -> shapely.Polygon:
        return shapely.box(x0 + x, y0, x0 + x + 800, y0 + h)

    old = gpd.GeoDataFrame(
        {"id": ["grown", "removed", "same"]}, geometry=[sq(0), sq(1000), sq(2000)], crs=9210
    )
    new = gpd.GeoDataFrame(
        {"id": ["grown", "same", "added"]}, geometry=[sq(0, 1200), sq(2000), sq(3000)], crs=9210
    )
    old.to_file(folder / "v1.gpkg")
    new.to_crs(4326).to_file(folder / "v2.geojson")
    out, table = folder / "change.html", folder / "change.json"
    args = [str(folder / "v1.gpkg"), str(folder / "v2.geojson"), "--map", str(out)]
    assert main(["-q", "diff", *args, "--lang", "en", "--out", str(table)]) == 0
    rows = {r["id"]: r for r in json.loads(table.read_text(encoding="utf-8"))}
    return {"path": out, "rows": rows}


def test_diff_map_colours_tooltips_and_swipe(open_map, change_map) -> None:
    mp = open_map(change_map["path"])
    v = "window.zoneplan.viewer"
    titles = mp.js(f"() => {v}.layers.map(e => [e.spec.title, e.spec.side || null])")
    assert titles == [
        ["v1.gpkg", "left"],
        ["v2.geojson", "right"],
        ["Land gained", None],
        ["Land lost", None],
    ]
    # gained and lost land in two colours, each piece's tooltip with its hectares
    tips = mp.js(
        f"""() => {v}.layers.slice(2).map(e => e.items.map(it =>
          [it.feature.properties.id, {v}.tooltipContent(it).textContent,
           it.layer.options.fillColor]))"""
    )
    gained, lost = ({t[0]: t for t in layer} for layer in tips)
    assert set(gained) == {"grown", "added"}
    assert set(lost) == {"removed"}
    rows = change_map["rows"]
    assert rows["grown"]["gained_ha_vn2000"] == pytest.approx(32.0, abs=1e-3)
    assert "Land gained" in gained["grown"][1]
    assert "32.00 ha" in gained["grown"][1]
    assert "64.00 ha" in gained["added"][1]
    assert "Land lost" in lost["removed"][1]
    assert "64.00 ha" in lost["removed"][1]
    assert gained["grown"][2] != lost["removed"][2]
    # the swipe: the old version left of the divider, the new one right of it
    assert mp.page.locator(".zp-swipe").get_attribute("aria-label") == (
        "Divider: left v1.gpkg, right v2.geojson"
    )
    mp.js(f"() => {{ {v}.setLayerOn(2, false); {v}.setLayerOn(3, false); }}")
    removed = mp.js(
        f"""() => {{ const e = {v}.layers[0];
        const it = e.items.find(it => it.feature.properties.id === 'removed');
        const p = {v}.map.latLngToContainerPoint(it.layer.getBounds().getCenter());
        return [p.x, p.y]; }}"""
    )

    def pixel(at: float) -> tuple[int, int, int]:
        mp.js(f"(x) => {v}.setSwipeAt(x)", at)
        img = _shot(mp)
        mp.js(SET_COVERS, "")
        return tuple(int(c) for c in img[round(removed[1]), round(removed[0])])

    only_old, only_new = pixel(1), pixel(0)
    background = (236, 239, 242)  # the blank test tile
    assert only_new == background  # the removed square is not in the new version
    assert only_old != background
    mp.assert_clean(allow_refused_tiles=True)


def test_a_dated_big_layers_first_view_is_drawn_by_the_page(open_map, dated) -> None:
    """
    A big layer with a date field is drawn by the page (its worker cannot see the dates): its
    first view waits for the page's copy of the geometry, and the first paint is that view's,
    every square of it drawn.
    """
    mp = open_map(dated["big"])
    got = mp.js(
        """() => { const v = window.zoneplan.viewer, t = window.zoneplan.timings;
          const e = v.layers.find(e => e.spec.group === 'user');
          return { since: !!e.since, geometry: t.geometry, drawn: t.drawn,
                   frames: e.group.stats.frames, worker: e.group.stats.worker,
                   drawnTiles: e.group.stats.drawn }; }"""
    )
    assert got["since"]
    assert got["geometry"] <= got["drawn"]
    assert got["frames"] >= 1
    assert got["worker"] == 0
    assert got["drawnTiles"] > 0
    mp.assert_clean(allow_refused_tiles=True)
