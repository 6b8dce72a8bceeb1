"""
Draw a print-ready sheet of the planning map with matplotlib.

`make_figure` lays out one sheet (`zoneplan.figure.sheet`): the map frame on the
VN-2000 / TM-3 105°45' grid at a true scale, its kilometre grid labelled X and Y,
optionally the WGS 84 graticule on the outer edge, and below it the inset, the
legend of the categories inside the frame, the north arrow with the grid
convergence, the scale bar and numeric scale, and the title block with the
decision, the facts date, the date of printing, the CRS and the sources. Layers,
categories and colours are those of the HTML map (`zoneplan.render.style` and the
catalog); the user's own layers are reprojected onto the grid.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pyproj
import shapely

from zoneplan import __version__
from zoneplan.crs import to_vn2000, vn2000_to_wgs84, wgs84_to_vn2000_transformer
from zoneplan.errors import InputError, ZoneplanError
from zoneplan.figure import basemap as bm
from zoneplan.figure.sheet import Box, Layout, fit_scale, grid_interval, layout, parse_scale, ticks
from zoneplan.figure.text import (
    FONT_FAMILY,
    cited_decisions,
    dms,
    format_decimal,
    km_label,
    missing_glyphs,
    scale_text,
    sheet_strings,
    text_width_pt,
    wrap,
)
from zoneplan.render.i18n import Lang, check_lang, date_text, strings
from zoneplan.render.layers import LayerRegistry, MapLayer
from zoneplan.render.payload import facts_date
from zoneplan.render.style import CategoryStyle, category_style, layer_style
from zoneplan.schema import CATEGORIES

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

    from zoneplan.catalog import Catalog

log = logging.getLogger(__name__)

#: Print line width per screen pixel of the map's styles, in points (on A4).
PX_PT: Final[float] = 0.5
#: Sizes of the sheet's text on A4, in points; they grow with the paper. One regular weight:
#: a bold face would be a second embedded font, and subsetting DejaVu for a PDF takes seconds.
FONT_PT: Final[dict[str, float]] = {"body": 6.0, "title": 10.5, "head": 7.5, "label": 6.0}
#: Labels of --label-by (parcel numbers ...): their size on A4 in points, the most one sheet
#: draws, and the least gap between two of them in points.
VALUE_LABEL_PT: Final[float] = 5.0
VALUE_LABEL_MAX: Final[int] = 5000
VALUE_LABEL_GAP_PT: Final[float] = 1.0
#: Smallest legend text before the sheet is refused as too small for the legend (A4 points).
MIN_LEGEND_PT: Final[float] = 3.5
#: Colour of the frame rectangle in the inset (the viewer's minimap colour).
INSET_FRAME: Final[str] = "#D55E00"
#: Extent names that are not layer ids.
EXTENT_ALIASES: Final[dict[str, str]] = {}
_MM_PER_PT: Final[float] = 25.4 / 72.0
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
class LegendEntry:
    """One legend row: the label, the style and the swatch kind (fill, line or point)."""

    label: str
    style: CategoryStyle
    kind: str


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
        The legend's labels, in order.
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


@dataclass
class _Drawn:
    """One layer projected onto the grid."""

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
    drawn = [_project(layer, lang) for layer in shown]
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
    legend = _legend_entries(on_sheet, frame_poly, lang)
    words = sheet_strings(lang)
    t = strings(lang)
    convergence = _convergence(cx, cy)

    width, height = lay.width, lay.height
    fig = Figure(figsize=(width / 25.4, height / 25.4), dpi=100)
    mm = _mm_transform(fig)
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
        _draw_layer(ax, d, z, u)
    n_labels = _draw_value_labels(ax, on_sheet, bounds, denominator, u, z=len(on_sheet) + 1)
    interval = grid_interval(denominator, u)
    _draw_grid(fig, ax, mm, lay, bounds, denominator, interval, lang)
    ax.set_xlim(bounds[0], bounds[2])
    ax.set_ylim(bounds[1], bounds[3])
    if base is not None:
        _frame_note(fig, mm, lay, f"{words['basemap']}: {base.attribution}")
    if graticule:
        _draw_graticule(fig, mm, lay, bounds, denominator)

    sources = [
        s for d in on_sheet for s, g in zip(d.sources, d.geoms, strict=True) if _hit(g, frame_poly)
    ]
    facts = facts_date(shown, lang)  # the viewer's title block says the same
    today = (printed or dt.date.today()).isoformat()
    _draw_inset(fig, lay, drawn, bounds, words["inset"])
    drawn_legend = _draw_legend(fig, mm, lay, legend, words["legend"])
    _draw_scale_box(fig, mm, lay, denominator, convergence, lang)
    _draw_title_block(
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
            (_sources_line(sources, lang), "body"),
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


def _project(layer: MapLayer, lang: Lang = "vi") -> _Drawn:
    """Project a layer's geometries onto EPSG:9210 through the pinned transformation."""
    gdf = layer.gdf
    geoms = shapely.force_2d(to_vn2000(gdf)) if len(gdf) else np.array([], dtype=object)
    cats = list(gdf["category"]) if "category" in gdf.columns else [None] * len(gdf)
    srcs = [str(s) for s in gdf["source"]] if "source" in gdf.columns else [""] * len(gdf)
    drawn = _Drawn(layer, np.asarray(geoms, dtype=object), cats, srcs, layer_style(layer.style))
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


def _draw_value_labels(
    ax: Axes, drawn: list[_Drawn], bounds: tuple[float, ...], scale: int, u: float, z: float
) -> int:
    """
    Draw the --label-by labels that fit, topmost layer first, and return how many.

    As on the HTML map: a polygon's or line's label goes at a point on its surface when
    the text fits inside the feature's box, a point's beside nothing; no label touches
    another or the frame's edge; at most `VALUE_LABEL_MAX` are drawn.
    """
    from matplotlib import patheffects

    size = VALUE_LABEL_PT * u
    m_per_pt = _MM_PER_PT * scale / 1000.0  # ground metres per point of paper
    height = size * 1.2 * m_per_pt
    gap = VALUE_LABEL_GAP_PT * u * m_per_pt
    frame = shapely.box(bounds[0], bounds[1], bounds[2], bounds[3])
    widths: dict[str, float] = {}
    grid: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
    cell = max(height * 8, 1e-9)
    placed = 0
    halo = [patheffects.withStroke(linewidth=1.2 * u, foreground="white")]

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
                width = max(text_width_pt(line, size, "bold") for line in lines) * m_per_pt
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
            ax.text(
                x,
                y,
                text,
                ha="center",
                va="center_baseline" if "\n" not in text else "center",
                multialignment="center",
                fontsize=size,
                fontweight="bold",
                color="#111111",
                path_effects=halo,
                parse_math=False,
                zorder=z,
                gid="zp-value-label",
            )
    return placed


def _extent_bounds(extent: str | Sequence[float], drawn: list[_Drawn]) -> tuple[float, ...]:
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


def _hit(geom: Any, frame: Any) -> bool:
    """Tell whether a geometry is drawn inside the frame."""
    return geom is not None and not shapely.is_empty(geom) and bool(shapely.intersects(geom, frame))


def _kind(geom: Any) -> str:
    """Return the drawing kind of a geometry: fill, line or point."""
    name = geom.geom_type
    if "Point" in name:
        return "point"
    if "Line" in name:
        return "line"
    return "fill"


def _legend_entries(drawn: list[_Drawn], frame: Any, lang: Lang) -> list[LegendEntry]:
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
                if _hit(geom, frame):
                    shown.setdefault(int(index), _kind(geom))
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
            if _hit(geom, frame):
                missing = isinstance(value, float) and math.isnan(value)
                used.add(registry.category(None if missing else value, title, geom.geom_type))
    rows = registry.category_payload()
    return [
        LegendEntry(row["label"], CategoryStyle(**row["style"]), row["kind"])
        for i, row in enumerate(rows)
        if i in used
    ] + styled


def _rgba(color: str, alpha: float) -> tuple[float, float, float, float]:
    """Return an RGBA tuple of a ``#rrggbb`` colour."""
    from matplotlib.colors import to_rgba

    return to_rgba(color, alpha)


def _dash(dash: str | None, scale: float) -> Any:
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


def _effective(style: CategoryStyle, overrides: dict[str, Any]) -> tuple[float, float, str | None]:
    """Return a feature's weight, fill opacity and dash: the layer's, else the category's."""
    weight = overrides.get("weight", style.weight)
    opacity = overrides.get("fill_opacity", style.fill_opacity)
    dash = overrides.get("dash", style.dash)
    return float(weight), float(opacity), dash


def _draw_layer(ax: Axes, d: _Drawn, z: int, u: float) -> None:
    """Draw one layer's features in their category styles."""
    import geopandas as gpd

    if not len(d.geoms):
        return
    groups: dict[tuple[Any, str], list[int]] = {}
    for i, (geom, value) in enumerate(zip(d.geoms, d.categories, strict=True)):
        if geom is None or shapely.is_empty(geom):
            continue
        key: Any
        if d.classes is not None:
            key = int(d.classes[i])
        else:
            key = value if isinstance(value, str) and value in CATEGORIES else None
        groups.setdefault((key, _kind(geom)), []).append(i)
    for (key, kind), idx in sorted(
        groups.items(), key=lambda kv: ("fill", "line", "point").index(kv[0][1])
    ):
        if d.classes is not None:  # the class's style, as on the HTML map
            style = d.class_styles[key]
            weight, opacity, dash = style.weight, style.fill_opacity, style.dash
        else:
            style = category_style(key)
            weight, opacity, dash = _effective(style, d.overrides)
        lw = weight * PX_PT * u
        series = gpd.GeoSeries(d.geoms[idx])
        ls = _dash(dash, PX_PT * u)
        if kind == "fill":
            series.plot(
                ax=ax,
                aspect=None,
                facecolor=_rgba(style.fill, opacity),
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


# --- frame, grid and graticule ---------------------------------------------------------------


def _mm_transform(fig: Figure) -> Any:
    """Return the transform from sheet millimetres (origin bottom-left) to display units."""
    from matplotlib.transforms import Affine2D

    return Affine2D().scale(1 / 25.4) + fig.dpi_scale_trans


def _text(fig: Figure, mm: Any, x: float, y: float, s: str, size: float, **kw: Any) -> Any:
    """Put one text on the sheet at millimetres; data text is never read as math."""
    return fig.text(x, y, s, transform=mm, fontsize=size, parse_math=False, **kw)


def _sheet_x(lay: Layout, bounds: tuple[float, ...], scale: int, easting: float) -> float:
    """Return the sheet millimetre of a grid easting."""
    return lay.frame.x + (easting - bounds[0]) * 1000.0 / scale


def _sheet_y(lay: Layout, bounds: tuple[float, ...], scale: int, northing: float) -> float:
    """Return the sheet millimetre of a grid northing."""
    return lay.frame.y + (northing - bounds[1]) * 1000.0 / scale


def _draw_grid(
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
        0.5 * text_width_pt(km_label(max(xs or [bounds[0]]), interval, lang), size) * _MM_PER_PT
    )
    for x in xs:
        sx = _sheet_x(lay, bounds, scale, x)
        if sx - half_label < f.x - lay.band_x * 0.3 or sx + half_label > f.right + lay.band_x * 0.3:
            continue
        text = km_label(x, interval, lang)
        _text(fig, mm, sx, f.y - lay.band_y / 2, text, size, ha="center", va="center")
        _text(fig, mm, sx, f.top + lay.band_y / 2, text, size, ha="center", va="center")
    line_h = size * _MM_PER_PT
    for y in ys:
        sy = _sheet_y(lay, bounds, scale, y)
        if sy - line_h / 2 < f.y - lay.band_y * 0.3 or sy + line_h / 2 > f.top + lay.band_y * 0.3:
            continue
        text = km_label(y, interval, lang)
        _text(fig, mm, f.x - lay.band_x / 2, sy, text, size, ha="center", va="center")
        _text(fig, mm, f.right + lay.band_x / 2, sy, text, size, ha="center", va="center")
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


def _draw_graticule(
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
            _text(fig, mm, x, y, dms(value, seconds=False), size, ha="center", va="center")
    # the corners, to the second
    for gx, sx in ((minx, f.x), (maxx, f.right)):
        for gy, sy in ((miny, f.y), (maxy, f.top)):
            lon, lat = vn2000_to_wgs84(np.array([gx]), np.array([gy]))
            y_text = below if gy == miny else above
            x_text = left if gx == minx else right
            _text(fig, mm, sx, y_text, dms(float(lon[0])), size, ha="center", va="center")
            _text(fig, mm, x_text, sy, dms(float(lat[0])), size, ha="center", va="center")


def _frame_note(fig: Figure, mm: Any, lay: Layout, text: str) -> None:
    """Print a small note inside the frame's bottom-right corner (the basemap attribution)."""
    size = FONT_PT["body"] * lay.unit * 0.85
    pad = 1.0 * lay.unit
    _text(
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


def _convergence(easting: float, northing: float) -> float:
    """Return the grid convergence in degrees at a grid point (pyproj's factors of EPSG:9210)."""
    to_geog = pyproj.Transformer.from_crs(9210, 4756, always_xy=True)
    lon, lat = to_geog.transform(easting, northing)
    factors = pyproj.Proj("EPSG:9210").get_factors(lon, lat)
    return float(factors.meridian_convergence)


# --- panels -----------------------------------------------------------------------------------


def _panel_heading(fig: Figure, mm: Any, box: Box, text: str, u: float) -> float:
    """Print a panel's heading at its top-left; return the height it took (mm)."""
    size = FONT_PT["head"] * u
    _text(fig, mm, box.x, box.top, text, size, ha="left", va="top")
    return size * 1.5 * _MM_PER_PT


def _draw_inset(
    fig: Figure, lay: Layout, drawn: list[_Drawn], bounds: tuple[float, ...], heading: str
) -> None:
    """Draw the inset: the zone and the context layer, with the frame as a rectangle."""
    import geopandas as gpd
    from matplotlib.patches import Rectangle

    u = lay.unit
    mm = _mm_transform(fig)
    box = lay.inset
    head = _panel_heading(fig, mm, box, heading, u)
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
            kind = _kind(geom)
            if kind == "fill":
                series.plot(
                    ax=ax,
                    aspect=None,
                    facecolor=_rgba("#999999", 0.25),
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


def _draw_legend(
    fig: Figure, mm: Any, lay: Layout, entries: list[LegendEntry], heading: str
) -> list[str]:
    """Draw the legend in as many columns as it needs; return the labels printed."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    u = lay.unit
    box = lay.legend
    head = _panel_heading(fig, mm, box, heading, u)
    if not entries:
        return []
    sw_w, sw_h, pad, col_gap = 6.0 * u, 3.0 * u, 1.5 * u, 3.0 * u
    size = FONT_PT["body"] * u
    while True:
        row_h = max(size * 1.55 * _MM_PER_PT, sw_h + 0.8 * u)
        rows = max(int((box.h - head) // row_h), 1)
        ncol = math.ceil(len(entries) / rows)
        col_w = (box.w - (ncol - 1) * col_gap) / ncol
        widest = max(text_width_pt(e.label, size) for e in entries) * _MM_PER_PT
        if widest <= col_w - sw_w - pad:
            break
        size *= 0.92
        if size < MIN_LEGEND_PT * u:
            msg = (
                f"the legend's {len(entries)} entries do not fit on {lay.paper} "
                f"{lay.orientation}; use a larger --paper or fewer categories in --layer files"
            )
            raise InputError(msg)
    rows = math.ceil(len(entries) / ncol)
    col_w = min(col_w, widest + sw_w + pad)  # columns as wide as the longest label
    top = box.top - head
    for i, entry in enumerate(entries):
        col, row = divmod(i, rows)
        x = box.x + col * (col_w + col_gap)
        yc = top - (row + 0.5) * row_h
        st = entry.style
        lw = st.weight * PX_PT * u
        ls = _dash(st.dash, PX_PT * u)
        if entry.kind == "fill":
            fig.add_artist(
                Rectangle(
                    (x, yc - sw_h / 2),
                    sw_w,
                    sw_h,
                    transform=mm,
                    facecolor=_rgba(st.fill, max(st.fill_opacity, 0.12)),
                    edgecolor=st.color,
                    linewidth=min(lw, 1.2 * u),
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
        _text(fig, mm, x + sw_w + pad, yc, entry.label, size, ha="left", va="center")
    return [e.label for e in entries]


def _nice_length(max_m: float) -> tuple[float, int]:
    """Return a round scale-bar length not over `max_m` metres and its number of segments."""
    power = 10 ** math.floor(math.log10(max_m))
    for step, parts in ((5, 5), (4, 4), (2.5, 5), (2, 4), (1, 5)):
        if step * power <= max_m:
            return step * power, parts
    return power, 5  # pragma: no cover - step 1 always fits


def _draw_scale_box(
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
    tip = box.top - size * 1.6 * _MM_PER_PT
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
    _text(
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
    note_w = (box.right - note_x) / _MM_PER_PT
    small = size * 0.92
    for i, line in enumerate(wrap(note, note_w, small)):
        _text(fig, mm, note_x, tip - i * small * 1.3 * _MM_PER_PT, line, small, ha="left", va="top")
    # numeric scale and scale bar
    y = base_y - 3.0 * u
    _text(
        fig,
        mm,
        box.x,
        y,
        scale_text(scale, lang),
        FONT_PT["head"] * u,
        ha="left",
        va="top",
    )
    y -= FONT_PT["head"] * u * 1.5 * _MM_PER_PT + size * 1.4 * _MM_PER_PT
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
        _text(fig, mm, box.x + i * seg, y + 0.6 * u, text, size, ha="center", va="bottom")
    y -= bar_h + 2.5 * u
    for i, line in enumerate(wrap(words["grid_note"], box.w / _MM_PER_PT, small)):
        _text(fig, mm, box.x, y - i * small * 1.3 * _MM_PER_PT, line, small, ha="left", va="top")
    y -= (i + 1) * small * 1.3 * _MM_PER_PT
    if lay.outer_x:
        _text(fig, mm, box.x, y, words["graticule_note"], small, ha="left", va="top")


def _sources_line(sources: list[str], lang: Lang) -> str:
    """Return the title block's line of main sources: the decisions the shown features cite."""
    words = sheet_strings(lang)
    decisions = cited_decisions(sources)
    lead = ("Quyết định " if lang == "vi" else "Decisions ") + ", ".join(decisions) + "; "
    return f"{words['sources']}: {lead if decisions else ''}{words['sources_tail']}"


def _draw_title_block(fig: Figure, mm: Any, lay: Layout, rows: list[tuple[str, str]]) -> None:
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
            lines = wrap(text, inner.w / _MM_PER_PT, size, weight)
            step = size * 1.28 * _MM_PER_PT
            laid.append((lines, size, weight, step))
            total += step * len(lines) + 0.8 * u * factor
        if total <= inner.h or factor < 0.5:
            break
        factor *= 0.93
    y = inner.top
    for lines, size, weight, step in laid:
        for line in lines:
            _text(fig, mm, inner.x, y, line, size, ha="left", va="top", fontweight=weight)
            y -= step
        y -= 0.8 * u * factor


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
