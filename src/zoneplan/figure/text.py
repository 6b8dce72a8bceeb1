"""
The words and numbers printed on a sheet, in Vietnamese and English, and the font.

Numbers follow each language's habit (``1:50.000`` and ``0,5 km`` in Vietnamese,
``1:50,000`` and ``0.5 km`` in English); coordinates never get thousands separators.
The font is DejaVu Sans, which matplotlib ships in its own package, so it is present
wherever the figure command runs; it has every Vietnamese letter with its marks.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from zoneplan.render.i18n import Lang

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

#: The family every text on the sheet is set in.
FONT_FAMILY: Final[str] = "DejaVu Sans"

#: Sheet words that the map's interface strings (`zoneplan.render.i18n`) do not have.
SHEET_STRINGS: Final[dict[Lang, dict[str, str]]] = {
    "vi": {
        "scale": "Tỷ lệ",
        "legend": "Chú giải",
        "north": "B",
        "grid_north": "Bắc lưới tọa độ",
        "convergence": (
            "Hội tụ kinh tuyến tại tâm khung: {angle}; bắc thật lệch {angle} về phía {side} "
            "so với bắc lưới"
        ),
        "west": "tây",
        "east": "đông",
        "grid_note": "Lưới km VN-2000: X hướng bắc, Y hướng đông",
        "graticule_note": "Khung ngoài: kinh độ, vĩ độ WGS 84",
        "printed": "Ngày in",
        "crs": "Hệ tọa độ VN-2000, kinh tuyến trục 105°45′, múi chiếu 3°, k₀ = 0,9999 (EPSG:9210)",
        "sources": "Nguồn chính",
        "sources_tail": (
            "báo chí và dữ liệu quy hoạch đã công bố; nguồn của từng đối tượng ghi trong "
            "thuộc tính source"
        ),
        "basemap": "Bản đồ nền",
        "inset": "Vị trí khung bản đồ trong Hải Phòng",
        "made_with": "Lập bằng zoneplan",
    },
    "en": {
        "scale": "Scale",
        "legend": "Legend",
        "north": "N",
        "grid_north": "Grid north",
        "convergence": (
            "Grid convergence at the frame centre: {angle}; true north is {angle} {side} "
            "of grid north"
        ),
        "west": "west",
        "east": "east",
        "grid_note": "VN-2000 km grid: X northing, Y easting",
        "graticule_note": "Outer edge: WGS 84 longitude and latitude",
        "printed": "Printed",
        "crs": "VN-2000 / TM-3 105°45′, k₀ = 0.9999 (EPSG:9210)",
        "sources": "Main sources",
        "sources_tail": (
            "press reports and published planning data; each feature's source is in its "
            "source attribute"
        ),
        "basemap": "Basemap",
        "inset": "Location of the map frame in Hai Phong",
        "made_with": "Made with zoneplan",
    },
}

#: Decisions cited in the features' sources: "1511/QĐ-TTg", "756/QĐ-BXD", "4068/QĐ-UBND".
DECISION_RE: Final = re.compile(r"\b\d{1,5}/(?:\d{4}/)?QĐ-[A-Za-zĐđ]+\b")


def sheet_strings(lang: Lang) -> dict[str, str]:
    """Return the sheet's own words in one language."""
    return dict(SHEET_STRINGS[lang])


def format_int(value: int, lang: Lang) -> str:
    """
    Format a whole number with the language's thousands separator.

    Examples
    --------
    >>> format_int(50000, "vi"), format_int(50000, "en")
    ('50.000', '50,000')
    """
    text = f"{int(value):,}"
    return text.replace(",", ".") if lang == "vi" else text


def format_decimal(value: float, lang: Lang, digits: int = 1) -> str:
    """
    Format a number with at most `digits` decimals and the language's decimal mark.

    Examples
    --------
    >>> format_decimal(0.5, "vi"), format_decimal(2.0, "en"), format_decimal(2285.25, "en", 2)
    ('0,5', '2', '2285.25')
    """
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",") if lang == "vi" else text


def scale_text(scale: int, lang: Lang) -> str:
    """
    Return the numeric scale as printed.

    Examples
    --------
    >>> scale_text(50000, "vi"), scale_text(50000, "en")
    ('Tỷ lệ 1:50.000', 'Scale 1:50,000')
    """
    return f"{SHEET_STRINGS[lang]['scale']} 1:{format_int(scale, lang)}"


def km_label(metres: float, interval_m: float, lang: Lang) -> str:
    """
    Return a grid label: the coordinate in kilometres, with decimals only when the grid needs them.

    Examples
    --------
    >>> km_label(2_285_000, 5000, "vi"), km_label(598_500, 500, "vi"), km_label(598_500, 500, "en")
    ('2285', '598,5', '598.5')
    """
    digits = max(0, math.ceil(-math.log10(interval_m / 1000.0) - 1e-9))
    return format_decimal(metres / 1000.0, lang, digits)


def dms(value: float, *, seconds: bool = True) -> str:
    """
    Format an angle in degrees as degrees, minutes (and seconds), rounded to the last unit.

    Examples
    --------
    >>> dms(106.5355), dms(20.75, seconds=False), dms(-0.3283)
    ('106°32′08″', '20°45′', '-0°19′42″')
    """
    sign = "-" if value < 0 else ""
    unit = 3600 if seconds else 60
    total = round(abs(value) * unit)
    deg, rest = divmod(total, unit)
    if seconds:
        minutes, secs = divmod(rest, 60)
        return f"{sign}{deg}°{minutes:02d}′{secs:02d}″"
    return f"{sign}{deg}°{rest:02d}′"


def cited_decisions(sources: list[str]) -> list[str]:
    """
    Return the decisions cited in source texts, most cited first, then in order of first mention.

    Examples
    --------
    >>> cited_decisions(["per 756/QĐ-BXD", "Quyết định 1511/QĐ-TTg; 756/QĐ-BXD", "press"])
    ['756/QĐ-BXD', '1511/QĐ-TTg']
    """
    counts: dict[str, int] = {}
    for text in sources:
        for found in dict.fromkeys(DECISION_RE.findall(text)):
            counts[found] = counts.get(found, 0) + 1
    order = list(counts)
    return sorted(order, key=lambda k: (-counts[k], order.index(k)))


@lru_cache(maxsize=64)
def text_width_pt(text: str, size: float, weight: str = "normal") -> float:
    """Return the width of one line of text set in `FONT_FAMILY` at `size` points, in points."""
    from matplotlib.textpath import TextToPath

    width, _, _ = TextToPath().get_text_width_height_descent(
        text, font_properties(size, weight), ismath=False
    )
    return float(width)


def font_properties(size: float, weight: str = "normal") -> FontProperties:
    """Return the sheet's font at `size` points."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(family=FONT_FAMILY, size=size, weight=weight)


def wrap(text: str, width_pt: float, size: float, weight: str = "normal") -> list[str]:
    """
    Break `text` into lines no wider than `width_pt` where it can (a word longer stays whole).

    Examples
    --------
    >>> wrap("one two three", 1000, 8)
    ['one two three']
    >>> len(wrap("one two three four five six", 40, 8)) > 1
    True
    """
    width_pt *= 0.95  # room for hinting, which widens text in low-resolution PNG
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            trial = f"{current} {word}" if current else word
            if current and text_width_pt(trial, size, weight) > width_pt:
                lines.append(current)
                current = word
            else:
                current = trial
        lines.append(current)
    return lines


def font_file() -> str:
    """Return the file of the font matplotlib uses for `FONT_FAMILY`; it must exist, no fallback."""
    from matplotlib import font_manager

    return str(
        font_manager.findfont(
            font_manager.FontProperties(family=FONT_FAMILY), fallback_to_default=False
        )
    )


def missing_glyphs(text: str) -> str:
    """
    Return the characters of `text` the sheet's font has no glyph for (none for Vietnamese).

    Examples
    --------
    >>> missing_glyphs("Đường cất hạ cánh – Tỷ lệ 1:50.000 ₀′″°")
    ''
    """
    cmap = _cmap(font_file())
    return "".join(sorted({c for c in text if not c.isspace() and ord(c) not in cmap}))


@lru_cache(maxsize=2)
def _cmap(path: str) -> frozenset[int]:
    """Return the code points a font file maps to glyphs."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())
