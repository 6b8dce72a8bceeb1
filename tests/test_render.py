"""The planning map's HTML without a browser: escaping, assets, offline mode, atomic output."""

from __future__ import annotations

import hashlib
import json
import math
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, box

from zoneplan import crs
from zoneplan.areas import measure_features
from zoneplan.cli import main
from zoneplan.errors import LayerValidationError, OutputError
from zoneplan.render import MapLayer, assets, build_html, build_map, embed_json, save_map
from zoneplan.render import map as render_map
from zoneplan.render.i18n import STRINGS
from zoneplan.render.layers import json_value
from zoneplan.render.style import CATEGORY_STYLES
from zoneplan.schema import CATEGORIES

HOSTILE = (
    "</script><script>alert(1)</script>",
    "<!--",
    "]]>",
    "\u2028\u2029",
    "a & b > c < d",
    "{{ 7*7 }} {% if true %}x{% endif %} {# c #}",
    "${alert(1)}",
)


def layer(gdf: gpd.GeoDataFrame, title: str = "Demo", group: str = "context") -> MapLayer:
    return MapLayer("demo", title, title, group, gdf)


@pytest.fixture
def small() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "name_vi": ["Khu công nghiệp", "Đường ven biển", "Đồ Sơn"],
            "name_en": ["Industrial park", "Coastal road", "Do Son"],
            "category": ["industrial_park", "road", "place"],
            "phase": ["to 2025", "2026-2030", "none"],
            "declared_area_ha": [120.0, None, None],
        },
        geometry=[
            box(106.60, 20.62, 106.61, 20.63),
            LineString([(106.6, 20.6), (106.7, 20.65)]),
            Point(106.79, 20.70),
        ],
        crs=4326,
    )


def data_block(html: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="zoneplan-data">(.*?)</script>', html, re.S
    )
    assert match
    return json.loads(match.group(1))


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each script element."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    return tags


# ---------------------------------------------------------------- embedded JSON


@pytest.mark.parametrize("text", [*HOSTILE, "\ud800 lone surrogate"])
def test_embed_json_escapes_everything_that_could_end_the_script(text):
    out = embed_json({"k": text, text: [text]})
    assert not re.search(r"[<>&\u2028\u2029\ud800-\udfff]", out)
    assert json.loads(out) == {"k": text, text: [text]}
    out.encode("utf-8")  # no lone surrogate left to break the file


def test_embed_json_rejects_nan():
    with pytest.raises(ValueError, match="JSON compliant"):
        embed_json({"x": float("nan")})


def test_json_value_makes_every_cell_json():
    import datetime as dt

    import numpy as np
    import pandas as pd

    assert json_value(np.float64("inf")) is None
    assert json_value(pd.NaT) is None
    assert json_value(pd.Timestamp("2025-01-02T03:04")) == "2025-01-02T03:04:00"
    assert json_value(np.array([1, 2])) == [1, 2]
    assert json_value({1: np.bool_(True)}) == {"1": True}
    assert json_value(b"\xff") == "\ufffd"
    assert json_value(dt.time(1, 2)) == "01:02:00"
    assert json_value(Point(0, 0)) == "POINT (0 0)"


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_values_reach_the_page_only_as_json_data(small, text):
    gdf = small.assign(name_en=text, **{text: text})
    html = build_html(build_map([layer(gdf, title=text)], lang="en"))
    data = data_block(html)
    assert data["layers"][0]["title"] == text
    props = data["layers"][0]["data"]["features"][0]["properties"]
    assert props["name_en"] == text
    assert props[text] == text
    tags = parse(html)
    # the data stayed inside its one element: no extra scripts, no template run on it
    assert len(tags.scripts) == 5
    assert "49" not in json.dumps(data["layers"][0]["title"])


# ---------------------------------------------------------------- payload contents


def test_features_carry_measured_values_from_areas(small):
    data = data_block(build_html(build_map([layer(small)], lang="vi")))
    zp = [f["zp"] for f in data["layers"][0]["data"]["features"]]
    measured = measure_features(small)
    assert zp[0]["area_ha"] == pytest.approx(measured["area_ha_vn2000"].iloc[0])
    assert zp[0]["declared_ha"] == 120.0
    assert zp[1]["length_km"] == pytest.approx(measured["length_km_vn2000"].iloc[1])
    assert zp[1]["area_ha"] is None
    assert zp[2]["area_ha"] is None
    assert [z["names"] for z in zp][1] == ["Đường ven biển", "Coastal road"]
    cats = data["categories"]
    assert [cats[z["cat"]]["label"] for z in zp] == [
        "Khu công nghiệp",
        "Đường ven biển, cao tốc",
        "Địa danh",
    ]
    assert [cats[z["cat"]]["kind"] for z in zp] == ["fill", "line", "point"]
    assert [data["phases"][z["phase"]]["key"] for z in zp] == ["to 2025", "2026-2030", "none"]


def test_unknown_categories_and_phases_of_user_layers(small):
    gdf = small.assign(category=["mine", None, "mine"], phase=["someday", None, "after 2030"])
    data = data_block(
        build_html(build_map([layer(gdf, title="My file.gpkg", group="user")], lang="en"))
    )
    zp = [f["zp"] for f in data["layers"][0]["data"]["features"]]
    labels = [data["categories"][z["cat"]]["label"] for z in zp]
    assert labels == ["mine", "My file.gpkg", "mine"]
    assert [data["phases"][z["phase"]]["key"] for z in zp] == ["none", "none", "after 2030"]
    assert data["layers"][0]["group"] == "user"


def test_projected_input_is_drawn_in_wgs84(small):
    data = data_block(build_html(build_map([layer(small.to_crs(9210))], lang="en")))
    x, y = data["layers"][0]["data"]["features"][2]["geometry"]["coordinates"]
    assert (x, y) == pytest.approx((106.79, 20.70), abs=1e-7)
    assert data["fit"][0][0] == pytest.approx(20.6, abs=1e-6)


def test_the_page_has_one_viewport_the_one_that_lets_people_zoom(small):
    # folium's (maximum-scale=1, user-scalable=no) goes; text that only looks like it,
    # in the page's data, stays as it was
    look_alike = '<meta name="viewport" content="user-scalable=no">'
    gdf = small.assign(note=look_alike)
    html = build_html(build_map([layer(gdf)], self_contained=True))
    head = html.split("</head>", 1)[0]
    assert re.findall(r'<meta\s+name="viewport"[^>]*>', head) == [render_map.VIEWPORT_META]
    assert "user-scalable" not in head

    def texts(value):
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            return [t for v in value for t in texts(v)]
        return [value] if isinstance(value, str) else []

    assert texts(data_block(html)).count(look_alike) == len(gdf)


def test_basemaps_are_https_with_plain_text_attribution():
    data = data_block(
        build_html(build_map([layer(gpd.GeoDataFrame(geometry=[Point(106.7, 20.6)], crs=4326))]))
    )
    assert [b["key"] for b in data["basemaps"]] == ["osm", "imagery", "light"]
    for b in data["basemaps"]:
        assert b["url"].startswith("https://")
        assert "{z}" in b["url"]
        assert "<" not in b["attribution"]
        assert b["attribution"]


# ---------------------------------------------------------------- styles and text


def test_every_category_has_a_distinct_style():
    assert set(CATEGORY_STYLES) == set(CATEGORIES)
    looks = [(s.color, s.fill, s.dash, s.weight) for s in CATEGORY_STYLES.values()]
    assert len(set(looks)) == len(looks)
    for s in CATEGORY_STYLES.values():
        assert re.fullmatch(r"#[0-9A-F]{6}", s.color)
        assert re.fullmatch(r"#[0-9A-F]{6}", s.fill)


def test_both_languages_have_the_same_strings():
    assert set(STRINGS["vi"]) == set(STRINGS["en"])
    assert all(v.strip() for lang in STRINGS.values() for v in lang.values())


def test_lang_sets_interface_and_html_lang(small):
    vi = build_html(build_map([layer(small)], lang="vi"))
    en = build_html(build_map([layer(small)], lang="en"))
    assert '<html lang="vi">' in vi
    assert '<html lang="en">' in en
    assert data_block(vi)["t"]["legend"] == "Chú giải"
    assert data_block(en)["t"]["legend"] == "Legend"
    with pytest.raises(ValueError, match="'fr'"):
        build_map([layer(small)], lang="fr")


def test_two_builds_match_once_ids_are_masked(small):
    def masked() -> str:
        html = re.sub(r"_[0-9a-f]{32}", "_ID", build_html(build_map([layer(small)], lang="en")))
        # the policy's script hashes cover scripts that carry folium's random ids
        return re.sub(r"&#x27;sha256-[A-Za-z0-9+/=]+&#x27;", "HASH", html)

    assert masked() == masked()


# ---------------------------------------------------------------- assets


def test_leaflet_files_match_their_pinned_hashes():
    assert assets.sri_sha256(assets.leaflet_file("leaflet.js")) == assets.LEAFLET_JS_SRI
    assert assets.sri_sha256(assets.leaflet_file("leaflet.css")) == assets.LEAFLET_CSS_SRI
    for name, digest in assets.LEAFLET_IMAGE_SHA256.items():
        assert hashlib.sha256(assets.leaflet_file(f"images/{name}")).hexdigest() == digest


def test_a_tampered_leaflet_file_is_refused(monkeypatch):
    real = assets._package_file
    monkeypatch.setattr(assets, "_package_file", lambda name: real(name) + b"\n// changed")
    assets.leaflet_js.cache_clear()
    try:
        with pytest.raises(assets.AssetError, match="does not match"):
            assets.leaflet_js()
    finally:
        assets.leaflet_js.cache_clear()


def test_cdn_mode_pins_leaflet_with_integrity(small):
    tags = parse(build_html(build_map([layer(small)])))
    external = [(t, a) for t, a in tags.tags if a.get("src") or (t == "link" and a.get("href"))]
    assert [
        (t, a.get("src") or a.get("href"), a.get("integrity"), a.get("crossorigin"))
        for t, a in external
    ] == [
        ("link", assets.LEAFLET_CSS_URL, assets.LEAFLET_CSS_SRI, "anonymous"),
        ("script", assets.LEAFLET_JS_URL, assets.LEAFLET_JS_SRI, "anonymous"),
    ]


def test_self_contained_has_no_external_script_link_or_css_url(small):
    html = build_html(build_map([layer(small)], self_contained=True))
    tags = parse(html)
    assert not [a for t, a in tags.tags if a.get("src") or t == "link"]
    assert assets.leaflet_js() in html
    urls = re.findall(r"url\(([^)]*)\)", "".join(re.findall(r"<style>(.*?)</style>", html, re.S)))
    assert urls
    assert all(u.startswith('"data:image/png;base64,') or u == "#default#VML" for u in urls)
    # no jQuery, Bootstrap or icon fonts from folium
    assert not re.search(r"jquery|bootstrap|font-awesome|awesome-markers", html, re.I)


def test_cdn_map_is_small_and_offline_map_carries_leaflet(small):
    cdn = build_html(build_map([layer(small)]))
    offline = build_html(build_map([layer(small)], self_contained=True))
    # the viewer script and style, which every map carries, and a small layer: besides
    # the viewer, a few kilobytes; Leaflet is linked, not carried
    viewer = len(assets.viewer_script()) + len(assets.viewer_file(assets.VIEWER_CSS))
    assert len(cdn) - viewer < 20_000
    assert assets.leaflet_js() not in cdn
    assert len(offline) - len(cdn) > len(assets.leaflet_js())


def test_viewer_files_ship_inside_the_package():
    root = Path(render_map.__file__).parent / "static"
    assert (root / "zoneplan.css").is_file()
    # every module on disk is joined, and every joined module is on disk
    modules = sorted(p.name for p in (root / assets.VIEWER_MODULE_DIR).glob("*.js"))
    assert modules == sorted(assets.VIEWER_MODULES)
    js = re.sub(r"/\*.*?\*/|//[^\n]*", "", assets.viewer_script(), flags=re.S)
    # data is never put in the page as markup or run as code
    for sink in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "Function(",
    ):
        assert sink not in js, sink


def test_viewer_takes_its_vn2000_constants_from_crs():
    # the joined script declares them once, ahead of the modules, from zoneplan.crs...
    script = assets.viewer_script()
    declared = re.search(r"\nvar CRS = (\{.*?\});\n", script)
    assert declared
    assert script.index(declared.group()) < script.index(assets.viewer_file("viewer/coords.js"))
    assert json.loads(declared.group(1)) == {
        "helmert": crs.HELMERT_05_2007,
        "tm3": {
            "k0": crs.TM3_K0,
            "lon0": crs.DEFAULT_MERIDIAN,
            "fe": crs.TM3_FALSE_EASTING_M,
            "fn": crs.TM3_FALSE_NORTHING_M,
        },
        "ellipsoid": {"a": crs.WGS84_A_M, "f": crs.WGS84_F},
    }
    # ...and no module writes one of those numbers itself
    numbers = [abs(v) for v in crs.HELMERT_05_2007.values()]
    numbers += [crs.TM3_K0, crs.DEFAULT_MERIDIAN, crs.TM3_FALSE_EASTING_M]
    numbers += [crs.WGS84_A_M, 1 / crs.WGS84_F]
    for name in assets.VIEWER_MODULES:
        code = re.sub(r"/\*.*?\*/|//[^\n]*", "", assets.viewer_file(f"viewer/{name}"), flags=re.S)
        literals = {float(x) for x in re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?:e-?\d+)?", code)}
        for number in numbers:
            assert not any(math.isclose(number, v, rel_tol=1e-12) for v in literals), (name, number)


# ---------------------------------------------------------------- writing


def test_save_map_is_atomic_and_keeps_the_old_file_on_failure(small, tmp_path, monkeypatch):
    out = tmp_path / "map.html"
    out.write_text("old map", encoding="utf-8")
    m = build_map([layer(small)])

    def broken(self, **kwargs):
        msg = "render failed half way"
        raise RuntimeError(msg)

    monkeypatch.setattr(render_map.PlanningViewer, "render", broken)
    with pytest.raises(RuntimeError):
        save_map(m, out)
    assert out.read_text(encoding="utf-8") == "old map"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]
    monkeypatch.undo()
    save_map(build_map([layer(small)]), out)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_save_map_refuses_a_missing_folder(small, tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        save_map(build_map([layer(small)]), tmp_path / "nope" / "map.html")


# ---------------------------------------------------------------- command line


def test_build_writes_the_documented_default_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["-q", "build"]) == 0
    html = (tmp_path / render_map.DEFAULT_OUTPUT).read_text(encoding="utf-8")
    data = data_block(html)
    assert data["lang"] == "vi"
    assert next(ly["group"] for ly in data["layers"]) == "zone"
    help_text = subprocess.run(
        [sys.executable, "-m", "zoneplan", "build", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"./{render_map.DEFAULT_OUTPUT}" in help_text


def test_build_with_user_layers_and_self_contained(tmp_path, small):
    mine = tmp_path / "mine.geojson"
    small.iloc[[0]].to_file(mine, driver="GeoJSON")
    out = tmp_path / "map.html"
    assert (
        main(
            [
                "-q",
                "build",
                "--out",
                str(out),
                "--lang",
                "en",
                "--self-contained",
                "--layer",
                str(mine),
            ]
        )
        == 0
    )
    data = data_block(out.read_text(encoding="utf-8"))
    assert data["layers"][-1]["title"] == "mine.geojson"
    assert data["layers"][-1]["group"] == "user"
    assert len(data["layers"][-1]["data"]["features"]) == 1
    assert not [
        a for t, a in parse(out.read_text(encoding="utf-8")).tags if a.get("src") or t == "link"
    ]


def test_a_broken_user_layer_is_refused_and_the_old_map_stays(tmp_path, capsys):
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[106.6, 20.6], [106.7, 20.7], [106.7, 20.6], [106.6, 20.7], [106.6, 20.6]]
        ],
    }
    bad = tmp_path / "bad.geojson"
    bad.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {"id": "x"}, "geometry": bowtie}],
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "map.html"
    out.write_text("old map", encoding="utf-8")
    assert main(["build", "--out", str(out), "--layer", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("zoneplan: error: ")
    assert "bad.geojson" in err
    assert "Self-intersection" in err
    assert "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "old map"
    with pytest.raises(LayerValidationError):
        render_map.user_layer(bad)


def test_build_refuses_an_unwritable_output_before_working(tmp_path, capsys):
    assert main(["build", "--out", str(tmp_path / "missing" / "map.html")]) == 1
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize("self_contained", [False, True], ids=["cdn", "self-contained"])
def test_policy_allows_exactly_the_pages_own_scripts(small, self_contained):
    import base64
    from html import unescape

    html = build_html(build_map([layer(small)], lang="en", self_contained=self_contained))
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert meta
    assert html.index(meta.group(0)) < html.index("<script")  # before anything it governs
    policy = dict([*part.split(" ", 1), ""][:2] for part in unescape(meta.group(1)).split("; "))
    assert policy["default-src"] == "'none'"
    sources = policy["script-src"].split()
    assert "'unsafe-inline'" not in sources
    assert "'unsafe-eval'" not in sources
    inline = [
        m.group(2)
        for m in re.finditer(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL)
        if "src=" not in m.group(1) and "application/" not in m.group(1)
    ]
    assert len(inline) >= 3
    digests = {
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in inline
    }
    allowed = {s for s in sources if s.startswith("'sha256-")}
    assert digests == allowed
    urls = {s for s in sources if s.startswith("https://")}
    assert urls == {assets.LEAFLET_JS_URL}


def test_dated_facts_in_the_data_block(small):
    from zoneplan.events import Event, EventDate, EventLog, load_events
    from zoneplan.render.map import catalog_layers
    from zoneplan.schema import EVENT_KINDS, KIND_STATUS, STATUSES

    events = EventLog(
        [
            Event("a", "p1", EventDate.parse("2017-05"), "groundbreaking", "khởi công", "start"),
            Event("b", "p1", EventDate.parse("2025-09-07"), "stalled", "đình trệ", "stalled"),
        ]
    )
    tagged = small.assign(id=["p1", "p2", "p3"], status=["stalled", "bogus", None])
    shipped = MapLayer("a", "A", "A", "context", tagged, events=events, facts_as_of="2026-11")
    user = MapLayer("b", "B", "B", "user", tagged)  # same ids, no events of its own
    data = data_block(build_html(build_map([shipped, user], lang="vi")))
    assert [s["key"] for s in data["statuses"]] == list(STATUSES)
    assert {k["key"]: k["status"] for k in data["event_kinds"]} == KIND_STATUS
    assert [k["label"] for k in data["event_kinds"]] == [v[0] for v in EVENT_KINDS.values()]
    assert data["facts_as_of"] == {"date": "2026-11", "text": "Số liệu đến ngày tháng 11/2026"}
    first, second = (layer["data"]["features"] for layer in data["layers"])
    zp = first[0]["zp"]
    assert [e["date"] for e in zp["events"]] == ["2025-09-07", "2017-05"]  # newest first
    assert [e["date_text"] for e in zp["events"]] == ["07/09/2025", "tháng 05/2017"]
    assert zp["events"][0]["text"] == "đình trệ"
    assert [f["zp"]["status"] for f in first] == [list(STATUSES).index("stalled"), -1, -1]
    assert all(f["zp"]["events"] == [] for f in second)
    # the shipped catalog: facts date, and every feature's timeline as load_events gives it
    log = load_events()
    block = data_block(build_html(build_map(catalog_layers(), lang="en")))
    assert block["facts_as_of"]["text"] == "Facts as of 30 Nov 2026"
    for layer_row in block["layers"]:
        for f in layer_row["data"]["features"]:
            fid = f["properties"]["id"]
            want = [e.event_id for e in log.timeline(fid, newest_first=True)]
            assert [e["date"] for e in f["zp"]["events"]] == [
                e.date.text for e in log.timeline(fid, newest_first=True)
            ], fid
            assert len(want) == len(f["zp"]["events"])


def _srcdoc(cell: str) -> str:
    from html import unescape

    found = re.search(r'<iframe srcdoc="([^"]*)"', cell)
    assert found
    return unescape(found.group(1))


def test_notebook_display_is_the_saved_page(small):
    """In a notebook the map is the page save_map writes, policy and all, in an iframe."""
    m = build_map([layer(small)], lang="en", self_contained=True)
    cell = m._repr_html_()
    assert cell == render_map.notebook_html(m)
    assert _srcdoc(cell) == build_html(m)
    title = re.search(r"<title>([^<]*)</title>", build_html(m))
    assert title
    assert f'title="{title.group(1)}"' in cell  # the frame is named for screen readers


def test_notebook_display_inlines_leaflet_unless_told_not_to(small):
    m = build_map([layer(small)], lang="en")  # self_contained=None, the default
    page = _srcdoc(m._repr_html_())
    assert 'src="https://unpkg.com' not in page
    assert assets.leaflet_js()[:2000] in page
    assert "zoneplan-leaflet-missing" not in page  # nothing to load, nothing to warn about
    saved = build_html(m)  # saved, the same map links Leaflet's CDN, as before
    assert f'<script src="{assets.LEAFLET_JS_URL}"' in saved
    assert "zoneplan-leaflet-missing" not in saved
    cdn = _srcdoc(build_map([layer(small)], lang="en", self_contained=False)._repr_html_())
    assert f'<script src="{assets.LEAFLET_JS_URL}"' in cdn
    assert "zoneplan-leaflet-missing" in cdn  # the cell says so when the CDN cannot be reached
