"""
The map on a phone (390 × 844 CSS pixels, touch, no mouse) in real headless Chromium.

Taps, drags and pinches go through Chromium's own touch input (Playwright's
touchscreen and DevTools' Input domain), as a finger's would. One page serves the
whole module; each test leaves it as it found it, apart from the view.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from pyproj import Transformer

from .test_map_browser import number

pytestmark = pytest.mark.browser

TO_VN2000 = Transformer.from_crs("EPSG:4326", "EPSG:9210", always_xy=True)
FROM_VN2000 = Transformer.from_crs("EPSG:9210", "EPSG:4326", always_xy=True)
# the boxes of what covers the map: title, toolbar, open sheet, Leaflet's controls, crosshair
COVERS = ".zp-title, .zp-toolbar, .zp-sheet, .leaflet-control, .zp-crosshair"
# the share of the map's pixels under at least one of those boxes, counted pixel by pixel
COVERAGE = """(sel) => {
  const map = window.zoneplan.viewer.map.getContainer(), box = map.getBoundingClientRect();
  const W = Math.round(box.width), H = Math.round(box.height);
  const rects = [...map.querySelectorAll(sel)].map(e => e.getBoundingClientRect())
    .filter(r => r.width > 0 && r.height > 0);
  const covered = new Uint8Array(W * H);
  let n = 0;
  for (const r of rects) {
    const x0 = Math.max(0, Math.floor(r.left - box.left));
    const x1 = Math.min(W, Math.ceil(r.right - box.left));
    const y0 = Math.max(0, Math.floor(r.top - box.top));
    const y1 = Math.min(H, Math.ceil(r.bottom - box.top));
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
      if (!covered[y * W + x]) { covered[y * W + x] = 1; n++; }
    }
  }
  return {share: n / (W * H), boxes: rects.map(r => [r.left, r.top, r.right, r.bottom])};
}"""
# a page point inside a drawn feature, clear of every control, or null
FREE_FEATURE_POINT = """(sel) => {
  const map = window.zoneplan.viewer.map.getContainer(), box = map.getBoundingClientRect();
  const rects = [...map.querySelectorAll(sel)].map(e => e.getBoundingClientRect())
    .filter(r => r.width > 0 && r.height > 0);
  for (let y = box.top + 60; y < box.bottom - 60; y += 6) {
    for (let x = box.left + 50; x < box.right - 20; x += 6) {
      const near = r => x >= r.left - 4 && x <= r.right + 4 && y >= r.top - 4 && y <= r.bottom + 4;
      if (rects.some(near)) continue;
      const hit = document.elementFromPoint(x, y);
      if (hit && hit.matches('path.zp-f') && hit.getAttribute('fill') !== 'none') return [x, y];
    }
  }
  return null;
}"""


@pytest.fixture(scope="module")
def on_phone(shared_map, maps, phone):
    """The default (Vietnamese) map on a phone, opened once for the module."""
    return shared_map("phone", maps["default"], **phone)


def touch(cdp, kind: str, points: list[tuple[float, float]]) -> None:
    """One touch event of Chromium's input pipeline, with its fingers at `points`."""
    fingers = [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)]
    cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": fingers})


def test_first_load_shows_the_whole_zone_under_a_quarter_of_controls(on_phone, artifacts):
    mp = on_phone
    page = mp.page
    # page zoom stays allowed
    viewport = mp.js("document.querySelector('meta[name=viewport]').content")
    assert viewport == "width=device-width, initial-scale=1"
    assert mp.js("window.zoneplan.viewer.dock.compact") is True
    assert mp.js("window.zoneplan.viewer.touchOnly") is True
    page.screenshot(path=str(artifacts / "map-phone.png"))
    cover = mp.js(COVERAGE, COVERS)
    assert cover["share"] <= 0.25
    # the title keeps one line; no panel is open
    assert mp.js(
        """() => { const h = document.querySelector('.zp-title-name');
          return Math.abs(h.getBoundingClientRect().height
            - parseFloat(getComputedStyle(h).lineHeight)) < 1; }"""
    )
    assert page.locator(".zp-sheet .zp-dock-panel:visible").count() == 0
    # the whole zone is in view, clear of every control
    zone = mp.js(
        """() => { const v = window.zoneplan.viewer, b = L.latLngBounds(v.data.fit);
          const box = v.map.getContainer().getBoundingClientRect();
          const a = v.map.latLngToContainerPoint(b.getNorthWest());
          const c = v.map.latLngToContainerPoint(b.getSouthEast());
          return [box.left + a.x, box.top + a.y, box.left + c.x, box.top + c.y]; }"""
    )
    assert zone[0] >= 0
    assert zone[1] >= 0
    assert zone[2] <= 390
    assert zone[3] <= 844
    for left, top, right, bottom in cover["boxes"]:
        across = min(right, zone[2]) > max(left, zone[0])
        overlap = across and min(bottom, zone[3]) > max(top, zone[1])
        is_cross = right - left == 28 and bottom - top == 28
        assert not overlap or is_cross, ((left, top, right, bottom), zone)
    mp.assert_clean()


def test_each_panel_opens_alone_closes_and_scrolls_by_touch(on_phone, artifacts):
    mp = on_phone
    page = mp.page
    view = "[window.zoneplan.viewer.map.getZoom(), window.zoneplan.viewer.map.getCenter()]"
    before = mp.js(view)
    buttons = page.locator(".zp-toolbar .zp-dock-button")
    ids = buttons.evaluate_all("bs => bs.map(b => b.getAttribute('data-panel'))")
    assert ids == ["layers", "legend", "search", "measure", "features", "time"]
    toolbar_top = mp.js("document.querySelector('.zp-toolbar').getBoundingClientRect().top")
    for pid in ids:
        page.tap(f'.zp-dock-button[data-panel="{pid}"]')
        panel = page.locator(f'section[data-panel="{pid}"]')
        assert panel.is_visible()
        assert page.locator(".zp-sheet section:visible").count() == 1  # one at a time
        assert page.get_attribute(f'.zp-dock-button[data-panel="{pid}"]', "aria-expanded") == "true"
        box = panel.bounding_box()
        assert box["y"] + box["height"] <= toolbar_top + 0.5  # above the toolbar
        assert box["height"] <= 0.56 * 844
        if pid == "legend":
            page.screenshot(path=str(artifacts / "map-phone-legend.png"))
        page.tap(f'section[data-panel="{pid}"] .zp-dock-close')
        assert panel.is_hidden()
        expanded = page.get_attribute(f'.zp-dock-button[data-panel="{pid}"]', "aria-expanded")
        assert expanded == "false"
    # opening one closes the other; Escape closes; the toolbar button again closes
    page.tap('.zp-dock-button[data-panel="layers"]')
    page.tap('.zp-dock-button[data-panel="legend"]')
    assert page.locator('section[data-panel="layers"]').is_hidden()
    page.keyboard.press("Escape")
    assert page.locator('section[data-panel="legend"]').is_hidden()
    assert mp.js("document.activeElement.getAttribute('data-panel')") == "legend"
    # the layer panel is longer than the sheet: a finger scrolls it, and the map stays
    page.tap('.zp-dock-button[data-panel="layers"]')
    body = '.zp-sheet section[data-panel="layers"] .zp-dock-body'
    assert mp.js(
        f"(() => {{ const b = document.querySelector('{body}'); "
        "return b.scrollHeight > b.clientHeight + 50; })()"
    )
    centre = mp.js("window.zoneplan.viewer.map.getCenter()")
    r = page.locator(body).bounding_box()
    cdp = page.context.new_cdp_session(page)
    x, y = r["x"] + r["width"] / 2, r["y"] + r["height"] * 0.8
    touch(cdp, "touchStart", [(x, y)])
    for k in range(1, 11):
        touch(cdp, "touchMove", [(x, y - 15 * k)])
    touch(cdp, "touchEnd", [])
    # the flick goes on scrolling for a moment; a tap during it only stops it, so wait until
    # the panel stands still (it may take a while on a busy machine)
    scrolled, still = -1.0, 0
    for _ in range(50):
        page.wait_for_timeout(100)
        now = mp.js(f"document.querySelector('{body}').scrollTop")
        still = still + 1 if now == scrolled else 0
        scrolled = now
        if still >= 3:
            break
    assert scrolled > 50
    assert mp.js("window.zoneplan.viewer.map.getCenter()") == centre
    cdp.detach()
    page.tap('.zp-dock-button[data-panel="layers"]')
    expect(page.locator('section[data-panel="layers"]')).to_be_hidden()  # (waits on a busy machine)
    # quick taps on two buttons are no double tap on the map: it has not moved
    assert mp.js(view) == before
    mp.assert_clean()


def test_a_tap_opens_the_popup_and_the_readout_follows_it(on_phone):
    mp = on_phone
    page = mp.page
    # the readout shows the centre, marked by the crosshair
    assert page.inner_text(".zp-coord-what") == "Tâm bản đồ (+)"
    centre = mp.js("window.zoneplan.viewer.centrePoint()")
    assert number(page.inner_text(".zp-coord-lat"), "vi") == pytest.approx(centre["lat"], abs=6e-7)
    assert page.locator(".zp-crosshair").is_visible()
    mp.js("() => window.zoneplan.viewer.map.setZoom(12, {animate: false})")
    xy = mp.js(FREE_FEATURE_POINT, COVERS)
    assert xy, "no feature clear of the controls"
    tapped = mp.js(
        """([x, y]) => { const m = window.zoneplan.viewer.map;
          const b = m.getContainer().getBoundingClientRect();
          return m.containerPointToLatLng([x - b.left, y - b.top]); }""",
        xy,
    )
    page.touchscreen.tap(*xy)
    popup = page.locator(".leaflet-popup.zp-popup")
    popup.wait_for(state="visible", timeout=3000)
    assert page.inner_text(".zp-popup-name")
    assert page.locator(".leaflet-tooltip").count() == 0  # no hover tooltip on a touch screen
    # the readout now shows the tapped point, and the crosshair gives way to its ring
    assert page.inner_text(".zp-coord-what") == "Điểm vừa chạm (○)"
    assert number(page.inner_text(".zp-coord-lat"), "vi") == pytest.approx(tapped["lat"], abs=1e-5)
    assert number(page.inner_text(".zp-coord-lon"), "vi") == pytest.approx(tapped["lng"], abs=1e-5)
    _, northing = TO_VN2000.transform(tapped["lng"], tapped["lat"])
    shown_x = float(page.inner_text(".zp-coord-x").replace(",", "."))
    assert shown_x == pytest.approx(northing, abs=1.0)
    assert page.locator(".zp-crosshair").is_hidden()
    page.tap(".leaflet-popup-close-button")
    page.wait_for_function("() => !document.querySelector('.leaflet-popup')")
    # a finger drags the map: the readout follows the centre again
    cdp = page.context.new_cdp_session(page)
    touch(cdp, "touchStart", [(200, 500)])
    for k in range(1, 6):
        touch(cdp, "touchMove", [(200 - 20 * k, 500 - 10 * k)])
    touch(cdp, "touchEnd", [])
    cdp.detach()
    expect(page.locator(".zp-coord-what")).to_have_text("Tâm bản đồ (+)")
    centre = mp.js("window.zoneplan.viewer.centrePoint()")
    assert number(page.inner_text(".zp-coord-lat"), "vi") == pytest.approx(centre["lat"], abs=6e-7)
    assert page.locator(".zp-crosshair").is_visible()
    mp.assert_clean()


def test_measuring_by_taps_with_undo_and_finish(on_phone):
    mp = on_phone
    page = mp.page
    mp.js("() => window.zoneplan.viewer.map.setView(L.latLng(20.70, 106.66), 13, {animate: false})")
    page.tap('.zp-dock-button[data-panel="measure"]')
    page.tap(".zp-measure-line")
    assert page.locator(".zp-measure-steps").is_visible()
    # a known distance: 5 km east along the VN-2000 grid from a point near the left edge
    a = mp.js("() => window.zoneplan.viewer.map.containerPointToLatLng([50, 300])")
    east, north = TO_VN2000.transform(a["lng"], a["lat"])
    lon_b, lat_b = FROM_VN2000.transform(east + 5000, north)
    points = mp.js(
        """(lls) => { const m = window.zoneplan.viewer.map;
          const b = m.getContainer().getBoundingClientRect();
          return lls.map(ll => { const p = m.latLngToContainerPoint(ll);
            return [b.left + p.x, b.top + p.y]; }); }""",
        [[a["lat"], a["lng"]], [lat_b, lon_b]],
    )
    assert 300 < points[1][0] < 380  # on screen, clear of the sheet
    for x, y in points:
        page.touchscreen.tap(x, y)
        page.wait_for_timeout(400)  # two taps apart, not a double tap
    assert page.locator(".leaflet-popup").count() == 0  # measuring taps open no popup
    first = number(page.inner_text(".zp-measure-length-value"), "vi")
    assert first == pytest.approx(5.0, rel=0.01)  # km
    # a third tap lengthens it; undo takes it back
    page.touchscreen.tap(200, 200)
    page.wait_for_timeout(400)
    assert number(page.inner_text(".zp-measure-length-value"), "vi") > first + 1
    page.tap(".zp-measure-undo")
    assert number(page.inner_text(".zp-measure-length-value"), "vi") == pytest.approx(first)
    page.tap(".zp-measure-finish")
    assert page.locator(".zp-measure-steps").is_hidden()
    assert mp.js("window.zoneplan.viewer.measureState.mode") is None
    page.touchscreen.tap(200, 250)  # after finishing, a tap adds nothing
    assert number(page.inner_text(".zp-measure-length-value"), "vi") == pytest.approx(first)
    page.tap(".zp-measure-clear")
    page.tap('section[data-panel="measure"] .zp-dock-close')
    mp.assert_clean()


def test_pinch_zooms_the_map(on_phone):
    mp = on_phone
    page = mp.page
    mp.js("() => window.zoneplan.viewer.map.setZoom(11, {animate: false})")
    cdp = page.context.new_cdp_session(page)
    touch(cdp, "touchStart", [(160, 420), (230, 420)])
    for k in range(1, 11):
        touch(cdp, "touchMove", [(160 - 10 * k, 420), (230 + 10 * k, 420)])
    touch(cdp, "touchEnd", [])
    cdp.detach()
    page.wait_for_function("() => window.zoneplan.viewer.map.getZoom() > 11", timeout=3000)
    mp.assert_clean()
