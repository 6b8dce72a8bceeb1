"""
What the parts of a print sheet share: text sizes, line widths, millimetre placement.

The sheet is laid out in millimetres from its bottom-left corner (`zoneplan.figure.sheet`);
`mm_transform` and `put_text` place marks there, and `DrawnLayer` is a layer projected onto
the VN-2000 grid with its categories and sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import shapely

from zoneplan.figure.sheet import Box

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from zoneplan.render.layers import MapLayer
    from zoneplan.render.style import CategoryStyle

#: Print line width per screen pixel of the map's styles, in points (on A4).
PX_PT: Final[float] = 0.5
#: Sizes of the sheet's text on A4, in points; they grow with the paper. One regular weight:
#: a bold face would be a second embedded font, and subsetting DejaVu for a PDF takes seconds.
FONT_PT: Final[dict[str, float]] = {"body": 6.0, "title": 10.5, "head": 7.5, "label": 6.0}
#: Millimetres per typographic point.
MM_PER_PT: Final[float] = 25.4 / 72.0


@dataclass
class DrawnLayer:
    """One layer projected onto the grid, with each feature's category, source and status."""

    layer: MapLayer
    geoms: np.ndarray
    categories: list[Any]
    sources: list[str]
    overrides: dict[str, Any] = field(default_factory=dict)
    #: a layer styled by a column (`MapLayer.style_by`): each feature's class, and the
    #: classes' styles and legend labels, as the HTML map draws them
    classes: np.ndarray | None = None
    class_styles: list[CategoryStyle] = field(default_factory=list)
    class_labels: list[str] = field(default_factory=list)
    #: a labelled layer (`MapLayer.label_by`): each feature's label text, its lines
    #: (one a column) joined by newlines ("" for none)
    labels: list[str] | None = None
    #: each feature's status ("proposed", "under construction" ...; None for none)
    statuses: list[Any] = field(default_factory=list)


def mm_transform(fig: Figure) -> Any:
    """Return the transform from sheet millimetres (origin bottom-left) to display units."""
    from matplotlib.transforms import Affine2D

    return Affine2D().scale(1 / 25.4) + fig.dpi_scale_trans


def put_text(fig: Figure, mm: Any, x: float, y: float, s: str, size: float, **kw: Any) -> Any:
    """Put one text on the sheet at millimetres; data text is never read as math."""
    return fig.text(x, y, s, transform=mm, fontsize=size, parse_math=False, **kw)


def panel_heading(fig: Figure, mm: Any, box: Box, text: str, u: float) -> float:
    """Print a panel's heading at its top-left; return the height it took (mm)."""
    size = FONT_PT["head"] * u
    put_text(fig, mm, box.x, box.top, text, size, ha="left", va="top")
    return size * 1.5 * MM_PER_PT


def rgba(color: str, alpha: float) -> tuple[float, float, float, float]:
    """Return an RGBA tuple of a ``#rrggbb`` colour."""
    from matplotlib.colors import to_rgba

    return to_rgba(color, alpha)


def dash_style(dash: str | None, scale: float) -> Any:
    """Return a matplotlib line style of an SVG dash pattern in screen pixels."""
    if not dash:
        return "solid"
    try:
        values = [float(v) * scale for v in dash.replace(",", " ").split()]
    except ValueError:
        return "solid"
    if not values or any(v < 0 for v in values) or sum(values) <= 0:
        return "solid"
    if len(values) % 2:
        values = values * 2
    return (0, tuple(values))


def geom_kind(geom: Any) -> str:
    """Return the drawing kind of a geometry: fill, line or point."""
    name = geom.geom_type
    if "Point" in name:
        return "point"
    if "Line" in name:
        return "line"
    return "fill"


def in_frame(geom: Any, frame: Any) -> bool:
    """Tell whether a geometry is drawn inside the frame."""
    return geom is not None and not shapely.is_empty(geom) and bool(shapely.intersects(geom, frame))
