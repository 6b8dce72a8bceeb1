"""
DXF drawings for CAD users (AutoCAD, MicroStation, BricsCAD, LibreCAD, QGIS), made with ezdxf.

What the drawing holds:

* each polygon ring as a closed LWPOLYLINE on a layer per category (the first of
  `DXF_LAYER_COLUMNS`; the layer's own name when there is none), holes as closed
  polylines of their own on the same layer; lines as open LWPOLYLINEs, points as
  POINTs;
* with ``hatch=True``, a solid HATCH (50 % transparent, holes left open) under each
  polygon, on a layer ``<layer>-HATCH`` so that the fills can be frozen on their own;
* each feature's name (the first of `DXF_LABEL_COLUMNS`) as MTEXT on the layer
  ``NHAN``, in a text style on Arial (which has the Vietnamese letters), at a height
  of 2.5 mm at the scale that fits the drawing on an A1 sheet;
* drawing units metres (``$INSUNITS`` 6), metric measurement (``$MEASUREMENT`` 1),
  decimal lengths, the view zoomed to the drawing;
* the CRS in the drawing's custom properties (AutoCAD: DWGPROPS > Custom;
  "Coordinate system", "EPSG", "Units") and as a note on the layer ``GHI_CHU``
  below the drawing;
* zoneplan's XDATA tags (`zoneplan.dxf`), so that zoneplan reads the features back
  with their holes and labels.

The file is AutoCAD 2004 DXF (AC1018) in ASCII: every character beyond ASCII is
written as AutoCAD's ``\\U+XXXX``, which every CAD program since AutoCAD 2000 reads.
It passes ezdxf's auditor with no error. A DXF drawing has no attribute table: the
columns other than the layer and the label are not in it, and a warning names them.
"""

from __future__ import annotations

import io
import logging
import math
import re
from typing import TYPE_CHECKING, Any, Final

import pandas as pd
import pyproj
import shapely

from zoneplan import dxf
from zoneplan.errors import OutputError
from zoneplan.export.kml import KML_NAME_COLUMNS

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from pathlib import Path

    import geopandas as gpd

log = logging.getLogger(__name__)

#: Columns looked for, in order, to put each feature on a CAD layer.
DXF_LAYER_COLUMNS: Final[tuple[str, ...]] = (
    "category",
    "layer",
    "Layer",
    "zone",
    "land_use_code",
    "land_use",
)
#: Columns looked for, in order, for each feature's label (as KML's ``<name>``).
DXF_LABEL_COLUMNS: Final[tuple[str, ...]] = (*KML_NAME_COLUMNS, "label")
#: The text style of the labels and its font.
TEXT_STYLE: Final[str] = "ZONEPLAN"
TEXT_FONT: Final[str] = "arial.ttf"
#: Label height on paper, and the plot scales a drawing is fitted to (on an A1 sheet).
LABEL_HEIGHT_MM: Final[float] = 2.5
_SCALES: Final[tuple[int, ...]] = (
    500,
    1000,
    2000,
    5000,
    10_000,
    25_000,
    50_000,
    100_000,
    250_000,
    500_000,
    1_000_000,
)
_SHEET_M: Final[float] = 0.8  # the drawing area of an A1 sheet, 841 mm wide
#: The pieces DXF holds MTEXT in (ezdxf splits the text into pieces of this length).
MTEXT_CHUNK: Final[int] = 250
#: Characters AutoCAD refuses in layer names.
_FORBIDDEN = re.compile(r'[<>/\\":;?*|=`]')
#: Layer colours (AutoCAD colour index) of values that are no schema category.
_CYCLE: Final[tuple[int, ...]] = (1, 3, 5, 6, 4, 30, 2, 140, 210, 94)


def write_dxf(layers: Mapping[str, gpd.GeoDataFrame], tmp: Path, *, hatch: bool = False) -> None:
    """
    Write one layer (already in a projected CRS) as a DXF drawing; see the module.

    Raises
    ------
    OutputError
        If ezdxf's auditor finds an error in the drawing.
    """
    ((name, gdf),) = layers.items()
    ezdxf_log = logging.getLogger("ezdxf")
    level = ezdxf_log.level
    ezdxf_log.setLevel(logging.WARNING)  # its notes on the document it sets up are not ours
    try:
        _write(name, gdf, tmp, hatch=hatch)
    finally:
        ezdxf_log.setLevel(level)


def _write(name: str, gdf: gpd.GeoDataFrame, tmp: Path, *, hatch: bool) -> None:
    from ezdxf import units, zoom
    from ezdxf.filemanagement import new

    layer_col = next((c for c in DXF_LAYER_COLUMNS if c in gdf.columns), None)
    label_col = next((c for c in DXF_LABEL_COLUMNS if c in gdf.columns), None)
    _report_lost_columns(gdf, tmp, layer_col, label_col)
    cad_layers = _layer_names(gdf, layer_col, name, tmp)
    labels = _labels(gdf, label_col, tmp)

    doc = new("R2004")
    doc.units = units.M
    doc.header["$MEASUREMENT"] = 1
    doc.header["$LUNITS"] = 2
    doc.appids.add(dxf.APPID)
    doc.styles.add(TEXT_STYLE, font=TEXT_FONT)
    colours = _layer_colours(gdf, layer_col, cad_layers)
    for layer in dict.fromkeys(cad_layers):
        doc.layers.add(layer, color=colours[layer])
        if hatch:
            doc.layers.add(_hatch_layer(layer), color=colours[layer])
    doc.layers.add(dxf.LABEL_LAYER, color=7)
    doc.layers.add(dxf.NOTE_LAYER, color=8)
    msp = doc.modelspace()
    geoms = shapely.force_2d(gdf.geometry.to_numpy())
    empty = [i for i, g in enumerate(geoms) if g is None or g.is_empty]
    if empty:
        log.warning(
            "%s: %d feature(s) without geometry cannot be drawn and are not in the drawing",
            tmp.name,
            len(empty),
        )
    if hatch:  # first, so that the outlines and labels are drawn over the fills
        for i, geom in enumerate(geoms):
            for polygon in _polygons(geom):
                _add_hatch(msp, polygon, _hatch_layer(cad_layers[i]), i, geom.geom_type)
    for i, geom in enumerate(geoms):
        if geom is not None and not geom.is_empty:
            _add_geometry(msp, geom, cad_layers[i], i, geom.geom_type)
    height = _label_height(gdf)
    for i, text in enumerate(labels):
        geom = geoms[i]
        if text and geom is not None and not geom.is_empty:
            tag = dxf.xdata("label", i, geom.geom_type)
            _add_text(msp, text, dxf.LABEL_LAYER, _label_point(geom), height, 5, tag)
    crs = pyproj.CRS.from_user_input(gdf.crs)
    _state_crs(doc, msp, crs, gdf, height, layer_col, label_col)
    zoom.extents(msp)
    auditor = doc.audit()
    if auditor.has_errors:
        first = auditor.errors[0].message
        msg = f"{tmp.name}: the DXF drawing did not pass ezdxf's audit ({first})"
        raise OutputError(msg)
    stream = io.StringIO()
    doc.write(stream)
    tmp.write_bytes(escape_dxf(stream.getvalue()).encode("ascii"))


def escape_dxf(text: str) -> str:
    """
    Write characters beyond ASCII as AutoCAD's ``\\U+XXXX``, readable in every DXF version.

    Examples
    --------
    >>> escape_dxf("Đồ Sơn")
    '\\\\U+0110\\\\U+1ED3 S\\\\U+01A1n'
    """
    return "".join(c if ord(c) < 128 else f"\\U+{ord(c):04X}" for c in text)


def mtext_escape(text: str, chunk: int = MTEXT_CHUNK) -> str:
    """
    Escape a label for MTEXT: line breaks as ``\\P``; the characters MTEXT would read as
    formatting (``\\ { } % ^``), control characters and everything beyond ASCII as
    ``\\U+XXXX``, so that CAD programs and GDAL show the text exactly as given.

    A DXF file holds MTEXT in pieces of `chunk` characters, and GDAL decodes each piece
    on its own: an escape is never cut between two pieces. Empty ``{}`` groups, which
    show nothing, fill the end of a piece instead (an odd gap ends with ``{``, closed by
    ``}`` at the start of the next piece).

    Examples
    --------
    >>> mtext_escape("Lô {A} 50%")
    'L\\\\U+00F4 \\\\U+007BA\\\\U+007D 50\\\\U+0025'
    >>> escaped = mtext_escape("aaaaaó", chunk=8)
    >>> escaped, [escaped[i : i + 8] for i in range(0, len(escaped), 8)]
    ('aaaaa{}{}\\\\U+00F3', ['aaaaa{}{', '}\\\\U+00F3'])
    """
    out: list[str] = []
    used = 0  # characters in the current piece
    for c in text:
        if c == "\n":
            token = "\\P"
        elif ord(c) > 126 or ord(c) < 32 or c in "\\{}%^":
            token = f"\\U+{ord(c):04X}" if ord(c) <= 0xFFFF else "\\U+FFFD"
        else:
            token = c
        free = chunk - used
        if len(token) > free:
            out.append("{}" * (free // 2) + ("{" if free % 2 else ""))
            out.append("}" if free % 2 else "")
            used = 1 if free % 2 else 0
        out.append(token)
        used += len(token)
    return "".join(out)


def _report_lost_columns(
    gdf: gpd.GeoDataFrame, tmp: Path, layer_col: str | None, label_col: str | None
) -> None:
    """Warn about the columns a drawing cannot hold."""
    kept = {layer_col, label_col}
    lost = [str(c) for c in gdf.columns if c != gdf.geometry.name and c not in kept]
    if not lost:
        return
    how = []
    if layer_col:
        how.append(f"{layer_col} is the CAD layer")
    if label_col:
        how.append(f"{label_col} the label")
    log.warning(
        "%s: a DXF drawing holds no attribute table%s; the column(s) %s are not in it; "
        "keep them in a GeoPackage beside it (--format gpkg)",
        tmp.name,
        f" ({', '.join(how)})" if how else "",
        ", ".join(lost),
    )


def _layer_names(gdf: gpd.GeoDataFrame, col: str | None, name: str, tmp: Path) -> list[str]:
    """Each feature's CAD layer: its value in `col` (the layer's name when empty), cleaned."""
    values = [
        name if col is None or _blank(v) else str(v)
        for v in (gdf[col] if col else [None] * len(gdf))
    ]
    cleaned = [_bmp(_FORBIDDEN.sub("_", v).strip()[:240]) or "0" for v in values]
    changed = sorted({v for v, c in zip(values, cleaned, strict=True) if v != c})
    if changed:
        log.warning(
            '%s: CAD layer names cannot hold <>/\\":;?*|=` , characters beyond U+FFFF, or '
            "more than 240 characters; the layer(s) %s were renamed (those characters became _)",
            tmp.name,
            ", ".join(repr(v) for v in changed[:5]) + (" ..." if len(changed) > 5 else ""),
        )
    return cleaned


def _labels(gdf: gpd.GeoDataFrame, col: str | None, tmp: Path) -> list[str | None]:
    """Each feature's label text, or None."""
    if col is None:
        return [None] * len(gdf)
    texts = [None if _blank(v) else str(v) for v in gdf[col]]
    wide = sum(1 for t in texts if t and t != _bmp(t))
    if wide:
        log.warning(
            "%s: %d label(s) hold characters beyond U+FFFF, which DXF text cannot carry; "
            "they are written as U+FFFD",
            tmp.name,
            wide,
        )
    return [mtext_escape(_bmp(t)) if t else None for t in texts]


def _blank(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value))) or value == ""


def _bmp(text: str) -> str:
    """Replace characters beyond the Basic Multilingual Plane, which ``\\U+XXXX`` cannot name."""
    return "".join(c if ord(c) <= 0xFFFF else "\ufffd" for c in text)


def _hatch_layer(layer: str) -> str:
    return f"{layer}-HATCH"


def _layer_colours(gdf: gpd.GeoDataFrame, col: str | None, layers: list[str]) -> dict[str, int]:
    """AutoCAD colour index per layer: the map's colour of a schema category, else a cycle."""
    from zoneplan.render.style import CATEGORY_STYLES

    out: dict[str, int] = {}
    values = gdf[col].tolist() if col else [None] * len(gdf)
    for value, layer in zip(values, layers, strict=True):
        if layer in out:
            continue
        style = CATEGORY_STYLES.get(str(value)) if value is not None else None
        out[layer] = _nearest_aci(style.fill) if style else _CYCLE[len(out) % len(_CYCLE)]
    return out


def _nearest_aci(hex_colour: str) -> int:
    """The AutoCAD colour index (1-255) nearest to ``#rrggbb``."""
    from ezdxf.colors import aci2rgb

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return min(
        range(1, 256),
        key=lambda i: sum((x - y) ** 2 for x, y in zip(aci2rgb(i), (r, g, b), strict=True)),
    )


def _polygons(geom: Any) -> Iterator[Any]:
    if geom is None or geom.is_empty:
        return
    if geom.geom_type == "Polygon":
        yield geom
    elif hasattr(geom, "geoms"):
        for part in geom.geoms:
            yield from _polygons(part)


def _add_geometry(msp: Any, geom: Any, layer: str, number: int, kind: str) -> None:
    """Add one feature's rings, lines and points, each tagged with its role."""
    attribs = {"layer": layer}
    if geom.geom_type == "Polygon":
        for role, ring in [("outer", geom.exterior)] + [("hole", r) for r in geom.interiors]:
            line = msp.add_lwpolyline(ring.coords[:-1], format="xy", close=True, dxfattribs=attribs)
            line.set_xdata(dxf.APPID, dxf.xdata(role, number, kind))  # type: ignore[arg-type]
    elif geom.geom_type == "LineString":
        line = msp.add_lwpolyline(geom.coords, format="xy", dxfattribs=attribs)
        line.set_xdata(dxf.APPID, dxf.xdata("line", number, kind))
    elif geom.geom_type == "Point":
        point = msp.add_point((geom.x, geom.y), dxfattribs=attribs)
        point.set_xdata(dxf.APPID, dxf.xdata("point", number, kind))
    else:
        for part in geom.geoms:
            if not part.is_empty:
                _add_geometry(msp, part, layer, number, kind)


def _add_hatch(msp: Any, polygon: Any, layer: str, number: int, kind: str) -> None:
    """A solid fill of one polygon, its holes left open, half transparent."""
    from ezdxf.lldxf.const import BOUNDARY_PATH_EXTERNAL, BOUNDARY_PATH_OUTERMOST

    fill = msp.add_hatch(color=256, dxfattribs={"layer": layer})
    fill.paths.add_polyline_path(
        polygon.exterior.coords[:-1], is_closed=True, flags=BOUNDARY_PATH_EXTERNAL
    )
    for ring in polygon.interiors:
        fill.paths.add_polyline_path(
            ring.coords[:-1], is_closed=True, flags=BOUNDARY_PATH_OUTERMOST
        )
    fill.transparency = 0.5
    fill.set_xdata(dxf.APPID, dxf.xdata("hatch", number, kind))


def _label_height(gdf: gpd.GeoDataFrame) -> float:
    """2.5 mm on paper at the smallest plot scale that fits the drawing on an A1 sheet."""
    x0, y0, x1, y1 = gdf.total_bounds if len(gdf) else (0.0, 0.0, 0.0, 0.0)
    extent = max(x1 - x0, y1 - y0)
    if not math.isfinite(extent):
        extent = 0.0
    scale = next((s for s in _SCALES if extent / s <= _SHEET_M), _SCALES[-1])
    return LABEL_HEIGHT_MM / 1000 * scale


def _label_point(geom: Any) -> tuple[float, float]:
    """Where a feature's label goes: inside its largest polygon, mid-line, or at the point."""
    polygons = list(_polygons(geom))
    if polygons:
        point = max(polygons, key=lambda p: p.area).point_on_surface()
    elif geom.geom_type in {"LineString", "MultiLineString"}:
        line = geom if geom.geom_type == "LineString" else max(geom.geoms, key=lambda g: g.length)
        point = line.interpolate(0.5, normalized=True)
    else:
        point = geom.representative_point()
    return point.x, point.y


def _add_text(
    msp: Any,
    text: str,
    layer: str,
    at: tuple[float, float],
    height: float,
    attachment: int,
    tag: list[tuple[int, Any]],
) -> None:
    """One MTEXT in zoneplan's text style, tagged; `attachment` 5 is middle centre, 1 top left."""
    entity = msp.add_mtext(
        text,
        dxfattribs={
            "layer": layer,
            "style": TEXT_STYLE,
            "char_height": height,
            "insert": at,
            "attachment_point": attachment,
        },
    )
    entity.set_xdata(dxf.APPID, tag)


def _state_crs(
    doc: Any,
    msp: Any,
    crs: pyproj.CRS,
    gdf: gpd.GeoDataFrame,
    height: float,
    layer_col: str | None,
    label_col: str | None,
) -> None:
    """The CRS in the drawing's properties and as a note below the drawing."""
    epsg = crs.to_epsg()
    props = doc.header.custom_vars
    props.append(dxf.PROPERTY_CRS, crs.name)
    if epsg:
        props.append(dxf.PROPERTY_EPSG, str(epsg))
    else:
        props.append(dxf.PROPERTY_PROJ, crs.to_proj4())
    props.append(dxf.PROPERTY_UNITS, "m")
    if layer_col:
        props.append(dxf.PROPERTY_LAYER_COLUMN, layer_col)
    if label_col:
        props.append(dxf.PROPERTY_LABEL_COLUMN, label_col)
    code = f" (EPSG:{epsg})" if epsg else ""
    note = mtext_escape(f"Hệ tọa độ / Coordinate system: {crs.name}{code}\nĐơn vị / Units: m")
    x0, y0 = (float(v) for v in gdf.total_bounds[:2]) if len(gdf) else (0.0, 0.0)
    if not (math.isfinite(x0) and math.isfinite(y0)):
        x0 = y0 = 0.0
    at = (x0, y0 - 2 * height)
    _add_text(msp, note, dxf.NOTE_LAYER, at, height, 1, dxf.xdata("note", -1, "Point"))
