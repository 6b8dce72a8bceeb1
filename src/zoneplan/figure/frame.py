"""
The map frame's marginalia: the kilometre grid of VN-2000 labelled X and Y, the neatline,
the WGS 84 graticule on the outer edge, the note inside the frame, and the grid convergence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyproj

from zoneplan.crs import vn2000_to_wgs84
from zoneplan.figure.common import FONT_PT, MM_PER_PT, put_text
from zoneplan.figure.sheet import Layout, ticks
from zoneplan.figure.text import dms, km_label, text_width_pt
from zoneplan.render.i18n import Lang

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _sheet_x(lay: Layout, bounds: tuple[float, ...], scale: int, easting: float) -> float:
    """Return the sheet millimetre of a grid easting."""
    return lay.frame.x + (easting - bounds[0]) * 1000.0 / scale


def _sheet_y(lay: Layout, bounds: tuple[float, ...], scale: int, northing: float) -> float:
    """Return the sheet millimetre of a grid northing."""
    return lay.frame.y + (northing - bounds[1]) * 1000.0 / scale


def draw_grid(
    fig: Figure,
    ax: Axes,
    mm: Any,
    lay: Layout,
    bounds: tuple[float, ...],
    scale: int,
    interval: float,
    lang: Lang,
) -> None:
    """Draw the kilometre grid in the frame, its labels around it and the frame's border."""
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Rectangle

    u = lay.unit
    size = FONT_PT["label"] * u
    f = lay.frame
    xs = ticks(bounds[0], bounds[2], interval)
    ys = ticks(bounds[1], bounds[3], interval)
    segs = [[(x, bounds[1]), (x, bounds[3])] for x in xs] + [
        [(bounds[0], y), (bounds[2], y)] for y in ys
    ]
    ax.add_collection(
        LineCollection(segs, colors="#333333", linewidths=0.3 * u, alpha=0.55, zorder=900)
    )
    half_label = (
        0.5 * text_width_pt(km_label(max(xs or [bounds[0]]), interval, lang), size) * MM_PER_PT
    )
    for x in xs:
        sx = _sheet_x(lay, bounds, scale, x)
        if sx - half_label < f.x - lay.band_x * 0.3 or sx + half_label > f.right + lay.band_x * 0.3:
            continue
        text = km_label(x, interval, lang)
        put_text(fig, mm, sx, f.y - lay.band_y / 2, text, size, ha="center", va="center")
        put_text(fig, mm, sx, f.top + lay.band_y / 2, text, size, ha="center", va="center")
    line_h = size * MM_PER_PT
    for y in ys:
        sy = _sheet_y(lay, bounds, scale, y)
        if sy - line_h / 2 < f.y - lay.band_y * 0.3 or sy + line_h / 2 > f.top + lay.band_y * 0.3:
            continue
        text = km_label(y, interval, lang)
        put_text(fig, mm, f.x - lay.band_x / 2, sy, text, size, ha="center", va="center")
        put_text(fig, mm, f.right + lay.band_x / 2, sy, text, size, ha="center", va="center")
    # the neatline, and the outer border around the label bands
    fig.add_artist(
        Rectangle((f.x, f.y), f.w, f.h, transform=mm, fill=False, linewidth=0.8 * u, zorder=5)
    )
    ex, ey = lay.band_x + lay.outer_x, lay.band_y + lay.outer_y
    fig.add_artist(
        Rectangle(
            (f.x - ex, f.y - ey),
            f.w + 2 * ex,
            f.h + 2 * ey,
            transform=mm,
            fill=False,
            linewidth=1.2 * u,
            zorder=5,
        )
    )


def _edge_crossings(
    start: tuple[float, float], end: tuple[float, float], which: int, step_deg: float
) -> list[tuple[float, float]]:
    """
    Return where round longitudes (which=0) or latitudes (which=1) cross a frame edge.

    The edge is sampled densely in the grid, taken to WGS 84 through the pinned
    transformation, and the crossings interpolated: a few centimetres on the ground.
    Returns ``(fraction along the edge, degrees)`` pairs.
    """
    n = 801
    frac = np.linspace(0.0, 1.0, n)
    x = start[0] + (end[0] - start[0]) * frac
    y = start[1] + (end[1] - start[1]) * frac
    lon, lat = vn2000_to_wgs84(x, y)
    values = np.asarray(lon if which == 0 else lat)
    out = []
    for v in ticks(float(values.min()), float(values.max()), step_deg):
        order = np.argsort(values)
        out.append((float(np.interp(v, values[order], frac[order])), float(v)))
    return out


def _graticule_step(scale: int, frame_w_mm: float) -> float:
    """Return a graticule interval in degrees (1′ to 1°) giving labels about 30 mm apart or more."""
    wanted_deg = 30.0 / 1000.0 * scale / 111_000.0
    for minutes in (1, 2, 5, 10, 15, 20, 30, 60, 120, 300):
        if minutes / 60.0 >= wanted_deg:
            return minutes / 60.0
    return 10.0


def draw_graticule(
    fig: Figure, mm: Any, lay: Layout, bounds: tuple[float, ...], scale: int
) -> None:
    """Label round WGS 84 longitudes and latitudes, and the frame's corners, on the outer edge."""
    from matplotlib.lines import Line2D

    u = lay.unit
    size = FONT_PT["label"] * u
    f = lay.frame
    step = _graticule_step(scale, f.w)
    minx, miny, maxx, maxy = bounds
    tick = 1.5 * u
    corner_room = 16.0 * u
    below = f.y - lay.band_y - lay.outer_y / 2
    above = f.top + lay.band_y + lay.outer_y / 2
    left = f.x - lay.band_x - lay.outer_x / 2
    right = f.right + lay.band_x + lay.outer_x / 2
    # longitudes along the bottom and top edges, latitudes along the left and right:
    # (edge start, edge end, 0 lon / 1 lat, where the tick starts, where the text goes, outwards)
    edges = (
        ((minx, miny), (maxx, miny), 0, f.y - lay.band_y, below, -1),
        ((minx, maxy), (maxx, maxy), 0, f.top + lay.band_y, above, 1),
        ((minx, miny), (minx, maxy), 1, f.x - lay.band_x, left, -1),
        ((maxx, miny), (maxx, maxy), 1, f.right + lay.band_x, right, 1),
    )
    for start, end, which, edge, at, sign in edges:
        origin, length = (f.x, f.w) if which == 0 else (f.y, f.h)
        for frac, value in _edge_crossings(start, end, which, step):
            pos = origin + frac * length
            if pos - origin < corner_room or origin + length - pos < corner_room:
                continue
            along, across = [pos, pos], [edge, edge + sign * tick]
            xs, ys = (along, across) if which == 0 else (across, along)
            fig.add_artist(Line2D(xs, ys, transform=mm, linewidth=0.5 * u))
            x, y = (pos, at) if which == 0 else (at, pos)
            put_text(fig, mm, x, y, dms(value, seconds=False), size, ha="center", va="center")
    # the corners, to the second
    for gx, sx in ((minx, f.x), (maxx, f.right)):
        for gy, sy in ((miny, f.y), (maxy, f.top)):
            lon, lat = vn2000_to_wgs84(np.array([gx]), np.array([gy]))
            y_text = below if gy == miny else above
            x_text = left if gx == minx else right
            put_text(fig, mm, sx, y_text, dms(float(lon[0])), size, ha="center", va="center")
            put_text(fig, mm, x_text, sy, dms(float(lat[0])), size, ha="center", va="center")


def frame_note(fig: Figure, mm: Any, lay: Layout, text: str) -> None:
    """Print a small note inside the frame's bottom-right corner (the basemap attribution)."""
    size = FONT_PT["body"] * lay.unit * 0.85
    pad = 1.0 * lay.unit
    put_text(
        fig,
        mm,
        lay.frame.right - pad,
        lay.frame.y + pad,
        text,
        size,
        ha="right",
        va="bottom",
        zorder=6,
        bbox={"facecolor": "white", "alpha": 0.75, "edgecolor": "none", "pad": 1.0},
    )


def convergence_deg(easting: float, northing: float) -> float:
    """Return the grid convergence in degrees at a grid point (pyproj's factors of EPSG:9210)."""
    to_geog = pyproj.Transformer.from_crs(9210, 4756, always_xy=True)
    lon, lat = to_geog.transform(easting, northing)
    factors = pyproj.Proj("EPSG:9210").get_factors(lon, lat)
    return float(factors.meridian_convergence)
