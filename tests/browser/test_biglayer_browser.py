"""
The big-layer path in real headless Chromium, against the GeoJSON path of the same layer.

One parcel layer is built twice with the real CLI: as GeoJSON/SVG (the default
below 5,000 features) and through the big-layer renderer
(``--big-layer-threshold 0``). Hovering and clicking the same spot must show
the same tooltip and popup on both maps; drawn geometry, search, the phase
filter, the legend and escaping are checked on the big one.
"""

from __future__ import annotations

import base64
import gzip
import re
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Geod

import zoneplan.render
import zoneplan.render.map as render_map
from zoneplan.catalog import load_catalog
from zoneplan.cli import main
from zoneplan.schema import PHASES
from zoneplan.synthetic import synthetic_parcels

pytestmark = pytest.mark.browser

GEOD = Geod(ellps="WGS84")
EVIL = '<img src=x onerror="window.__pwned=1">{{7*7}}</script>'
SAMPLE = (0, 17, 250, 777, 1234, 1999)

# the container pixel of a lon/lat after centring the map on it at zoom 17
CENTRE_ON = """([lat, lon]) => {
  const v = window.zoneplan.viewer;
  v.map.setView([lat, lon], 17, {animate: false});
  return v.whenDrawn().then(() => {
    const p = v.map.latLngToContainerPoint([lat, lon]);
    const r = v.map.getContainer().getBoundingClientRect();
    return [r.left + p.x, r.top + p.y];
  });
}"""
BIG_ENTRY = "window.zoneplan.viewer.layers.find(e => e.big)"
# the largest alpha of the big layers' canvas pixels under a page point (0 when nothing is
# drawn there, -1 when no canvas covers it)
CANVAS_ALPHA = """([x, y]) => {
  let alpha = -1;
  for (const c of document.querySelectorAll('canvas.zp-big-canvas')) {
    const r = c.getBoundingClientRect();
    if (x >= r.left && x < r.right && y >= r.top && y < r.bottom) {
      const k = c.width / r.width; // device pixels per CSS pixel
      const px = [Math.floor((x - r.left) * k), Math.floor((y - r.top) * k)];
      alpha = Math.max(alpha, c.getContext('2d').getImageData(px[0], px[1], 1, 1).data[3]);
    }
  }
  return alpha;
}"""


@pytest.fixture(scope="module")
def parcels():
    gdf = synthetic_parcels(2000, seed=11)
    n = len(gdf)
    gdf["phase"] = np.array(list(PHASES))[np.arange(n) % len(PHASES)]
    gdf["category"] = np.where(np.arange(n) % 5 == 0, "industrial_park", gdf["land_use"])
    gdf["note"] = np.where(np.arange(n) % 7 == 0, EVIL, None)
    gdf["score"] = np.where(np.arange(n) % 3 == 0, np.nan, np.arange(n) / 8)
    return gdf


@pytest.fixture(scope="module")
def two_maps(parcels, tmp_path_factory):
    folder = tmp_path_factory.mktemp("biglayer")
    source = folder / "parcels.gpkg"
    parcels.to_file(source)
    small, big = folder / "small.html", folder / "big.html"
    assert main(["-q", "build", "--lang", "en", "--layer", str(source), "--out", str(small)]) == 0
    args = ["-q", "build", "--lang", "en", "--layer", str(source), "--big-layer-threshold", "0"]
    assert main([*args, "--out", str(big)]) == 0
    offline = folder / "offline.html"
    assert main([*args, "--self-contained", "--out", str(offline)]) == 0
    return {"small": small, "big": big, "offline": offline}


def inside_point(geom) -> tuple[float, float]:
    """A point well inside a parcel, as (lat, lon)."""
    p = shapely.point_on_surface(geom)
    return p.y, p.x


def hover_and_click(mp, lat: float, lon: float) -> tuple[list[str], str]:
    x, y = mp.js(CENTRE_ON, [lat, lon])
    mp.page.mouse.move(x - 1, y - 1)
    mp.page.mouse.move(x, y)
    mp.page.wait_for_timeout(50)
    # a closed tooltip fades out for 200 ms before it leaves the page
    tips = mp.js(
        "() => [...document.querySelectorAll('.leaflet-tooltip.zp-tooltip')]"
        ".filter(t => t.style.opacity !== '0').map(t => t.textContent)"
    )
    mp.page.mouse.click(x, y)
    mp.page.wait_for_selector(".zp-popup", timeout=3000)
    popup = mp.js(
        "() => [...document.querySelectorAll('.zp-popup')].filter(p => p.style.opacity !== '0')"
        ".map(p => p.querySelector('.zp-popup-body').textContent).join('|')"
    )
    mp.js("() => { window.zoneplan.viewer.map.closePopup(); }")
    return tips, popup


def test_big_map_draws_on_canvas_not_svg(open_map, two_maps, parcels):
    mp = open_map(two_maps["big"])
    mp.assert_clean(allow_refused_tiles=True)
    assert mp.js(f"{BIG_ENTRY}.big.n") == len(parcels)
    # one canvas for the whole view, not one per tile
    assert mp.js("document.querySelectorAll('canvas.zp-big-canvas').length") == 1
    small = open_map(two_maps["small"])
    vectors = (
        "() => { let n = 0; window.zoneplan.viewer.map.eachLayer(l => {"
        " if (l instanceof L.Path) n++; }); return n; }"
    )
    assert small.js(vectors) - mp.js(vectors) == len(parcels)
    svg_paths = "document.querySelectorAll('path.leaflet-interactive').length"
    assert small.js(svg_paths) == small.js(vectors)  # below the threshold: SVG, as ever
    # beside a big layer the catalog layers share one canvas: no SVG to rasterise per zoom
    assert mp.js(svg_paths) == 0
    assert mp.js("document.querySelectorAll('.leaflet-zp-pane-0-pane canvas').length") == 1


def test_same_tooltip_and_popup_as_the_geojson_path(open_map, two_maps, parcels):
    big, small = open_map(two_maps["big"]), open_map(two_maps["small"])
    for f in SAMPLE:
        lat, lon = inside_point(parcels.geometry.iloc[f])
        big_tips, big_popup = hover_and_click(big, lat, lon)
        small_tips, small_popup = hover_and_click(small, lat, lon)
        assert big_tips == small_tips
        assert len(big_tips) == 1
        assert parcels["name_vi"].iloc[f] in big_tips[0]
        assert " ha" in big_tips[0]
        assert big_popup == small_popup
        assert parcels["parcel_id"].iloc[f] in big_popup
    big.assert_clean(allow_refused_tiles=True)


def test_drawn_geometry_is_within_a_centimetre_of_the_source(open_map, two_maps, parcels):
    mp = open_map(two_maps["big"])
    worst = 0.0
    for f in range(0, len(parcels), 97):
        rings = mp.js(
            f"(f) => window.zoneplan.viewer.bigLatLngs({BIG_ENTRY}, f)"
            ".map(r => r.latlngs.map(p => [p.lng, p.lat]))",
            f,
        )
        source = shapely.get_coordinates(parcels.geometry.iloc[f])[
            :-1
        ]  # without the closing vertex
        drawn = np.asarray(rings[0])
        assert drawn.shape == source.shape
        _, _, dist = GEOD.inv(source[:, 0], source[:, 1], drawn[:, 0], drawn[:, 1])
        worst = max(worst, float(np.max(dist)))
    assert worst < 0.01  # coordinates are quantised to 1e-7°, about 1 cm


def test_phase_filter_hides_and_shows_big_features(open_map, two_maps, parcels):
    mp = open_map(two_maps["big"])
    f = 250
    phase = list(PHASES).index(parcels["phase"].iloc[f])
    lat, lon = inside_point(parcels.geometry.iloc[f])
    x, y = mp.js(CENTRE_ON, [lat, lon])
    assert mp.js(CANVAS_ALPHA, [x, y]) > 0
    assert (
        mp.js("([lat, lon]) => window.zoneplan.viewer.bigHit(L.latLng(lat, lon)).f", [lat, lon])
        == f
    )
    mp.js(f"() => {{ window.zoneplan.viewer.setPhaseOn({phase}, false); }}")
    mp.js("() => window.zoneplan.viewer.whenDrawn()")
    assert mp.js(CANVAS_ALPHA, [x, y]) == 0
    assert (
        mp.js("([lat, lon]) => window.zoneplan.viewer.bigHit(L.latLng(lat, lon))", [lat, lon])
        is None
    )
    mp.js(f"() => {{ window.zoneplan.viewer.setPhaseOn({phase}, true); }}")
    mp.js("() => window.zoneplan.viewer.whenDrawn()")
    assert mp.js(CANVAS_ALPHA, [x, y]) > 0


def test_legend_follows_the_big_layer(open_map, two_maps, parcels):
    mp = open_map(two_maps["big"])
    shown = (
        "() => [...document.querySelectorAll('.zp-legend li:not([hidden])')]"
        ".map(li => li.textContent)"
    )
    with_layer = set(mp.js(shown))
    assert {"residential", "aquaculture"} <= with_layer  # categories only the parcels carry
    index = mp.js(f"{BIG_ENTRY}.index")
    mp.js(f"() => {{ window.zoneplan.viewer.setLayerOn({index}, false); }}")
    without = set(mp.js(shown))
    assert "residential" not in without
    assert "aquaculture" not in without
    assert mp.js(CANVAS_ALPHA, [640, 400]) == -1  # no tile of the layer left


def test_search_finds_a_parcel_of_the_big_layer(open_map, two_maps, parcels):
    mp = open_map(two_maps["big"])
    f = 1234
    name = parcels["name_vi"].iloc[f]  # "Thửa 1235"
    mp.page.fill(".zp-search-input", "thua " + name.split()[-1])
    hits = mp.js("() => [...document.querySelectorAll('.zp-search-name')].map(n => n.textContent)")
    assert name in hits
    mp.page.click(f".zp-search-hit:has-text('{name}')")
    mp.page.wait_for_selector(".zp-popup")
    assert parcels["parcel_id"].iloc[f] in mp.js("document.querySelector('.zp-popup').textContent")
    mp.assert_clean(allow_refused_tiles=True)


def test_untrusted_values_stay_text(open_map, two_maps, parcels):
    mp = open_map(two_maps["big"])
    f = 7  # a parcel with the hostile note
    assert parcels["note"].iloc[f] == EVIL
    lat, lon = inside_point(parcels.geometry.iloc[f])
    _, popup = hover_and_click(mp, lat, lon)
    assert EVIL in popup
    assert mp.js("window.__pwned") is None
    assert mp.js("document.querySelectorAll('img[src=x]').length") == 0
    mp.assert_clean(allow_refused_tiles=True)


def test_self_contained_big_map_opens_with_every_request_blocked(open_map, two_maps, parcels):
    mp = open_map(two_maps["offline"], block_all=True)
    assert mp.js(f"{BIG_ENTRY}.big.n") == len(parcels)
    assert not [
        u
        for u in mp.requests
        if not u.startswith(("file://", "data:"))
        and "tile" not in u
        and "arcgis" not in u
        and "cartocdn" not in u
    ]
    mp.assert_clean(allow_refused_tiles=True)


def test_zooming_back_reuses_the_drawn_tiles(open_map, two_maps, parcels):
    mp = open_map(two_maps["big"])
    result = mp.js(
        """async () => {
          const v = window.zoneplan.viewer, m = v.map, c = m.getCenter(), z = m.getZoom();
          const layer = v.layers.find(e => e.big).group;
          const canvas = document.querySelector('canvas.zp-big-canvas');
          const pixels = () => Array.from(
            canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data);
          const before = pixels(), drawn0 = layer.stats.drawn;
          m.setView(c, z + 1, {animate: false}); await v.whenDrawn();
          const drawn1 = layer.stats.drawn, reused1 = layer.stats.reused;
          m.setView(c, z, {animate: false}); await v.whenDrawn();
          const after = pixels();
          return {
            zoomedIn: drawn1 - drawn0, drawnBack: layer.stats.drawn - drawn1,
            reusedBack: layer.stats.reused - reused1, same: before.every((b, i) => b === after[i]),
            painted: before.some((b, i) => i % 4 === 3 && b > 0)
          };
        }"""
    )
    assert result["zoomedIn"] > 0
    assert result["drawnBack"] == 0  # every tile of the first view came back from the cache
    assert result["reusedBack"] > 0
    assert result["painted"]
    assert result["same"]  # and gives the very same picture
    mp.assert_clean(allow_refused_tiles=True)


def test_panning_draws_only_the_new_tiles(open_map, two_maps, parcels):
    mp = open_map(two_maps["big"])
    result = mp.js(
        """async () => {
          const v = window.zoneplan.viewer, m = v.map;
          const layer = v.layers.find(e => e.big).group;
          m.setZoom(m.getZoom() + 2, {animate: false}); await v.whenDrawn();
          const drawn0 = layer.stats.drawn, reused0 = layer.stats.reused;
          m.panBy([300, 0], {animate: false}); await v.whenDrawn();
          return [drawn0, layer.stats.drawn - drawn0, layer.stats.reused - reused0];
        }"""
    )
    first, drawn, reused = result
    assert 0 < drawn < first / 2  # a column or two of 256 px tiles
    assert reused > drawn
    mp.assert_clean(allow_refused_tiles=True)


# RGBA of the catalog canvas (shared by the catalog layers on a big map) at a page point
CATALOG_RGBA = """([x, y]) => {
  const c = document.querySelector('.leaflet-zp-pane-0-pane canvas');
  const r = c.getBoundingClientRect();
  const px = [Math.floor(x - r.left), Math.floor(y - r.top)];
  return Array.from(c.getContext('2d').getImageData(px[0], px[1], 1, 1).data);
}"""


def catalog_index(layer_id: str) -> int:
    """Index of a catalog layer on the map (the catalog layers come first)."""
    return [e.id for e in load_catalog().layers].index(layer_id)


def test_catalog_layers_keep_their_order_on_the_shared_canvas(open_map, two_maps):
    mp = open_map(two_maps["big"])
    mp.js(f"() => {{ window.zoneplan.viewer.setLayerOn({mp.js(f'{BIG_ENTRY}.index')}, false); }}")
    # a point where a functional area lies over the zone
    x, y = mp.js(
        """(li) => {
          const v = window.zoneplan.viewer, m = v.map, r = m.getContainer().getBoundingClientRect();
          const area = v.layers[li].items[0].layer;
          const p = m.latLngToContainerPoint(area.getCenter());
          return [r.left + p.x, r.top + p.y];
        }""",
        catalog_index("functional_areas"),
    )
    zone = catalog_index("zone")
    before = mp.js(CATALOG_RGBA, [x, y])
    assert before[3] > 0
    mp.js(f"() => {{ window.zoneplan.viewer.setLayerOn({zone}, false); }}")
    mp.js("() => window.zoneplan.viewer.whenDrawn()")
    without_zone = mp.js(CATALOG_RGBA, [x, y])
    mp.js(f"() => {{ window.zoneplan.viewer.setLayerOn({zone}, true); }}")
    mp.js("() => window.zoneplan.viewer.setPhaseOn(0, false)")
    mp.js("() => window.zoneplan.viewer.setPhaseOn(0, true)")
    mp.js("() => window.zoneplan.viewer.whenDrawn()")
    assert without_zone != before  # the zone shows through the functional area
    assert mp.js(CATALOG_RGBA, [x, y]) == before  # shown again: below it, as before
    mp.assert_clean(allow_refused_tiles=True)


def test_catalog_tooltip_on_the_shared_canvas(open_map, two_maps):
    mp = open_map(two_maps["big"])
    mp.js(f"() => {{ window.zoneplan.viewer.setLayerOn({mp.js(f'{BIG_ENTRY}.index')}, false); }}")
    name, x, y = mp.js(
        """(li) => {
          const v = window.zoneplan.viewer, m = v.map, r = m.getContainer().getBoundingClientRect();
          const item = v.layers[li].items[0];
          const p = m.latLngToContainerPoint(item.layer.getCenter());
          return [v.names(item)[0], r.left + p.x, r.top + p.y];
        }""",
        catalog_index("functional_areas"),
    )
    mp.page.mouse.move(x - 2, y - 2)
    mp.page.mouse.move(x, y)
    mp.page.wait_for_selector(".leaflet-tooltip.zp-tooltip", timeout=3000)
    assert name in mp.js("document.querySelector('.leaflet-tooltip.zp-tooltip').textContent")
    mp.assert_clean(allow_refused_tiles=True)


def test_rasteriser_warm_up_leaves_no_tiles_behind(open_map, two_maps, parcels):
    mp = open_map(two_maps["big"])
    result = mp.js(
        """async () => {
          const v = window.zoneplan.viewer, layer = v.layers.find(e => e.big).group;
          const canvas = document.querySelector('canvas.zp-big-canvas');
          const picture = () => canvas.toDataURL();
          const before = [layer.cache.size, layer.stats.drawn, picture()];
          v.warmBigRaster();
          await v.whenDrawn();
          return [before, [layer.cache.size, layer.stats.drawn, picture()]];
        }"""
    )
    before, after = result
    assert before[0] > 0
    assert after == before  # nothing cached, counted or drawn: the next zoom does its own work
    mp.assert_clean(allow_refused_tiles=True)


def test_dragging_draws_the_ground_it_uncovers_before_the_drag_ends(open_map, two_maps, parcels):
    mp = open_map(two_maps["big"])
    page = mp.page
    box = page.locator(".folium-map").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    frames = f"{BIG_ENTRY}.group.stats.frames"
    before = mp.js(frames)
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(x - 30 * k, y - 12 * k)
        page.wait_for_timeout(20)
    mp.js("() => window.zoneplan.viewer.whenDrawn()")
    during = mp.js(frames)
    # the canvas now covers the whole view again, while the button is still down
    covered = mp.js(
        """() => {
          const c = document.querySelector('canvas.zp-big-canvas').getBoundingClientRect();
          const r = window.zoneplan.viewer.map.getContainer().getBoundingClientRect();
          return c.left <= r.left && c.top <= r.top && c.right >= r.right && c.bottom >= r.bottom;
        }"""
    )
    page.mouse.up()
    assert during > before
    assert covered
    mp.assert_clean(allow_refused_tiles=True)


def test_wheel_zoom_with_animation_ends_on_a_full_drawn_canvas(open_map, two_maps, parcels):
    mp = open_map(two_maps["big"])
    f = 777
    lat, lon = inside_point(parcels.geometry.iloc[f])
    x, y = mp.js(CENTRE_ON, [lat, lon])
    mp.js("() => { window.zoneplan.viewer.map.setZoom(15, {animate: false}); }")
    mp.js("() => window.zoneplan.viewer.whenDrawn()")
    zoomed = mp.js("() => window.zoneplan.viewer.map.getZoom()")
    mp.page.mouse.move(x, y)
    mp.page.mouse.wheel(0, -300)  # zoom in around the parcel, animated
    mp.page.wait_for_function(
        "(z) => { const m = window.zoneplan.viewer.map;"
        " return m.getZoom() > z && !m._animatingZoom; }",
        arg=zoomed,
        timeout=5000,
    )
    mp.js("() => window.zoneplan.viewer.whenDrawn()")
    state = mp.js(
        """([lat, lon]) => {
          const v = window.zoneplan.viewer, m = v.map;
          const c = document.querySelector('canvas.zp-big-canvas');
          const cr = c.getBoundingClientRect(), r = m.getContainer().getBoundingClientRect();
          const p = m.latLngToContainerPoint([lat, lon]);
          return { covered: cr.left <= r.left && cr.top <= r.top && cr.right >= r.right
                     && cr.bottom >= r.bottom,
                   width: cr.width, canvasWidth: c.width, point: [r.left + p.x, r.top + p.y] };
        }""",
        [lat, lon],
    )
    assert state["covered"]
    assert state["width"] == state["canvasWidth"]  # no zoom-animation scale left on it
    assert mp.js(CANVAS_ALPHA, state["point"]) > 0  # the parcel is drawn where it is
    mp.assert_clean(allow_refused_tiles=True)


def test_high_density_screens_get_a_canvas_of_device_pixels(open_map, two_maps, parcels):
    pictures = {}
    for scale in (1, 2):
        mp = open_map(two_maps["big"], scale=scale)
        f = 1234
        lat, lon = inside_point(parcels.geometry.iloc[f])
        x, y = mp.js(CENTRE_ON, [lat, lon])
        size = mp.js(
            """() => { const c = document.querySelector('canvas.zp-big-canvas');
              return [c.width, c.height, c.getBoundingClientRect().width,
                      c.getBoundingClientRect().height]; }"""
        )
        assert size[0] == scale * size[2]
        assert size[1] == scale * size[3]
        assert mp.js(CANVAS_ALPHA, [x, y]) > 0  # the parcel drawn where it is on the page
        # the same picture, sampled at the same CSS pixels of a 60 x 60 box around it
        pictures[scale] = mp.js(
            """([x, y]) => {
              const c = document.querySelector('canvas.zp-big-canvas');
              const r = c.getBoundingClientRect(), k = c.width / r.width, out = [];
              const d = c.getContext('2d');
              for (let dy = -30; dy < 30; dy += 3) for (let dx = -30; dx < 30; dx += 3) {
                out.push(d.getImageData(Math.floor((x - r.left + dx + 0.5) * k),
                  Math.floor((y - r.top + dy + 0.5) * k), 1, 1).data[3] > 0 ? 1 : 0);
              }
              return out;
            }""",
            [x, y],
        )
        mp.assert_clean(allow_refused_tiles=True)
    same = sum(a == b for a, b in zip(pictures[1], pictures[2], strict=True))
    assert same >= 0.95 * len(pictures[1])


@pytest.mark.parametrize(("scale", "kept"), [(1, 160), (2, 80)])
def test_tile_cache_is_bounded(open_map, two_maps, scale, kept):
    mp = open_map(two_maps["big"], scale=scale)
    sizes = mp.js(
        """async () => {
          const v = window.zoneplan.viewer, m = v.map, layer = v.layers.find(e => e.big).group;
          const c = m.getCenter(), z = m.getZoom() + 3, out = [];
          for (let k = 0; k < 12; k++) {  // a dozen views apart: about 300 new tiles
            m.setView([c.lat + 0.06 * (k % 4 - 1.5), c.lng + 0.09 * (Math.floor(k / 4) - 1)], z,
                      {animate: false});
            await v.whenDrawn();
            out.push(layer.cache.size);
          }
          return [out, layer.stats.drawn];
        }"""
    )
    per_view, drawn = sizes
    assert drawn > kept  # more tiles drawn than kept
    assert max(per_view) == kept
    mp.assert_clean(allow_refused_tiles=True)


RASTER_JS = Path(zoneplan.render.__file__).parent / "static" / "viewer" / "biglayer-raster.js"


def test_each_feature_meeting_a_tile_is_taken_once(open_map, two_maps):
    """
    A tile takes every feature whose box meets it, once, though the grid lists a feature that
    meets up to 2 x 2 cells in its first cell only (and a larger one in every cell it meets):
    checked on the features a tile draws as paths against all features.
    """
    raster_px = int(re.search(r"var RASTER_PX = (\d+);", RASTER_JS.read_text()).group(1))
    mp = open_map(two_maps["big"])
    result = mp.js(
        """([rasterPx]) => {
          const v = window.zoneplan.viewer, entry = v.layers.find(e => e.big), big = entry.big;
          const bb = big.bbox, z = Math.round(v.map.getZoom()) + 3;
          const s = v.map.options.crs.scale(z), centre = v.map.project(v.map.getCenter(), z);
          // features whose box meets more than the one cell they are listed in
          const g = big.grid, cell = (v, o, w) => Math.floor((v - o) / w);
          let severalCells = 0;
          for (let f = 0; f < big.n; f++) {
            const i = 4 * f;
            if (cell(bb[i], g.x0, g.w) !== cell(bb[i + 2], g.x0, g.w)
                || cell(bb[i + 1], g.y0, g.h) !== cell(bb[i + 3], g.y0, g.h)) severalCells++;
          }
          const out = [], cx = Math.floor(centre.x / 256), cy = Math.floor(centre.y / 256);
          for (let ty = cy - 2; ty <= cy + 2; ty++) {
            for (let tx = cx - 2; tx <= cx + 2; tx++) {
              const got = v.rasterBigTile(entry, tx, ty, z, 1).paths.slice().sort((a, b) => a - b);
              const pad = 8 / s, x0 = tx * 256 / s - pad, x1 = (tx * 256 + 256) / s + pad;
              const y0 = ty * 256 / s - pad, y1 = (ty * 256 + 256) / s + pad, want = [];
              for (let f = 0; f < big.n; f++) {
                const i = 4 * f, kind = big.kind[f];
                if (!v.phaseOn[big.phase[f]]) continue;
                if (bb[i] > x1 || bb[i + 2] < x0 || bb[i + 1] > y1 || bb[i + 3] < y0) continue;
                const w = (bb[i + 2] - bb[i]) * s, h = (bb[i + 3] - bb[i + 1]) * s;
                const line = kind !== 0 && (w >= 1.5 || h >= 1.5);
                if (kind === 2 || w >= rasterPx || h >= rasterPx || line) want.push(f);
              }
              out.push([got, want]);
            }
          }
          return {out: out, severalCells: severalCells};
        }""",
        [raster_px],
    )
    assert result["severalCells"] > 100  # features that reach beyond their first cell
    for got, want in result["out"]:
        assert got == want  # each once (sorted: a feature taken twice would show)
    assert sum(len(want) for _, want in result["out"]) > 100
    mp.assert_clean(allow_refused_tiles=True)


def test_grid_words_give_the_tiles_reading_by_feature_gives(open_map, two_maps):
    """
    rasterTile reads each listed feature's kind, phase and category from one word per grid
    item, kept in the grid's order (gridLooks): the same pixels and paths as reading them from
    the layer's arrays feature by feature (what it does when they do not fit a word), at
    zooms of dots, boxes and polygons, with a phase switched off; and the words are made again
    when the layer's categories are replaced.
    """
    mp = open_map(two_maps["big"])
    result = mp.js(
        """() => {
          const v = window.zoneplan.viewer, entry = v.layers.find(e => e.big), big = entry.big;
          const shown = v.phaseOn[1];
          v.phaseOn[1] = false;
          const z0 = Math.round(v.map.getZoom()), out = [];
          const tiles = (z) => {
            const c = v.map.project(v.map.getCenter(), z), cx = Math.floor(c.x / 256);
            const cy = Math.floor(c.y / 256), got = [];
            for (let ty = cy - 1; ty <= cy + 1; ty++) {
              for (let tx = cx - 1; tx <= cx + 1; tx++) {
                got.push(v.rasterBigTile(entry, tx, ty, z, 1));
              }
            }
            return got;
          };
          const key = (ts) => JSON.stringify(ts.map(t => [t.pixels ? Array.from(t.pixels) : null,
                                                         Array.from(t.paths)]));
          const colours = (ts) => new Set(ts.flatMap(t => t.pixels ? Array.from(t.pixels) : []));
          for (const z of [z0, z0 + 1, z0 + 2, z0 + 3]) {
            const words = tiles(z);
            const wordsMade = big.looks.words !== null;
            big.looks = {cat: big.cat, phase: big.phase, words: null};  // by feature
            const byFeature = tiles(z);
            big.looks = null;
            out.push({z: z, wordsMade: wordsMade, same: key(words) === key(byFeature),
                      colours: colours(words).size});
          }
          // one category for every feature: the words are made again, the tiles follow
          const cats = big.cat;
          big.cat = new cats.constructor(cats.length).fill(cats[0]);
          const one = colours(tiles(z0 + 1));
          big.cat = cats;
          const again = colours(tiles(z0 + 1));
          v.phaseOn[1] = shown;
          return {out: out, one: one.size, again: again.size};
        }"""
    )
    for step in result["out"]:
        assert step["wordsMade"], step
        assert step["same"], step
    assert max(s["colours"] for s in result["out"]) > 3  # categories drawn in their colours
    assert result["one"] <= 3  # one category: its dot, fill and edge (and no paint)
    assert result["again"] > result["one"]
    mp.assert_clean(allow_refused_tiles=True)


@pytest.fixture(scope="module")
def points_and_lines_map(tmp_path_factory):
    """Big layers of survey points and of road lines (no polygons), as the CLI builds them."""
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    rng = np.random.default_rng(5)
    lon = 106.60 + rng.random(60) * 0.2
    lat = 20.62 + rng.random(60) * 0.1
    points = [Point(x, y) for x, y in zip(lon[:40], lat[:40], strict=True)]
    lines = [
        LineString([(x, y), (x + 0.01, y + 0.004), (x + 0.02, y)])
        for x, y in zip(lon[40:], lat[40:], strict=True)
    ]
    gdf = gpd.GeoDataFrame(
        {"name_vi": [f"Mốc {i}" for i in range(40)] + [f"Đường {i}" for i in range(20)]},
        geometry=points + lines,
        crs=4326,
    )
    folder = tmp_path_factory.mktemp("biglines")
    # one file per geometry kind, as validation asks
    gdf.iloc[:40].to_file(folder / "points.gpkg")
    gdf.iloc[40:].to_file(folder / "roads.gpkg")
    out = folder / "survey.html"
    args = ["-q", "build", "--lang", "en", "--big-layer-threshold", "0"]
    args += ["--layer", str(folder / "points.gpkg"), "--layer", str(folder / "roads.gpkg")]
    assert main([*args, "--out", str(out)]) == 0
    return out, gdf


@pytest.mark.parametrize("scale", [1, 2])
@pytest.mark.parametrize("f", [3, 17, 45, 52])
def test_big_points_and_lines_are_drawn_and_hoverable(open_map, points_and_lines_map, f, scale):
    out, gdf = points_and_lines_map
    mp = open_map(out, scale=scale)
    mp.js(
        "(n) => { const v = window.zoneplan.viewer;"
        " v.layers.forEach((e, i) => { if (i < n) v.setLayerOn(i, false); }); }",
        len(load_catalog().layers),
    )
    geom = gdf.geometry.iloc[f]
    # a point itself, or a vertex in the middle of a line
    lon, lat = (geom.x, geom.y) if geom.geom_type == "Point" else geom.coords[1]
    x, y = mp.js(CENTRE_ON, [lat, lon])
    # drawn there (within 3 px: a line's stroke may be dashed, and is anti-aliased)
    near = [(x + dx, y + dy) for dx in range(-3, 4) for dy in range(-3, 4)]
    assert max(mp.js(CANVAS_ALPHA, list(p)) for p in near) > 0
    mp.page.mouse.move(x - 1, y - 1)
    mp.page.mouse.move(x, y)
    mp.page.wait_for_selector(".leaflet-tooltip.zp-tooltip", timeout=3000)
    assert gdf["name_vi"].iloc[f] in mp.js(
        "() => document.querySelector('.leaflet-tooltip.zp-tooltip').textContent"
    )
    mp.assert_clean(allow_refused_tiles=True)


# the big layer's canvas at the view (centre, zoom) and what drew its tiles
CANVAS_AT = """async ([lat, lon, z]) => {
  const v = window.zoneplan.viewer, layer = v.layers.find(e => e.big).group;
  v.map.setView([lat, lon], z, {animate: false});
  await v.whenDrawn();
  const c = document.querySelector('canvas.zp-big-canvas');
  return { picture: c.toDataURL(), stats: Object.assign({}, layer.stats),
           worker: !!(v.layers.find(e => e.big).big.worker), width: c.width };
}"""


# (viewer, big entry, zoom) => how many cached tiles of that zoom there are, how many are the
# very pixels and paths the page's own rasteriser gives, and their painted pixels
SAME_AS_THE_PAGE = """(v, entry, z) => {
  let compared = 0, equal = 0, pixels = 0;
  entry.group.cache.forEach((tile, key) => {
    const [tz, tx, ty, r] = key.split(':').map(Number);
    if (tz !== z) return;
    const mine = v.rasterBigTile(entry, tx, ty, tz, r);
    const a = tile.pixels, b = mine.pixels;
    const samePixels = a === null ? b === null
      : b !== null && a.length === b.length && a.every((p, i) => p === b[i]);
    const samePaths = Array.from(tile.paths).join() === Array.from(mine.paths).join();
    compared++;
    if (samePixels && samePaths) equal++;
    if (a) pixels += a.reduce((n, p) => n + (p ? 1 : 0), 0);
  });
  return { compared, equal, pixels };
}"""


def test_worker_draws_half_the_tiles_as_the_page_would(open_map, two_maps):
    """
    From a file: URL under the page's CSP, the big layer's worker (a data: URL) decodes the
    geometry and rasterises half the tiles of each new view: the same pixels and paths as
    the page's own rasteriser gives for those tiles, and the same picture as a page without
    a worker (its CSP without worker-src: everything drawn on the page's thread).
    """
    mp = open_map(two_maps["offline"], block_all=True)
    policy = mp.js("document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content")
    assert "worker-src data:;" in policy
    # the worker's steps, in order, on the page's clock: it decoded the geometry and drew the
    # first view's tiles; then the page asked for its copy of the geometry and had it
    t = mp.js("window.zoneplan.timings")
    w = t["worker"]
    assert t["start"] <= t["parsed"] <= t["columns"] <= t["viewer"] <= t["drawn"]
    assert w["began"] <= w["inflated"] <= w["decoded"] <= w["posted"]
    assert w["decoded"] <= t["drawn"] + 1  # two clocks: the worker's, the page's (1 ms slack)
    assert t["drawn"] <= w["posted"] + 1
    assert w["posted"] <= w["copied"] + 1
    assert w["copied"] <= t["geometry"] <= t["decoded"]
    assert "'unsafe-eval'" not in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    lat, lon, zoom = mp.js(
        "(() => { const m = window.zoneplan.viewer.map, c = m.getCenter();"
        " return [c.lat, c.lng, m.getZoom()]; })()"
    )
    same = mp.js(
        """async ([lat, lon, z]) => {
          const v = window.zoneplan.viewer, entry = v.layers.find(e => e.big), layer = entry.group;
          const before = layer.stats.worker;  // the first view's tiles, all the worker's
          v.map.setView([lat, lon], z, {animate: false});
          const asked = layer.wanted && layer.inflight.size;  // the worker's tiles on their way
          await v.whenDrawn();
          const { compared, equal, pixels } = ("""
        + SAME_AS_THE_PAGE
        + """)(v, entry, z);
          return { asked: asked, worker: layer.stats.worker - before, compared: compared,
                   equal: equal, pixels: pixels, dead: entry.big.worker.dead };
        }""",
        [lat, lon, zoom + 2],
    )
    assert same["asked"] > 0
    assert same["worker"] > 0
    assert not same["dead"]
    assert same["compared"] > same["worker"] / 2
    assert same["equal"] == same["compared"]
    assert same["pixels"] > 1000
    with_worker = mp.js(CANVAS_AT, [lat, lon, zoom + 1])
    # the browser's own print (Ctrl+P) prints right after beforeprint: the sheet's view is
    # drawn whole before its handlers return, without waiting for the worker
    printed = mp.js(
        """() => {
          const layer = window.zoneplan.viewer.layers.find(e => e.big).group;
          const frames = layer.stats.frames;
          window.dispatchEvent(new Event('beforeprint'));
          const c = document.querySelector('canvas.zp-big-canvas').getBoundingClientRect();
          const r = window.zoneplan.viewer.map.getContainer().getBoundingClientRect();
          const out = { waiting: layer.wanted !== null, frames: layer.stats.frames - frames,
                        covered: [c.left - r.left, c.top - r.top, r.right - c.right,
                                  r.bottom - c.bottom].every(d => Math.abs(d) < 1) };
          window.dispatchEvent(new Event('afterprint'));
          return out;
        }"""
    )
    assert not printed["waiting"]
    assert printed["frames"] >= 1
    assert printed["covered"]
    mp.assert_clean(allow_refused_tiles=True)  # no CSP violation among them

    # the same page without worker-src in its policy: the worker is refused, the page draws
    html = two_maps["offline"].read_text(encoding="utf-8")
    meta = re.search(r'<meta http-equiv="Content-Security-Policy"[^>]*>', html).group(0)
    assert meta.count("worker-src data:; ") == 1
    no_worker = two_maps["offline"].with_name("no-worker.html")
    without = html.replace(meta, meta.replace("worker-src data:; ", ""), 1)
    no_worker.write_text(without, encoding="utf-8")
    fallback = open_map(no_worker, block_all=True)
    alone = fallback.js(CANVAS_AT, [lat, lon, zoom + 1])
    assert with_worker["worker"]
    assert not alone["worker"]
    assert alone["stats"]["worker"] == 0
    assert alone["picture"] == with_worker["picture"]
    # its one error: the refused worker, reported by the browser
    errors = fallback.errors(allow_refused_tiles=True)
    assert len(errors) == 1
    assert "worker-src" in errors[0]
    assert fallback.js(f"{BIG_ENTRY}.big.n") == 2000


BLOCK = re.compile(
    r'<script type="application/octet-stream" id="(zoneplan-big-\d+(?:\.\d+)?)">([^<]*)</script>'
)


def test_a_block_in_pieces_is_inflated_as_the_page_is_read(open_map, two_maps, monkeypatch):
    """
    A block longer than BLOCK_PIECE_CHARS is carried in pieces, each followed by the one
    feeding script (one hash in the policy); as the page is read, the viewer's worker
    inflates the pieces of the block's first member (the geometry) and the page those of the
    second (neither is given the whole text), and the same picture is drawn as from the
    block in one element. With a piece not fed (its script gone), the block is read whole at
    the start, as before.
    """
    source = two_maps["offline"].with_name("parcels.gpkg")
    split = two_maps["offline"].with_name("pieces.html")
    monkeypatch.setattr(render_map, "BLOCK_PIECE_CHARS", 4096)
    args = ["-q", "build", "--lang", "en", "--layer", str(source), "--big-layer-threshold", "0"]
    assert main([*args, "--self-contained", "--out", str(split)]) == 0
    html = split.read_text(encoding="utf-8")
    (whole,) = BLOCK.findall(two_maps["offline"].read_text(encoding="utf-8"))
    pieces = BLOCK.findall(html)
    first = whole[0]  # the element id of the block in one piece
    assert [p[0] for p in pieces] == [first] + [f"{first}.{k}" for k in range(1, len(pieces))]
    assert len(pieces) > 5
    assert all(len(p[1]) == 4096 for p in pieces[:-1])
    joined = "".join(p[1] for p in pieces)
    assert gzip.decompress(base64.b64decode(joined)) == gzip.decompress(base64.b64decode(whole[1]))
    feed = f"<script>{render_map.FEED_SCRIPT}</script>"
    assert html.count(feed) == len(pieces)
    assert all(f'id="{p[0]}">{p[1]}</script>\n{feed}' in html for p in pieces)
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(
        1
    )
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]

    one = open_map(two_maps["offline"], block_all=True)
    lat, lon, zoom = one.js(
        "(() => { const m = window.zoneplan.viewer.map, c = m.getCenter();"
        " return [c.lat, c.lng, m.getZoom()]; })()"
    )
    expected = one.js(CANVAS_AT, [lat, lon, zoom + 1])
    assert one.js("window.zoneplan.timings.pieces") is None  # one element: read whole
    fed = open_map(split, block_all=True)
    assert fed.js("window.zoneplan.timings.pieces") == len(pieces)
    got = fed.js(CANVAS_AT, [lat, lon, zoom + 1])
    assert got["worker"]
    assert got["stats"]["worker"] > 0  # tiles from the worker, which had only the pieces
    assert got["picture"] == expected["picture"]
    fed.assert_clean(allow_refused_tiles=True)  # no CSP violation

    gap = split.with_name("pieces-gap.html")
    k = html.index(f'id="{pieces[3][0]}"')
    at = html.index(feed, k)
    gap.write_text(html[:at] + html[at + len(feed) :], encoding="utf-8")
    unfed = open_map(gap, block_all=True)
    assert unfed.js("window.zoneplan.timings.pieces") is None
    again = unfed.js(CANVAS_AT, [lat, lon, zoom + 1])
    assert again["worker"]
    assert again["picture"] == expected["picture"]
    unfed.assert_clean(allow_refused_tiles=True)


def test_the_next_zoom_in_is_drawn_ahead_in_idle_time(open_map, two_maps):
    """
    Once a view is drawn and the page is idle, the tiles of the next zoom in at its centre
    are drawn (some by the worker) and kept aside: zooming in there then shows them at once,
    without waiting for any tile, and they are the tiles the page's own rasteriser gives.
    """
    mp = open_map(two_maps["big"])
    result = mp.js(
        """async () => {
          const v = window.zoneplan.viewer, m = v.map, entry = v.layers.find(e => e.big);
          const layer = entry.group, c = m.getCenter(), z = m.getZoom();
          for (let i = 0; i < 600 && (layer.quiet || layer.idle || layer.asking); i++) {
            await new Promise(r => setTimeout(r, 25));
          }
          const keys = [...layer.ahead.keys()], fromWorker = [...layer.ahead.values()]
            .filter(t => t.worker).length, drawn = layer.stats.drawn;
          m.setView(c, z + 1, {animate: false});
          const waiting = layer.wanted !== null;
          await v.whenDrawn();
          const { compared, equal } = ("""
        + SAME_AS_THE_PAGE
        + """)(v, entry, z + 1);
          const counted = layer.stats.drawn - drawn;
          return { z, keys, fromWorker, waiting, compared, equal, counted };
        }"""
    )
    z = result["z"]
    assert len(result["keys"]) > 0
    assert all(k.startswith(f"{z + 1}:") for k in result["keys"])
    assert result["fromWorker"] > 0
    assert not result["waiting"]  # every tile of the new view was there
    assert result["compared"] == len(result["keys"])  # the view's tiles: those drawn ahead
    assert result["equal"] == result["compared"]
    assert result["counted"] == len(result["keys"])
    mp.assert_clean(allow_refused_tiles=True)


def test_a_busy_page_leaves_the_tiles_to_the_worker(open_map, two_maps):
    """
    The page and the worker draw a view's tiles from both ends until they meet: while the
    page's thread is kept busy by other work after the view changes, the worker draws them
    all. Busy or not, each tile is drawn once.
    """
    mp = open_map(two_maps["big"])
    result = mp.js(
        """async () => {
          const v = window.zoneplan.viewer, m = v.map, layer = v.layers.find(e => e.big).group;
          const c = m.getCenter(), z = m.getZoom(), out = [];
          // zooms the worker cannot have drawn ahead (that is the next zoom in at the centre)
          for (const [dz, busy] of [[2, 1000], [4, 0]]) {
            const drawn = layer.stats.drawn, worker = layer.stats.worker;
            // the view's tiles the worker may have drawn ahead already (the next zoom in)
            const early = [...layer.ahead.keys()].filter(k => k.startsWith(`${z + dz}:`)).length;
            m.setView(c, z + dz, {animate: false});
            // the view's tiles on their way (not the next zoom's, which may be drawn ahead)
            const keys = [...layer.inflight.keys()];
            const missing = keys.filter(k => k.startsWith(`${z + dz}:`)).length;
            const t = performance.now();
            while (performance.now() - t < busy) { /* the rest of the page's work */ }
            await v.whenDrawn();
            const cached = [...layer.cache.keys()].filter(k => k.startsWith(`${z + dz}:`));
            out.push({ dz: m.getZoom() - z, missing, early, drawn: layer.stats.drawn - drawn,
                       worker: layer.stats.worker - worker, cached: cached.length });
          }
          return out;
        }"""
    )
    busy = result[0]
    assert [step["dz"] for step in result] == [2, 4]
    for step in result:
        assert step["missing"] >= 8  # shared with the worker (SHARED_TILES)
        # each tile once (one drawn ahead is counted when the view takes it)
        assert step["drawn"] == step["missing"] + step["early"] == step["cached"]
    assert busy["worker"] == busy["drawn"]
    mp.assert_clean(allow_refused_tiles=True)


def test_the_basemap_is_asked_for_once_the_big_layers_first_view_is_drawn(open_map, two_maps):
    """
    With a big layer, its first view is drawn before the basemap's tiles are asked for (they
    would take the page's thread while the layer's tiles are on their way); then the basemap
    and the overview map come, before the page says it is ready.
    """
    mp = open_map(two_maps["big"])
    got = mp.js(
        """() => {
          const tiles = performance.getEntriesByType("resource")
            .filter(e => /tile/.test(e.name) || /\\/\\d+\\/\\d+\\/\\d+\\.png/.test(e.name));
          const v = window.zoneplan.viewer;
          return { drawn: window.zoneplan.timings.drawn,
                   first: Math.min(...tiles.map(e => e.startTime)), count: tiles.length,
                   basemap: !!v.basemap && v.map.hasLayer(v.basemap), minimap: !!v.minimap };
        }"""
    )
    assert got["count"] > 0
    assert got["first"] >= got["drawn"]
    assert got["basemap"]
    assert got["minimap"]
    assert len(mp.tiles) == got["count"]
    mp.assert_clean()
