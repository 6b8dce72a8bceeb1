"""
The sheet's scale box: the north arrow (grid north) with the grid convergence, the numeric
scale, the scale bar true on the grid, and the notes on the grid and the graticule.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from zoneplan.figure.common import FONT_PT, MM_PER_PT, put_text
from zoneplan.figure.sheet import Layout
from zoneplan.figure.text import dms, format_decimal, scale_text, sheet_strings, wrap
from zoneplan.render.i18n import Lang

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _nice_length(max_m: float) -> tuple[float, int]:
    """Return a round scale-bar length not over `max_m` metres and its number of segments."""
    power = 10 ** math.floor(math.log10(max_m))
    for step, parts in ((5, 5), (4, 4), (2.5, 5), (2, 4), (1, 5)):
        if step * power <= max_m:
            return step * power, parts
    return power, 5  # pragma: no cover - step 1 always fits


def draw_scale_box(
    fig: Figure, mm: Any, lay: Layout, scale: int, convergence: float, lang: Lang
) -> None:
    """Draw the north arrow with the convergence note, the numeric scale and the scale bar."""
    from matplotlib.patches import Polygon, Rectangle

    u = lay.unit
    box = lay.scale
    words = sheet_strings(lang)
    size = FONT_PT["body"] * u
    # north arrow: grid north is up
    arrow_h = min(box.h * 0.38, 16.0 * u)
    ax_x = box.x + 4.0 * u
    tip = box.top - size * 1.6 * MM_PER_PT
    base_y = tip - arrow_h
    half = arrow_h * 0.22
    fig.add_artist(
        Polygon(
            [(ax_x, tip), (ax_x + half, base_y), (ax_x, base_y + arrow_h * 0.28)],
            closed=True,
            transform=mm,
            facecolor="black",
            edgecolor="black",
            linewidth=0.4 * u,
        )
    )
    fig.add_artist(
        Polygon(
            [(ax_x, tip), (ax_x - half, base_y), (ax_x, base_y + arrow_h * 0.28)],
            closed=True,
            transform=mm,
            facecolor="white",
            edgecolor="black",
            linewidth=0.4 * u,
        )
    )
    put_text(
        fig,
        mm,
        ax_x,
        tip + 0.5 * u,
        words["north"],
        FONT_PT["head"] * u,
        ha="center",
        va="bottom",
    )
    angle = dms(abs(convergence))
    side = words["west"] if convergence > 0 else words["east"]
    note = f"{words['grid_north']}. " + words["convergence"].format(angle=angle, side=side)
    note_x = ax_x + half + 2.5 * u
    note_w = (box.right - note_x) / MM_PER_PT
    small = size * 0.92
    for i, line in enumerate(wrap(note, note_w, small)):
        put_text(
            fig, mm, note_x, tip - i * small * 1.3 * MM_PER_PT, line, small, ha="left", va="top"
        )
    # numeric scale and scale bar
    y = base_y - 3.0 * u
    put_text(
        fig,
        mm,
        box.x,
        y,
        scale_text(scale, lang),
        FONT_PT["head"] * u,
        ha="left",
        va="top",
    )
    y -= FONT_PT["head"] * u * 1.5 * MM_PER_PT + size * 1.4 * MM_PER_PT
    bar_max_mm = box.w - 8.0 * u
    length_m, parts = _nice_length(bar_max_mm * scale / 1000.0)
    km = length_m >= 1000
    bar_mm = length_m * 1000.0 / scale
    seg = bar_mm / parts
    bar_h = 1.4 * u
    for i in range(parts):
        fig.add_artist(
            Rectangle(
                (box.x + i * seg, y - bar_h),
                seg,
                bar_h,
                transform=mm,
                facecolor="black" if i % 2 == 0 else "white",
                edgecolor="black",
                linewidth=0.4 * u,
            )
        )
        value = length_m * i / parts
    for i in range(parts + 1):
        value = length_m * i / parts
        text = format_decimal(value / 1000.0 if km else value, lang, 2)
        if i == parts:
            text += " km" if km else " m"
        put_text(fig, mm, box.x + i * seg, y + 0.6 * u, text, size, ha="center", va="bottom")
    y -= bar_h + 2.5 * u
    for i, line in enumerate(wrap(words["grid_note"], box.w / MM_PER_PT, small)):
        put_text(fig, mm, box.x, y - i * small * 1.3 * MM_PER_PT, line, small, ha="left", va="top")
    y -= (i + 1) * small * 1.3 * MM_PER_PT
    if lay.outer_x:
        put_text(fig, mm, box.x, y, words["graticule_note"], small, ha="left", va="top")
