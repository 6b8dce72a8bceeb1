"""
The viewer's print button, checked with Chromium's own PDF printing (page.pdf()).

One page is opened: printed on A3 portrait through the button, then on A4
landscape as Ctrl+P does it (beforeprint), and put back on screen after each.
"""

from __future__ import annotations

import re
from io import BytesIO

import pdfplumber
import pytest

from zoneplan.catalog import load_catalog
from zoneplan.render import catalog_layers
from zoneplan.render.map import build_map, save_map

pytestmark = pytest.mark.browser

PT_PER_MM = 72 / 25.4


@pytest.fixture(scope="module")
def dated_map(tmp_path_factory):
    """The catalog map, whose catalog has a facts date."""
    out = tmp_path_factory.mktemp("print") / "map.html"
    layers = catalog_layers(load_catalog())
    save_map(build_map(layers, lang="vi"), out)
    return out


def _pdf_text(pdf: bytes) -> tuple[list[tuple[float, float]], str]:
    """Page sizes (pt) and all text of a PDF."""
    with pdfplumber.open(BytesIO(pdf)) as doc:
        sizes = [(float(p.width), float(p.height)) for p in doc.pages]
        # Leaflet's scale label has a text shadow: Chromium prints its glyphs twice
        text = "\n".join(p.dedupe_chars().extract_text() or "" for p in doc.pages)
    return sizes, text


def _sheet_checks(text: str) -> None:
    """What every printed sheet carries, and what it must not."""
    assert "Chú giải" in text  # the legend
    assert "Khu kinh tế ven biển phía Nam Hải Phòng" in text  # the title block
    assert "Số liệu đến ngày 30/11/2026" in text  # the catalog's facts date
    assert re.search(r"Ngày in: \d{1,2}/\d{1,2}/\d{4}", text)  # the date of printing
    assert re.search(r"(^|\s)\d+ k?m(\s|$)", text)  # the scale bar's label
    for control in ("Đo khoảng cách", "Lớp bản đồ", "Lọc theo giai đoạn", "In khung nhìn"):
        assert control not in text


def test_print_button_lays_out_the_view_for_paper(open_map, dated_map):
    m = open_map(dated_map)
    page = m.page
    before = m.js("() => { const c = zoneplan.viewer.map.getCenter(); return [c.lat, c.lng]; }")
    zoom = m.js("() => zoneplan.viewer.map.getZoom()")
    # the dialog of the browser cannot be driven headless: record the call instead
    m.js("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.click(".zp-print-button")
    page.select_option(".zp-print-paper", "A3")
    page.select_option(".zp-print-orientation", "portrait")
    page.click(".zp-print-go")
    page.wait_for_function("() => window.__printed === 1")
    assert m.js("() => document.body.dataset.zoneplanPrint") == "A3 portrait"
    box = m.js(
        "() => { const r = zoneplan.viewer.map.getContainer().getBoundingClientRect();"
        " return [r.width, r.height]; }"
    )
    assert box[0] == pytest.approx((297 - 16) / 25.4 * 96, abs=1)  # CSS px of the printable width
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
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    sizes, text = _pdf_text(pdf)
    assert sizes == [pytest.approx((297 * PT_PER_MM, 420 * PT_PER_MM), abs=1)]
    _sheet_checks(text)
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

    # Ctrl+P: the browser fires beforeprint; the last choice was A3 portrait, so pick A4 landscape
    m.js("() => { zoneplan.viewer.printSetup = {paper: 'A4', orientation: 'landscape'}; }")
    m.js("() => window.dispatchEvent(new Event('beforeprint'))")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    sizes, text = _pdf_text(pdf)
    assert sizes == [pytest.approx((297 * PT_PER_MM, 210 * PT_PER_MM), abs=1)]
    _sheet_checks(text)
    # on the sheet, the controls are hidden and the marks shown
    page.emulate_media(media="print")
    shown = m.js(
        """() => Object.fromEntries(['.zp-search', '.zp-measure', '.zp-panel', '.zp-print',
          '.leaflet-control-zoom', '.zp-legend', '.leaflet-control-scale', '.zp-north',
          '.zp-title', '.zp-title-printed'].map(s => [s,
          getComputedStyle(document.querySelector(s)).display !== 'none']))"""
    )
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
