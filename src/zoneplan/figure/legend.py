"""
The sheet's legend: the categories with a feature inside the frame, grouped, ordered and
styled as the HTML map's legend, in as many columns as the legend box needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import shapely

from zoneplan.errors import InputError
from zoneplan.figure.common import (
    FONT_PT,
    MM_PER_PT,
    PX_PT,
    DrawnLayer,
    dash_style,
    geom_kind,
    in_frame,
    panel_heading,
    put_text,
    rgba,
)
from zoneplan.figure.sheet import Box, Layout
from zoneplan.figure.text import format_decimal, text_width_pt, wrap
from zoneplan.render.i18n import Lang, label, strings
from zoneplan.render.layers import LayerRegistry
from zoneplan.render.style import STATUS_STYLES, CategoryStyle
from zoneplan.schema import STATUSES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Smallest legend text before the sheet is refused as too small for the legend (A4 points).
MIN_LEGEND_PT: Final[float] = 3.5
#: A legend swatch's width and height on A4, in millimetres.
SWATCH_W: Final[float] = 6.0
SWATCH_H: Final[float] = 3.0
#: The status key's sample, as the viewer's legend draws it: a grey box whose outline and
#: fill take the status's pattern, weight (added to 1.5 px) and fill factor (on 0.3).
STATUS_SAMPLE: Final[CategoryStyle] = CategoryStyle("#333333", "#777777", 0.3, 1.5)


@dataclass(frozen=True)
class LegendEntry:
    """
    One legend row: the label, the style and the swatch kind: fill, line or point (a
    category), status (a status's outline sample) or heading (text only).
    """

    label: str
    style: CategoryStyle
    kind: str


def legend_entries(drawn: list[DrawnLayer], frame: Any, lang: Lang) -> list[LegendEntry]:
    """
    Return the legend rows of the categories with a feature inside the frame.

    A styled layer's classes say how many of its features reach into the frame and their
    whole VN-2000 area in ha, as the HTML map's legend counts the features shown.

    The categories are grouped, ordered and styled as the HTML map's legend does
    (`zoneplan.render.layers.LayerRegistry`): the schema's in its order, then the user
    layers' own values, or their titles where a feature has no category.
    """
    registry = LayerRegistry(lang)
    used: set[int] = set()
    styled: list[LegendEntry] = []
    for d in drawn:
        title = d.layer.title(lang)
        if d.classes is not None:  # a layer styled by a column: its classes in the frame
            shown: dict[int, str] = {}
            counts: dict[int, list[float]] = {}  # class -> [features, VN-2000 ha] in the frame
            for geom, index in zip(d.geoms, d.classes, strict=True):
                if in_frame(geom, frame):
                    shown.setdefault(int(index), geom_kind(geom))
                    c = counts.setdefault(int(index), [0, 0.0])
                    c[0] += 1
                    c[1] += float(shapely.area(geom)) / 1e4  # the grid's own planar area
            for i in sorted(shown):
                n, ha = int(counts[i][0]), counts[i][1]
                size = f"{n} · {format_decimal(ha, lang, 1)} ha" if shown[i] == "fill" else f"{n}"
                styled.append(
                    LegendEntry(f"{d.class_labels[i]} ({size})", d.class_styles[i], shown[i])
                )
            continue
        for geom, value in zip(d.geoms, d.categories, strict=True):
            if in_frame(geom, frame):
                missing = isinstance(value, float) and math.isnan(value)
                used.add(registry.category(None if missing else value, title, geom.geom_type))
    rows = registry.category_payload()
    return [
        LegendEntry(row["label"], CategoryStyle(**row["style"]), row["kind"])
        for i, row in enumerate(rows)
        if i in used
    ] + styled


def status_entries(drawn: list[DrawnLayer], frame: Any, lang: Lang) -> list[LegendEntry]:
    """
    Return the status key of the features inside the frame, as the viewer's legend ends.

    A heading, then one outline sample per status a feature inside the frame has, in the
    schema's order; nothing when no feature there has a status.
    """
    present = {
        status
        for d in drawn
        for geom, status in zip(d.geoms, d.statuses, strict=True)
        if isinstance(status, str) and status in STATUS_STYLES and in_frame(geom, frame)
    }
    if not present:
        return []
    rows = [LegendEntry(strings(lang)["status"], STATUS_SAMPLE, "heading")]
    for key in STATUSES:
        if key not in present:
            continue
        st = STATUS_STYLES[key]
        sample = CategoryStyle(
            STATUS_SAMPLE.color,
            STATUS_SAMPLE.fill,
            fill_opacity=STATUS_SAMPLE.fill_opacity * st.fill_scale,
            weight=STATUS_SAMPLE.weight + st.weight_add,
            dash=st.dash or None,
        )
        rows.append(LegendEntry(label(STATUSES, key, lang), sample, "status"))
    return rows


@dataclass(frozen=True)
class PlacedEntry:
    """A legend row placed: its swatch's left and centre (mm) and its text's lines."""

    entry: LegendEntry
    x: float
    yc: float
    text: str


def legend_layout(
    entries: list[LegendEntry], box: Box, head: float, u: float, paper: str, orientation: str
) -> tuple[float, list[PlacedEntry]]:
    """
    Place the legend's rows in its box; return the text size (points) and the rows.

    A line each, in as many columns as the box's height needs, the text shrunk (down to
    `MIN_LEGEND_PT`) until the longest label fits its column. When no size does, the
    labels wrap, as the HTML map's legend wraps them: at the largest size at which they
    fit, in the fewest columns (so on the fewest lines) at that size; a one-line error when
    even that fails.
    """
    n = len(entries)
    sw_w, sw_h, pad, col_gap = SWATCH_W * u, SWATCH_H * u, 1.5 * u, 3.0 * u
    avail = box.h - head
    top = box.top - head
    sizes = []
    size = FONT_PT["body"] * u
    while size >= MIN_LEGEND_PT * u:
        sizes.append(size)
        size *= 0.92
    for size in sizes:  # a line each
        row_h = max(size * 1.55 * MM_PER_PT, sw_h + 0.8 * u)
        ncol = math.ceil(n / max(int(avail // row_h), 1))
        col_w = (box.w - (ncol - 1) * col_gap) / ncol
        widest = max(text_width_pt(e.label, size) for e in entries) * MM_PER_PT
        if widest <= col_w - sw_w - pad:
            rows = math.ceil(n / ncol)
            col_w = min(col_w, widest + sw_w + pad)  # columns as wide as the longest label
            return size, [
                PlacedEntry(
                    e,
                    box.x + (i // rows) * (col_w + col_gap),
                    top - (i % rows + 0.5) * row_h,
                    e.label,
                )
                for i, e in enumerate(entries)
            ]
    for size in sizes:  # wrapped
        placed = _wrapped(entries, box, head, u, size)
        if placed is not None:
            return size, placed
    msg = (
        f"the legend's {n} entries do not fit on {paper} {orientation}; "
        "use a larger --paper or fewer categories in --layer files"
    )
    raise InputError(msg)


def _wrapped(
    entries: list[LegendEntry], box: Box, head: float, u: float, size: float
) -> list[PlacedEntry] | None:
    """The rows wrapped at `size` in the fewest columns where they fit; None if none."""
    sw_w, sw_h, pad, col_gap = SWATCH_W * u, SWATCH_H * u, 1.5 * u, 3.0 * u
    avail, top = box.h - head, box.top - head
    row_h = max(size * 1.55 * MM_PER_PT, sw_h + 0.8 * u)
    line_h = size * 1.2 * MM_PER_PT  # matplotlib's line spacing
    for ncol in range(1, len(entries) + 1):
        col_w = (box.w - (ncol - 1) * col_gap) / ncol
        text_pt = (col_w - sw_w - pad) / MM_PER_PT
        wrapped = [wrap(e.label, text_pt, size) for e in entries]
        if max(text_width_pt(line, size) for lines in wrapped for line in lines) > text_pt:
            return None  # a word wider than the column: more columns are narrower still
        heights = [row_h + (len(lines) - 1) * line_h for lines in wrapped]
        if max(heights) > avail:
            return None
        placed, col, y = [], 0, 0.0
        for entry, lines, h in zip(entries, wrapped, heights, strict=True):
            if y + h > avail:
                col, y = col + 1, 0.0
            x = box.x + col * (col_w + col_gap)
            placed.append(PlacedEntry(entry, x, top - y - h / 2, "\n".join(lines)))
            y += h
        if col < ncol:
            return placed
    return None


def draw_legend(
    fig: Figure, mm: Any, lay: Layout, entries: list[LegendEntry], heading: str
) -> list[str]:
    """Draw the legend in as many columns as it needs; return the labels printed."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    u = lay.unit
    box = lay.legend
    head = panel_heading(fig, mm, box, heading, u)
    if not entries:
        return []
    sw_w, sw_h, pad = SWATCH_W * u, SWATCH_H * u, 1.5 * u
    size, placed = legend_layout(entries, box, head, u, lay.paper, lay.orientation)
    for row in placed:
        entry, x, yc = row.entry, row.x, row.yc
        st = entry.style
        lw = st.weight * PX_PT * u
        ls = dash_style(st.dash, PX_PT * u)
        if entry.kind == "heading":
            put_text(fig, mm, x, yc, row.text, size, ha="left", va="center")
            continue
        if entry.kind in ("fill", "status"):
            fig.add_artist(
                Rectangle(
                    (x, yc - sw_h / 2),
                    sw_w,
                    sw_h,
                    transform=mm,
                    facecolor=rgba(st.fill, max(st.fill_opacity, 0.12)),
                    edgecolor=st.color,
                    # a category's outline capped; a status's weight is what it tells
                    linewidth=lw if entry.kind == "status" else min(lw, 1.2 * u),
                    linestyle=ls,
                )
            )
        elif entry.kind == "line":
            fig.add_artist(
                Line2D(
                    [x, x + sw_w],
                    [yc, yc],
                    transform=mm,
                    color=st.color,
                    linewidth=lw,
                    linestyle=ls,
                )
            )
        else:
            fig.add_artist(
                Line2D(
                    [x + sw_w / 2],
                    [yc],
                    transform=mm,
                    marker="o",
                    markersize=4.0 * u,
                    markerfacecolor=st.fill,
                    markeredgecolor=st.color,
                    markeredgewidth=max(lw, 0.5 * u),
                    linestyle="none",
                )
            )
        put_text(fig, mm, x + sw_w + pad, yc, row.text, size, ha="left", va="center")
    return [e.label for e in entries]
