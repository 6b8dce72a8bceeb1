"""
Print-ready sheets of the planning map: PDF, PNG or SVG at a true scale on the VN-2000 grid.

`make_figure` returns the sheet as a matplotlib Figure (for notebooks); `save_figure`
writes it atomically with the text kept as text and the lines as vectors in PDF and
SVG, at the exact paper size. ``zoneplan figure`` is the command line of both. Needs
the ``figure`` extra (matplotlib, and contextily for basemaps).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Final

from zoneplan.errors import InputError
from zoneplan.figure.basemap import BASEMAPS, BasemapError
from zoneplan.figure.draw import Sheet, make_figure, sheet_info
from zoneplan.figure.sheet import ORIENTATIONS, PAPERS, layout, paper_size, round_scales

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Output formats and their suffixes.
FORMATS: Final[dict[str, tuple[str, ...]]] = {
    "pdf": (".pdf",),
    "png": (".png",),
    "svg": (".svg",),
}
#: Default resolution of PNG output and of rasters inside PDF and SVG (dots per inch).
DEFAULT_DPI: Final[int] = 300
#: Resolutions accepted.
DPI_RANGE: Final[tuple[int, int]] = (50, 1200)
#: Largest PNG written, in pixels (A0 at 300 dpi is about 139 million).
MAX_PIXELS: Final[int] = 250_000_000

__all__ = [
    "BASEMAPS",
    "DEFAULT_DPI",
    "FORMATS",
    "ORIENTATIONS",
    "PAPERS",
    "BasemapError",
    "Sheet",
    "check_dpi",
    "check_png_size",
    "figure_format",
    "layout",
    "make_figure",
    "paper_size",
    "png_size",
    "round_scales",
    "save_figure",
    "sheet_info",
]


def figure_format(path: str | os.PathLike[str], fmt: str | None = None) -> str:
    """
    Decide the output format from `fmt` or the file's suffix, and check they agree.

    Examples
    --------
    >>> figure_format("zone.pdf"), figure_format("zone.PNG"), figure_format("x.svg", "svg")
    ('pdf', 'png', 'svg')
    """
    from zoneplan.export import format_for

    return format_for(path, fmt, FORMATS)


def check_dpi(dpi: float) -> int:
    """Check a resolution in dots per inch."""
    lo, hi = DPI_RANGE
    if isinstance(dpi, bool) or not isinstance(dpi, int | float) or not lo <= dpi <= hi:
        msg = f"--dpi {dpi!r}: give a whole number from {lo} to {hi} (300 is print quality)"
        raise InputError(msg)
    return int(dpi)


def png_size(width_mm: float, height_mm: float, dpi: int) -> tuple[int, int]:
    """
    Return the pixel size of a sheet at `dpi`: the paper size in inches times dpi, rounded.

    Examples
    --------
    >>> png_size(297, 210, 150)
    (1754, 1240)
    """
    return round(width_mm / 25.4 * dpi), round(height_mm / 25.4 * dpi)


def check_png_size(
    path: str | os.PathLike[str], width_mm: float, height_mm: float, dpi: int
) -> tuple[int, int]:
    """Return the pixel size of a PNG sheet, or refuse one over `MAX_PIXELS`."""
    px_w, px_h = png_size(width_mm, height_mm, dpi)
    if px_w * px_h > MAX_PIXELS:
        msg = f"{path}: {px_w} × {px_h} pixels is too large a PNG; lower --dpi or write a PDF"
        raise InputError(msg)
    return px_w, px_h


def save_figure(
    fig: Figure,
    path: str | os.PathLike[str],
    *,
    fmt: str | None = None,
    dpi: int = DEFAULT_DPI,
) -> Path:
    """
    Write a sheet atomically as PDF, PNG or SVG.

    PDF embeds DejaVu Sans as TrueType with its Unicode map, so the text can be
    searched and copied with every Vietnamese mark; SVG keeps ``<text>`` elements;
    lines are vectors in both. PNG has the paper's size at `dpi`, rounded to whole
    pixels, and records the resolution.

    Parameters
    ----------
    fig
        A figure from `make_figure` (or any matplotlib Figure).
    path
        The output file; an existing one is replaced only once the new one is complete.
    fmt
        ``pdf``, ``png`` or ``svg``; from the suffix when None.
    dpi
        Pixels per inch of PNG, and of rasters (the basemap) inside PDF and SVG.

    Returns
    -------
    path
        The written file.

    Raises
    ------
    OutputError
        If the format or the path is wrong.
    InputError
        If `dpi` is out of range or the PNG would be too large.
    """
    import matplotlib

    from zoneplan._atomic import atomic_open, check_output_path
    from zoneplan.figure.draw import RC_PARAMS

    kind = figure_format(path, fmt)
    dpi = check_dpi(dpi)
    check_output_path(path)
    width_in, height_in = fig.get_size_inches()
    meta: dict[str, str | None]
    if kind == "png":
        px_w, px_h = check_png_size(path, width_in * 25.4, height_in * 25.4, dpi)
        meta = {"Software": "zoneplan"}
        # matplotlib truncates width × dpi; nudge the size so the pixels are the rounded ones
        fig.set_size_inches((px_w + 0.01) / dpi, (px_h + 0.01) / dpi)
    elif kind == "pdf":
        title = _sheet_title(fig)
        meta = {"Title": title, "Creator": "zoneplan", "Producer": None}
    else:
        meta = {"Title": _sheet_title(fig), "Creator": "zoneplan"}
    # fontTools reports every font subset at INFO level; the command line logs at INFO
    subset_log = logging.getLogger("fontTools")
    level = subset_log.level
    subset_log.setLevel(logging.WARNING)
    try:
        with matplotlib.rc_context(RC_PARAMS), atomic_open(path, "wb") as fh:
            fig.savefig(fh, format=kind, dpi=dpi, metadata=meta, facecolor="white")
    finally:
        fig.set_size_inches(width_in, height_in)
        subset_log.setLevel(level)
    return Path(path)


def _sheet_title(fig: Figure) -> str:
    """Return the first line of the sheet's title block, or a plain name."""
    try:
        info = sheet_info(fig)
    except ValueError:
        return "zoneplan"
    return f"zoneplan 1:{info.scale:,}"
