"""
The sheet's inset: the zone, the rivers and the coast of Hai Phong, with the map frame
drawn on them as a rectangle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import shapely

from zoneplan.figure.common import DrawnLayer, geom_kind, mm_transform, panel_heading, rgba
from zoneplan.figure.sheet import Box, Layout
from zoneplan.render.style import category_style

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Colour of the frame rectangle in the inset (the viewer's minimap colour).
INSET_FRAME: Final[str] = "#D55E00"


def draw_inset(
    fig: Figure, lay: Layout, drawn: list[DrawnLayer], bounds: tuple[float, ...], heading: str
) -> None:
    """Draw the inset: the zone and the context layer, with the frame as a rectangle."""
    import geopandas as gpd
    from matplotlib.patches import Rectangle

    u = lay.unit
    mm = mm_transform(fig)
    box = lay.inset
    head = panel_heading(fig, mm, box, heading, u)
    inner = Box(box.x, box.y, box.w, box.h - head)
    catalog = [d for d in drawn if d.layer.group != "user" and len(d.geoms)]
    boxes = [shapely.total_bounds(d.geoms) for d in catalog] + [np.asarray(bounds)]
    arr = np.array(boxes)
    x0, y0, x1, y1 = arr[:, 0].min(), arr[:, 1].min(), arr[:, 2].max(), arr[:, 3].max()
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half = max((x1 - x0) / inner.w, (y1 - y0) / inner.h) * 1.1 / 2
    ax = fig.add_axes(
        (inner.x / lay.width, inner.y / lay.height, inner.w / lay.width, inner.h / lay.height)
    )
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.5 * u)
    for d in catalog:
        if d.layer.group not in ("zone", "context"):
            continue
        for geom, value in zip(d.geoms, d.categories, strict=True):
            if geom is None or shapely.is_empty(geom):
                continue
            style = category_style(value)
            series = gpd.GeoSeries([geom])
            kind = geom_kind(geom)
            if kind == "fill":
                series.plot(
                    ax=ax,
                    aspect=None,
                    facecolor=rgba("#999999", 0.25),
                    edgecolor="#444444",
                    linewidth=0.4 * u,
                )
            elif kind == "line":
                series.plot(ax=ax, aspect=None, color=style.color, linewidth=0.5 * u)
            else:
                series.plot(ax=ax, aspect=None, color=style.color, markersize=(1.6 * u) ** 2)
    ax.add_patch(
        Rectangle(
            (bounds[0], bounds[1]),
            bounds[2] - bounds[0],
            bounds[3] - bounds[1],
            fill=False,
            edgecolor=INSET_FRAME,
            linewidth=1.0 * u,
            zorder=10,
        )
    )
    ax.set_xlim(cx - half * inner.w, cx + half * inner.w)
    ax.set_ylim(cy - half * inner.h, cy + half * inner.h)
    ax.set_xlabel("")
    ax.set_ylabel("")
