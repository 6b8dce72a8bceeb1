"""
The map for keyboard and screen-reader users, in real headless Chromium.

axe-core (the npm package, evaluated in the page through DevTools so the page's
Content-Security-Policy stays on) audits the default map, the English map, a
map with a big user layer and the phone viewport. The keyboard tests use only
the keyboard once the page is open: Tab, arrows, Enter, Space and Escape. Each
map variant is opened once for the whole module.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from PIL import Image, ImageChops
from pyproj import Transformer
from shapely.geometry import box

from zoneplan.cli import main
from zoneplan.synthetic import synthetic_parcels

from .test_map_browser import hover_feature, pick_feature

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
TO_VN2000 = Transformer.from_crs("EPSG:4326", "EPSG:9210", always_xy=True)
PARCELS = 1200
# what the focused element is, in words a failure message can show
ACTIVE = """() => { const a = document.activeElement;
  if (!a) return null;
  const cls = typeof a.className === 'string' ? a.className : '';
  const what = a.getAttribute('aria-label') || a.getAttribute('data-panel')
    || a.textContent.trim().slice(0, 40);
  const which = a.getAttribute('data-layer-index') || a.getAttribute('data-phase-index')
    || a.value || '';
  return [a.tagName.toLowerCase(), cls, what, which]; }"""
# every control a keyboard user must reach: visible, enabled, focusable by Tab (of a radio
# group only the checked radio is a Tab stop)
CONTROLS = """() => [...document.querySelectorAll(
    'main button, main input, main a[href], main [tabindex="0"], main select')]
  .filter(e => e.getClientRects().length && !e.disabled && e.tabIndex >= 0
    && !(e.type === 'radio' && !e.checked))"""
AXE_RUN = """() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v =>
  ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})))"""


@pytest.fixture(scope="module")
def user_map(tmp_path_factory):
    """An English map with a big user layer (parcels) and a small one whose features differ."""
    folder = tmp_path_factory.mktemp("access")
    parcels = synthetic_parcels(PARCELS, seed=5)
    parcels["note"] = np.where(np.arange(len(parcels)) % 2 == 0, "corner plot", None)
    parcels.to_file(folder / "parcels.gpkg")
    x, y = parcels.geometry.union_all().centroid.coords[0]
    plots = gpd.GeoDataFrame(
        {
            "name_en": ["Alpha plot", "Bravo plot", "Charlie plot"],
            "owner": ["City", "Port authority", None],
            "note": ["waterfront", None, None],
            "category": ["industrial_park", "industrial_park", "warehouse"],
        },
        geometry=[box(x + i * 0.004, y, x + i * 0.004 + 0.003, y + 0.003) for i in range(3)],
        crs=4326,
    )
    plots.to_file(folder / "plots.geojson", driver="GeoJSON")
    out = folder / "user.html"
    layers = ["--layer", str(folder / "parcels.gpkg"), "--layer", str(folder / "plots.geojson")]
    args = ["-q", "build", "--lang", "en", *layers, "--big-layer-threshold", "100"]
    assert main([*args, "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def pages(shared_map, maps, user_map, phone):
    """The module's pages: default (vi), en, user (big layer), phone (vi, touch)."""
    variants = {
        "default": (maps["default"], {}),
        "en": (maps["en"], {}),
        "user": (user_map, {}),
        "phone": (maps["default"], phone),
    }

    def get(name: str):
        path, options = variants[name]
        return shared_map(name, path, **options)

    return get


def readme_audit_rules() -> set[str]:
    """The axe rules the README lists as remaining, with their reasons."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("#### Accessibility audit", 1)[1].split("\n#", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9-]+)` \|", section, flags=re.MULTILINE))


def tab_until(page, selector: str, *, text: str = "", back: bool = False, limit: int = 120):
    """Press Tab (Shift+Tab with back) until the focus is on `selector` (holding `text`)."""
    steps = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        steps.append(page.evaluate(ACTIVE))
        if page.evaluate(
            "([s, t]) => document.activeElement.matches(s)"
            " && document.activeElement.textContent.includes(t)",
            [selector, text],
        ):
            return steps
    pytest.fail(f"{selector} not reached by {'Shift+' if back else ''}Tab: {steps[-12:]}")
    return steps


# ---------------------------------------------------------------- the audit


@pytest.mark.parametrize("variant", ["default", "en", "user", "phone"])
def test_axe_finds_nothing_serious(pages, axe_source, variant):
    mp = pages(variant)
    mp.js(axe_source)
    found = mp.js(AXE_RUN)
    serious = [v for v in found if v["impact"] in ("serious", "critical")]
    assert serious == []
    # each remaining moderate or minor one is in the README, with its reason
    assert {v["id"] for v in found} <= readme_audit_rules()
    mp.assert_clean()


# ---------------------------------------------------------------- landmarks and language


@pytest.mark.parametrize(("variant", "lang"), [("default", "vi"), ("en", "en")])
def test_landmarks_heading_and_language(pages, variant, lang):
    mp = pages(variant)
    page = mp.page
    assert page.get_attribute("html", "lang") == lang
    # one main landmark holding the map; the title is the page's only first-level heading
    assert mp.js("document.querySelectorAll('main').length") == 1
    assert mp.js("document.querySelector('main').contains(window.zoneplan.viewer.map._container)")
    assert page.locator("h1").all_inner_texts() == [mp.js("window.zoneplan.viewer.t.zone_name")]
    # the map says what it is and how the keyboard moves it
    container = "window.zoneplan.viewer.map.getContainer()"
    assert mp.js(f"{container}.getAttribute('aria-label')") == mp.js(
        "window.zoneplan.viewer.t.map_label"
    )
    described = mp.js(f"{container}.getAttribute('aria-describedby')")
    assert mp.js(f"document.getElementById('{described}').textContent") == mp.js(
        "window.zoneplan.viewer.t.map_keys"
    )
    # every panel is a labelled landmark with a heading of its own
    panels = mp.js(
        """() => [...document.querySelectorAll('section.zp-dock-panel')].map(s =>
          [s.getAttribute('data-panel'), s.getAttribute('aria-label'),
           s.querySelector('h2 .zp-dock-label').textContent])"""
    )
    ids = sorted(p[0] for p in panels)
    assert ids == ["features", "layers", "legend", "measure", "search", "time"]
    for _, label, heading in panels:
        assert label
        assert heading == label
    # legend entries carry their meaning in text, not only in colour
    labels = page.eval_on_selector_all(".zp-legend-label", "ls => ls.map(l => l.textContent)")
    assert labels
    assert all(t.strip() for t in labels)


# ---------------------------------------------------------------- keyboard


def test_tab_reaches_every_control_in_order_with_a_visible_focus(pages):
    mp = pages("en")
    page = mp.page
    page.locator("body").focus()
    mp.js("() => document.activeElement && document.activeElement.blur()")
    wanted = mp.js(f"() => ({CONTROLS})().length")
    seen = []
    marks = mp.js(
        f"""() => {{ ({CONTROLS})().forEach((e, i) => e.setAttribute('data-test-tab', i)); }}"""
    )
    assert marks is None
    ring = []
    for _ in range(wanted + 5):
        page.keyboard.press("Tab")
        index = mp.js("() => document.activeElement.getAttribute('data-test-tab')")
        if index is None:
            continue
        if int(index) in seen:
            break
        seen.append(int(index))
        ring.append(
            mp.js(
                """() => { const s = getComputedStyle(document.activeElement);
                  return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"""
            )
        )
    # every control is reached once, in the order of the page (the map, then its corners
    # from top left to bottom right), each with a focus ring at least 2 px wide
    assert sorted(seen) == list(range(wanted))
    assert seen == sorted(seen)
    assert all(style == "solid" and width >= 2 for style, width in ring), ring
    order = mp.js(
        """() => [...document.querySelectorAll('[data-test-tab]')].map(e =>
          e.closest('[data-panel]') ? e.closest('[data-panel]').getAttribute('data-panel')
            : e.classList.contains('leaflet-container') ? 'map' : e.className)"""
    )
    groups = [g for i, g in enumerate(order) if i == 0 or order[i - 1] != g]
    assert groups[:1] == ["map"]
    for earlier, later in [("search", "measure"), ("measure", "features"), ("layers", "legend")]:
        assert groups.index(earlier) < groups.index(later)
    mp.js(
        "() => document.querySelectorAll('[data-test-tab]')"
        ".forEach(e => e.removeAttribute('data-test-tab'))"
    )


def test_focus_ring_shows_in_a_screenshot(pages, artifacts):
    mp = pages("en")
    page = mp.page
    button = page.locator(".zp-measure-line")
    clip = mp.js(
        """() => { const r = document.querySelector('.zp-measure-line').getBoundingClientRect();
          return {x: r.left - 8, y: r.top - 8, width: r.width + 16, height: r.height + 16}; }"""
    )
    mp.js("() => document.activeElement && document.activeElement.blur()")
    plain = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB")
    tab_until(page, ".zp-measure-line")
    focused_png = page.screenshot(clip=clip)
    (artifacts / "focus-ring.png").write_bytes(focused_png)
    focused = Image.open(io.BytesIO(focused_png)).convert("RGB")
    diff = ImageChops.difference(plain, focused).convert("L").point(lambda v: 255 if v > 40 else 0)
    changed = diff.histogram()[255]
    # a ring of 3 px around the button changes at least its perimeter's worth of pixels
    assert changed >= 2 * (clip["width"] + clip["height"] - 32)
    assert button.evaluate("b => b === document.activeElement")
    mp.js("() => document.activeElement.blur()")


def test_layers_and_basemap_by_keyboard(pages):
    mp = pages("en")
    page = mp.page
    mp.js("() => document.activeElement && document.activeElement.blur()")
    # a layer that is on: Space hides it and shows it again
    li = mp.js("window.zoneplan.viewer.layers.findIndex(e => e.on && e.items.length)")
    tab_until(page, f'input.zp-layer-toggle[data-layer-index="{li}"]')
    assert page.locator(f"path.zp-l{li}").count() > 0
    page.keyboard.press("Space")
    assert page.locator(f"path.zp-l{li}").count() == 0
    assert mp.js(f"window.zoneplan.viewer.layers[{li}].on") is False
    page.keyboard.press("Space")
    assert page.locator(f"path.zp-l{li}").count() > 0
    # the basemap: its group is one Tab stop, the arrows choose
    tab_until(page, ".zp-basemaps input:checked", back=True)
    assert mp.js("window.zoneplan.viewer.basemapIndex") == 0
    page.keyboard.press("ArrowDown")
    assert mp.js("window.zoneplan.viewer.basemapIndex") == 1
    page.wait_for_function(
        "() => [...document.querySelectorAll('.leaflet-tile-pane img')]"
        ".some(i => i.src.includes('arcgisonline'))"
    )
    page.keyboard.press("ArrowUp")
    assert mp.js("window.zoneplan.viewer.basemapIndex") == 0
    # a panel folds and unfolds from its heading
    tab_until(page, ".zp-legend .zp-dock-toggle")
    page.keyboard.press("Enter")
    assert page.locator(".zp-legend .zp-dock-body").is_hidden()
    assert page.get_attribute(".zp-legend .zp-dock-toggle", "aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert page.locator(".zp-legend .zp-dock-body").is_visible()
    mp.assert_clean()


def test_search_by_keyboard_opens_the_popup_and_gives_the_focus_back(pages, axe_source):
    mp = pages("en")
    page = mp.page
    mp.js("() => document.activeElement && document.activeElement.blur()")
    tab_until(page, ".zp-search-input")
    page.keyboard.type("nam do son")
    page.keyboard.press("ArrowDown")
    assert mp.js("document.activeElement.classList.contains('zp-search-hit')")
    name = mp.js("document.activeElement.querySelector('.zp-search-name').textContent")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert mp.js("document.activeElement.querySelector('.zp-search-name').textContent") == name
    page.keyboard.press("Enter")
    dialog = page.locator(".leaflet-popup[role=dialog]")
    dialog.wait_for(state="visible", timeout=3000)
    # the popup is a dialog named after the feature, holding the focus, and it was announced
    assert dialog.get_attribute("aria-label") == name
    assert mp.js("document.activeElement.classList.contains('zp-popup-name')")
    assert mp.js("document.activeElement.textContent") == name
    assert name in page.inner_text(".zp-live")
    # the audit holds with the popup open too (its heading ranks below the page's h1)
    mp.js(axe_source)
    found = mp.js(AXE_RUN)
    assert [v for v in found if v["impact"] in ("serious", "critical")] == []
    assert {v["id"] for v in found} <= readme_audit_rules()
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('.leaflet-popup')")
    assert mp.js("document.activeElement.classList.contains('zp-search-hit')")
    page.fill(".zp-search-input", "")
    mp.assert_clean()


def test_measure_by_keyboard_adds_the_centre_as_the_map_moves(pages):
    mp = pages("en")
    page = mp.page
    mp.js("() => document.activeElement && document.activeElement.blur()")
    tab_until(page, ".zp-measure-line")
    page.keyboard.press("Enter")
    assert page.locator(".zp-measure-steps").is_visible()
    assert page.locator(".zp-crosshair").is_visible()
    tab_until(page, ".zp-measure-add")
    page.keyboard.press("Enter")
    # back to the map, which the arrow keys move; Enter there adds its centre
    tab_until(page, ".leaflet-container", back=True)
    start = mp.js("() => window.zoneplan.viewer.centrePoint()")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
        # Leaflet ignores a key pressed while it still pans
        page.wait_for_function(
            "() => { const a = window.zoneplan.viewer.map._panAnim; return !a || !a._inProgress; }"
        )
    page.keyboard.press("Enter")
    points = mp.js("() => window.zoneplan.viewer.measureState.points.map(p => [p.lng, p.lat])")
    assert len(points) == 2
    assert points[0] == pytest.approx([start["lng"], start["lat"]], abs=1e-9)
    a, b = (TO_VN2000.transform(lon, lat) for lon, lat in points)
    metres = float(np.hypot(a[0] - b[0], a[1] - b[1]))
    # four presses of the arrow key move the map 4 x 80 px east
    per_px = mp.js(
        """() => { const m = window.zoneplan.viewer.map;
          const c = m.getSize().divideBy(2);
          const p = m.containerPointToLatLng(c), q = m.containerPointToLatLng(c.add([100, 0]));
          return [p.lng, p.lat, q.lng, q.lat]; }"""
    )
    p0, p1 = TO_VN2000.transform(*per_px[:2]), TO_VN2000.transform(*per_px[2:])
    assert metres == pytest.approx(3.2 * float(np.hypot(p1[0] - p0[0], p1[1] - p0[1])), rel=0.02)
    text = page.inner_text(".zp-measure-length-value")
    value = float(re.search(r"[\d,.]+", text).group().replace(",", ""))
    shown = value * 1000 if text.endswith(" km") else value
    assert shown == pytest.approx(metres, rel=1e-3)
    tab_until(page, ".zp-measure-finish")
    page.keyboard.press("Enter")
    assert page.locator(".zp-measure-steps").is_hidden()
    assert mp.js("window.zoneplan.viewer.measureState.mode") is None
    assert mp.js("document.activeElement.classList.contains('zp-measure-line')")
    mp.js("() => window.zoneplan.viewer.clearMeasure()")
    mp.assert_clean()


def test_panels_scroll_by_wheel_and_keyboard(pages):
    mp = pages("default")
    page = mp.page
    body = page.locator(".zp-legend .zp-dock-body")
    assert mp.js(
        "() => { const b = document.querySelector('.zp-legend .zp-dock-body');"
        " return b.scrollHeight > b.clientHeight + 20; }"
    ), "the legend does not overflow at this size; the test needs it to"
    zoom = mp.js("window.zoneplan.viewer.map.getZoom()")
    r = body.bounding_box()
    page.mouse.move(r["x"] + r["width"] / 2, r["y"] + r["height"] / 2)
    page.mouse.wheel(0, 200)
    page.wait_for_function(
        "() => document.querySelector('.zp-legend .zp-dock-body').scrollTop > 0", timeout=3000
    )
    assert mp.js("window.zoneplan.viewer.map.getZoom()") == zoom  # the map did not zoom
    mp.js("() => { document.querySelector('.zp-legend .zp-dock-body').scrollTop = 0; }")
    # the legend holds no control: its body itself takes the focus and scrolls by keys
    tab_until(page, ".zp-legend .zp-dock-body")
    page.keyboard.press("PageDown")
    page.wait_for_function(
        "() => document.querySelector('.zp-legend .zp-dock-body').scrollTop > 0", timeout=3000
    )
    mp.js("() => { document.querySelector('.zp-legend .zp-dock-body').scrollTop = 0; }")
    mp.js("() => document.activeElement.blur()")
    mp.assert_clean()


# ---------------------------------------------------------------- big user layer, details


def test_big_user_layer_count_legend_and_feature_list(pages):
    mp = pages("user")
    page = mp.page
    titles = page.eval_on_selector_all(".zp-layer", "ls => ls.map(l => l.textContent)")
    # the real count of the big layer, in the map's number format
    assert any(t.startswith(" parcels.gpkg") and t.endswith(f"({PARCELS:,})") for t in titles)
    assert any(t.startswith(" plots.geojson") and t.endswith("(3)") for t in titles)
    # each user layer has its own legend section, after the planning layers'; the status
    # key comes last
    sections = mp.js(
        """() => [...document.querySelectorAll('.zp-legend-section')].map(s =>
          [s.querySelector('h3') ? s.querySelector('h3').textContent : null,
           [...s.querySelectorAll('li:not([hidden]) .zp-legend-label')].map(l => l.textContent)])"""
    )
    headings = [s[0] for s in sections]
    assert headings == ["Planning layers", "parcels.gpkg", "plots.geojson", "Status"]
    plots = dict(sections)["plots.geojson"]
    assert plots == ["Industrial park", "warehouse"]
    mp.assert_clean(allow_refused_tiles=True)


def test_features_in_view_open_popups_with_only_their_attributes(pages):
    mp = pages("user")
    page = mp.page
    entry = "window.zoneplan.viewer.layers.find(e => e.spec.title === 'plots.geojson')"
    mp.js(f"() => window.zoneplan.viewer.map.fitBounds({entry}.group.getBounds(), {{animate: 0}})")
    mp.js("() => document.activeElement && document.activeElement.blur()")
    tab_until(page, ".zp-inview .zp-dock-toggle")
    page.keyboard.press("Enter")
    hits = page.locator(".zp-inview-hit")
    hits.first.wait_for(state="visible", timeout=3000)
    count = page.inner_text(".zp-inview-count")
    total = int(re.search(r"[\d,]+", count).group().replace(",", ""))
    assert total >= 3
    names = page.eval_on_selector_all(".zp-inview-name", "ns => ns.map(n => n.textContent)")
    assert {"Alpha plot", "Bravo plot", "Charlie plot"} <= set(names)
    what = page.eval_on_selector_all(".zp-inview-what", "ns => ns.map(n => n.textContent)")
    assert "Industrial park · plots.geojson" in what  # category in words

    def open_by_keyboard(name: str) -> dict:
        tab_until(page, ".zp-inview-hit", text=name)
        page.keyboard.press("Enter")
        page.locator(".leaflet-popup[role=dialog]").wait_for(state="visible", timeout=3000)
        rows = mp.js(
            """() => Object.fromEntries([...document.querySelectorAll('.zp-popup tr')]
              .map(tr => [tr.querySelector('th').textContent,
                          tr.querySelector('td').textContent]))"""
        )
        page.keyboard.press("Escape")
        page.wait_for_function("() => !document.querySelector('.leaflet-popup')")
        return rows

    alpha = open_by_keyboard("Alpha plot")
    assert alpha["owner"] == "City"
    assert alpha["note"] == "waterfront"
    bravo = open_by_keyboard("Bravo plot")
    assert bravo["owner"] == "Port authority"
    assert "note" not in bravo  # no empty row from the other features of its layer
    charlie = open_by_keyboard("Charlie plot")
    assert "owner" not in charlie
    assert "note" not in charlie
    for rows in (alpha, bravo, charlie):
        assert {"Source", "Accuracy", "Method", "Status"}.isdisjoint(rows)
        assert rows["Layer"] == "plots.geojson"
    # a big-layer parcel without a note has no note row; one with a note has it
    items = mp.js(
        """() => { const v = window.zoneplan.viewer, e = v.layers.find(l => l.big);
          return [0, 1].map(f => { v.openPopup(v.bigItem(e, f));
            const rows = [...document.querySelectorAll('.zp-popup th')].map(th => th.textContent);
            v.map.closePopup(); return rows; }); }"""
    )
    assert "note" in items[0]
    assert "note" not in items[1]
    tab_until(page, ".zp-inview .zp-dock-toggle", back=True)
    page.keyboard.press("Enter")
    mp.assert_clean(allow_refused_tiles=True)


def test_tooltips_are_announced(pages, catalog_frames):
    mp = pages("en")
    li, fi, _lid, row = pick_feature(catalog_frames, kinds=("Polygon", "MultiPolygon"))
    hover_feature(mp, li, fi)
    tip = mp.page.locator(".leaflet-tooltip")
    tip.wait_for(state="visible", timeout=3000)
    assert row["name_en"] in tip.inner_text()
    # the status region says what the tooltip shows
    assert mp.page.text_content(".zp-live").strip() == tip.text_content().strip()
    assert mp.page.get_attribute(".zp-live", "role") == "status"
    mp.page.mouse.move(5, 795)
    mp.assert_clean()
