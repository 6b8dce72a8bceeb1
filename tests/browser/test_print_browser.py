"""
The viewer's print button, checked with Chromium's own PDF printing (page.pdf()).

One page is opened: printed on A3 portrait through the button, used from the keyboard
alone, then on A4 landscape as Ctrl+P does it (beforeprint), and put back on screen
after each. The map carries a user layer of 30 categories, so that the legend needs
more than one column on A4 landscape. Each PDF is read back with pdfplumber: the paper
size, the text of the legend, scale bar, north arrow and title block, the basemap tiles
under the whole frame, and no control.
"""

from __future__ import annotations

import re
from collections import Counter
from io import BytesIO

import geopandas as gpd
import pdfplumber
import pytest
from shapely.geometry import box

from zoneplan.catalog import load_catalog
from zoneplan.render import catalog_layers
from zoneplan.render.map import build_map, save_map, user_layer

pytestmark = pytest.mark.browser

PT_PER_MM = 72 / 25.4
PT_PER_PX = 0.75  # a CSS pixel is 1/96 inch
MARGIN_PT = 8 * PT_PER_MM  # the @page margin print.js sets
LOTS = [f"Lô đất {i:02d}" for i in range(1, 31)]
AXE_RUN = """() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))})))"""
# what is on the sheet, measured in the page as printed (CSS px from the map's top left)
ON_SHEET = """() => {
  const map = zoneplan.viewer.map.getContainer(), at = map.getBoundingClientRect();
  const rect = e => { const r = e.getBoundingClientRect();
    return [r.left - at.left, r.top - at.top, r.right - at.left, r.bottom - at.top]; };
  const body = map.querySelector('.zp-legend .zp-dock-body');
  const items = [...map.querySelectorAll('.zp-legend-item')].filter(e => e.getClientRects().length);
  const boxes = {};
  for (const s of ['.zp-legend', '.zp-title', '.zp-north', '.zp-minimap',
                   '.leaflet-control-scale', '.leaflet-control-attribution']) {
    boxes[s] = rect(map.querySelector(s));
  }
  return {map: [at.width, at.height], boxes, body: rect(body),
    overflow: body.scrollHeight - body.clientHeight,
    columns: new Set(items.map(e => Math.round(e.getBoundingClientRect().left))).size,
    items: items.map(e => [e.textContent.trim(), rect(e)])}; }"""


@pytest.fixture(scope="module")
def dated_map(tmp_path_factory):
    """The catalog map (its catalog has a facts date) and a user layer of 30 categories."""
    folder = tmp_path_factory.mktemp("print")
    lots = gpd.GeoDataFrame(
        {"name_vi": LOTS, "category": LOTS},
        geometry=[
            box(
                106.66 + (i % 6) * 0.004,
                20.66 + (i // 6) * 0.003,
                106.663 + (i % 6) * 0.004,
                20.662 + (i // 6) * 0.003,
            )
            for i in range(len(LOTS))
        ],
        crs=4326,
    )
    lots.to_file(folder / "lots.geojson", driver="GeoJSON")
    layers = [*catalog_layers(load_catalog()), user_layer(folder / "lots.geojson")]
    out = folder / "map.html"
    save_map(build_map(layers, lang="vi"), out)
    return out


def _inside(inner, outer, slack=0.5) -> bool:
    return (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _check_layout(m) -> dict:
    """In print media: the legend whole, inside the map, clear of the other marks."""
    m.page.emulate_media(media="print")
    try:
        sheet = m.js(ON_SHEET)
    finally:
        m.page.emulate_media(media="null")
    frame = [0, 0, *sheet["map"]]
    assert sheet["overflow"] <= 1  # nothing of the legend is left to scroll to
    assert len(sheet["items"]) >= len(LOTS) + 10
    for label, rect in sheet["items"]:
        assert _inside(rect, sheet["body"]), label
        assert _inside(rect, frame), label
    boxes = sheet["boxes"]
    for name, rect in boxes.items():
        assert _inside(rect, frame), name
    for other in (".zp-title", ".zp-north", ".zp-minimap", ".leaflet-control-scale"):
        assert not _overlap(boxes[".zp-legend"], boxes[other]), other
    return sheet


def _read_pdf(pdf: bytes) -> dict:
    """Page sizes (pt), the characters and words with their boxes, the images of a PDF."""
    with pdfplumber.open(BytesIO(pdf)) as doc:
        sizes = [(float(p.width), float(p.height)) for p in doc.pages]
        page = doc.pages[0]
        # Leaflet's scale label has a text shadow: Chromium prints its glyphs twice
        chars = page.dedupe_chars()
        return {
            "sizes": sizes,
            "text": "\n".join(p.dedupe_chars().extract_text() or "" for p in doc.pages),
            "chars": [(c["text"], c["x0"], c["top"], c["x1"], c["bottom"]) for c in chars.chars],
            "words": chars.extract_words(),
            "images": [(i["x0"], i["top"], i["x1"], i["bottom"]) for i in page.images],
            "curves": [c for c in page.curves if c.get("fill")],
            "width": sizes[0][0],
            "height": sizes[0][1],
        }


def _to_pt(rect):
    """A rectangle of CSS px from the map's top left, in PDF points from the page's top left."""
    return [MARGIN_PT + v * PT_PER_PX for v in rect]


def _sheet_checks(pdf: bytes, sheet: dict, paper_mm: tuple[float, float]) -> None:
    """What every printed sheet carries, where it is on the paper, and what it must not."""
    doc = _read_pdf(pdf)
    assert doc["sizes"] == [
        pytest.approx((paper_mm[0] * PT_PER_MM, paper_mm[1] * PT_PER_MM), abs=1)
    ]
    text = " ".join(doc["text"].split())  # lines wrap on narrow paper
    assert "Chú giải" in text  # the legend
    assert "Khu kinh tế ven biển phía Nam Hải Phòng" in text  # the title block
    assert "Số liệu đến ngày 30/11/2026" in text  # the catalog's facts date
    assert re.search(r"Ngày in: \d{1,2}/\d{1,2}/\d{4}", text)  # the date of printing
    assert re.search(r"(^|\s)\d+ k?m(\s|$)", text)  # the scale bar's label
    for control in ("Đo khoảng cách", "Lớp bản đồ", "Lọc theo giai đoạn", "In khung nhìn", "Tìm"):
        assert control not in text
    assert "+" not in text
    assert "−" not in text
    printable = [MARGIN_PT, MARGIN_PT, doc["width"] - MARGIN_PT, doc["height"] - MARGIN_PT]
    # every legend entry is printed on the paper, where the page put it: all the letters of its
    # label lie in its box (map labels under the legend may share the box: letters, not words)
    for label, rect in sheet["items"]:
        box = _to_pt(rect)
        assert _inside(box, printable, slack=1), label
        inside = Counter(c[0] for c in doc["chars"] if _inside(c[1:], box, slack=1))
        assert Counter(label.replace(" ", "")) <= inside, label
    # the north arrow: its letter, and the filled arrowhead under it, in the top-right corner
    north = _to_pt(sheet["boxes"][".zp-north"])
    letter = [
        w
        for w in doc["words"]
        if w["text"] == "B" and _inside([w["x0"], w["top"], w["x1"], w["bottom"]], north, slack=1)
    ]
    assert len(letter) == 1
    assert north[0] > doc["width"] * 0.8
    assert north[1] < doc["height"] * 0.2
    heads = [
        c
        for c in doc["curves"]
        if _inside([c["x0"], c["top"], c["x1"], c["bottom"]], north)
        and c["top"] >= letter[0]["bottom"] - 1
        and max(c["non_stroking_color"] or (1,)) < 0.3  # filled dark
    ]
    assert heads
    # the basemap's tiles lie under the whole frame, and the overview map has its own
    tiles = doc["images"]
    assert min(t[0] for t in tiles) <= printable[0]
    assert max(t[2] for t in tiles) >= printable[2]
    assert min(t[1] for t in tiles) <= printable[1]
    assert max(t[3] for t in tiles) >= printable[3]
    mini = _to_pt(sheet["boxes"][".zp-minimap"])
    assert any(_overlap(t, mini) and (t[2] - t[0]) < 200 for t in tiles)


def test_print_button_lays_out_the_view_for_paper(open_map, dated_map, axe_source):
    m = open_map(dated_map)
    page = m.page
    before = m.js("() => { const c = zoneplan.viewer.map.getCenter(); return [c.lat, c.lng]; }")
    zoom = m.js("() => zoneplan.viewer.map.getZoom()")
    # the dialog of the browser cannot be driven headless: record the call instead
    m.js("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    # by keyboard alone: the button opens the choice, Escape closes it and gives the focus back
    page.focus(".zp-print-button")
    page.keyboard.press("Enter")
    assert page.is_visible(".zp-print-form")
    assert page.get_attribute(".zp-print-button", "aria-expanded") == "true"
    m.js(axe_source)
    assert m.js(AXE_RUN) == []  # the open choice too
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    assert not page.is_visible(".zp-print-form")
    assert m.js("() => document.activeElement.classList.contains('zp-print-button')")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # A4 → A3
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # landscape → portrait
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # print the current view
    page.wait_for_function("() => window.__printed === 1")
    assert m.js("() => document.body.dataset.zoneplanPrint") == "A3 portrait"
    width = m.js("() => zoneplan.viewer.map.getContainer().getBoundingClientRect().width")
    assert width == pytest.approx((297 - 16) / 25.4 * 96, abs=1)  # CSS px of the printable width
    # the scale bar tells the truth at the centre of the printed view
    metres, px = m.js(
        """() => {
          const line = document.querySelector('.leaflet-control-scale-line');
          const map = zoneplan.viewer.map, y = map.getSize().y / 2, w = line.offsetWidth;
          const text = line.textContent.trim();
          const value = parseFloat(text) * (text.endsWith('km') ? 1000 : 1);
          const ground = map.distance(map.containerPointToLatLng([0, y]),
                                      map.containerPointToLatLng([w, y]));
          return [value, ground];
        }"""
    )
    assert metres == pytest.approx(px, rel=0.02)
    sheet = _check_layout(m)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    _sheet_checks(pdf, sheet, (297, 420))
    m.js("() => window.dispatchEvent(new Event('afterprint'))")
    assert m.js("() => document.body.classList.contains('zp-printing')") is False
    # the same view again, to the pixel
    shift = m.js(
        """(ll) => { const map = zoneplan.viewer.map;
          const a = map.latLngToContainerPoint(ll), b = map.latLngToContainerPoint(map.getCenter());
          return a.distanceTo(b); }""",
        before,
    )
    assert shift < 1
    assert m.js("() => zoneplan.viewer.map.getZoom()") == zoom
    width = m.js("() => zoneplan.viewer.map.getContainer().getBoundingClientRect().width")
    assert width == pytest.approx(1280, abs=1)  # back to the window
    assert m.js("() => zoneplan.viewer.legend.body.style.gridTemplateRows") == ""

    # Ctrl+P: the browser fires beforeprint; the last choice was A3 portrait, so pick A4 landscape
    m.js("() => { zoneplan.viewer.printSetup = {paper: 'A4', orientation: 'landscape'}; }")
    m.js("() => window.dispatchEvent(new Event('beforeprint'))")
    sheet = _check_layout(m)
    assert sheet["columns"] >= 2  # 40-odd entries do not fit one column on A4 landscape
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    _sheet_checks(pdf, sheet, (297, 210))
    # on the sheet, the controls are hidden and the marks shown
    m.js("() => window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    shown = m.js(
        """() => Object.fromEntries(['.zp-search', '.zp-measure', '.zp-panel', '.zp-print',
          '.leaflet-control-zoom', '.zp-legend', '.leaflet-control-scale', '.zp-north',
          '.zp-title', '.zp-title-printed'].map(s => [s,
          getComputedStyle(document.querySelector(s)).display !== 'none']))"""
    )
    page.emulate_media(media="null")
    assert shown == {
        ".zp-search": False,
        ".zp-measure": False,
        ".zp-panel": False,
        ".zp-print": False,
        ".leaflet-control-zoom": False,
        ".zp-legend": True,
        ".leaflet-control-scale": True,
        ".zp-north": True,
        ".zp-title": True,
        ".zp-title-printed": True,
    }
    m.js("() => window.dispatchEvent(new Event('afterprint'))")
    m.assert_clean()


def test_a_phone_prints_the_same_sheet_and_gets_its_layout_back(open_map, dated_map, phone):
    m = open_map(dated_map, **phone)
    page = m.page
    m.js("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.tap(".zp-toolbar [data-panel=legend]")  # a panel open in the phone's sheet
    page.tap(".zp-print-button")
    page.select_option(".zp-print-orientation", "portrait")
    page.tap(".zp-print-go")
    page.wait_for_function("() => window.__printed === 1")
    # on paper the map is wider than a phone: the panels leave the sheet for their corners
    assert m.js("() => zoneplan.viewer.dock.compact") is False
    sheet = _check_layout(m)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    _sheet_checks(pdf, sheet, (210, 297))
    doc = _read_pdf(pdf)
    # the phone's toolbar ("Lớp" is also the legend's "Lớp quy hoạch")
    assert not {w["text"] for w in doc["words"]} & {"Tìm", "Đo"}
    assert "Danh sách" not in doc["text"]
    m.js("() => window.dispatchEvent(new Event('afterprint'))")
    # the phone's layout again: the toolbar, the panels in the sheet, one open at a time
    assert m.js("() => zoneplan.viewer.dock.compact") is True
    assert page.is_visible(".zp-toolbar")
    page.tap(".zp-toolbar [data-panel=legend]")
    assert page.is_visible(".zp-sheet .zp-legend")
    m.assert_clean()
