"""
The layers in the map frame: each projected onto the VN-2000 grid through the pinned
transformation and drawn in the HTML map's category (or class) styles, and the
--label-by labels that fit.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import shapely

from zoneplan.crs import to_vn2000
from zoneplan.figure.common import MM_PER_PT, PX_PT, DrawnLayer, dash_style, geom_kind, rgba
from zoneplan.figure.text import text_width_pt
from zoneplan.render.i18n import Lang
from zoneplan.render.style import STATUS_STYLES, CategoryStyle, category_style, layer_style
from zoneplan.schema import CATEGORIES

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from zoneplan.render.layers import MapLayer

#: Labels of --label-by (parcel numbers ...): their size on A4 in points, the most one sheet
#: draws, and the least gap between two of them in points.
VALUE_LABEL_PT: Final[float] = 5.0
VALUE_LABEL_MAX: Final[int] = 5000
VALUE_LABEL_GAP_PT: Final[float] = 1.0
#: The gids of a label's text and of its white halo under it (the halo is outlines only).
LABEL_GID: Final[str] = "zp-value-label"
HALO_GID: Final[str] = "zp-value-halo"


def project_layer(layer: MapLayer, lang: Lang = "vi") -> DrawnLayer:
    """Project a layer's geometries onto EPSG:9210 through the pinned transformation."""
    gdf = layer.gdf
    geoms = shapely.force_2d(to_vn2000(gdf)) if len(gdf) else np.array([], dtype=object)
    cats = list(gdf["category"]) if "category" in gdf.columns else [None] * len(gdf)
    srcs = [str(s) for s in gdf["source"]] if "source" in gdf.columns else [""] * len(gdf)
    drawn = DrawnLayer(layer, np.asarray(geoms, dtype=object), cats, srcs, layer_style(layer.style))
    drawn.statuses = list(gdf["status"]) if "status" in gdf.columns else [None] * len(gdf)
    if layer.style_by is not None:
        from zoneplan.render.classify import class_rows, classify
        from zoneplan.render.thematic import CLASS_EDGE, CLASS_FILL_OPACITY, CLASS_WEIGHT

        classes = classify(gdf[layer.style_by.column], layer.style_by)
        drawn.classes = classes.index
        drawn.class_styles = [
            CategoryStyle(CLASS_EDGE, c.fill, fill_opacity=CLASS_FILL_OPACITY, weight=CLASS_WEIGHT)
            for c in classes.classes
        ]
        # in the sheet's language (the legend's width is the sheet's to share)
        drawn.class_labels = [text for text, _ in class_rows(classes, lang)]
    if layer.label_columns:
        values = zip(*(gdf[c].tolist() for c in layer.label_columns), strict=True)
        drawn.labels = ["\n".join(t for t in map(label_text, row) if t) for row in values]
    return drawn


def label_text(value: Any) -> str:
    """
    Return a value as a label shows it: whole numbers without decimals, others to 3.

    Examples
    --------
    >>> label_text(345.0), label_text(12.34567), label_text(None), label_text("12a")
    ('345', '12.346', '', '12a')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return str(value)
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        return str(int(number)) if number.is_integer() else f"{round(number, 3):g}"
    return str(value)


def draw_value_labels(
    ax: Axes, drawn: list[DrawnLayer], bounds: tuple[float, ...], scale: int, u: float, z: float
) -> int:
    """
    Draw the --label-by labels that fit, topmost layer first, and return how many.

    As on the HTML map: a polygon's or line's label goes at a point on its surface when
    the text fits inside the feature's box, a point's beside nothing; no label touches
    another or the frame's edge; at most `VALUE_LABEL_MAX` are drawn.
    """
    from matplotlib import patheffects

    size = VALUE_LABEL_PT * u
    m_per_pt = MM_PER_PT * scale / 1000.0  # ground metres per point of paper
    height = size * 1.2 * m_per_pt
    gap = VALUE_LABEL_GAP_PT * u * m_per_pt
    frame = shapely.box(bounds[0], bounds[1], bounds[2], bounds[3])
    widths: dict[str, float] = {}
    grid: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
    cell = max(height * 8, 1e-9)
    placed = 0
    # the halo is a white copy of the label outlined in white, under the label: a path effect
    # on the label itself would print its glyphs as outlines, not as text one can search
    halo = [patheffects.Stroke(linewidth=1.2 * u, foreground="white")]

    def free(b: tuple[float, float, float, float]) -> bool:
        for gx in range(math.floor(b[0] / cell), math.floor(b[2] / cell) + 1):
            for gy in range(math.floor(b[1] / cell), math.floor(b[3] / cell) + 1):
                for o in grid.get((gx, gy), ()):
                    if (
                        b[0] < o[2] + gap
                        and b[2] + gap > o[0]
                        and b[1] < o[3] + gap
                        and b[3] + gap > o[1]
                    ):
                        return False
        return True

    def take(b: tuple[float, float, float, float]) -> None:
        for gx in range(math.floor(b[0] / cell), math.floor(b[2] / cell) + 1):
            for gy in range(math.floor(b[1] / cell), math.floor(b[3] / cell) + 1):
                grid.setdefault((gx, gy), []).append(b)

    for d in reversed(drawn):
        if d.labels is None or not len(d.geoms):
            continue
        present = ~(shapely.is_missing(d.geoms) | shapely.is_empty(d.geoms))
        inside = np.zeros(len(d.geoms), dtype=bool)
        inside[present] = shapely.intersects(d.geoms[present], frame)
        for i in np.flatnonzero(inside):
            text = d.labels[i]
            if not text or placed >= VALUE_LABEL_MAX:
                continue
            geom = d.geoms[i]
            width = widths.get(text)
            if width is None:
                lines = text.split("\n")
                width = max(text_width_pt(line, size) for line in lines) * m_per_pt
                widths[text] = width
            tall = height * (text.count("\n") + 1)
            x0, y0, x1, y1 = shapely.bounds(geom)
            point = shapely.get_type_id(geom) in (0, 4)
            if not point and (width + 4 * gap > x1 - x0 or tall + 2 * gap > y1 - y0):
                continue  # does not fit its feature
            at = shapely.point_on_surface(geom)
            x, y = at.x, at.y
            b = (x - width / 2, y - tall / 2, x + width / 2, y + tall / 2)
            if b[0] < bounds[0] or b[1] < bounds[1] or b[2] > bounds[2] or b[3] > bounds[3]:
                continue
            if not free(b):
                continue
            take(b)
            placed += 1
            # the sheet's one regular weight: a bold face would be a second embedded font
            look: dict[str, Any] = {
                "ha": "center",
                "va": "center_baseline" if "\n" not in text else "center",
                "multialignment": "center",
                "fontsize": size,
                "parse_math": False,
            }
            ax.text(x, y, text, color="white", path_effects=halo, zorder=z, gid=HALO_GID, **look)
            ax.text(x, y, text, color="#111111", zorder=z, gid=LABEL_GID, **look)
    return placed


def effective_style(
    style: CategoryStyle, overrides: dict[str, Any], status: str | None = None
) -> tuple[float, float, str | None]:
    """
    Return a feature's weight, fill opacity and dash as the viewer draws it: the layer's,
    else the category's, then changed by the feature's status (`STATUS_STYLES`).
    """
    weight = float(overrides.get("weight", style.weight))
    opacity = float(overrides.get("fill_opacity", style.fill_opacity))
    dash = overrides.get("dash", style.dash)
    st = STATUS_STYLES.get(status) if isinstance(status, str) else None
    if st is not None:
        if st.dash is not None:
            dash = st.dash or None  # "" draws solid
        weight += st.weight_add
        opacity = min(0.9, opacity * st.fill_scale)
    return weight, opacity, dash


def draw_layer(ax: Axes, d: DrawnLayer, z: int, u: float) -> None:
    """Draw one layer's features in their category (or class) and status styles."""
    import geopandas as gpd

    if not len(d.geoms):
        return
    groups: dict[tuple[Any, str, str | None], list[int]] = {}
    for i, (geom, value, status) in enumerate(zip(d.geoms, d.categories, d.statuses, strict=True)):
        if geom is None or shapely.is_empty(geom):
            continue
        key: Any
        if d.classes is not None:
            key = int(d.classes[i])
        else:
            key = value if isinstance(value, str) and value in CATEGORIES else None
        state = status if isinstance(status, str) and status in STATUS_STYLES else None
        groups.setdefault((key, geom_kind(geom), state), []).append(i)
    for (key, kind, state), idx in sorted(
        groups.items(), key=lambda kv: ("fill", "line", "point").index(kv[0][1])
    ):
        # the class's style or the category's, as on the HTML map, and the status on top
        style = d.class_styles[key] if d.classes is not None else category_style(key)
        weight, opacity, dash = effective_style(style, d.overrides, state)
        lw = weight * PX_PT * u
        series = gpd.GeoSeries(d.geoms[idx])
        ls = dash_style(dash, PX_PT * u)
        if kind == "fill":
            series.plot(
                ax=ax,
                aspect=None,
                facecolor=rgba(style.fill, opacity),
                edgecolor=style.color,
                linewidth=lw,
                linestyle=ls,
                zorder=z,
            )
        elif kind == "line":
            series.plot(ax=ax, aspect=None, color=style.color, linewidth=lw, linestyle=ls, zorder=z)
        else:
            series.plot(
                ax=ax,
                aspect=None,
                marker="o",
                markersize=(4.0 * u) ** 2,
                facecolor=style.fill,
                edgecolor=style.color,
                linewidth=max(lw, 0.5 * u),
                zorder=z + 0.5,
            )
