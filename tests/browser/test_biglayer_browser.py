"""
The big-layer path in real headless Chromium, against the GeoJSON path of the same layer.

One parcel layer is built twice with the real CLI: as GeoJSON/SVG (the default
below 5,000 features) and through the big-layer renderer
(``--big-layer-threshold 0``). Hovering and clicking the same spot must show
the same tooltip and popup on both maps; drawn geometry, search, the phase
filter, the legend and escaping are checked on the big one.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod

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
# alpha of the big layer's canvas pixel under a page point (0 when nothing is drawn there)
CANVAS_ALPHA = """([x, y]) => {
  for (const c of document.querySelectorAll('canvas.zp-big-tile')) {
    const r = c.getBoundingClientRect();
    if (x >= r.left && x < r.right && y >= r.top && y < r.bottom) {
      const px = [Math.floor(x - r.left), Math.floor(y - r.top)];
      return c.getContext('2d').getImageData(px[0], px[1], 1, 1).data[3];
    }
  }
  return -1;
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
    assert mp.js("document.querySelectorAll('canvas.zp-big-tile').length") > 0
    small = open_map(two_maps["small"])
    svg_paths = "document.querySelectorAll('path.leaflet-interactive').length"
    assert small.js(svg_paths) - mp.js(svg_paths) == len(parcels)


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
    kept = mp.js(
        """async () => {
          const v = window.zoneplan.viewer, m = v.map, c = m.getCenter(), z = m.getZoom();
          const before = new Set(document.querySelectorAll('canvas.zp-big-tile'));
          m.setView(c, z + 1, {animate: false}); await v.whenDrawn();
          m.setView(c, z, {animate: false}); await v.whenDrawn();
          const after = [...document.querySelectorAll('canvas.zp-big-tile')];
          return [before.size, after.filter(t => before.has(t)).length];
        }"""
    )
    assert kept[0] > 0
    assert kept[1] >= kept[0] * 0.9  # the tiles of the first view came back from the cache
    mp.assert_clean(allow_refused_tiles=True)
