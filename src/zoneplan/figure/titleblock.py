"""
The sheet's title block: the title, the decision, the facts date, the date of printing, the
CRS, the note that the layers are indicative and the main sources, in a bordered box whose
text shrinks until it fits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zoneplan.figure.common import FONT_PT, MM_PER_PT, put_text
from zoneplan.figure.sheet import Layout
from zoneplan.figure.text import cited_decisions, sheet_strings, wrap
from zoneplan.render.i18n import Lang

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def sources_line(sources: list[str], lang: Lang) -> str:
    """Return the title block's line of main sources: the decisions the shown features cite."""
    words = sheet_strings(lang)
    decisions = cited_decisions(sources)
    lead = ("Quyết định " if lang == "vi" else "Decisions ") + ", ".join(decisions) + "; "
    return f"{words['sources']}: {lead if decisions else ''}{words['sources_tail']}"


def draw_title_block(fig: Figure, mm: Any, lay: Layout, rows: list[tuple[str, str]]) -> None:
    """Draw the title block: a bordered box of wrapped lines that shrink until they fit."""
    from matplotlib.patches import Rectangle

    u = lay.unit
    box = lay.title
    fig.add_artist(
        Rectangle((box.x, box.y), box.w, box.h, transform=mm, fill=False, linewidth=0.8 * u)
    )
    inner = box.inset(2.0 * u)
    factor = 1.0
    while True:
        laid = []
        total = 0.0
        for text, kind in rows:
            size = (
                {"title": FONT_PT["title"], "small": FONT_PT["body"] * 0.85}.get(
                    kind, FONT_PT["body"]
                )
                * u
                * factor
            )
            weight = "normal"
            lines = wrap(text, inner.w / MM_PER_PT, size, weight)
            step = size * 1.28 * MM_PER_PT
            laid.append((lines, size, weight, step))
            total += step * len(lines) + 0.8 * u * factor
        if total <= inner.h or factor < 0.5:
            break
        factor *= 0.93
    y = inner.top
    for lines, size, weight, step in laid:
        for line in lines:
            put_text(fig, mm, inner.x, y, line, size, ha="left", va="top", fontweight=weight)
            y -= step
        y -= 0.8 * u * factor
