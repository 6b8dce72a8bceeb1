"""
Hostile data in every field executes nothing and shows as literal text.

Payloads go into every property value, property name, category, layer title,
catalog title and file name, through three doors: the Python API (no validation
at all), a catalog folder (``ZONEPLAN_GEODATA``) and ``--layer`` with a file
named like a payload. The page is then hovered, clicked and searched; any run
of the payloads would bump ``window.__xss``, open a dialog or load ``x``.
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pytest
from shapely.geometry import box, mapping

from helpers import build
from zoneplan.events import Event, EventDate, EventLog, events_text
from zoneplan.render import MapLayer, build_map, save_map

pytestmark = pytest.mark.browser

MARK = "window.__xss=(window.__xss||0)+1"
PAYLOADS = (
    f"<img src=x onerror={MARK}>",
    f"</script><script>{MARK}</script>",
    f"${{{MARK}}}",
    f"javascript:{MARK}",
    f'"><svg onload="{MARK}">',
    f"');{MARK};//",
    f"<!--<script>{MARK}//-->",
    "{{7*7}} \u2028 \u2029 <b>bold</b> &amp; &lt;",
)
SCHEMA_TEXT = ("id", "name_vi", "name_en", "category", "status", "phase", "source", "method")
BAD_URLS = (
    f"javascript:{MARK}",
    f"JaVaScRiPt:{MARK}",
    f"data:text/html,<script>{MARK}</script>",
    f" javascript:{MARK}",
    f'https://example.org/"><img src=x onerror={MARK}>',
    "https://example.org/ok?q=<b>",
)


def payload_frame(*, strict_types: bool) -> gpd.GeoDataFrame:
    """One square per payload; every text field, extra property name and value is a payload.

    With `strict_types`, numbers stay numbers and links stay http(s), so the user-layer
    validator accepts the file; otherwise those fields carry payloads too.
    """
    rows = []
    for i, p in enumerate(PAYLOADS):
        row = {k: p if k != "id" else f"{p}#{i}" for k in SCHEMA_TEXT}
        row["name_en"] = PAYLOADS[-1 - i]
        url = BAD_URLS[i % len(BAD_URLS)]
        if strict_types:
            row.update(
                declared_area_ha=12.5, accuracy_m=50, source_url=f"https://example.org/{i}?q={p}"
            )
        else:
            row.update(declared_area_ha=p, accuracy_m=p, source_url=url)
        for j, name in enumerate(PAYLOADS):
            row[f"{name} ({j})"] = PAYLOADS[(i + j) % len(PAYLOADS)]
        row["__proto__"] = p
        row["constructor"] = p
        row["geometry"] = box(106.60 + 0.03 * i, 20.64, 106.62 + 0.03 * i, 20.66)
        rows.append(row)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)


def payload_events(ids, urls) -> list[Event]:
    """Two events of each feature, every text a payload, with the given source links."""
    out = []
    for i, fid in enumerate(ids):
        p = PAYLOADS[i % len(PAYLOADS)]
        for j, (date, kind) in enumerate((("2025-10", "decision"), ("2026-01-15", "stalled"))):
            out.append(
                Event(
                    f"{p} {j}",
                    fid,
                    EventDate.parse(date),
                    kind,
                    f"EV-vi {p}",
                    f"EV-en {p}",
                    decision=f"DOC {p}",
                    source_url=urls[(i + j) % len(urls)],
                    conflict=p,
                )
            )
    return out


def write_geojson(path, gdf: gpd.GeoDataFrame) -> None:
    features = [
        {
            "type": "Feature",
            "properties": {k: v for k, v in row.items() if k != "geometry"},
            "geometry": mapping(row["geometry"]),
        }
        for row in gdf.to_dict("records")
    ]
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )


@pytest.fixture(scope="module")
def payload_maps(tmp_path_factory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("payloads")
    # 1. the Python API, no validation in between
    frame = payload_frame(strict_types=False)
    layers = [
        MapLayer(
            p,
            p,
            PAYLOADS[-1 - i],
            "context",
            frame,
            events=EventLog(payload_events(frame["id"], BAD_URLS)),
            facts_as_of=p,
        )
        for i, p in enumerate(PAYLOADS[:2])
    ]
    points = frame.assign(
        geometry=frame.geometry.representative_point(), status="under construction"
    )
    layers.append(MapLayer("labels", "labels", "labels", "admin", points, style={"label": True}))
    api = save_map(build_map(layers, lang="en"), folder / "api.html")
    # 2. a catalog whose titles are payloads, plus 3. a user file named like a payload
    geodata = folder / "geodata"
    geodata.mkdir()
    write_geojson(geodata / "evil.geojson", payload_frame(strict_types=False))
    catalog = {
        "title": PAYLOADS[0],
        "layers": [
            {
                "id": PAYLOADS[1],
                "file": "evil.geojson",
                "title_vi": PAYLOADS[2],
                "title_en": PAYLOADS[4],
                "group": "functional",
                "order": 1,
                "visible": True,
                "style": {"dash": PAYLOADS[0], "weight": 2},
            },
        ],
    }
    catalog.update(facts_as_of="2026-11-30", events="events.csv")
    (geodata / "catalog.json").write_text(json.dumps(catalog), encoding="utf-8")
    # quotes and markup in http(s) links (an events file holds no spaces in a link)
    http_urls = [
        re.sub(r"\s", "%20", f"https://example.org/{i}?q={p}") for i, p in enumerate(PAYLOADS)
    ]
    http_urls[0] = re.sub(r"\s", "%20", BAD_URLS[4])
    rows = payload_events(payload_frame(strict_types=False)["id"], http_urls)
    (geodata / "events.csv").write_text(events_text(rows), encoding="utf-8")
    user = folder / f"<img src=x onerror={MARK}>.geojson"
    write_geojson(user, payload_frame(strict_types=True))
    mp = pytest.MonkeyPatch()
    mp.setenv("ZONEPLAN_GEODATA", str(geodata))
    try:
        cli = build(folder / "cli.html", "--self-contained", "--layer", str(user))
    finally:
        mp.undo()
    return {"api": api, "cli": cli}


PIXEL_OF = """([li, fi]) => {
  const v = window.zoneplan.viewer;
  const path = v.layers[li].items[fi].layer._path;
  const r = path.getBoundingClientRect();
  for (let gy = 1; gy < 12; gy++) for (let gx = 1; gx < 12; gx++) {
    const x = r.left + r.width * gx / 12, y = r.top + r.height * gy / 12;
    if (document.elementFromPoint(x, y) === path) return [x, y];
  }
  return null;
}"""
ONLY_LAYER = """(li) => { const v = window.zoneplan.viewer;
  v.layers.forEach((l, i) => v.setLayerOn(i, i === li)); }"""
FIT_LAYER = """(li) => { const v = window.zoneplan.viewer;
  v.map.fitBounds(v.layers[li].group.getBounds(),
    {animate: false, paddingTopLeft: [60, 60], paddingBottomRight: [320, 60]}); }"""
ALL_LAYERS = """() => { const v = window.zoneplan.viewer;
  v.layers.forEach((l, i) => v.setLayerOn(i, true)); }"""
NO_HANDLERS = """() => [...document.querySelectorAll('*')].flatMap(e =>
  [...e.attributes].filter(a => /^on/i.test(a.name)).map(a => e.tagName + ' ' + a.name))"""


def exercise(mp) -> list[str]:
    """Hover and click every feature, search, and return the texts the viewer showed."""
    page = mp.page
    shown = []
    sizes = mp.js("() => window.zoneplan.viewer.layers.map(l => l.items.length)")
    for li, n in enumerate(sizes):
        mp.js(ONLY_LAYER, li)
        for fi in range(n):
            # a popup pans the map to fit its (long) content: bring the layer back each time
            mp.js(FIT_LAYER, li)
            xy = mp.js(PIXEL_OF, [li, fi])
            assert xy, (li, fi)
            page.mouse.move(*xy)
            page.wait_for_selector(".leaflet-tooltip", state="visible", timeout=3000)
            shown += page.eval_on_selector_all(
                ".leaflet-tooltip", "ts => ts.map(t => t.textContent)"
            )
            page.mouse.click(*xy)
            page.locator(".leaflet-popup-content").wait_for(state="visible", timeout=3000)
            shown.append(page.text_content(".leaflet-popup-content"))
            mp.js("() => window.zoneplan.viewer.map.closePopup()")
            page.wait_for_function("() => !document.querySelector('.leaflet-popup')")  # faded out
            page.mouse.move(5, 790)
            links = page.eval_on_selector_all(
                ".leaflet-popup-content a", "as => as.map(a => [a.href, a.rel, a.target])"
            )
            for href, rel, target in links:
                assert href.startswith(("http://", "https://")), href
                assert rel == "noopener noreferrer"
                assert target == "_blank"
    mp.js(ALL_LAYERS)
    for query in ("img", "script", "svg", "7*7"):
        page.fill(".zp-search-input", query)
        shown.append(page.text_content(".zp-search-results"))
    shown.append(page.text_content(".zp-legend"))
    shown.append(page.text_content(".zp-panel"))
    return shown


@pytest.mark.parametrize("door", ["api", "cli"])
def test_payloads_execute_nothing_and_show_literally(open_map, payload_maps, door):
    mp = open_map(payload_maps[door], viewport={"width": 1500, "height": 950})
    shown = "\n".join(exercise(mp))
    assert mp.js("typeof window.__xss") == "undefined"
    assert mp.dialogs == []
    assert mp.js(NO_HANDLERS) == []
    assert (
        mp.page.locator(
            'img[src="x"], svg[onload], .leaflet-container b, script[src]:not([src^="https://unpkg.com/leaflet@1.9.4/"])'
        ).count()
        == 0
    )
    assert not [u for u in mp.requests if u.rstrip("/").endswith("/x")]
    for p in PAYLOADS:
        assert p.split("\u2028")[0] in shown, p
        # the timeline shows every event as text (the cli door's map is in Vietnamese)
        lang = "en" if door == "api" else "vi"
        assert f"EV-{lang} {p}".split("\u2028")[0] in shown, p
        assert f"DOC {p}".split("\u2028")[0] in shown, p
    for j, name in enumerate(PAYLOADS):
        assert f"{name} ({j})" in shown  # property names, as text
    if door == "api":  # point labels, as text
        labels = mp.page.eval_on_selector_all(".zp-label", "ls => ls.map(l => l.textContent)")
        assert sorted(labels) == sorted(PAYLOADS)
    mp.assert_clean()


def test_payload_layer_titles_and_categories_are_text(open_map, payload_maps):
    mp = open_map(payload_maps["cli"])
    titles = mp.page.eval_on_selector_all(".zp-layer", "ls => ls.map(l => l.textContent)")
    assert any(PAYLOADS[2] in t for t in titles)  # the catalog title (vi map)
    assert any(f"<img src=x onerror={MARK}>.geojson" in t for t in titles)  # the file name
    legend = mp.page.eval_on_selector_all(".zp-legend-label", "ls => ls.map(l => l.textContent)")
    assert set(PAYLOADS) <= set(legend)
    assert mp.js("typeof window.__xss") == "undefined"
    mp.assert_clean()


def test_policy_blocks_markup_that_would_run(open_map, maps):
    """Defence in depth: even markup put into the page by script cannot run inline code."""
    mp = open_map(maps["offline"], block_all=True)
    ran = mp.js(
        """() => new Promise(resolve => {
          const seen = [];
          document.addEventListener('securitypolicyviolation',
            e => seen.push(e.effectiveDirective));
          const box = document.createElement('div');
          box.innerHTML = '<img src="data:," onerror="window.__csp_ran = 1">'
            + '<a id="zp-js" href="javascript:window.__csp_ran = 2">x</a>';
          document.body.appendChild(box);
          document.getElementById('zp-js').click();
          setTimeout(() => resolve({ran: window.__csp_ran || 0, seen}), 300);
        })"""
    )
    assert ran["ran"] == 0
    assert ran["seen"]
    assert set(ran["seen"]) <= {"script-src-attr", "script-src-elem", "script-src"}
