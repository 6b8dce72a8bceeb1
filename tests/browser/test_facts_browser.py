"""
The facts date, the timelines and the statuses in the map, in headless Chromium.

Expected values come from the shipped files through the Python API (`zoneplan.events`,
the layers' properties), so the page must show what the data says: each popup's timeline
newest first with http(s) source links only, the facts date in the title block, the
status of every feature as a style and as text, the new layers in the panel and legend.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from zoneplan.catalog import geodata_dir, load_catalog
from zoneplan.events import load_events
from zoneplan.render.i18n import date_text
from zoneplan.schema import CATEGORIES, STATUSES

pytestmark = pytest.mark.browser

OPEN_POPUP = """(fid) => { const v = window.zoneplan.viewer;
  for (const e of v.layers) for (const it of e.items)
    if (it.feature.properties.id === fid) { v.openPopup(it); return true; }
  return false; }"""
TIMELINE = """() => [...document.querySelectorAll('.leaflet-popup-content .zp-event')].map(li => ({
  date: li.querySelector('.zp-event-date').getAttribute('data-date'),
  date_text: li.querySelector('.zp-event-date').textContent,
  kind: li.querySelector('.zp-event-kind').textContent,
  text: li.querySelector('.zp-event-text').textContent,
  decision: (li.querySelector('.zp-event-decision') || {}).textContent || '',
  conflict: !!li.querySelector('.zp-event-conflict'),
  links: [...li.querySelectorAll('a')].map(a => [a.getAttribute('href'), a.rel, a.target])
}))"""


@pytest.fixture(scope="module")
def features() -> dict[str, dict]:
    out = {}
    for entry in load_catalog().layers:
        data = json.loads(entry.path.read_text(encoding="utf-8"))
        for f in data["features"]:
            out[f["properties"]["id"]] = {"layer": entry.id, **f["properties"]}
    return out


def _popup_timeline(mp, fid: str) -> list[dict]:
    assert mp.js(OPEN_POPUP, fid)
    mp.page.locator(".leaflet-popup-content .zp-timeline").wait_for(state="visible")
    got = mp.js(TIMELINE)
    mp.js("() => window.zoneplan.viewer.map.closePopup()")
    return got


def test_popup_timelines_newest_first_with_http_links(open_map, maps, features) -> None:
    log = load_events()
    mp = open_map(maps["en"])
    for fid in ("prj-tan-trao-ip-1", "fa-ftz-1", "fa-port-logistics", "tr-coastal-road", "zone"):
        want = log.timeline(fid, newest_first=True)
        got = _popup_timeline(mp, fid)
        assert [g["date"] for g in got] == [e.date.text for e in want], fid
        dates = [e.date.sort_key for e in want]
        assert dates == sorted(dates, reverse=True)  # newest first
        for g, e in zip(got, want, strict=True):
            assert g["date_text"] == date_text(e.date, "en")
            assert g["text"] == e.text_en
            assert g["kind"] == e.kind.capitalize() or g["kind"] in ("Investment approval",)
            assert g["decision"] == (f"Document: {e.decision}" if e.decision else "")
            assert g["conflict"] == bool(e.conflict)
            assert g["links"] == [[e.source_url, "noopener noreferrer", "_blank"]]
            assert e.source_url.startswith(("http://", "https://"))
    # the two reported dates of the FTZ decision are both there, each with its source
    ftz = _popup_timeline(mp, "fa-ftz-1")
    assert [g["date"] for g in ftz] == ["2025-10-16", "2025-10-13"]
    assert all(g["conflict"] for g in ftz)
    assert len({g["links"][0][0] for g in ftz}) == 2
    # a month is shown as a month, never as a day
    road = _popup_timeline(mp, "tr-coastal-road")
    assert road[-1]["date_text"] == "May 2017"
    # a feature without events has no timeline; its status is its own
    assert mp.js(OPEN_POPUP, "ctx-cat-bi")
    assert mp.page.locator(".leaflet-popup-content .zp-timeline").count() == 0
    assert mp.page.inner_text(".leaflet-popup-content .zp-row-status td") == "Existing"
    mp.assert_clean()


def test_title_block_shows_the_facts_date(open_map, maps) -> None:
    facts = load_catalog().meta["facts_as_of"]
    mp = open_map(maps["default"])
    line = mp.page.locator(".zp-title-facts")
    assert line.inner_text() == f"Số liệu đến ngày {date_text(facts, 'vi')}"
    assert line.get_attribute("data-date") == facts == "2026-11-30"
    # the popup says how current each feature's facts are
    assert mp.js(OPEN_POPUP, "tr-ct08-link")
    row = mp.page.locator(".leaflet-popup-content .zp-row-as-of td")
    assert row.inner_text() == date_text("2026-01-29", "vi") == "29/01/2026"
    assert mp.page.inner_text(".leaflet-popup-content .zp-row-status td") == STATUSES["approved"][0]
    mp.assert_clean()


def test_status_styles_text_layers_and_legend(open_map, maps, features) -> None:
    mp = open_map(maps["en"])
    data = mp.js("() => JSON.parse(document.getElementById('zoneplan-data').textContent)")
    keys = [s["key"] for s in data["statuses"]]
    assert keys == list(STATUSES)
    visible = {e.id for e in load_catalog().layers if e.visible}
    want = Counter(p["status"] for p in features.values() if p["layer"] in visible)
    for status, n in want.items():
        drawn = mp.page.locator(f"path.zp-s{keys.index(status)}").count()
        assert drawn == n, status
    # stalled and under construction are outlined differently from planned land
    stalled, built = keys.index("stalled"), keys.index("under construction")
    road = mp.js(
        """(i) => { const p = document.querySelector('path.zp-s' + i);
        return [p.getAttribute('stroke-dasharray'), p.getAttribute('stroke-width')]; }""",
        stalled,
    )
    assert road[0] == data["statuses"][stalled]["style"]["dash"] == "9 4 2 4"
    dash = mp.js(
        "(i) => getComputedStyle(document.querySelector('path.zp-s' + i)).strokeDasharray", built
    )
    assert dash in ("none", "")
    # status as text in the tooltip
    mp.page.locator(".zp-search-input").fill("Tien Lang 1 industrial park")
    tips = mp.js(
        """() => { const v = window.zoneplan.viewer;
        for (const e of v.layers) for (const it of e.items)
          if (it.feature.properties.id === 'prj-tien-lang-1-ip')
            return v.tooltipContent(it).textContent;
        }"""
    )
    assert "Status: Under construction" in tips
    # the new layers in the layer panel, their categories and the statuses in the legend
    panel = mp.page.inner_text(".zp-panel")
    assert "Investment projects (indicative positions) (5)" in panel
    assert "Communes and wards since 1 Jul 2025 (published centres) (10)" in panel
    legend = mp.page.eval_on_selector_all(
        ".zp-legend-item:not([hidden]) .zp-legend-label", "ls => ls.map(l => l.textContent)"
    )
    for cat in ("ip_project", "power_plant", "commune", "ward"):
        assert CATEGORIES[cat][1] in legend
    shown_statuses = {STATUSES[s][1] for s in want}
    assert shown_statuses <= set(legend)
    assert STATUSES["in operation"][1] in legend  # the communes, since 1 Jul 2025
    # the communes carry their names as text labels; hiding the layer hides them
    labels = mp.page.eval_on_selector_all(".zp-label", "ls => ls.map(l => l.textContent)")
    units = [p for p in features.values() if p["layer"] == "communes"]
    assert sorted(labels) == sorted(p["name_en"] for p in units)
    shown = "() => [...document.querySelectorAll('.zp-label')].filter(l => l.offsetParent).length"
    mp.js("() => window.zoneplan.viewer.map.setZoom(12, {animate: false})")
    assert mp.js(shown) == len(units)
    mp.js("() => window.zoneplan.viewer.map.setZoom(10, {animate: false})")
    assert mp.js(shown) == 0  # too far out: the labels would cover each other
    index = [e.id for e in load_catalog().layers].index("communes")
    mp.js(f"() => window.zoneplan.viewer.setLayerOn({index}, false)")
    assert mp.page.locator(".zp-label").count() == 0
    legend_after = mp.page.eval_on_selector_all(
        ".zp-legend-item:not([hidden]) .zp-legend-label", "ls => ls.map(l => l.textContent)"
    )
    assert CATEGORIES["commune"][1] not in legend_after
    assert STATUSES["in operation"][1] not in legend_after
    mp.assert_clean()


def test_events_file_is_what_the_map_reads() -> None:
    # the map reads the catalog's events file, the one the Python API reads
    cat = load_catalog()
    assert (geodata_dir() / cat.meta["events"]).is_file()
