"""
Draw a print-ready sheet of the planning map with matplotlib.

`make_figure` lays out one sheet (`zoneplan.figure.sheet`) and puts on it the map frame
at a true scale on the VN-2000 / TM-3 105°45' grid with the layers in it
(`zoneplan.figure.features`: projected onto the grid and drawn in the categories,
colours and line styles of the HTML map, with the --label-by labels that fit) and the
marks around it, each in its module: `zoneplan.figure.frame` (the kilometre grid
labelled X and Y, the WGS 84 graticule, the grid convergence), `zoneplan.figure.inset`,
`zoneplan.figure.legend` (the categories inside the frame), `zoneplan.figure.scalebox`
(north arrow, numeric scale, scale bar) and `zoneplan.figure.titleblock` (the decision,
the facts date, the date of printing, the CRS and the sources); `zoneplan.figure.common`
holds what they share.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import shapely

from zoneplan import __version__
from zoneplan.crs import vn2000_to_wgs84, wgs84_to_vn2000_transformer
from zoneplan.errors import InputError, ZoneplanError
from zoneplan.figure import basemap as bm
from zoneplan.figure.common import DrawnLayer, in_frame, mm_transform
from zoneplan.figure.features import draw_layer, draw_value_labels, project_layer
from zoneplan.figure.frame import convergence_deg, draw_graticule, draw_grid, frame_note
from zoneplan.figure.inset import draw_inset
from zoneplan.figure.legend import draw_legend, legend_entries, status_entries
from zoneplan.figure.scalebox import draw_scale_box
from zoneplan.figure.sheet import Layout, fit_scale, grid_interval, layout, parse_scale
from zoneplan.figure.text import FONT_FAMILY, missing_glyphs, sheet_strings
from zoneplan.figure.titleblock import draw_title_block, sources_line
from zoneplan.render.i18n import Lang, check_lang, date_text, strings
from zoneplan.render.layers import MapLayer
from zoneplan.render.payload import facts_date

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

    from zoneplan.catalog import Catalog

log = logging.getLogger(__name__)

#: Extent names that are not layer ids.
EXTENT_ALIASES: Final[dict[str, str]] = {}
#: matplotlib settings of every sheet: its font, dashes in points, TrueType text in PDF,
#: text elements in SVG.
RC_PARAMS: Final[dict[RcKeyType, Any]] = {
    "font.family": FONT_FAMILY,
    "lines.scale_dashes": False,
    "pdf.fonttype": 42,
    "svg.fonttype": "none",
    "axes.unicode_minus": False,
}


@dataclass(frozen=True)
class Sheet:
    """
    What a sheet shows, for notebooks and tests (`sheet_info`).

    Parameters
    ----------
    layout
        The boxes of the sheet in millimetres.
    scale
        The scale denominator.
    bounds
        The map frame on the grid: ``(min_y_easting, min_x_northing, max_y, max_x)`` in
        EPSG:9210 metres.
    grid_interval
        Metres between grid lines.
    convergence_deg
        Grid convergence at the frame centre (positive: true north is west of grid north).
    legend
        The legend's labels, in order: the categories inside the frame, then the status
        key's heading and the statuses of the features inside the frame.
    basemap
        The basemap's name, or None.
    basemap_zoom
        The tile zoom level of the basemap, or None.
    attribution
        The basemap's attribution, or None.
    facts_as_of
        The facts date of the layers (the catalog's ``facts_as_of``, ISO) that the title
        block prints, or None when there is none.
    lang
        The sheet's language.
    labels
        How many --label-by labels the frame shows.
    """

    layout: Layout
    scale: int
    bounds: tuple[float, float, float, float]
    grid_interval: float
    convergence_deg: float
    legend: tuple[str, ...]
    basemap: str | None
    basemap_zoom: int | None
    attribution: str | None
    facts_as_of: str | None
    lang: Lang
    labels: int = 0


def make_figure(
    extent: str | Sequence[float] = "zone",
    *,
    paper: str = "A4",
    orientation: str = "landscape",
    scale: int | str | None = None,
    layers: Iterable[MapLayer | str | os.PathLike[str]] = (),
    lang: Lang = "vi",
    basemap: Any = "none",
    title: str | None = None,
    graticule: bool = False,
    catalog: Catalog | None = None,
    printed: dt.date | None = None,
    dpi: float = 300.0,
    crs: str | None = None,
) -> Figure:
    """
    Draw a print-ready sheet of the zone and return the matplotlib Figure.

    Parameters
    ----------
    extent
        What the frame shows: a catalog layer id (``"zone"``, ``"port"``, ``"airport"``...),
        the file name of one of `layers`, or ``(lon1, lat1, lon2, lat2)`` in WGS 84 (also as
        text ``"lon1,lat1,lon2,lat2"``).
    paper, orientation
        ``A4`` to ``A0``; ``landscape`` or ``portrait``. The figure has the paper's exact size.
    scale
        The scale denominator (``25000`` for 1:25,000): the frame is centred on the extent
        at exactly that scale. None chooses the largest round scale at which the extent fits.
    layers
        Your own layers: `zoneplan.render.MapLayer` objects or files (validated first).
    lang
        ``"vi"`` or ``"en"`` for every word on the sheet.
    basemap
        ``"none"`` (the default here: no network; the context layer is drawn), ``"auto"``
        (OpenStreetMap when its tiles can be fetched, else none), ``"osm"``, ``"imagery"``,
        ``"light"`` or an `xyzservices.TileProvider`.
    title
        The sheet's title; the zone's name when None.
    graticule
        Label the WGS 84 longitudes and latitudes, and the corners, on the outer edge.
    catalog
        Another catalog than the shipped one.
    printed
        The date of printing; today when None.
    dpi
        The resolution the sheet will be saved at, for the basemap's tile level only.
    crs
        CRS to assume for files in `layers` that carry none.

    Returns
    -------
    figure
        A `matplotlib.figure.Figure` of the paper's size; write it with `save_figure` (text
        stays text in PDF and SVG). `sheet_info` tells its scale, frame and legend.

    Raises
    ------
    InputError
        If an option is wrong, a layer file is broken, or the legend cannot fit the paper.
    BasemapError
        If a basemap named explicitly cannot be fetched.

    Examples
    --------
    >>> fig = make_figure("airport", paper="A4", scale=25000, lang="en")
    >>> info = sheet_info(fig)
    >>> info.scale, "Runway" in info.legend, round(fig.get_figwidth() * 25.4)
    (25000, True, 297)
    """
    lang = check_lang(lang)
    with _matplotlib().rc_context(RC_PARAMS):
        return _make(
            extent=extent,
            paper=paper,
            orientation=orientation,
            scale=scale,
            layers=layers,
            lang=lang,
            basemap=basemap,
            title=title,
            graticule=graticule,
            catalog=catalog,
            printed=printed,
            dpi=dpi,
            crs=crs,
        )


def sheet_info(fig: Figure) -> Sheet:
    """Return what a sheet made by `make_figure` shows (scale, frame, legend...)."""
    info = getattr(fig, "zoneplan_sheet", None)
    if not isinstance(info, Sheet):
        msg = "this figure was not made by zoneplan.figure.make_figure"
        raise ValueError(msg)
    return info


def _matplotlib() -> Any:
    """Import matplotlib, or say how to install it."""
    try:
        import matplotlib
    except ImportError as err:
        msg = "zoneplan figure needs matplotlib: pip install 'zoneplan[figure]'"
        raise ZoneplanError(msg) from err
    return matplotlib


def _make(
    *,
    extent: str | Sequence[float],
    paper: str,
    orientation: str,
    scale: int | str | None,
    layers: Iterable[MapLayer | str | os.PathLike[str]],
    lang: Lang,
    basemap: Any,
    title: str | None,
    graticule: bool,
    catalog: Catalog | None,
    printed: dt.date | None,
    dpi: float,
    crs: str | None,
) -> Figure:
    from matplotlib.figure import Figure

    from zoneplan.catalog import load_catalog
    from zoneplan.render import catalog_layers, user_layer

    lay = layout(paper, orientation, graticule=graticule)
    denominator = None if scale is None else parse_scale(scale)
    tiles = bm.resolve(basemap)
    own = [x if isinstance(x, MapLayer) else user_layer(x, crs=crs) for x in layers]
    cat = catalog or load_catalog()
    shown = catalog_layers(cat) + own
    drawn = [project_layer(layer, lang) for layer in shown]
    ext = _extent_bounds(extent, drawn)
    ext_w, ext_h = ext[2] - ext[0], ext[3] - ext[1]
    if denominator is None:
        denominator = fit_scale(ext_w, ext_h, lay.frame)
    cx, cy = (ext[0] + ext[2]) / 2, (ext[1] + ext[3]) / 2
    half_w = lay.frame.w * denominator / 2000.0
    half_h = lay.frame.h * denominator / 2000.0
    bounds = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)

    base = None
    if tiles is not None:
        try:
            base = bm.fetch_basemap(tiles, _lonlat_bounds(bounds), frame_w_mm=lay.frame.w, dpi=dpi)
        except bm.BasemapError as err:
            if basemap != "auto":
                raise
            log.info("no basemap: %s", str(err).split(";")[0])
    on_sheet = [
        d for d in drawn if d.layer.visible or (d.layer.group == "context" and base is None)
    ]
    frame_poly = shapely.box(*bounds)
    legend = legend_entries(on_sheet, frame_poly, lang) + status_entries(on_sheet, frame_poly, lang)
    words = sheet_strings(lang)
    t = strings(lang)
    convergence = convergence_deg(cx, cy)

    width, height = lay.width, lay.height
    fig = Figure(figsize=(width / 25.4, height / 25.4), dpi=100)
    mm = mm_transform(fig)
    u = lay.unit
    fig.patch.set_facecolor("white")

    ax = fig.add_axes(
        (lay.frame.x / width, lay.frame.y / height, lay.frame.w / width, lay.frame.h / height)
    )
    ax.set_axis_off()
    if base is not None:
        ax.imshow(
            base.image,
            extent=base.extent,
            interpolation="bilinear",
            zorder=0,
            origin="upper",
        )
    for z, d in enumerate(on_sheet, start=1):
        draw_layer(ax, d, z, u)
    n_labels = draw_value_labels(ax, on_sheet, bounds, denominator, u, z=len(on_sheet) + 1)
    interval = grid_interval(denominator, u)
    draw_grid(fig, ax, mm, lay, bounds, denominator, interval, lang)
    ax.set_xlim(bounds[0], bounds[2])
    ax.set_ylim(bounds[1], bounds[3])
    if base is not None:
        frame_note(fig, mm, lay, f"{words['basemap']}: {base.attribution}")
    if graticule:
        draw_graticule(fig, mm, lay, bounds, denominator)

    sources = [
        s
        for d in on_sheet
        for s, g in zip(d.sources, d.geoms, strict=True)
        if in_frame(g, frame_poly)
    ]
    facts = facts_date(shown, lang)  # the viewer's title block says the same
    today = (printed or dt.date.today()).isoformat()
    draw_inset(fig, lay, drawn, bounds, words["inset"])
    drawn_legend = draw_legend(fig, mm, lay, legend, words["legend"])
    draw_scale_box(fig, mm, lay, denominator, convergence, lang)
    draw_title_block(
        fig,
        mm,
        lay,
        [
            (title if title is not None else t["zone_name"], "title"),
            (t["decision"], "body"),
            *([(facts["text"], "body")] if facts else []),
            (f"{words['printed']}: {date_text(today, lang)}", "body"),
            (words["crs"], "body"),
            (t["indicative"], "body"),
            (sources_line(sources, lang), "body"),
            *([(f"{words['basemap']}: {base.attribution}", "body")] if base is not None else []),
            (f"{words['made_with']} {__version__}", "small"),
        ],
    )
    _check_glyphs(fig)
    fig.zoneplan_sheet = Sheet(  # type: ignore[attr-defined]
        layout=lay,
        scale=denominator,
        bounds=bounds,
        grid_interval=interval,
        convergence_deg=convergence,
        legend=tuple(drawn_legend),
        basemap=base.name if base is not None else None,
        basemap_zoom=base.zoom if base is not None else None,
        attribution=base.attribution if base is not None else None,
        facts_as_of=facts["date"] if facts else None,
        lang=lang,
        labels=n_labels,
    )
    return fig


# --- layers -------------------------------------------------------------------------------


def _extent_bounds(extent: str | Sequence[float], drawn: list[DrawnLayer]) -> tuple[float, ...]:
    """Return the grid bounds (EPSG:9210) of an extent: a layer id or lon/lat corners."""
    if isinstance(extent, str) and "," not in extent:
        for d in drawn:
            names = {d.layer.id, Path(d.layer.id).stem}
            if extent in names:
                geoms = d.geoms[~shapely.is_empty(d.geoms) & ~shapely.is_missing(d.geoms)]
                if not len(geoms):
                    msg = f"--extent {extent}: the layer has no geometry to frame"
                    raise InputError(msg)
                return tuple(float(v) for v in shapely.total_bounds(geoms))
        known = ", ".join(dict.fromkeys(Path(d.layer.id).stem for d in drawn))
        msg = (
            f"--extent {extent!r}: no such layer; use one of {known} "
            "or LON1,LAT1,LON2,LAT2 in WGS 84 degrees"
        )
        raise InputError(msg)
    corners = _parse_lonlat_box(extent)
    ring = shapely.segmentize(shapely.box(*corners), 0.01)
    tr = wgs84_to_vn2000_transformer()
    xy = np.asarray(ring.exterior.coords)
    x, y = tr.transform(xy[:, 0], xy[:, 1])
    return (float(np.min(x)), float(np.min(y)), float(np.max(x)), float(np.max(y)))


def _parse_lonlat_box(extent: str | Sequence[float]) -> tuple[float, float, float, float]:
    """Read ``LON1,LAT1,LON2,LAT2`` and check it is a box of lon/lat degrees."""
    parts = extent.split(",") if isinstance(extent, str) else list(extent)
    try:
        values = [float(p) for p in parts]
    except (TypeError, ValueError):
        values = []
    usage = "give LON1,LAT1,LON2,LAT2 in WGS 84 degrees, e.g. 106.60,20.60,106.75,20.70"
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        msg = f"--extent {extent!r}: not a box; {usage}"
        raise InputError(msg)
    lon1, lat1, lon2, lat2 = values
    if all(5 <= v <= 25 for v in (lon1, lon2)) and all(100 <= v <= 112 for v in (lat1, lat2)):
        msg = f"--extent {extent!r}: looks like LAT,LON; give the longitude first: {usage}"
        raise InputError(msg)
    west, east = sorted((lon1, lon2))
    south, north = sorted((lat1, lat2))
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        msg = f"--extent {extent!r}: corners out of range or the box is empty; {usage}"
        raise InputError(msg)
    if not (west >= 100 and east <= 112 and south >= 5 and north <= 25):
        msg = (
            f"--extent {extent!r}: the box is not in Vietnam (lon 100–112, lat 5–25); "
            f"is it lat/lon instead of lon/lat? {usage}"
        )
        raise InputError(msg)
    return west, south, east, north


def _lonlat_bounds(bounds: tuple[float, ...]) -> tuple[float, float, float, float]:
    """Return the WGS 84 box covering a grid rectangle."""
    x0, y0, x1, y1 = bounds[:4]
    ring = shapely.segmentize(shapely.box(x0, y0, x1, y1), (x1 - x0) / 20)
    xy = np.asarray(ring.exterior.coords)
    lon, lat = vn2000_to_wgs84(xy[:, 0], xy[:, 1])
    return float(np.min(lon)), float(np.min(lat)), float(np.max(lon)), float(np.max(lat))


def _check_glyphs(fig: Figure) -> None:
    """Warn, naming them, about characters the font cannot draw (matplotlib draws boxes)."""
    text = "".join(t.get_text() for t in fig.texts)
    missing = missing_glyphs(text)
    if missing:
        log.warning(
            "the font %s has no glyph for %s; those characters print as boxes",
            FONT_FAMILY,
            " ".join(f"{c!r} (U+{ord(c):04X})" for c in missing),
        )
