"""
The viewer's JavaScript modules, each checked on its own against independent references.

The modules (``zoneplan/render/static/viewer/``) share one function scope once joined
into the page's script. Here the modules up to the one under test run in a blank page,
in a scope of their own that hands the named functions to the test:

* ``coords.js`` against PROJ: EPSG:6960 with TM-3 105-45, and Web Mercator;
* ``dom.js`` against the escaping rules, the browser's own HTML parser and Python's
  ``html``, ``unicodedata`` and ``urllib``;
* ``biglayer-decode.js`` against the features the Python encoder was given, and its
  grid and hit test against brute force and GEOS (shapely);
* ``biglayer-raster.js`` against GEOS point-in-polygon at the pixel centres.

``viewer.js``, ``viewer-biglayer.js``, ``facts.js``, ``controls.js``, ``panel.js`` and
``start.js`` drive the map itself: test_map_browser.py, test_biglayer_browser.py and
test_facts_browser.py check them on real maps. The last test here checks that a map
carries the modules joined in order and runs clean.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import itertools
import json
import math
import unicodedata
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path
from urllib.parse import urlsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from pyproj.transformer import TransformerGroup
from shapely.geometry import LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon

from zoneplan.areas import measure_features
from zoneplan.render import MapLayer, assets
from zoneplan.render.layers import MEASURE_DECIMALS
from zoneplan.render.payload import map_payload
from zoneplan.schema import PHASES
from zoneplan.synthetic import synthetic_parcels

pytestmark = pytest.mark.browser

MODULE_DIR = Path(assets.__file__).parent / "static" / assets.VIEWER_MODULE_DIR
EVIL = '<img src=x onerror="window.__pwned=1">{{7*7}}</script><!--'
R_WEB = 6378137.0  # the sphere of Web Mercator (EPSG:3857)
_keys = itertools.count()


def _operation(source: str, target: str, name: str) -> Transformer:
    """PROJ's own operation between two EPSG CRSs whose description names `name`."""
    group = TransformerGroup(source, target, always_xy=True)
    (op,) = [t for t in group.transformers if name in t.description]
    return op


# EPSG:6960 "VN-2000 to WGS 84 (2)" from PROJ's database, inverted, then TM-3 105-45
TO_TM3 = _operation("EPSG:4326", "EPSG:9210", "VN-2000 to WGS 84 (2)")
TO_VN_GEOGRAPHIC = _operation("EPSG:4326", "EPSG:4756", "VN-2000 to WGS 84 (2)")
VN_TO_TM3 = Transformer.from_crs("EPSG:4756", "EPSG:9210", always_xy=True)
TO_WEB = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
FROM_WEB = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)


def to_world(lon, lat):
    """Lon/lat to Leaflet's world units (0..1, y down) through PROJ's Web Mercator."""
    x, y = TO_WEB.transform(np.asarray(lon, float), np.asarray(lat, float))
    return x / (2 * math.pi * R_WEB) + 0.5, 0.5 - y / (2 * math.pi * R_WEB)


def from_world(x, y):
    """Leaflet's world units back to lon/lat through PROJ's Web Mercator."""
    mx = (np.asarray(x, float) - 0.5) * 2 * math.pi * R_WEB
    my = (0.5 - np.asarray(y, float)) * 2 * math.pi * R_WEB
    return FROM_WEB.transform(mx, my)


@dataclass
class Bare:
    """A blank page with Leaflet, no network, and every error it logged."""

    page: object
    errors: list[str] = field(default_factory=list)

    def load(self, upto: str, exports: list[str]) -> str:
        """
        Run the modules up to and including `upto`, in their joined order, in a new scope,
        after the constants from `zoneplan.crs` as the joined script has them.

        Returns the name of the page global that holds `exports` after the run.
        """
        names = assets.VIEWER_MODULES[: assets.VIEWER_MODULES.index(upto) + 1]
        pieces = [(MODULE_DIR / n).read_text(encoding="utf-8") for n in names]
        code = "".join(p + "\n" for p in [assets.viewer_constants_js(), *pieces])
        key = f"__zp{next(_keys)}"
        handed = ", ".join(f"{name}: {name}" for name in exports)
        self.page.add_script_tag(
            content=f'window.{key} = (function () {{\n"use strict";\n{code}'
            f"return {{{handed}}};\n}}());"
        )
        return key

    def js(self, expression: str, arg: object = None) -> object:
        """Evaluate JavaScript in the page."""
        return self.page.evaluate(expression, arg)


@pytest.fixture(scope="module")
def bare(browser):
    """One blank page for the module tests, with Leaflet (the modules build on it)."""
    context = browser.new_context()
    context.route("**/*", lambda route: route.abort("blockedbyclient"))
    page = context.new_page()
    state = Bare(page)
    page.on("pageerror", lambda e: state.errors.append(f"pageerror: {e}"))
    page.on("console", lambda m: state.errors.append(m.text) if m.type == "error" else None)
    page.set_content('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>')
    page.add_script_tag(content=assets.leaflet_js())
    yield state
    context.close()


def test_each_module_runs_after_the_ones_before_it(bare):
    # what a module needs when it runs is declared by the modules before it
    for name in assets.VIEWER_MODULES:
        key = bare.load(name, [])
        assert bare.js(f"() => typeof window.{key}") == "object", name
    assert bare.errors == []


# ---------------------------------------------------------------- coords.js


def test_vn2000_maths_match_proj(bare):
    key = bare.load("coords.js", ["vn2000Geographic", "tm3", "toVN2000"])
    # Hai Phong with the former Hải Dương (west) and Bạch Long Vĩ (far out at sea)
    lats, lons = np.meshgrid(np.linspace(20.5, 21.3, 9), np.linspace(105.9, 107.3, 11))
    points = [*zip(lats.ravel(), lons.ravel(), strict=True), (20.13, 107.73)]
    got = bare.js(
        """([key, pts]) => pts.map(([lat, lon]) => {
          const zp = window[key], g = zp.vn2000Geographic(lat, lon);
          return [g, zp.tm3(g[0], g[1]), zp.toVN2000(lat, lon)];
        })""",
        [key, points],
    )
    lat, lon = np.array(points).T
    glon, glat = TO_VN_GEOGRAPHIC.transform(lon, lat)
    east, north = TO_TM3.transform(lon, lat)
    for i, (geo, tm, full) in enumerate(got):
        # the datum shift to within 1e-9° (0.1 mm)
        assert geo[0] == pytest.approx(glat[i], abs=1e-9)
        assert geo[1] == pytest.approx(glon[i], abs=1e-9)
        # the projection alone (Krüger series) to within a micrometre
        e, n = VN_TO_TM3.transform(geo[1], geo[0])
        assert math.hypot(tm["y"] - e, tm["x"] - n) < 1e-6
        # X is the northing, Y the easting, as Vietnamese documents write them
        assert math.hypot(full["y"] - east[i], full["x"] - north[i]) < 1e-4
    assert bare.errors == []


def test_measure_is_planar_in_vn2000(bare):
    key = bare.load("coords.js", ["measurePlanar"])
    rng = np.random.default_rng(7)
    for size in (0.002, 0.02, 0.2):
        # a star-shaped (concave) ring around the port area
        angles = np.sort(rng.uniform(0, 2 * np.pi, 9))
        radius = size * rng.uniform(0.4, 1.0, 9)
        lat = 20.63 + radius * np.sin(angles)
        lon = 106.77 + radius * np.cos(angles)
        latlngs = [{"lat": a, "lng": b} for a, b in zip(lat, lon, strict=True)]
        line, ring = bare.js(
            "([key, ll]) => [false, true].map(c => window[key].measurePlanar(ll, c))",
            [key, latlngs],
        )
        east, north = TO_TM3.transform(lon, lat)
        pts = list(zip(east, north, strict=True))
        # the points agree with PROJ to 0.1 mm (above): lengths to 0.2 mm a side, areas to
        # 0.1 mm times the perimeter
        shape = Polygon(pts)
        assert line["length_m"] == pytest.approx(LineString(pts).length, abs=2e-4 * len(pts))
        assert ring["length_m"] == pytest.approx(shape.length, abs=2e-4 * len(pts))
        assert ring["area_ha"] == pytest.approx(shape.area / 10_000, abs=1e-4 * shape.length / 1e4)
        assert line["area_ha"] == 0


def test_web_mercator_world_units_match_proj(bare):
    key = bare.load("coords.js", ["mercX", "mercY", "unmercLon", "unmercLat"])
    lon = np.linspace(-179.5, 179.5, 37)
    lat = np.linspace(-85, 85, 37)
    got = bare.js(
        """([key, lon, lat]) => { const zp = window[key];
          return lon.map((x, i) => { const mx = zp.mercX(x), my = zp.mercY(lat[i]);
            return [mx, my, zp.unmercLon(mx), zp.unmercLat(my)]; }); }""",
        [key, lon.tolist(), lat.tolist()],
    )
    x, y = to_world(lon, lat)
    got = np.array(got)
    np.testing.assert_allclose(got[:, 0], x, atol=1e-12)  # 1e-12 world units: 0.04 mm
    np.testing.assert_allclose(got[:, 1], y, atol=1e-12)
    np.testing.assert_allclose(got[:, 2], lon, atol=1e-9)
    np.testing.assert_allclose(got[:, 3], lat, atol=1e-9)
    # beyond Web Mercator's square world, latitudes stay on its edge (as Leaflet's)
    edge = bare.js("([key]) => [window[key].mercY(89.9), window[key].mercY(-89.9)]", [key])
    assert edge == pytest.approx([0, 1], abs=1e-9)
    assert bare.errors == []


# ---------------------------------------------------------------- dom.js

TEXTS = [
    EVIL,
    "a & b < c > d \" e ' f",
    "Khu bến cảng Nam Đồ Sơn",
    "__proto__",
    "&amp; &lt;b&gt; &#39;",
    "",
    "  spaced\ttext\n",
]


def test_el_puts_data_in_as_text(bare):
    key = bare.load("dom.js", ["el"])
    got = bare.js(
        """([key, texts]) => texts.map(t => {
          const n = window[key].el("div", "zp-x", t);
          document.body.appendChild(n);
          const out = [Array.from(n.childNodes, c => c.nodeType), n.textContent, n.innerHTML,
            n.className];
          n.remove();
          return out;
        })""",
        [key, TEXTS],
    )
    for text, (kinds, content, markup, cls) in zip(TEXTS, got, strict=True):
        assert kinds == ([3] if text else [])  # one text node, no element
        assert content == text
        # as markup it is the text with & < > escaped (the HTML serialisation of a text node)
        assert markup == html.escape(text, quote=False)
        assert cls == "zp-x"
    assert bare.js("() => window.__pwned") is None
    assert bare.errors == []


def test_escape_html_follows_the_escaping_rules(bare):
    key = bare.load("dom.js", ["escapeHtml"])
    got = bare.js(
        """([key, texts]) => texts.map(t => {
          const out = window[key].escapeHtml(t);
          const doc = new DOMParser().parseFromString("<p title='" + out + "'>" + out, "text/html");
          const p = doc.body.firstChild;
          const all = doc.body.querySelectorAll("*").length;
          return [out, p.textContent, p.getAttribute("title"), all];
        })""",
        [key, TEXTS],
    )
    for text, (out, as_text, as_attribute, elements) in zip(TEXTS, got, strict=True):
        # Python's html.escape, which writes the apostrophe as &#x27; where the viewer has &#39;
        assert out == html.escape(text, quote=True).replace("&#x27;", "&#39;")
        # read back by the browser's parser: the same text, in text and in an attribute
        assert as_text == text
        assert as_attribute == text
        assert elements == 1
    assert bare.errors == []


URLS = [
    "https://example.org/a?b=1#c",
    "  http://example.org ",
    "HTTPS://EXAMPLE.org/x y",
    "https://thuvienphapluat.vn/van-ban/Quyết-định-1511",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<b>x</b>",
    "vbscript:msgbox(1)",
    "//example.org/x",
    "/local/path",
    "ftp://example.org/f",
    "file:///etc/passwd",
    "",
    "not a url",
]


def test_safe_url_lets_only_http_links_through(bare):
    key = bare.load("dom.js", ["safeUrl"])
    got = bare.js("([key, urls]) => urls.map(u => window[key].safeUrl(u))", [key, URLS])
    for url, href in zip(URLS, got, strict=True):
        parts = urlsplit(url.strip())
        if parts.scheme.lower() in ("http", "https") and parts.netloc:
            assert href is not None, url
            back = urlsplit(href)
            assert (back.scheme, back.hostname) == (parts.scheme.lower(), parts.hostname)
        else:
            assert href is None, url
    # not a string at all
    assert bare.js("([key]) => [42, null, {}].map(window[key].safeUrl)", [key]) == [None] * 3
    assert bare.errors == []


def test_as_text_and_own_keep_data_inert(bare):
    key = bare.load("dom.js", ["asText", "own"])
    values = [None, "", 0, 1.5, -2, "x", {"a": [1, "b"]}, [1, 2], True, False, EVIL]
    got = bare.js("([key, vs]) => vs.map(v => window[key].asText(v))", [key, values])

    def expected(v):
        if v is None or v == "":
            return "–"
        if isinstance(v, bool):
            return str(v).lower()
        if isinstance(v, dict | list):
            return json.dumps(v, separators=(",", ":"))
        return str(v)

    assert got == [expected(v) for v in values]
    assert bare.js("([key]) => window[key].asText(undefined)", [key]) == "–"
    owned = bare.js(
        """([key]) => { const own = window[key].own;
          return [own(JSON.parse('{"__proto__": "x"}'), "__proto__"), own({}, "__proto__"),
            own({}, "toString"), own({}, "constructor"), own(null, "a"), own("text", "length"),
            own({a: 0}, "a")]; }""",
        [key],
    )
    # only the object's own keys are read; nothing comes from its prototype
    assert owned == ["x", None, None, None, None, None, 0]
    assert bare.errors == []


def test_fold_matches_unicode_decomposition(bare, catalog_frames):
    key = bare.load("dom.js", ["fold"])
    names = sorted({str(n) for gdf in catalog_frames.values() for n in gdf.get("name_vi", []) if n})
    assert len(names) > 10
    texts = [*names, "ĐẢO  CÁT BÀ", "Tiên\u00a0Lãng\nairport ", "A\u0301 a\u0300", "Ưu tiên"]
    got = bare.js("([key, ts]) => ts.map(t => window[key].fold(t))", [key, texts])

    def fold(text):
        plain = "".join(
            c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c)[0] != "M"
        )
        return " ".join(plain.replace("đ", "d").replace("Đ", "d").lower().split())

    assert got == [fold(t) for t in texts]
    assert bare.js("([key]) => window[key].fold('Đồ Sơn')", [key]) == "do son"
    assert bare.errors == []


def test_with_alpha_writes_css_rgba(bare):
    key = bare.load("dom.js", ["withAlpha"])
    cases = [("#0072B2", 0.35), ("#e69f00", 1), ("#FFFFFF", 1.7), ("#000000", -0.2)]
    got = bare.js("([key, cs]) => cs.map(([h, a]) => window[key].withAlpha(h, a))", [key, cases])
    for (hexa, alpha), text in zip(cases, got, strict=True):
        rgb = [int(hexa[i : i + 2], 16) for i in (1, 3, 5)]
        a = min(1, max(0, alpha))
        assert text == f"rgba({rgb[0]},{rgb[1]},{rgb[2]},{a:g})"
    # anything but #rrggbb goes through unchanged (CSS reads it or ignores it)
    passed = bare.js(
        "([key]) => ['red', '#abc', ''].map(c => window[key].withAlpha(c, 0.5))", [key]
    )
    assert passed == ["red", "#abc", ""]
    assert bare.errors == []


# ---------------------------------------------------------------- biglayer-decode.js


def _handmade(bounds) -> gpd.GeoDataFrame:
    """
    Every geometry kind a big layer holds, near the port, two with no geometry, and a line
    across `bounds` (too large for the grid's cells: it is listed apart).
    """
    x, y = 106.77, 20.64
    square = [(x, y), (x + 0.01, y), (x + 0.01, y + 0.01), (x, y + 0.01)]
    hole = [(x + 0.003, y + 0.003), (x + 0.006, y + 0.003), (x + 0.006, y + 0.006)]
    geoms = [
        Polygon(square, [hole]),
        MultiPolygon(
            [
                Polygon([(x + 0.02, y), (x + 0.03, y), (x + 0.025, y + 0.008)]),
                Polygon(
                    [(x + 0.04, y), (x + 0.05, y), (x + 0.05, y + 0.01), (x + 0.04, y + 0.01)],
                    [[(x + 0.042, y + 0.002), (x + 0.048, y + 0.002), (x + 0.045, y + 0.008)]],
                ),
            ]
        ),
        LineString([(x, y - 0.01), (x + 0.02, y - 0.012), (x + 0.03, y - 0.02)]),
        MultiLineString([[(x, y + 0.02), (x + 0.01, y + 0.025)], [(x + 0.02, y + 0.02)] * 2]),
        Point(x + 0.06, y + 0.01),
        MultiPoint([(x + 0.07, y), (x + 0.071, y + 0.001)]),
        None,
        Polygon(),
        LineString([bounds[:2], bounds[2:]]),
    ]
    n = len(geoms)
    return gpd.GeoDataFrame(
        {
            "name_vi": [f"Hình {i} – ô đất" for i in range(n)],
            "name_en": [f"Shape {i}" for i in range(n)],
            "category": ["zone-b"] * n,
            "phase": [list(PHASES)[1]] * n,
            "note": [EVIL, None, "ghi chú", EVIL, None, "", "x", "y", EVIL],
            "score": [1.5, np.nan, -3.25, 0.0, np.inf, 2.0, 1.0, 0.5, -np.inf],
            "count": list(range(n)),
            "flag": [i % 2 == 0 for i in range(n)],
        },
        geometry=geoms,
        crs=4326,
    )


def _decode_in_page(bare, layer: MapLayer, *, keep: bool = False) -> tuple[str, dict, dict]:
    """
    Encode a big layer on the Python side and decode it with the page's decodeBig; `keep`
    leaves the decoded layer in ``window.__big`` for later tests.
    """
    blocks = []
    payload = map_payload([layer], "en", blocks)
    spec = payload["layers"][0]["big"]
    ((element_id, block),) = blocks
    assert spec["element"] == element_id
    key = bare.load(
        "biglayer-decode.js", ["decodeBig", "bigValue", "queryBig", "hitBig", "quantaX", "quantaY"]
    )
    decoded = bare.js(
        """async ([key, given, text, keep]) => {
          const zp = window[key];
          // the block's element under the layer's own id: one page decodes several layers
          const spec = {...given, element: given.element + "-" + given.id};
          const node = document.createElement("script");
          node.type = "application/octet-stream";
          node.id = spec.element;
          node.textContent = text;
          document.body.appendChild(node);
          const big = await zp.decodeBig(spec);
          if (keep) window.__big = big;
          const num = a => Array.from(a, v => Number.isNaN(v) ? null : v);
          return {
            n: big.n, featRing: Array.from(big.featRing), ringStart: Array.from(big.ringStart),
            ringKind: Array.from(big.ringKind), ix: Array.from(big.ix), iy: Array.from(big.iy),
            mx: Array.from(big.ix, q => zp.quantaX(big.merc, q)),
            my: Array.from(big.iy, q => zp.quantaY(big.merc, q)),
            bbox: Array.from(big.bbox), kind: Array.from(big.kind), cat: Array.from(big.cat),
            phase: Array.from(big.phase), area: num(big.area), length: num(big.length),
            names: big.names.map(nm => Array.from(nm.codes, c => nm.values[c])),
            columns: big.columns.map(c =>
              [c.name, Array.from({length: big.n}, (_, f) => zp.bigValue(c, f))])
          };
        }""",
        [key, {**spec, "id": layer.id}, block.base64(), keep],
    )
    return key, payload, decoded


@pytest.fixture(scope="module")
def big(bare):
    """A big layer encoded by the Python side and decoded by the page, with its input."""
    parcels = synthetic_parcels(300, seed=3)
    n = len(parcels)
    parcels = parcels.assign(
        name_en=[f"Parcel {i}" for i in range(n)],
        category=np.where(np.arange(n) % 3 == 0, "zone-a", "zone-b"),
        phase=np.array(list(PHASES))[np.arange(n) % len(PHASES)],
        note=np.where(np.arange(n) % 5 == 0, EVIL, None),
        score=np.where(np.arange(n) % 4 == 0, np.nan, np.arange(n) / 8),
        count=np.arange(n),
        flag=np.arange(n) % 2 == 0,
    )
    parcels = parcels[
        ["name_vi", "name_en", "category", "phase", "note", "score", "count", "flag", "geometry"]
    ]
    gdf = gpd.GeoDataFrame(
        pd.concat([_handmade(parcels.total_bounds), parcels], ignore_index=True), crs=4326
    )
    layer = MapLayer(
        id="shapes", title_vi="Hình", title_en="Shapes", group="user", gdf=gdf, big=True
    )
    key, payload, decoded = _decode_in_page(bare, layer, keep=True)
    present = [i for i, g in enumerate(gdf.geometry) if g is not None and not g.is_empty]
    return {
        "key": key,
        "gdf": gdf,
        "present": present,
        "payload": payload,
        "decoded": decoded,
    }


def _rings(geom) -> list[tuple[int, np.ndarray]]:
    """(kind, lon/lat vertices) of each ring as the block holds them: 0 polygon, 1 line, 2 point."""
    if isinstance(geom, Polygon):
        return [(0, np.asarray(r.coords)[:-1]) for r in (geom.exterior, *geom.interiors)]
    if isinstance(geom, LineString):
        return [(1, np.asarray(geom.coords))]
    if isinstance(geom, Point):
        return [(2, np.asarray(geom.coords))]
    return [ring for part in geom.geoms for ring in _rings(part)]


def test_decoder_gives_back_the_encoders_input(big):
    d, gdf, present = big["decoded"], big["gdf"], big["present"]
    assert d["n"] == len(present)
    mx, my = np.array(d["mx"]), np.array(d["my"])
    lon, lat = from_world(mx, my)
    for f, row in enumerate(present):
        rings = _rings(gdf.geometry.iloc[row])
        r0, r1 = d["featRing"][f], d["featRing"][f + 1]
        assert r1 - r0 == len(rings)
        assert d["kind"][f] == rings[0][0]
        for r, (kind, coords) in zip(range(r0, r1), rings, strict=True):
            assert d["ringKind"][r] == kind
            a, b = d["ringStart"][r], d["ringStart"][r + 1]
            # each vertex the input rounded to whole 1e-7° quanta, as the encoder rounds it
            quanta = np.rint(coords * 1e7).astype(np.int64)
            assert d["ix"][a:b] == quanta[:, 0].tolist()
            assert d["iy"][a:b] == quanta[:, 1].tolist()
            # and in world units within half a quantum (with Web Mercator's inverse)
            np.testing.assert_allclose(lon[a:b], coords[:, 0], rtol=0, atol=5.1e-8)
            np.testing.assert_allclose(lat[a:b], coords[:, 1], rtol=0, atol=5.1e-8)
        # the feature's box in world units, from the input coordinates
        x, y = to_world(*np.concatenate([c for _, c in rings]).T)
        box = d["bbox"][4 * f : 4 * f + 4]
        np.testing.assert_allclose(box, [x.min(), y.min(), x.max(), y.max()], rtol=0, atol=4e-10)


def test_decoder_gives_back_a_layer_around_the_globe(bare):
    """
    Parcels on both sides of the antimeridian, one after the other: each step between
    them is more than 2^31 quanta (214°), beyond the residuals' 32 bits. The encoder
    takes it modulo 2^32 and sharedVertices' 32-bit sums take it back: every vertex and
    every feature's box as in the input.
    """
    rng = np.random.default_rng(9)
    n = 400
    lon = np.where(np.arange(n) % 2 == 0, -179.9, 179.9) + rng.uniform(-0.05, 0.05, n)
    lat = rng.uniform(-60, 60, n)
    geoms = [
        Point(x, y) if i % 3 == 0 else shapely.box(x - 0.01, y, x + 0.01, y + 0.01)
        for i, (x, y) in enumerate(zip(lon, lat, strict=True))
    ]
    gdf = gpd.GeoDataFrame({"name_vi": ["Tây", "Đông"] * (n // 2)}, geometry=geoms, crs=4326)
    layer = MapLayer(id="world", title_vi="Thế giới", title_en="World", group="user", gdf=gdf)
    _, _, d = _decode_in_page(bare, dataclasses.replace(layer, big=True))
    assert d["n"] == n
    for f, geom in enumerate(gdf.geometry):
        ((_, coords),) = _rings(geom)
        a, b = d["ringStart"][d["featRing"][f]], d["ringStart"][d["featRing"][f] + 1]
        quanta = np.rint(coords * 1e7).astype(np.int64)
        assert d["ix"][a:b] == quanta[:, 0].tolist(), f
        assert d["iy"][a:b] == quanta[:, 1].tolist(), f
        x, y = to_world(*coords.T)
        box = d["bbox"][4 * f : 4 * f + 4]
        np.testing.assert_allclose(box, [x.min(), y.min(), x.max(), y.max()], rtol=0, atol=4e-10)
    assert min(d["ix"]) < -1_799_000_000
    assert max(d["ix"]) > 1_799_000_000
    assert bare.errors == []


def _zigzag(d: np.ndarray) -> np.ndarray:
    """Signed integers as the block's zig-zag residuals (biglayer.py)."""
    d = d.astype(np.int64)
    return np.where(d >= 0, 2 * d, -2 * d - 1).astype(np.uint32)


def _planes(words: np.ndarray) -> np.ndarray:
    """32-bit words as the block's byte planes: all first bytes, then all second..."""
    return words.astype("<u4").view(np.uint8).reshape(-1, 4).T.ravel()


@pytest.mark.parametrize(
    ("lat0", "lat1"),
    [(20.55, 20.80), (8.0, 23.5), (-34.1, -33.8), (84.2, 85.0)],
    ids=["hai-phong", "vietnam", "south", "beyond-the-table"],
)
def test_vertex_latitudes_match_proj_through_the_mercator_blocks(bare, lat0, lat1):
    """
    sharedVertices turns quantised latitudes into world units by a cubic per block of
    latitude (mercYBlocks) within the layer's bounds, by mercY outside them: both within
    2e-15 world units (0.08 micrometres) of PROJ's Web Mercator; beyond ±84.05° no blocks.
    """
    key = bare.load(
        "biglayer-decode.js", ["sharedVertices", "mercYBlocks", "vertexMerc", "quantaX", "quantaY"]
    )
    rng = np.random.default_rng(11)
    quantum = 1e-7
    lats = np.sort(rng.uniform(lat0 - 0.02, lat1 + 0.02, 3000))  # some just outside the bounds
    lats = np.concatenate([lats, [lat0, lat1]])
    ylat = np.round(lats / quantum).astype(np.int64)
    xlon = np.full_like(ylat, round(106.7 / quantum))
    # one line ring through every latitude: its first, second and third vertex each in a run
    # of its own, the later ones in the fourth, so the runs keep the ring's order
    # the residuals as the block stores them: byte planes of the zig-zagged deltas
    rx = _planes(_zigzag(np.diff(xlon, prepend=0)))
    ry = _planes(_zigzag(np.diff(ylat, prepend=0)))
    n = len(ylat)
    got = bare.js(
        """([key, rx, ry, n, q, bounds]) => { const zp = window[key];
          const bbox = new Float64Array(4), merc = zp.vertexMerc(q, bounds);
          const xy = zp.sharedVertices(new Uint8Array(n), Uint8Array.from(rx),
            Uint8Array.from(ry), Uint32Array.of(0, 1), Uint32Array.of(0, n), merc, bbox,
            [1, 1, 1, n - 3, 0]);
          return { ix: Array.from(xy.ix), iy: Array.from(xy.iy),
                   my: Array.from(xy.iy, v => zp.quantaY(merc, v)),
                   mx: Array.from(xy.ix, v => zp.quantaX(merc, v)), bbox: Array.from(bbox),
                   table: zp.mercYBlocks(q, bounds[1], bounds[3]) !== null }; }""",
        [key, rx.tolist(), ry.tolist(), n, quantum, [106.0, lat0, 107.0, lat1]],
    )
    assert got["ix"] == xlon.tolist()
    assert got["iy"] == ylat.tolist()
    x, y = to_world(xlon * quantum, ylat * quantum)
    np.testing.assert_allclose(got["mx"], x, rtol=0, atol=2e-15)
    np.testing.assert_allclose(got["my"], y, rtol=0, atol=2e-15)
    # the ring's box: the same world units as its extreme vertices
    assert got["bbox"] == [min(got["mx"]), min(got["my"]), max(got["mx"]), max(got["my"])]
    assert got["table"] == (lat1 < 84.05)
    assert bare.errors == []


def test_decoder_gives_back_names_columns_and_measures(big):
    d, gdf, present = big["decoded"], big["gdf"], big["present"]
    rows = gdf.iloc[present]
    assert d["names"][0] == rows["name_vi"].tolist()
    assert d["names"][1] == rows["name_en"].tolist()
    columns = dict(d["columns"])
    assert list(columns) == [c for c in gdf.columns if c != "geometry"]
    assert columns["note"] == [v if isinstance(v, str) else None for v in rows["note"]]
    assert columns["score"] == [v if math.isfinite(v) else None for v in rows["score"]]
    assert columns["count"] == rows["count"].tolist()
    assert columns["flag"] == rows["flag"].tolist()
    labels = [c["label"] for c in big["payload"]["categories"]]
    assert [labels[c] for c in d["cat"]] == rows["category"].tolist()
    phases = [p["key"] for p in big["payload"]["phases"]]
    assert [phases[p] for p in d["phase"]] == rows["phase"].tolist()
    measured = measure_features(rows)

    def nums(col):  # as the map carries them: to MEASURE_DECIMALS places (0.01 m², 1 mm)
        values = np.round(measured[col].to_numpy(dtype=float), MEASURE_DECIMALS)
        return [v if math.isfinite(v) else None for v in values.tolist()]

    assert d["area"] == nums("area_ha_vn2000")
    assert d["length"] == nums("length_km_vn2000")


def test_grid_query_finds_every_feature_whose_box_meets(bare, big):
    d = big["decoded"]
    boxes = np.array(d["bbox"]).reshape(-1, 4)
    x0, y0 = boxes[:, 0].min(), boxes[:, 1].min()
    x1, y1 = boxes[:, 2].max(), boxes[:, 3].max()
    rng = np.random.default_rng(5)
    queries = []
    for frac in (0.001, 0.01, 0.05, 0.2, 1.0):
        for _ in range(6):
            w, h = (x1 - x0) * frac, (y1 - y0) * frac
            qx, qy = rng.uniform(x0 - w / 2, x1 - w / 2), rng.uniform(y0 - h / 2, y1 - h / 2)
            queries.append([qx, qy, qx + w, qy + h])
    got = bare.js(
        """([key, qs]) => qs.map(q => { const out = [];
          window[key].queryBig(window.__big, q[0], q[1], q[2], q[3], f => out.push(f));
          return out; })""",
        [big["key"], queries],
    )
    for (qx0, qy0, qx1, qy1), found in zip(queries, got, strict=True):
        meets = (
            (boxes[:, 0] <= qx1)
            & (boxes[:, 2] >= qx0)
            & (boxes[:, 1] <= qy1)
            & (boxes[:, 3] >= qy0)
        )
        assert len(found) == len(set(found))  # each feature once
        assert set(np.flatnonzero(meets)) == set(found)  # exactly those whose box meets it
    assert bare.errors == []


def _world_shape(d: dict, f: int, *, s: float = 1.0, ox: float = 0.0, oy: float = 0.0):
    """Feature f as the page holds it, in world units (or pixels at scale s), as a shapely shape.

    Polygon rings combine even-odd (their symmetric difference), as the viewer fills them.
    """
    polys, others = [], []
    for r in range(d["featRing"][f], d["featRing"][f + 1]):
        a, b = d["ringStart"][r], d["ringStart"][r + 1]
        pts = np.column_stack([np.array(d["mx"][a:b]) * s - ox, np.array(d["my"][a:b]) * s - oy])
        kind = d["ringKind"][r]
        if kind == 0:
            polys.append(Polygon(pts))
        else:
            others.append(Point(pts[0]) if kind == 2 else LineString(pts))
    area = reduce(lambda p, q: p.symmetric_difference(q), polys) if polys else None
    return area, others


def test_hit_test_agrees_with_geos(bare, big):
    d = big["decoded"]
    features = [*range(7), *range(7, d["n"], 23)]
    tol = 5 / (256 * 2**17)  # 5 pixels at zoom 17, in world units
    rng = np.random.default_rng(9)
    probes, expected = [], []
    for f in features:
        area, others = _world_shape(d, f)
        bx0, by0, bx1, by1 = d["bbox"][4 * f : 4 * f + 4]
        pad = max(bx1 - bx0, by1 - by0, 10 * tol) * 0.3
        for x, y in rng.uniform([bx0 - pad, by0 - pad], [bx1 + pad, by1 + pad], (40, 2)):
            p = Point(x, y)
            if area is not None:
                if area.boundary.distance(p) < 1e-12:
                    continue  # on the edge: either answer is right
                hit = area.contains(p)
            else:
                near = min(g.distance(p) for g in others)
                if abs(near - tol) < 1e-12:
                    continue
                hit = near <= tol
            probes.append([f, x, y])
            expected.append(hit)
    got = bare.js(
        "([key, ps, tol]) => ps.map(([f, x, y]) => window[key].hitBig(window.__big, f, x, y, tol))",
        [big["key"], probes, tol],
    )
    assert got == expected
    assert sum(expected) > 50
    assert len(expected) - sum(expected) > 50
    assert bare.errors == []


# ---------------------------------------------------------------- biglayer-raster.js


def test_raster_polygon_fills_the_pixels_whose_centres_are_inside(bare, big):
    d = big["decoded"]
    key = bare.load("biglayer-raster.js", ["rasterPolygon", "rasterLine"])
    for f in (0, 1, 7, 50):  # a polygon with a hole, a multipolygon with one, two parcels
        bx0, by0, bx1, by1 = d["bbox"][4 * f : 4 * f + 4]
        s = 90 / max(bx1 - bx0, by1 - by0)  # world units to pixels: about 90 px across
        ox, oy = math.floor(bx0 * s) - 7.0, math.floor(by0 * s) - 5.0
        w, h = math.ceil((bx1 - bx0) * s) + 20, math.ceil((by1 - by0) * s) + 14
        pixels = bare.js(
            """([key, f, s, ox, oy, w, h]) => { const px = new Uint32Array(w * h);
              window[key].rasterPolygon(window.__big, f, s, ox, oy, w, h, px, 7, 0, 1);
              return Array.from(px); }""",
            [key, f, s, ox, oy, w, h],
        )
        filled = np.array(pixels).reshape(h, w)
        assert set(np.unique(filled)) <= {0, 7}
        area, _ = _world_shape(d, f, s=s, ox=ox, oy=oy)
        cx, cy = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
        inside = shapely.contains_xy(area, cx, cy)
        edge = shapely.distance(area.boundary, shapely.points(cx, cy)) < 1e-6
        wrong = (filled == 7) != inside
        assert not (wrong & ~edge).any(), f"feature {f}: {int((wrong & ~edge).sum())} pixels"
        assert inside.sum() > 1000
    assert bare.errors == []


def test_raster_line_is_bresenham_clipped_to_the_tile(bare):
    key = bare.load("biglayer-raster.js", ["rasterLine"])
    w, h = 40, 30
    # shallow, nearly flat, steep, a single pixel, and one across the tile and beyond
    segments = [
        (2.3, 3.9, 35.7, 20.1),
        (3.5, 10.2, 36.1, 12.7),
        (30.2, 2.5, 4.9, 27.4),
        (5, 5, 5.9, 5.2),
        (-10, -4, 50, 40),
    ]
    thin, thick = bare.js(
        """([key, segs, w, h]) => [1, 2].map(pen => segs.map(([x0, y0, x1, y1]) => {
          const px = new Uint32Array(w * h);
          window[key].rasterLine(px, w, h, x0, y0, x1, y1, 9, pen);
          return Array.from(px); }))""",
        [key, segments, w, h],
    )
    for seg, one, two in zip(segments, thin, thick, strict=True):
        a = np.array([math.floor(seg[0]), math.floor(seg[1])])
        b = np.array([math.floor(seg[2]), math.floor(seg[3])])
        grid = np.array(one).reshape(h, w)
        assert set(np.unique(grid)) <= {0, 9}
        pts = np.column_stack(np.nonzero(grid)[::-1])  # (x, y) of each drawn pixel
        major = 0 if abs(b[0] - a[0]) >= abs(b[1] - a[1]) else 1
        minor = 1 - major
        steps = abs(b[major] - a[major])
        step = 1 if b[major] >= a[major] else -1
        size = (w, h)
        for k in range(steps + 1):
            m = a[major] + k * step
            ideal = a[minor] + (k / steps if steps else 0) * (b[minor] - a[minor])
            drawn = pts[pts[:, major] == m]
            # one pixel per step along the longer axis, within half a pixel of the line
            assert len(drawn) <= 1
            if len(drawn):
                assert abs(drawn[0][minor] - ideal) <= 0.5 + 1e-9
            elif 0 <= m < size[major] and 1 <= ideal < size[minor] - 1:
                pytest.fail(f"{seg}: no pixel at step {k}")
        # nothing off the segment's span
        assert all(min(a[major], b[major]) <= p[major] <= max(a[major], b[major]) for p in pts)
        if all(0 <= p[0] < w and 0 <= p[1] < h for p in (a, b)):
            assert len(pts) == steps + 1
        # a pen of 2 draws the 2 x 2 square below and right of each pixel of the thin line
        wide = {tuple(p) for p in np.column_stack(np.nonzero(np.array(two).reshape(h, w))[::-1])}
        squares = {
            (x + i, y + j)
            for x, y in pts
            for i in (0, 1)
            for j in (0, 1)
            if x + i < w and y + j < h
        }
        assert squares <= wide
        # what else it draws comes from the thin line's pixels just off the tile
        assert all(x == 0 or y == 0 for x, y in wide - squares)
    assert bare.errors == []


# ---------------------------------------------------------------- the joined script


def test_page_carries_the_modules_joined_in_order_and_runs_clean(open_map, maps):
    mp = open_map(maps["en"])
    scripts = mp.js("() => Array.from(document.scripts, s => s.textContent)")
    viewer = [s for s in scripts if s.startswith(assets.VIEWER_SCRIPT_OPEN)]
    assert len(viewer) == 1
    text = viewer[0]
    assert text.endswith(assets.VIEWER_SCRIPT_CLOSE)
    body = text[len(assets.VIEWER_SCRIPT_OPEN) : -len(assets.VIEWER_SCRIPT_CLOSE)]
    # the constants from zoneplan.crs, then the files as they are on disk, each once, in the
    # declared order, nothing else
    files = [(MODULE_DIR / name).read_text(encoding="utf-8") for name in assets.VIEWER_MODULES]
    assert body == "".join(f"{code}\n" for code in [assets.viewer_constants_js(), *files])
    # the Content-Security-Policy allows exactly this script by its hash
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    csp = mp.js("() => document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
    assert f"'sha256-{digest}'" in csp
    # and it ran: the viewer is up, with no console or page error
    assert mp.js("() => window.zoneplan.viewer.layers.length") > 0
    mp.assert_clean()


def test_the_workers_warm_up_takes_the_real_decoder_and_rasteriser(bare):
    """
    warmUp, which a big layer's worker runs while it waits for a long block's next piece
    (so that the engine has optimised the decoder and the rasteriser before the real tiles),
    goes through the very code the real layer takes: its lattice of 40 x 40 squares decodes
    to the corners it was coded from, and its tiles draw the squares as one-pixel dots at
    zoom 15, as filled boxes at 20 and as edged polygons at 22.
    """
    key = bare.load("biglayer-worker.js", ["warmUp", "rasterTile", "TILE"])
    got = bare.js(
        """(key) => { const zp = window[key], g = zp.warmUp();
          const look = { phaseOn: [true], since: null, today: null, dots: Uint32Array.of(1),
                         fills: Uint32Array.of(2), edges: Uint32Array.of(3) };
          const colours = [15, 20, 22].map(z => {
            const s = 256 * Math.pow(2, z), counts = [0, 0, 0, 0];
            const tx = Math.floor(g.bbox[0] * s / zp.TILE);
            const ty = Math.floor(g.bbox[1] * s / zp.TILE);
            const tile = zp.rasterTile(g, tx, ty, z, 1, look);
            if (tile.pixels) tile.pixels.forEach(v => { counts[v]++; });
            return { counts: counts, paths: tile.paths.length };
          });
          return { n: g.n, ix: Array.from(g.ix), iy: Array.from(g.iy), colours: colours }; }""",
        key,
    )
    side, gap, size, x0, y0 = 40, 100, 50, 1066000000, 207000000
    assert got["n"] == side * side
    want_x, want_y = [], []
    for f in range(side * side):
        x, y = x0 + gap * (f % side), y0 + gap * (f // side)
        want_x += [x, x + size, x + size, x]
        want_y += [y, y, y + size, y + size]
    assert got["ix"] == want_x
    assert got["iy"] == want_y
    dots, boxes, polygons = got["colours"]
    assert dots["counts"][1] > 0
    assert dots["counts"][2:] == [0, 0]
    assert boxes["counts"][2] > 0
    assert boxes["counts"][1] == boxes["counts"][3] == 0
    assert polygons["counts"][2] > 0
    assert polygons["counts"][3] > 0
    assert [c["paths"] for c in got["colours"]] == [0, 0, 0]
    assert bare.errors == []
