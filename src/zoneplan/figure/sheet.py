"""
The geometry of a printed sheet: paper sizes, where the map frame and the panels go, the scale.

Everything here is in millimetres on the sheet, origin at the bottom-left corner, and
in metres on the VN-2000 / TM-3 grid; nothing draws. The map frame is a rectangle of
the grid shown at one scale, so a distance measured on paper times the scale is the
distance on the grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

from zoneplan.errors import InputError

Orientation: TypeAlias = Literal["landscape", "portrait"]

#: ISO 216 A-series paper, (short side, long side) in millimetres.
PAPERS: Final[dict[str, tuple[float, float]]] = {
    "A4": (210.0, 297.0),
    "A3": (297.0, 420.0),
    "A2": (420.0, 594.0),
    "A1": (594.0, 841.0),
    "A0": (841.0, 1189.0),
}
ORIENTATIONS: Final[tuple[Orientation, ...]] = ("landscape", "portrait")

#: Steps of the round scales within a power of ten: 1:10,000, 1:15,000, 1:20,000, 1:25,000 ...
SCALE_STEPS: Final[tuple[float, ...]] = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.5)
#: The smallest and largest scale denominators a sheet may have.
MIN_SCALE: Final[int] = 100
MAX_SCALE: Final[int] = 10_000_000
#: Room left around the extent when the scale is chosen (5% of its size, each way 2.5%).
EXTENT_MARGIN: Final[float] = 0.05
#: Grid intervals in metres: 1, 2, 5 times a power of ten.
GRID_STEPS: Final[tuple[float, ...]] = (1.0, 2.0, 5.0)
#: Smallest distance between grid lines on an A4 sheet, in millimetres.
MIN_GRID_MM: Final[float] = 20.0


@dataclass(frozen=True)
class Box:
    """A rectangle on the sheet: left, bottom, width and height in millimetres."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        """The right edge."""
        return self.x + self.w

    @property
    def top(self) -> float:
        """The top edge."""
        return self.y + self.h

    def inset(self, d: float) -> Box:
        """Return the box shrunk by `d` on every side."""
        return Box(self.x + d, self.y + d, max(self.w - 2 * d, 0.0), max(self.h - 2 * d, 0.0))


@dataclass(frozen=True)
class Layout:
    """
    Where everything goes on one sheet.

    Parameters
    ----------
    paper, orientation
        The paper and how it is turned.
    width, height
        The sheet in millimetres.
    unit
        Size factor of text and lines, 1 on A4 (the square root of the short side / 210 mm).
    frame
        The map frame.
    band_x, band_y
        Widths of the bands beside and above/below the frame that hold the grid labels.
    outer_x, outer_y
        Widths of the bands outside them for the WGS 84 graticule labels (0 without).
    inset, legend, scale, title
        The panel cells below the frame.
    """

    paper: str
    orientation: Orientation
    width: float
    height: float
    unit: float
    frame: Box
    band_x: float
    band_y: float
    outer_x: float
    outer_y: float
    inset: Box
    legend: Box
    scale: Box
    title: Box


def paper_size(paper: str, orientation: str) -> tuple[float, float]:
    """
    Return the sheet's width and height in millimetres.

    Parameters
    ----------
    paper
        ``A4``, ``A3``, ``A2``, ``A1`` or ``A0`` (any case).
    orientation
        ``landscape`` or ``portrait``.

    Returns
    -------
    width, height
        Millimetres.

    Raises
    ------
    InputError
        If the paper or the orientation is unknown.

    Examples
    --------
    >>> paper_size("A3", "landscape")
    (420.0, 297.0)
    >>> paper_size("a4", "portrait")
    (210.0, 297.0)
    """
    key = str(paper).upper()
    if key not in PAPERS:
        msg = f"unknown paper {paper!r}; use one of {', '.join(PAPERS)}"
        raise InputError(msg)
    if orientation not in ORIENTATIONS:
        msg = f"unknown orientation {orientation!r}; use landscape or portrait"
        raise InputError(msg)
    short, long = PAPERS[key]
    return (long, short) if orientation == "landscape" else (short, long)


def layout(paper: str, orientation: str, *, graticule: bool = False) -> Layout:
    """
    Lay out a sheet: the map frame on top, the inset, legend, scale and title block below.

    Parameters
    ----------
    paper, orientation
        As for `paper_size`.
    graticule
        Leave room outside the grid labels for the WGS 84 graticule labels.

    Returns
    -------
    layout
        The boxes in millimetres.

    Examples
    --------
    >>> lay = layout("A3", "landscape")
    >>> round(lay.frame.w, 1), round(lay.frame.h, 1)
    (379.6, 201.9)
    """
    width, height = paper_size(paper, orientation)
    unit = math.sqrt(min(width, height) / 210.0)
    margin = 8.0 * unit
    band_x, band_y = 9.0 * unit, 5.5 * unit
    outer_x, outer_y = (12.0 * unit, 5.0 * unit) if graticule else (0.0, 0.0)
    gap = 3.0 * unit
    inner_w = width - 2 * margin
    landscape = orientation == "landscape"
    strip_h = (50.0 if landscape else 80.0) * unit
    strip = Box(margin, margin, inner_w, strip_h)
    edge_x, edge_y = band_x + outer_x, band_y + outer_y
    frame_y = strip.top + gap + edge_y
    frame = Box(
        margin + edge_x, frame_y, width - 2 * (margin + edge_x), height - margin - edge_y - frame_y
    )
    if landscape:
        inset_w = strip_h * 1.25
        scale_w = 0.17 * inner_w
        title_w = 0.30 * inner_w
        legend_w = inner_w - inset_w - scale_w - title_w - 3 * gap
        inset = Box(strip.x, strip.y, inset_w, strip_h)
        legend = Box(inset.right + gap, strip.y, legend_w, strip_h)
        scale = Box(legend.right + gap, strip.y, scale_w, strip_h)
        title = Box(scale.right + gap, strip.y, title_w, strip_h)
    else:
        row_b = 0.56 * strip_h
        legend = Box(strip.x, strip.y + row_b + gap, inner_w, strip_h - row_b - gap)
        inset = Box(strip.x, strip.y, row_b * 1.25, row_b)
        scale_w = 0.26 * inner_w
        scale = Box(inset.right + gap, strip.y, scale_w, row_b)
        title = Box(scale.right + gap, strip.y, strip.right - scale.right - gap, row_b)
    return Layout(
        paper=str(paper).upper(),
        orientation="landscape" if landscape else "portrait",
        width=width,
        height=height,
        unit=unit,
        frame=frame,
        band_x=band_x,
        band_y=band_y,
        outer_x=outer_x,
        outer_y=outer_y,
        inset=inset,
        legend=legend,
        scale=scale,
        title=title,
    )


def round_scales() -> list[int]:
    """
    Return every round scale denominator from `MIN_SCALE` to `MAX_SCALE`, smallest first.

    Examples
    --------
    >>> [s for s in round_scales() if 10_000 <= s <= 100_000]
    [10000, 15000, 20000, 25000, 30000, 40000, 50000, 75000, 100000]
    """
    out = []
    for power in range(2, 8):
        for step in SCALE_STEPS:
            value = round(step * 10**power)
            if MIN_SCALE <= value <= MAX_SCALE:
                out.append(value)
    return out


def fit_scale(extent_w_m: float, extent_h_m: float, frame: Box) -> int:
    """
    Return the largest round scale at which an extent fits the frame with a small margin.

    Parameters
    ----------
    extent_w_m, extent_h_m
        The extent's width and height on the grid, in metres.
    frame
        The map frame.

    Returns
    -------
    scale
        The scale denominator, from `round_scales`.

    Raises
    ------
    InputError
        If even 1:10,000,000 is too small for the extent.

    Examples
    --------
    >>> fit_scale(29_700, 17_900, Box(0, 0, 379.6, 201.9))
    100000
    """
    need = max(extent_w_m / frame.w, extent_h_m / frame.h) * 1000.0 * (1 + EXTENT_MARGIN)
    for scale in round_scales():
        if scale >= need:
            return scale
    msg = (
        f"the extent ({extent_w_m / 1000:,.0f} km × {extent_h_m / 1000:,.0f} km) does not fit "
        f"the sheet even at 1:{MAX_SCALE:,}; choose a smaller --extent or a larger --paper"
    )
    raise InputError(msg)


def parse_scale(text: str | int) -> int:
    """
    Read a scale denominator: ``50000``, ``1:50000``, ``1:50.000`` or ``1:50,000``.

    Parameters
    ----------
    text
        The scale as typed, or a number.

    Returns
    -------
    scale
        The denominator.

    Raises
    ------
    InputError
        If it is not a whole number from `MIN_SCALE` to `MAX_SCALE`.

    Examples
    --------
    >>> parse_scale("1:25.000"), parse_scale("50,000"), parse_scale(10000)
    (25000, 50000, 10000)
    """
    raw = str(text).strip()
    digits = raw[2:] if raw.startswith("1:") else raw
    digits = digits.replace(".", "").replace(",", "").replace(" ", "").replace("\u202f", "")
    if not digits.isdigit() or not MIN_SCALE <= int(digits) <= MAX_SCALE:
        msg = (
            f"--scale {raw!r} is not a scale; give the denominator from {MIN_SCALE:,} to "
            f"{MAX_SCALE:,}, e.g. --scale 25000 (1:25,000)"
        )
        raise InputError(msg)
    return int(digits)


def grid_interval(scale: int, unit: float = 1.0) -> float:
    """
    Return the grid interval in metres: the smallest 1-2-5 step at least `MIN_GRID_MM` apart.

    Parameters
    ----------
    scale
        The scale denominator.
    unit
        The layout's size factor (larger paper, wider spacing).

    Returns
    -------
    interval
        Metres on the grid.

    Examples
    --------
    >>> grid_interval(100_000), grid_interval(25_000), grid_interval(10_000)
    (2000.0, 500.0, 200.0)
    """
    least_m = MIN_GRID_MM * unit * scale / 1000.0
    power = math.floor(math.log10(least_m))
    for p in (power, power + 1):
        for step in GRID_STEPS:
            value = step * 10.0**p
            if value >= least_m - 1e-9:
                return value
    return 10.0 ** (power + 2)  # pragma: no cover - the loop always returns


def ticks(lo: float, hi: float, step: float) -> list[float]:
    """
    Return the multiples of `step` from `lo` to `hi`.

    Examples
    --------
    >>> ticks(1.5, 7.2, 2.0)
    [2.0, 4.0, 6.0]
    """
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [k * step for k in range(first, last + 1)]
