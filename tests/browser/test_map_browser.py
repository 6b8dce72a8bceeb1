"""The planning map in real headless Chromium: drawing, controls and readouts."""

from __future__ import annotations

import math
import re
import unicodedata

import pytest
from pyproj import Transformer
from shapely.geometry import LineString, Polygon

from zoneplan.areas import measure_features
from zoneplan.catalog import load_catalog
from zoneplan.schema import CATEGORIES, PHASES

pytestmark = pytest.mark.browser

TO_VN2000 = Transformer.from_crs("EPSG:4326", "EPSG:9210", always_xy=True)

# Move the map so one feature fills the middle, then find a pixel where that
# feature's own path is the topmost element (so hover and click reach it).
FIND_PIXEL = """([li, fi]) => {
  const v = window.zoneplan.viewer;
  const item = v.layers[li].items[fi];
  const path = item.layer._path;
  const r = path.getBoundingClientRect();
  for (let gy = 1; gy < 24; gy++) {
    for (let gx = 1; gx < 24; gx++) {
      const x = r.left + (r.width * gx) / 24, y = r.top + (r.height * gy) / 24;
      if (x < 320 || x > 980 || y < 120 || y > 640) continue;  // clear of the controls
      if (document.elementFromPoint(x, y) === path) return [x, y];
    }
  }
  return null;
}"""
SHOW_ITEM = """([li, fi]) => {
  const v = window.zoneplan.viewer;
  v.setLayerOn(li, true);
  const l = v.layers[li].items[fi].layer;
  const b = l.getBounds ? l.getBounds() : L.latLngBounds([l.getLatLng(), l.getLatLng()]);
  v.map.fitBounds(b, {animate: false, maxZoom: 16, padding: [260, 200]});
}"""


def fold(text: str) -> str:
    """Search folding as the viewer does it: no diacritics, đ → d, lower case."""
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("đ", "d").replace("Đ", "d").lower().split())


def number(text: str, lang: str) -> float:
    """Read a number the viewer formatted for `lang` (vi: 1.234,5; en: 1,234.5)."""
    match = re.search(r"[-+]?[\d.,]+", text.replace("\u2212", "-"))
    assert match, text
    raw = match.group()
    raw = raw.replace(".", "").replace(",", ".") if lang == "vi" else raw.replace(",", "")
    return float(raw)


def expected_paths(gdf) -> int:
    """How many SVG paths Leaflet draws: one per feature, one per point of a MultiPoint."""
    total = 0
    for geom in gdf.geometry:
        if geom is None or geom.is_empty:
            continue
        total += len(geom.geoms) if geom.geom_type in ("MultiPoint", "GeometryCollection") else 1
    return total


def pick_feature(frames, *, kinds: tuple[str, ...], need: str | None = None):
    """(layer index, feature index, layer id, row) of a feature of the given kinds, top first."""
    ids = list(frames)
    for li in reversed(range(len(ids))):
        gdf = frames[ids[li]]
        for fi, (_, row) in enumerate(gdf.iterrows()):
            if row.geometry is None or row.geometry.geom_type not in kinds:
                continue
            if need and not (
                isinstance(row.get(need), int | float) and row.get(need) == row.get(need)
            ):
                continue
            return li, fi, ids[li], row
    pytest.fail(f"the catalog has no {kinds} feature{' with ' + need if need else ''}")
    return None


def hover_feature(mp, li: int, fi: int) -> tuple[float, float]:
    mp.js(SHOW_ITEM, [li, fi])
    mp.page.wait_for_timeout(100)
    xy = mp.js(FIND_PIXEL, [li, fi])
    assert xy, "no visible pixel of the feature"
    mp.page.mouse.move(xy[0], xy[1])
    return xy[0], xy[1]


# ---------------------------------------------------------------- loading


def test_default_map_loads_clean_and_fits_the_zone(open_map, maps, artifacts):
    mp = open_map(maps["default"])
    # the basemap's tiles of the view all answered: its own load event (an idle network, the
    # other sign, may not come in time on a busy machine)
    mp.js(
        """() => new Promise(resolve => {
          const b = window.zoneplan.viewer.basemap;
          if (!b || !b.isLoading()) resolve(); else b.once('load', () => resolve());
        })"""
    )
    mp.assert_clean()
    assert sorted(mp.cdn) == sorted(
        [
            "https://unpkg.com/leaflet@1.9.4/dist/leaflet.js",
            "https://unpkg.com/leaflet@1.9.4/dist/leaflet.css",
        ]
    )
    assert mp.js("typeof L.version") == "string"
    assert mp.js("L.version") == "1.9.4"
    assert mp.tiles
    assert all("tile.openstreetmap.org" in u for u in mp.tiles)
    # the view holds the zone and the zone fills a good part of it
    fit = mp.js(
        """() => {
          const v = window.zoneplan.viewer;
          const zb = L.latLngBounds(v.data.fit);
          const a = v.map.latLngToContainerPoint(zb.getSouthWest());
          const b = v.map.latLngToContainerPoint(zb.getNorthEast());
          return {inside: v.map.getBounds().pad(0.01).contains(zb), w: b.x - a.x, h: a.y - b.y,
                  W: v.map.getSize().x, H: v.map.getSize().y};
        }"""
    )
    assert fit["inside"]
    assert fit["w"] > 0.5 * fit["W"] or fit["h"] > 0.5 * fit["H"]
    text = mp.page.inner_text(".zp-title")
    assert "Khu kinh tế ven biển phía Nam Hải Phòng" in text
    assert "1511/QĐ-TTg" in text
    assert "minh họa" in text
    assert re.search(r"\d+ (km|m)", mp.page.inner_text(".leaflet-control-scale-line"))
    mp.page.screenshot(path=str(artifacts / "map-default.png"))
    assert (artifacts / "map-default.png").stat().st_size > 10_000


def test_each_layer_draws_its_features(open_map, maps, catalog_frames):
    mp = open_map(maps["default"])
    for li, (layer_id, gdf) in enumerate(catalog_frames.items()):
        box = mp.page.locator(f'input.zp-layer-toggle[data-layer-index="{li}"]')
        if not box.is_checked():
            box.check()
        drawn = mp.page.locator(f"path.zp-l{li}").count()
        assert drawn == expected_paths(gdf), layer_id
    mp.assert_clean()


def test_hiding_a_layer_hides_its_legend_entries(open_map, maps, catalog_frames):
    cat = load_catalog()
    visible = {e.id for e in cat.layers if e.visible}
    cats = {lid: set(gdf["category"]) for lid, gdf in catalog_frames.items()}
    ids = list(catalog_frames)
    for lid in ids:
        others = set().union(*(cats[o] for o in visible if o != lid))
        own = cats[lid] - others
        if lid in visible and own:
            break
    else:
        pytest.fail("no visible layer has a category of its own")
    li = ids.index(lid)
    mp = open_map(maps["default"])
    items = {
        c: mp.page.locator(f'.zp-legend-item[data-category-index="{list(CATEGORIES).index(c)}"]')
        for c in cats[lid]
    }
    assert all(items[c].is_visible() for c in cats[lid])
    mp.page.locator(f'input.zp-layer-toggle[data-layer-index="{li}"]').uncheck()
    assert mp.page.locator(f"path.zp-l{li}").count() == 0
    for c in own:
        assert items[c].is_hidden(), c
    for c in cats[lid] & others:
        assert items[c].is_visible(), c
    mp.page.locator(f'input.zp-layer-toggle[data-layer-index="{li}"]').check()
    assert all(items[c].is_visible() for c in own)
    mp.assert_clean()


# ---------------------------------------------------------------- tooltip, popup


def test_tooltip_shows_measured_hectares_and_highlights(open_map, maps, catalog_frames):
    li, fi, lid, row = pick_feature(catalog_frames, kinds=("Polygon", "MultiPolygon"))
    measured = measure_features(catalog_frames[lid])["area_ha_vn2000"].iloc[fi]
    mp = open_map(maps["default"])
    before = float(
        mp.js(
            "([li, fi]) => window.zoneplan.viewer.layers[li].items[fi].layer.options.weight",
            [li, fi],
        )
    )
    hover_feature(mp, li, fi)
    tip = mp.page.locator(".leaflet-tooltip .zp-tip-area")
    tip.wait_for(state="visible", timeout=3000)
    assert number(tip.inner_text(), "vi") == pytest.approx(
        measured, abs=0.05 if measured >= 100 else 0.005
    )
    assert tip.inner_text().endswith(" ha")
    assert mp.page.inner_text(".leaflet-tooltip .zp-tip-name") == row["name_vi"]
    after = float(
        mp.js(
            "([li, fi]) => window.zoneplan.viewer.layers[li].items[fi].layer.options.weight",
            [li, fi],
        )
    )
    assert after > before
    mp.assert_clean()


def test_line_tooltip_shows_length(open_map, maps, catalog_frames):
    li, fi, lid, _row = pick_feature(catalog_frames, kinds=("LineString", "MultiLineString"))
    km = measure_features(catalog_frames[lid])["length_km_vn2000"].iloc[fi]
    mp = open_map(maps["en"])
    hover_feature(mp, li, fi)
    tip = mp.page.locator(".leaflet-tooltip .zp-tip-length")
    tip.wait_for(state="visible", timeout=3000)
    assert number(tip.inner_text(), "en") == pytest.approx(km, abs=0.006)
    mp.assert_clean()


def test_popup_lists_names_areas_source_and_accuracy(open_map, maps, catalog_frames):
    li, fi, lid, row = pick_feature(
        catalog_frames, kinds=("Polygon", "MultiPolygon"), need="declared_area_ha"
    )
    measured = measure_features(catalog_frames[lid])["area_ha_vn2000"].iloc[fi]
    mp = open_map(maps["en"])
    x, y = hover_feature(mp, li, fi)
    mp.page.mouse.click(x, y)
    popup = mp.page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible", timeout=3000)
    assert mp.page.inner_text(".zp-popup-name") == row["name_en"]
    assert row["name_vi"] in popup.inner_text()
    assert mp.page.inner_text(".zp-row-category td") == CATEGORIES[row["category"]][1]
    assert mp.page.inner_text(".zp-row-phase td") == PHASES[row["phase"]][1]
    area = number(mp.page.inner_text(".zp-row-area td"), "en")
    declared = number(mp.page.inner_text(".zp-row-declared td"), "en")
    diff = number(mp.page.inner_text(".zp-row-difference td"), "en")
    tol = 0.05 if measured >= 100 else 0.005
    assert area == pytest.approx(measured, abs=tol)
    assert declared == pytest.approx(row["declared_area_ha"], abs=tol)
    assert diff == pytest.approx(measured - row["declared_area_ha"], abs=2 * tol)
    assert row["source"] in mp.page.inner_text(".zp-row-source td")
    if str(row["source_url"]).startswith(("http://", "https://")):
        link = mp.page.locator(".zp-row-source a")
        assert link.get_attribute("rel") == "noopener noreferrer"
        assert link.get_attribute("target") == "_blank"
        assert link.get_attribute("href").rstrip("/") == str(row["source_url"]).strip().rstrip("/")
    assert "m" in mp.page.inner_text(".zp-row-accuracy td")
    mp.assert_clean()


# ---------------------------------------------------------------- coordinates


def test_coordinate_readout_matches_pyproj(open_map, maps):
    mp = open_map(maps["en"])
    worst = 0.0
    for x, y in [(640, 420), (420, 300), (900, 560)]:
        mp.page.mouse.move(x, y)
        ll = mp.js("([x, y]) => window.zoneplan.viewer.map.containerPointToLatLng([x, y])", [x, y])
        lat_text = mp.page.inner_text(".zp-coord-lat")
        lon_text = mp.page.inner_text(".zp-coord-lon")
        assert number(lat_text, "en") == pytest.approx(ll["lat"], abs=6e-7)
        assert lat_text.endswith("N")
        assert number(lon_text, "en") == pytest.approx(ll["lng"], abs=6e-7)
        assert lon_text.endswith("E")
        easting, northing = TO_VN2000.transform(ll["lng"], ll["lat"])
        shown_x = float(mp.page.inner_text(".zp-coord-x"))
        shown_y = float(mp.page.inner_text(".zp-coord-y"))
        assert shown_x == pytest.approx(northing, abs=0.006)  # X is the northing
        assert shown_y == pytest.approx(easting, abs=0.006)
        worst = max(worst, abs(shown_x - northing), abs(shown_y - easting))
    assert worst < 1.0
    mp.assert_clean()


def test_vn2000_conversion_is_within_a_millimetre_of_pyproj(open_map, maps):
    mp = open_map(maps["en"])
    points = [(20.5 + i * 0.03, 106.45 + i * 0.045) for i in range(12)] + [(20.632, 106.770)]
    got = mp.js("(pts) => pts.map(([la, lo]) => window.zoneplan.toVN2000(la, lo))", points)
    for (lat, lon), p in zip(points, got, strict=True):
        easting, northing = TO_VN2000.transform(lon, lat)
        assert math.hypot(p["x"] - northing, p["y"] - easting) < 0.001
    # Nam Đồ Sơn berths 1-2, published VN-2000 / TM-3 105-45 coordinates (docs: FACTS)
    assert got[-1]["y"] == pytest.approx(606_105.05, abs=0.01)
    assert got[-1]["x"] == pytest.approx(2_282_548.31, abs=0.01)


# ---------------------------------------------------------------- search, filter


def test_search_finds_a_feature_typed_without_diacritics(open_map, maps, catalog_frames):
    names = [n for gdf in catalog_frames.values() for n in gdf["name_vi"] if fold(n) != n.lower()]
    assert names, "no Vietnamese name with diacritics in the catalog"
    target = max(names, key=lambda n: sum(c != d for c, d in zip(n.lower(), fold(n), strict=False)))
    query = fold(target)
    assert query != target.lower()
    mp = open_map(maps["default"])
    mp.page.fill(".zp-search-input", query)
    hits = mp.page.locator(".zp-search-hit .zp-search-name")
    assert target in hits.all_inner_texts()
    hits.filter(has_text=target).first.click()
    mp.page.locator(".zp-popup-name").wait_for(state="visible", timeout=3000)
    assert mp.page.inner_text(".zp-popup-name") == target
    mp.page.fill(".zp-search-input", "zzqqxx no such place")
    assert mp.page.inner_text(".zp-search-results") == "Không tìm thấy"
    mp.assert_clean()


def test_phase_filter_hides_features(open_map, maps, catalog_frames):
    mp = open_map(maps["en"])
    for li in range(len(catalog_frames)):
        box = mp.page.locator(f'input.zp-layer-toggle[data-layer-index="{li}"]')
        if not box.is_checked():
            box.check()
    counts = {k: mp.page.locator(f"path.zp-p{k}").count() for k in range(len(PHASES))}
    phase = next(k for k in (2, 1, 0) if counts[k])
    mp.page.locator(f'input.zp-phase-toggle[data-phase-index="{phase}"]').uncheck()
    assert mp.page.locator(f"path.zp-p{phase}").count() == 0
    for k, n in counts.items():
        if k != phase:
            assert mp.page.locator(f"path.zp-p{k}").count() == n
    mp.page.locator(f'input.zp-phase-toggle[data-phase-index="{phase}"]').check()
    assert mp.page.locator(f"path.zp-p{phase}").count() == counts[phase]
    mp.assert_clean()


# ---------------------------------------------------------------- basemaps, opacity, measure


def test_basemaps_switch_and_opacity_slider(open_map, maps):
    mp = open_map(maps["en"])
    tiles = (
        "#"
        + mp.js("window.zoneplan.viewer.map.getContainer().id")
        + " > .leaflet-pane .leaflet-tile-pane img"
    )
    mp.page.locator('.zp-basemaps input[value="1"]').check()
    mp.page.wait_for_function(
        "(sel) => [...document.querySelectorAll(sel)].some(i => i.src.includes('arcgisonline'))",
        arg=tiles,
    )
    mp.page.wait_for_timeout(300)
    srcs = mp.page.eval_on_selector_all(tiles, "els => els.map(e => e.src)")
    assert srcs
    assert all("arcgisonline" in s for s in srcs)
    mp.page.locator('.zp-basemaps input[value="2"]').check()
    mp.page.wait_for_function(
        "(sel) => [...document.querySelectorAll(sel)].some(i => i.src.includes('cartocdn'))",
        arg=tiles,
    )
    mp.page.locator('.zp-basemaps input[value="-1"]').check()
    assert mp.page.locator(tiles).count() == 0
    assert mp.page.locator("path.zp-f").count() > 0  # the plan stays on a plain background
    mp.page.locator(".zp-opacity-range").fill("30")
    opacities = mp.js("() => window.zoneplan.viewer.panes.map(p => p.style.opacity)")
    assert set(opacities) == {"0.3"}
    mp.assert_clean()


def test_an_offline_basemap_stops_asking_for_tiles_until_it_is_back(open_map, maps, tile_png):
    """No network: the basemap is paused with a note, retried on demand and when online."""
    mp = open_map(maps["offline"], block_all=True)
    page = mp.page
    note = page.locator(".zp-basemap-note")
    note.wait_for(state="visible", timeout=5000)
    said = mp.js("() => window.zoneplan.viewer.live.textContent")
    assert said.startswith("Basemap offline. None of the tiles of the OpenStreetMap basemap")
    assert note.locator(".zp-basemap-note-text").inner_text() == "Basemap offline"
    assert "OpenStreetMap" in note.get_attribute("title")
    assert mp.tiles
    assert all("tile.openstreetmap.org" in u for u in mp.tiles)
    imgs = "() => [...document.querySelectorAll('img.leaflet-tile')].length"
    off = """() => { const v = window.zoneplan.viewer; let mini = 0;
      v.minimap.eachLayer(l => { if (l instanceof L.TileLayer) mini++; });
      return [v.map.hasLayer(v.basemap), mini, v.basemapIndex]; }"""
    assert mp.js(off) == [False, 0, 0]  # off the map and the overview, still chosen
    assert mp.js(imgs) == 0
    assert page.locator('.zp-basemaps input[value="0"]').is_checked()
    # zooming and panning ask for no tile
    asked = len(mp.tiles)
    for step in (
        "m => m.zoomIn(1, {animate: false})",
        "m => m.zoomIn(1, {animate: false})",
        "m => m.panBy([300, 200], {animate: false})",
    ):
        mp.js(f"() => ({step})(window.zoneplan.viewer.map)")
        mp.js("() => window.zoneplan.viewer.whenDrawn()")
    page.wait_for_timeout(300)
    assert len(mp.tiles) == asked
    # Retry: the view's tiles asked for again; they fail again, and the basemap is paused again
    note.locator("button.zp-basemap-retry").click()
    for _ in range(50):
        if len(mp.tiles) > asked:
            break
        page.wait_for_timeout(100)
    assert len(mp.tiles) > asked
    page.wait_for_function("() => window.zoneplan.viewer.basemapPaused === true", timeout=5000)
    note.wait_for(state="visible", timeout=2000)
    assert mp.js(off) == [False, 0, 0]
    # back online (the browser's own event), with tiles answered: the basemap is back
    page.route(
        re.compile(r"^https://tile\.openstreetmap\.org/"),
        lambda r: r.fulfill(status=200, body=tile_png, content_type="image/png"),
    )
    page.context.set_offline(True)
    page.context.set_offline(False)
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.leaflet-tile-loaded')].length > 0", timeout=5000
    )
    note.wait_for(state="hidden", timeout=2000)
    assert mp.js(off)[:2] == [True, 1]
    assert mp.js("() => window.zoneplan.viewer.basemapPaused") is False
    mp.assert_clean(allow_refused_tiles=True)


def test_measure_tool_reports_vn2000_area_and_length(open_map, maps):
    mp = open_map(maps["en"])
    page = mp.page
    corners = [(450, 250), (850, 260), (820, 560), (480, 540)]
    page.click(".zp-measure-area")
    for x, y in corners[:-1]:
        page.mouse.click(x, y)
    page.mouse.dblclick(*corners[-1])
    lls = mp.js(
        "(pts) => pts.map(p => window.zoneplan.viewer.map.containerPointToLatLng(p))", corners
    )
    ring = [TO_VN2000.transform(ll["lng"], ll["lat"]) for ll in lls]
    poly = Polygon(ring)
    area_text = page.inner_text(".zp-measure-area-value")
    assert area_text.startswith("Area:")
    assert area_text.endswith(" ha")
    assert number(area_text, "en") == pytest.approx(poly.area / 10_000, abs=0.06)
    perimeter = number(page.inner_text(".zp-measure-length-value"), "en")
    assert perimeter == pytest.approx(poly.exterior.length / 1000, abs=0.0006)
    # the measuring clicks opened no popup, and the shape is on the map
    assert page.locator(".leaflet-popup").count() == 0
    assert page.locator(".leaflet-pane path:not(.zp-f)").count() >= 1
    page.click(".zp-measure-line")
    page.mouse.click(500, 300)
    page.mouse.dblclick(700, 300)
    line = LineString(
        [
            TO_VN2000.transform(ll["lng"], ll["lat"])
            for ll in mp.js(
                "(pts) => pts.map(p => window.zoneplan.viewer.map.containerPointToLatLng(p))",
                [(500, 300), (700, 300)],
            )
        ]
    )
    text = page.inner_text(".zp-measure-length-value")
    value = number(text, "en")
    assert value == pytest.approx(
        line.length / 1000 if text.endswith("km") else line.length, rel=1e-3
    )
    page.click(".zp-measure-clear")
    assert page.inner_text(".zp-measure-result") == ""
    mp.assert_clean()


# ---------------------------------------------------------------- other controls


def test_minimap_follows_the_map_after_it_is_drawn(open_map, maps):
    mp = open_map(maps["default"])
    state = """() => { const v = window.zoneplan.viewer, m = v.map, mini = v.minimap;
      const frame = []; mini.eachLayer(l => { if (l instanceof L.Rectangle) frame.push(l); });
      return { centre: [m.getCenter().lat, m.getCenter().lng], zoom: m.getZoom(),
        miniCentre: [mini.getCenter().lat, mini.getCenter().lng], miniZoom: mini.getZoom(),
        bounds: m.getBounds().toBBoxString(), frame: frame[0].getBounds().toBBoxString() }; }"""
    for view in ([20.70, 106.62, 13], [20.66, 106.70, 15], [20.72, 106.58, 11]):
        mp.js("([lat, lon, z]) => { window.zoneplan.viewer.map.setView([lat, lon], z); }", view)
        # it follows when the page is idle, after the map's own frame
        mp.page.wait_for_function(
            """([lat, lon]) => Math.abs(window.zoneplan.viewer.minimap.getCenter().lat - lat) < 1e-6
              && Math.abs(window.zoneplan.viewer.minimap.getCenter().lng - lon) < 1e-6""",
            arg=view[:2],
            timeout=3000,
        )
        now = mp.js(state)
        assert now["miniZoom"] == now["zoom"] - 4
        assert now["frame"] == now["bounds"]  # the view frame outlines the map's view
    mp.assert_clean()


def test_fullscreen_minimap_and_english_interface(open_map, maps):
    mp = open_map(maps["en"])
    page = mp.page
    assert "Southern Coastal Economic Zone of Hai Phong" in page.inner_text(".zp-title")
    assert "indicative" in page.inner_text(".zp-title")
    assert page.inner_text(".zp-legend .zp-dock-toggle") == "Legend"
    assert page.get_attribute("html", "lang") == "en"
    page.wait_for_function(
        "() => document.querySelectorAll('.zp-minimap .leaflet-tile-pane img').length > 0"
    )
    assert page.locator(".zp-minimap path").count() >= 1  # the zone outline and the view frame
    page.click(".zp-fullscreen-button")
    page.wait_for_function("() => document.fullscreenElement !== null")
    assert mp.js("document.fullscreenElement === window.zoneplan.viewer.map.getContainer()")
    page.click(".zp-fullscreen-button")
    page.wait_for_function("() => document.fullscreenElement === null")
    mp.assert_clean()


def test_self_contained_map_draws_with_every_request_blocked(open_map, maps, catalog_frames):
    mp = open_map(maps["offline"], block_all=True)
    mp.page.wait_for_timeout(300)
    visible = [e.visible for e in load_catalog().layers]
    drawn = mp.page.locator("path.zp-f").count()
    assert drawn == sum(
        expected_paths(g) for g, v in zip(catalog_frames.values(), visible, strict=True) if v
    )
    asked = [u for u in mp.requests if not u.startswith(("file://", "data:"))]
    assert asked
    assert all(re.match(r"^https://[^/]*(openstreetmap|arcgisonline|cartocdn)", u) for u in asked)
    assert mp.cdn == []
    assert mp.js("L.version") == "1.9.4"
    mp.assert_clean(allow_refused_tiles=True)
