"""
``zoneplan figure``: print sheets checked from the files they write.

The PDF is read back with pdfplumber: the grid labels' positions give the scale and
the frame's corners on the grid, which pyproj's own VN-2000 → WGS 84 transformation
(EPSG:6960 chosen by PROJ, not zoneplan's pinned pipeline) must turn into the printed
corner and graticule coordinates; the legend must list exactly the categories that
geopandas finds inside the frame. Figures are drawn at low dpi and few times.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import shutil
import socket
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

import geopandas as gpd
import numpy as np
import pdfplumber
import pyproj
import pytest
import shapely
from PIL import Image

from zoneplan.catalog import load_catalog
from zoneplan.cli import main
from zoneplan.errors import InputError
from zoneplan.figure import (
    PAPERS,
    BasemapError,
    make_figure,
    paper_size,
    save_figure,
    sheet_info,
)
from zoneplan.figure import basemap as bm
from zoneplan.figure.sheet import layout
from zoneplan.figure.text import SHEET_STRINGS, missing_glyphs
from zoneplan.io import load_catalog_layers
from zoneplan.render.i18n import STRINGS
from zoneplan.render.layers import MapLayer
from zoneplan.render.style import STATUS_STYLES, category_style
from zoneplan.schema import CATEGORIES, STATUSES

MM = 25.4 / 72  # millimetres per PDF point
SCALE = 50_000
TITLE = "Tiên Lãng: sân bay, đường ven biển"
USER_CATEGORY = "khu dân cư hiện hữu"
DMS = re.compile(r"^(-?)(\d+)°(\d{2})′(?:(\d{2})″)?$")
KM = re.compile(r"^\d{3,4}(?:[.,]\d+)?$")
TO_WGS84 = pyproj.Transformer.from_crs(9210, 4326, always_xy=True)


# --- reading a sheet back ------------------------------------------------------------------


def words(page) -> list[dict]:
    """Runs of text as printed (spaces kept), each with its box in points from the top-left."""
    return page.extract_words(keep_blank_chars=True, x_tolerance=1.5, y_tolerance=1.5)


def km_value(text: str) -> float:
    return float(text.replace(",", "."))


class SheetReading:
    """The grid as read back from a PDF: label positions, the frame, the corners on the grid."""

    def __init__(self, page) -> None:
        self.page = page
        self.height_mm = float(page.height) * MM
        self.words = words(page)
        nums = [w for w in self.words if KM.match(w["text"])]
        eastings = [w for w in nums if km_value(w["text"]) < 1000]
        northings = [w for w in nums if km_value(w["text"]) >= 1000]
        lowest = max(w["bottom"] for w in eastings)
        self.bottom = sorted(
            (w for w in eastings if abs(w["bottom"] - lowest) < 1), key=lambda w: w["x0"]
        )
        leftmost = min(w["x0"] for w in northings)
        self.left = sorted(
            (w for w in northings if w["x0"] < leftmost + 10), key=lambda w: -w["top"]
        )
        # the frame: the largest rectangle between the label rows and columns
        inner = [
            r
            for r in page.rects
            if r["x0"] > max(w["x1"] for w in self.left) and r["bottom"] < lowest - 5
        ]
        frame = max(inner, key=lambda r: r["width"] * r["height"])
        self.frame_mm = (
            frame["x0"] * MM,
            self.height_mm - frame["bottom"] * MM,
            frame["x1"] * MM,
            self.height_mm - frame["top"] * MM,
        )

    def x_mm(self, w: dict) -> float:
        return (w["x0"] + w["x1"]) / 2 * MM

    def y_mm(self, w: dict) -> float:
        return self.height_mm - (w["top"] + w["bottom"]) / 2 * MM

    def easting_at(self, x_mm: float) -> float:
        """Grid easting (m) at a sheet x, from the first and last bottom labels."""
        a, b = self.bottom[0], self.bottom[-1]
        ea, eb = km_value(a["text"]) * 1000, km_value(b["text"]) * 1000
        return ea + (x_mm - self.x_mm(a)) * (eb - ea) / (self.x_mm(b) - self.x_mm(a))

    def northing_at(self, y_mm: float) -> float:
        a, b = self.left[0], self.left[-1]
        na, nb = km_value(a["text"]) * 1000, km_value(b["text"]) * 1000
        return na + (y_mm - self.y_mm(a)) * (nb - na) / (self.y_mm(b) - self.y_mm(a))

    def grid_bounds(self) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = self.frame_mm
        return self.easting_at(x0), self.northing_at(y0), self.easting_at(x1), self.northing_at(y1)


def parse_dms(text: str) -> float:
    sign, deg, minutes, secs = DMS.match(text).groups()
    value = int(deg) + int(minutes) / 60 + int(secs or 0) / 3600
    return -value if sign else value


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def user_layer_file(tmp_path_factory) -> Path:
    """A square of the user's in UTM 48N near the airport site, with its own category."""
    folder = tmp_path_factory.mktemp("own")
    to_utm = pyproj.Transformer.from_crs(4326, 32648, always_xy=True)
    x, y = to_utm.transform(106.652, 20.648)
    gdf = gpd.GeoDataFrame(
        {"name_vi": ["Khu dân cư"], "category": [USER_CATEGORY]},
        geometry=[shapely.box(x, y, x + 600, y + 400)],
        crs=32648,
    )
    path = folder / "dan_cu.gpkg"
    gdf.to_file(path)
    return path


@pytest.fixture(scope="module")
def sheet(tmp_path_factory, user_layer_file):
    """One A4 sheet at 1:50,000 around the airport, with the graticule and a user layer."""
    out = tmp_path_factory.mktemp("sheet") / "airport.pdf"
    argv = ["-q", "figure", "--extent", "airport", "--scale", "1:50.000", "--graticule"]
    argv += ["--basemap", "none", "--layer", str(user_layer_file), "--title", TITLE]
    assert main([*argv, "--out", str(out)]) == 0
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        reading = SheetReading(page)
        # keep what the tests need; the file closes
        reading.rects = page.rects
        reading.curves = page.curves
        reading.images = page.images
        reading.chars = page.chars
        reading.page = None
    return reading


@pytest.fixture(scope="module")
def small_catalog(tmp_path_factory, geodata) -> Path:
    """The zone layer only, with a facts date of its own: cheap sheets for the size tests."""
    folder = tmp_path_factory.mktemp("catalog")
    data = json.loads((geodata / "catalog.json").read_text(encoding="utf-8"))
    data["layers"] = [entry for entry in data["layers"] if entry["id"] == "zone"]
    data["facts_as_of"] = "2025-07-01"  # not the shipped one: the sheet follows its catalog
    (folder / "catalog.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    shutil.copy(geodata / "zone.geojson", folder / "zone.geojson")
    shutil.copy(geodata / data["events"], folder / data["events"])  # the catalog names it
    return folder


# --- the scale, the grid, the corners -------------------------------------------------------


def test_the_scale_is_true_between_grid_labels(sheet):
    for labels, pos in ((sheet.bottom, sheet.x_mm), (sheet.left, sheet.y_mm)):
        assert len(labels) >= 3
        a, b = labels[0], labels[-1]
        metres = abs(km_value(b["text"]) - km_value(a["text"])) * 1000
        on_paper_mm = abs(pos(b) - pos(a))
        assert on_paper_mm == pytest.approx(metres * 1000 / SCALE, rel=0.005)
        # every label in between sits on its own line
        for w in labels[1:-1]:
            frac = (km_value(w["text"]) - km_value(a["text"])) / (
                km_value(b["text"]) - km_value(a["text"])
            )
            assert pos(w) == pytest.approx(pos(a) + frac * (pos(b) - pos(a)), abs=0.15)


def test_the_frame_has_the_size_of_its_scale_and_centres_the_extent(sheet):
    e0, n0, e1, n1 = sheet.grid_bounds()
    x0, y0, x1, y1 = sheet.frame_mm
    assert (e1 - e0) == pytest.approx((x1 - x0) * SCALE / 1000, rel=0.005)
    assert (n1 - n0) == pytest.approx((y1 - y0) * SCALE / 1000, rel=0.005)
    airport = load_catalog_layers(["airport"])["airport"].to_crs(9210)
    ax0, ay0, ax1, ay1 = airport.total_bounds
    assert (e0 + e1) / 2 == pytest.approx((ax0 + ax1) / 2, abs=25)  # 0.5 mm on paper
    assert (n0 + n1) / 2 == pytest.approx((ay0 + ay1) / 2, abs=25)


def test_corner_and_graticule_labels_agree_with_pyproj(sheet):
    e0, n0, e1, n1 = sheet.grid_bounds()
    x0, y0, x1, y1 = sheet.frame_mm
    dms_words = [w for w in sheet.words if DMS.match(w["text"])]
    corners = {(x0, y0): (e0, n0), (x1, y0): (e1, n0), (x0, y1): (e0, n1), (x1, y1): (e1, n1)}
    for (cx, cy), (e, n) in corners.items():
        lon, lat = TO_WGS84.transform(e, n)
        # the longitude printed under (or over) the corner, the latitude beside it
        lon_word = min(
            (w for w in dms_words if "″" in w["text"] and parse_dms(w["text"]) > 100),
            key=lambda w: abs(sheet.x_mm(w) - cx) + abs(sheet.y_mm(w) - cy),
        )
        lat_word = min(
            (w for w in dms_words if "″" in w["text"] and parse_dms(w["text"]) < 30),
            key=lambda w: abs(sheet.x_mm(w) - cx) + abs(sheet.y_mm(w) - cy),
        )
        assert parse_dms(lon_word["text"]) == pytest.approx(lon, abs=1.01 / 3600)
        assert parse_dms(lat_word["text"]) == pytest.approx(lat, abs=1.01 / 3600)
    # round minutes on the bottom edge: where pyproj says that longitude crosses it
    ticks = [w for w in dms_words if "″" not in w["text"] and parse_dms(w["text"]) > 100]
    bottom = [w for w in ticks if sheet.y_mm(w) < y0]
    assert len(bottom) >= 2
    for w in bottom:
        lon, _ = TO_WGS84.transform(sheet.easting_at(sheet.x_mm(w)), n0)
        assert lon == pytest.approx(parse_dms(w["text"]), abs=1.0 / 3600)
    lats = [w for w in dms_words if "″" not in w["text"] and parse_dms(w["text"]) < 30]
    left = [w for w in lats if sheet.x_mm(w) < x0]
    assert left
    for w in left:
        _, lat = TO_WGS84.transform(e0, sheet.northing_at(sheet.y_mm(w)))
        assert lat == pytest.approx(parse_dms(w["text"]), abs=1.0 / 3600)


def test_the_user_layer_is_reprojected_onto_the_grid(sheet, user_layer_file):
    own = gpd.read_file(user_layer_file).to_crs(9210).geometry.iloc[0]
    grey = (0x5A / 255,) * 3  # the neutral style of categories outside the schema
    drawn = [c for c in sheet.curves if _close(c.get("stroking_color"), grey)]
    assert drawn, "the user's polygon is not drawn"
    pts = np.array(drawn[0]["pts"], dtype=float) * MM
    east = [sheet.easting_at(x) for x in pts[:, 0]]
    north = [sheet.northing_at(sheet.height_mm - y) for y in pts[:, 1]]
    got = shapely.Polygon(list(zip(east, north, strict=True))).normalize()
    # 0.1 mm on paper is 5 m at 1:50,000
    assert shapely.hausdorff_distance(got, shapely.normalize(own)) < 5.0


def _close(color, rgb) -> bool:
    """Compare a PDF colour (grey as one number, or RGB) with an RGB triple."""
    if color is None:
        return False
    values = [color] * 3 if isinstance(color, int | float) else list(color)
    if len(values) == 1:
        values *= 3
    return len(values) == 3 and np.allclose(values, rgb, atol=0.01)


def test_the_convergence_note_is_pyprojs(sheet):
    e0, n0, e1, n1 = sheet.grid_bounds()
    lon, lat = pyproj.Transformer.from_crs(9210, 4756, always_xy=True).transform(
        (e0 + e1) / 2, (n0 + n1) / 2
    )
    expected = pyproj.Proj("EPSG:9210").get_factors(lon, lat).meridian_convergence
    text = " ".join(w["text"] for w in sheet.words)
    assert "Hội tụ kinh tuyến tại" in text
    angles = [parse_dms(a) for a in re.findall(r"\d+°\d{2}′\d{2}″", text)]
    small = [a for a in angles if a < 1]  # corner coordinates are 20° and 106°
    assert small
    assert small == pytest.approx([expected] * len(small), abs=1.5 / 3600)
    assert "tây" in text  # east of the central meridian, true north leans west


# --- the legend and the words ---------------------------------------------------------------


def test_the_legend_lists_exactly_the_categories_inside_the_frame(sheet, user_layer_file):
    frame = shapely.box(*sheet.grid_bounds())
    expected = set()
    for gdf in load_catalog_layers().values():
        inside = gdf.to_crs(9210)
        inside = inside[inside.intersects(frame)]
        expected |= {CATEGORIES[c][0] for c in inside["category"]}
    expected.add(USER_CATEGORY)
    candidates = {vi for vi, _ in CATEGORIES.values()} | {USER_CATEGORY}
    printed = {w["text"] for w in sheet.words} & candidates
    assert printed == expected
    assert "Bến cảng" not in printed  # the port is outside this frame
    assert "Đường cất hạ cánh" in printed


def test_the_legend_ends_with_the_statuses_inside_the_frame(sheet):
    frame = shapely.box(*sheet.grid_bounds())
    expected = set()
    for gdf in load_catalog_layers().values():
        if "status" in gdf.columns:
            inside = gdf.to_crs(9210)
            inside = inside[inside.intersects(frame) & inside["status"].notna()]
            expected |= {STATUSES[s][0] for s in inside["status"]}
    printed = {w["text"] for w in sheet.words}
    assert expected  # the proposed airport at least
    assert printed & {vi for vi, _ in STATUSES.values()} == expected
    assert "Hiện trạng" in printed  # the status key's heading, as in the viewer's legend
    # each status beside its sample, stroked as the viewer's legend draws it: the status's
    # dash pattern on a 1.5 px outline plus its weight, at 0.5 pt a pixel on A4
    key = {vi: name for name, (vi, _) in STATUSES.items()}
    for w in sheet.words:
        if w["text"] not in expected:
            continue
        sample = max(
            (r for r in sheet.rects if abs(r["top"] - w["top"]) < 4 and r["x1"] <= w["x0"]),
            key=lambda r: r["x1"],
        )
        style = STATUS_STYLES[key[w["text"]]]
        dash = tuple(float(v) * 0.5 for v in (style.dash or "").split())
        assert (tuple(sample["dash"][0]) if sample["dash"] else ()) == dash
        assert sample["linewidth"] == pytest.approx((1.5 + style.weight_add) * 0.5)


def _outlines(sheet, stroke: str, fill: str | None = None) -> list[dict]:
    """The features' outlines the PDF strokes in a "#rrggbb" colour (filled in another)."""

    def same(value, colour: str) -> bool:
        rgb = tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return isinstance(value, tuple) and len(value) == 3 and np.allclose(value, rgb, atol=0.01)

    return [
        c
        for c in sheet.curves
        if c["stroke"]
        and c["width"] > 5  # not a marker
        and same(c["stroking_color"], stroke)
        and (fill is None or (c["fill"] and same(c["non_stroking_color"], fill)))
    ]


def _dash(curve: dict) -> tuple[float, ...]:
    """The dash pattern a PDF path is stroked with, in points; () when solid."""
    return tuple(curve["dash"][0]) if curve["dash"] else ()


def test_outlines_show_the_status_as_the_viewer_draws_it(sheet):
    # A4 prints 0.5 pt per pixel of the map's styles. The airport (and its functional area)
    # is only proposed: dotted, 2 px on and 5 px off, instead of the category's solid line
    airport = _outlines(sheet, category_style("airport").color)
    assert airport
    assert {_dash(c) for c in airport} == {(1, 2.5)}
    # the industrial parks under construction: a solid outline 2.5 px thicker than the
    # projects layer's 2.5 px; the one only proposed is dotted at the layer's weight
    style = category_style("ip_project")
    parks = _outlines(sheet, style.color, style.fill)
    assert {(_dash(c), round(c["linewidth"], 2)) for c in parks} == {((), 2.5), ((1, 2.5), 1.25)}


def test_vietnamese_text_comes_back_from_the_pdf_unchanged(sheet):
    printed = {w["text"] for w in sheet.words}
    vi = STRINGS["vi"]
    for source in (TITLE, vi["decision"], "Chú giải", "Tỷ lệ 1:50.000", "Đường ven biển, cao tốc"):
        assert source in printed
    fonts = {c["fontname"].split("+")[-1] for c in sheet.chars}
    assert fonts == {"DejaVuSans"}


def test_the_pdf_keeps_text_as_text_and_lines_as_vectors(sheet):
    assert len(sheet.chars) > 500
    assert len(sheet.curves) > 20
    assert sheet.images == []  # no basemap: nothing is a picture


def test_the_title_block_carries_the_catalogs_facts_date_and_the_date_of_printing(sheet, geodata):
    printed = " ".join(w["text"] for w in sheet.words)
    facts = json.loads((geodata / "catalog.json").read_text(encoding="utf-8"))["facts_as_of"]
    year, month, day = facts.split("-")
    # the line the viewer's title block shows too
    assert f"Số liệu đến ngày {day}/{month}/{year}" in printed
    today = dt.date.today()
    days = {f"{d:%d/%m/%Y}" for d in (today, today - dt.timedelta(days=1))}  # run at midnight
    assert any(f"Ngày in: {d}" in printed for d in days)
    assert "EPSG:9210" in printed
    assert "1511/QĐ-TTg" in printed


def test_the_sheets_font_has_every_glyph_it_prints():
    texts = [
        s for table in (STRINGS, SHEET_STRINGS) for lang in table.values() for s in lang.values()
    ]
    texts += [label for pair in CATEGORIES.values() for label in pair]
    for gdf in load_catalog_layers().values():
        texts += [str(v) for v in gdf["name_vi"]]
    assert missing_glyphs("".join(texts)) == ""
    assert (
        missing_glyphs("Đ ư ơ ạ ả ấ ầ ẩ ẫ ậ ắ ằ ẳ ẵ ặ ẹ ẻ ẽ ế ề ể ễ ệ ỉ ị ọ ỏ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ")
        == ""
    )
    assert missing_glyphs("ụ ủ ứ ừ ử ữ ự ỳ ỵ ỷ ỹ Ỹ Ự Ậ") == ""
    assert missing_glyphs("漢") == "漢"  # the check can fail


# --- the legend's room -------------------------------------------------------------------------

LONG_NAME = "Khu dân cư hiện hữu cải tạo, chỉnh trang theo quy hoạch phân khu"


def _long_categories(n: int) -> MapLayer:
    """`n` small squares near the airport site, each of its own long-named category."""
    squares = [
        shapely.box(x, y, x + 0.002, y + 0.002)
        for i in range(n)
        for x, y in [(106.60 + 0.004 * (i % 20), 20.64 + 0.004 * (i // 20))]
    ]
    names = [f"{LONG_NAME} số {i + 1}" for i in range(n)]
    gdf = gpd.GeoDataFrame({"category": names}, geometry=squares, crs=4326)
    return MapLayer("khu.gpkg", "khu", "khu", "user", gdf)


def test_long_legend_labels_wrap_rather_than_refuse_the_sheet(small_catalog):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from zoneplan.figure.legend import MIN_LEGEND_PT

    layer = _long_categories(14)  # too long for their columns on one line at any size
    fig = make_figure("khu.gpkg", layers=[layer], dpi=72, catalog=load_catalog(small_catalog))
    lay = layout("A4", "landscape")
    legend = sheet_info(fig).legend
    assert {f"{LONG_NAME} số {i + 1}" for i in range(14)} <= set(legend)
    # every label printed whole, over lines, inside the legend's box, none over another
    renderer = FigureCanvasAgg(fig).get_renderer()
    px = fig.dpi / 25.4
    box = lay.legend
    printed = {t.get_text().replace("\n", " "): t for t in fig.texts}
    extents = []
    for label in legend:
        text = printed[label]
        assert text.get_fontsize() >= MIN_LEGEND_PT
        e = text.get_window_extent(renderer)
        assert box.x * px - 0.5 <= e.x0
        assert e.x1 <= box.right * px + 0.5
        assert box.y * px - 0.5 <= e.y0
        assert e.y1 <= box.top * px + 0.5
        extents.append(e)
    assert any("\n" in printed[label].get_text() for label in legend)
    for i, a in enumerate(extents):
        assert not any(a.overlaps(b) for b in extents[i + 1 :])


def test_a_legend_too_long_even_wrapped_is_refused_with_the_fix(small_catalog):
    with pytest.raises(
        InputError,
        match=r"the legend's 30\d entries do not fit on A4 landscape; use a larger --paper",
    ):
        make_figure(
            "khu.gpkg", layers=[_long_categories(300)], dpi=72, catalog=load_catalog(small_catalog)
        )


# --- paper sizes in every format --------------------------------------------------------------


@pytest.mark.parametrize("paper", list(PAPERS))
@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_page_sizes_are_exact_in_every_format(tmp_path, small_catalog, paper, orientation):
    fig = make_figure(
        "zone", paper=paper, orientation=orientation, catalog=load_catalog(small_catalog)
    )
    width_mm, height_mm = paper_size(paper, orientation)
    pdf = save_figure(fig, tmp_path / "s.pdf")
    with pdfplumber.open(pdf) as doc:
        box = doc.pages[0].mediabox
    assert box[2] - box[0] == pytest.approx(width_mm / 25.4 * 72, abs=0.01)
    assert box[3] - box[1] == pytest.approx(height_mm / 25.4 * 72, abs=0.01)
    png = save_figure(fig, tmp_path / "s.png", dpi=50)
    with Image.open(png) as img:
        assert img.size == (round(width_mm / 25.4 * 50), round(height_mm / 25.4 * 50))
        # PNG stores pixels per metre: 1969 for 50 dpi
        assert img.info["dpi"] == pytest.approx((50, 50), abs=0.05)
    svg = ET.parse(save_figure(fig, tmp_path / "s.svg")).getroot()
    view = [float(v) for v in svg.get("viewBox").split()]
    assert view[2] == pytest.approx(width_mm / 25.4 * 72, abs=0.01)
    assert view[3] == pytest.approx(height_mm / 25.4 * 72, abs=0.01)
    assert svg.get("width") == f"{view[2]:g}pt" or float(svg.get("width")[:-2]) == view[2]
    if paper == "A4" and orientation == "portrait":
        ns = "{http://www.w3.org/2000/svg}"
        texts = "".join("".join(t.itertext()) for t in svg.iter(f"{ns}text"))
        assert "Chú giải" in texts  # text stays text in SVG
        assert "Khu kinh tế" in texts
        assert not list(svg.iter(f"{ns}image"))
        with pdfplumber.open(pdf) as doc:
            printed = " ".join(w["text"] for w in words(doc.pages[0]))
        assert "Số liệu đến ngày 01/07/2025" in printed


def test_english_sheet_and_the_sheet_info(small_catalog):
    fig = make_figure("zone", paper="A3", lang="en", catalog=load_catalog(small_catalog))
    info = sheet_info(fig)
    assert info.scale == 100_000  # the zone, 29.7 km × 17.9 km, fits A3 at 1:100,000
    assert info.facts_as_of == "2025-07-01"
    assert info.legend == ("Economic zone", "Status", "Planned")  # the zone is planned
    texts = {t.get_text() for t in fig.texts}
    assert "Scale 1:100,000" in texts
    assert "Facts as of 1 Jul 2025" in texts


# --- basemaps ---------------------------------------------------------------------------------

MARK = (106.6500, 20.6500)  # a point the test tiles mark in black


class _Tiles(BaseHTTPRequestHandler):
    """White tiles with a black 3 × 3 pixel mark on MARK."""

    def do_GET(self):
        z, x, y = (int(p) for p in self.path.strip("/").removesuffix(".png").split("/"))
        img = Image.new("RGB", (256, 256), "white")
        px, py = _global_pixel(*MARK, z)
        if int(px // 256) == x and int(py // 256) == y:
            cx, cy = int(px) - 256 * x, int(py) - 256 * y
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    if 0 <= cx + dx < 256 and 0 <= cy + dy < 256:
                        img.putpixel((cx + dx, cy + dy), (0, 0, 0))
        buf = BytesIO()
        img.save(buf, format="PNG")
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(buf.getvalue())

    def log_message(self, *args):
        pass


def _global_pixel(lon: float, lat: float, z: int) -> tuple[float, float]:
    """Web Mercator pixel of a lon/lat at zoom z (256-pixel tiles)."""
    n = 256 * 2**z
    x = (lon + 180) / 360 * n
    s = np.sin(np.radians(lat))
    y = (0.5 - np.log((1 + s) / (1 - s)) / (4 * np.pi)) * n
    return float(x), float(y)


@pytest.fixture
def tile_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_basemap_tiles_land_where_they_belong_with_their_attribution(
    tmp_path, tile_server, small_catalog
):
    import xyzservices

    tiles = xyzservices.TileProvider(
        name="TestTiles",
        url=tile_server + "/{z}/{x}/{y}.png",
        attribution="© Test tiles",
        max_zoom=19,
    )
    box = "106.62,20.63,106.68,20.67"
    fig = make_figure(
        box, scale=10_000, basemap=tiles, catalog=load_catalog(small_catalog), dpi=100
    )
    info = sheet_info(fig)
    assert info.basemap == "TestTiles"
    image = fig.axes[0].images[0]
    pixels = np.asarray(image.get_array()).astype(float)
    rgb = pixels[..., :3].sum(axis=2)
    rgb[pixels[..., 3] == 0] = np.inf  # the warp's transparent margin
    row, col = np.unravel_index(np.argmin(rgb), rgb.shape)
    left, right, bottom, top = image.get_extent()
    east = left + (col + 0.5) * (right - left) / rgb.shape[1]
    north = top - (row + 0.5) * (top - bottom) / rgb.shape[0]
    want_e, want_n = pyproj.Transformer.from_crs(4326, 9210, always_xy=True).transform(*MARK)
    metres_per_tile_px = 40_075_016.7 * np.cos(np.radians(MARK[1])) / (256 * 2**info.basemap_zoom)
    assert abs(east - want_e) < 3 * metres_per_tile_px + 2
    assert abs(north - want_n) < 3 * metres_per_tile_px + 2
    pdf = save_figure(fig, tmp_path / "b.pdf", dpi=100)
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        printed = " ".join(w["text"] for w in words(page))
        assert page.images  # the basemap is a picture under the vector layers
    assert "Bản đồ nền: © Test tiles" in printed


def test_a_dead_tile_server_ends_in_seconds_with_one_line(monkeypatch, small_catalog):
    import xyzservices

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections are queued and never answered
    port = silent.getsockname()[1]
    monkeypatch.setattr(bm, "TILE_TIMEOUT", (0.5, 0.5))
    tiles = xyzservices.TileProvider(
        name="Dead", url=f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png", attribution="none"
    )
    start = time.monotonic()
    try:
        with pytest.raises(
            BasemapError, match=r"basemap Dead: tiles could not be fetched .*--basemap none"
        ):
            make_figure("zone", basemap=tiles, catalog=load_catalog(small_catalog), dpi=50)
    finally:
        silent.close()
    assert time.monotonic() - start < 10


# --- the command line's errors ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--extent", "nowhere"], "--extent 'nowhere': no such layer; use one of zone"),
        (["--extent", "20.6,106.6,20.7,106.7"], "looks like LAT,LON"),
        (["--extent", "106.6,20.6"], "not a box"),
        (["--scale", "1:0"], "is not a scale"),
        (["--dpi", "5"], "--dpi 5: give a whole number from 50 to 1200"),
        (["--format", "svg"], "does not match --format svg"),
        (["--paper", "A0", "--dpi", "1200", "--format", "png"], "too large a PNG"),
    ],
)
def test_bad_options_get_one_line_and_leave_the_file_alone(tmp_path, capsys, args, message):
    out = tmp_path / ("old.png" if "png" in args else "old.pdf")
    out.write_bytes(b"earlier")
    code = main(["figure", "--basemap", "none", *args, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert out.read_bytes() == b"earlier"


def test_a_broken_layer_file_is_refused_before_anything_is_written(tmp_path, capsys):
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    out = tmp_path / "sheet.pdf"
    assert main(["figure", "--basemap", "none", "--layer", str(bad), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "bad.geojson" in err
    assert err.count("\n") == 1
    assert not out.exists()
    assert not list(tmp_path.glob(".sheet.pdf*"))


def test_offline_the_default_basemap_gives_way_to_the_context_layer(
    tmp_path, monkeypatch, capsys, caplog, small_catalog
):
    def refuse(*args, **kwargs):
        msg = "no network in this test"
        raise OSError(msg)

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setenv("ZONEPLAN_GEODATA", str(small_catalog))
    out = tmp_path / "offline.png"
    start = time.monotonic()
    argv = ["figure", "--paper", "A3", "--lang", "en", "--dpi", "50", "--out", str(out)]
    with caplog.at_level(logging.INFO, logger="zoneplan"):
        assert main(argv) == 0
    assert time.monotonic() - start < 60
    captured = capsys.readouterr()
    assert "A3 landscape PNG, 1:100,000, no basemap" in captured.out
    assert "no basemap: basemap OpenStreetMap.Mapnik: tiles could not be fetched" in caplog.text
    with Image.open(out) as img:
        assert img.size == (round(420 / 25.4 * 50), round(297 / 25.4 * 50))
