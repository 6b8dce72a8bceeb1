"""
Layer styles that travel with the data: QGIS's ``layer_styles`` table in a GeoPackage.

QGIS keeps a layer's default style inside a GeoPackage in a table named
``layer_styles`` (one row per layer: the style as QML, QGIS's own XML, and as SLD,
OGC's Styled Layer Descriptor), and applies it when the layer is opened. `LayerStyle`
describes a style the way the map draws it (a categorised or graduated fill, line or
marker per class, and labels); `to_qml` and `to_sld` write it; `write_layer_styles`
adds the rows to a GeoPackage. `styled` builds the style of a layer styled by a column
(`zoneplan.render.classify`, the same classes as the map's legend); `category_style`
the category style of the shipped layers (`zoneplan.render.style`).

Labels in QML are drawn only where they fit inside the polygon and never over one
another, as on the map.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import pandas as pd

from zoneplan.render.layers import label_columns

if TYPE_CHECKING:
    import os
    from collections.abc import Mapping, Sequence

    import geopandas as gpd

    from zoneplan.render.classify import Classes, StyleBy

#: The QGIS version whose QML the files follow (the one of Debian 12); later versions read it.
QGIS_VERSION: Final = "3.22.16-Białowieża"
#: Name of QGIS's style table in a GeoPackage.
STYLE_TABLE: Final = "layer_styles"

Geometry = Literal["fill", "line", "marker"]


@dataclass(frozen=True)
class SymbolClass:
    """
    One class of a style.

    Parameters
    ----------
    label
        The legend text.
    fill, stroke
        ``#RRGGBB`` colours.
    fill_opacity
        0 to 1.
    stroke_width_px
        Outline or line width in pixels.
    value
        The value of a categorised class; None for the class of missing and other values.
    lower, upper
        The bounds of a graduated class.
    dash
        Dash pattern in pixels (``"6 4"``), or None.
    """

    label: str
    fill: str
    stroke: str
    fill_opacity: float = 0.8
    stroke_width_px: float = 0.6
    value: object = None
    lower: float | None = None
    upper: float | None = None
    dash: str | None = None


@dataclass(frozen=True)
class LayerStyle:
    """A categorised or graduated style of one layer, with optional labels."""

    name: str
    column: str
    kind: Literal["categorized", "graduated"]
    geometry: Geometry
    classes: list[SymbolClass] = field(default_factory=list)
    label_by: str | None = None


def geometry_kind(gdf: gpd.GeoDataFrame) -> Geometry:
    """Return the symbol kind of a layer: that of most of its features."""
    types = gdf.geom_type.dropna()
    if types.empty:
        return "fill"
    kinds = types.map(lambda t: "marker" if "Point" in t else "line" if "Line" in t else "fill")
    return str(kinds.value_counts().idxmax())  # type: ignore[return-value]


def styled(
    gdf: gpd.GeoDataFrame,
    spec: StyleBy,
    *,
    label_by: str | None = None,
    lang: str = "vi",
    name: str = "zoneplan",
) -> tuple[LayerStyle, Classes]:
    """
    Return the style of a layer coloured by a column, with the classes the map shows.

    Parameters
    ----------
    gdf
        The layer.
    spec
        How it is styled (the column, scheme ...).
    label_by
        The column of its labels.
    lang
        Language of the class labels.
    name
        The style's name.

    Returns
    -------
    style, classes
        The style, and `zoneplan.render.classify.classify` of the column.
    """
    from zoneplan.render.classify import class_rows, classify
    from zoneplan.render.thematic import CLASS_EDGE, CLASS_FILL_OPACITY, CLASS_WEIGHT

    classes = classify(gdf[spec.column], spec)
    rows = class_rows(classes, lang)
    out = []
    for cls, (text, alt) in zip(classes.classes, rows, strict=True):
        label = f"{text} ({alt})" if alt else text
        base = SymbolClass(
            label=label,
            fill=cls.fill,
            stroke=CLASS_EDGE,
            fill_opacity=CLASS_FILL_OPACITY,
            stroke_width_px=CLASS_WEIGHT,
        )
        if classes.kind == "numeric" and cls.bounds is not None:
            out.append(replace(base, lower=cls.bounds[0], upper=cls.bounds[1]))
        elif classes.kind != "numeric":
            out.append(replace(base, value=_plain(cls.key)))
    kind: Literal["categorized", "graduated"] = (
        "graduated" if classes.kind == "numeric" else "categorized"
    )
    geometry = geometry_kind(gdf)
    return LayerStyle(name, spec.column, kind, geometry, out, label_by), classes


def category_style(gdf: gpd.GeoDataFrame, *, name: str = "zoneplan") -> LayerStyle | None:
    """
    Return the category style of a shipped layer, as the map draws it; None without categories.

    Each category of the layer gets its colours, opacity, width and dash
    (`zoneplan.render.style.CATEGORY_STYLES`), labelled in Vietnamese and English.
    """
    from zoneplan.render.style import category_style as style_of
    from zoneplan.schema import CATEGORIES

    if "category" not in gdf.columns:
        return None
    values = [v for v in pd.unique(gdf["category"]) if isinstance(v, str)]
    if not values:
        return None
    out = []
    for value in values:
        st = style_of(value)
        vi, en = CATEGORIES.get(value, (value, value))
        out.append(
            SymbolClass(
                label=f"{vi} ({en})" if vi != en else vi,
                fill=st.fill,
                stroke=st.color,
                fill_opacity=st.fill_opacity,
                stroke_width_px=st.weight,
                value=value,
                dash=st.dash,
            )
        )
    return LayerStyle(name, "category", "categorized", geometry_kind(gdf), out)


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    return value


# ----------------------------------------------------------------- QML


def _rgba(hex_colour: str, alpha: float = 1.0) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{round(255 * min(max(alpha, 0.0), 1.0))}"


def _props(parent: ET.Element, values: dict[str, str]) -> None:
    for k, v in values.items():
        ET.SubElement(parent, "prop", k=k, v=v)


def _symbol(parent: ET.Element, index: int, cls: SymbolClass, geometry: Geometry) -> None:
    symbol = ET.SubElement(
        parent,
        "symbol",
        type=geometry,
        name=str(index),
        alpha="1",
        clip_to_extent="1",
        force_rhr="0",
    )
    dash = {"use_custom_dash": "1", "customdash": (cls.dash or "").replace(" ", ";")}
    dash_unit = {"customdash_unit": "Pixel"}
    if geometry == "fill":
        layer = ET.SubElement(symbol, "layer", _layer_attrs("SimpleFill"))
        props = {
            "color": _rgba(cls.fill, cls.fill_opacity),
            "outline_color": _rgba(cls.stroke),
            "outline_style": "dash" if cls.dash else "solid",
            "outline_width": f"{cls.stroke_width_px:g}",
            "outline_width_unit": "Pixel",
            "style": "solid",
            "joinstyle": "miter",
        }
    elif geometry == "line":
        layer = ET.SubElement(symbol, "layer", _layer_attrs("SimpleLine"))
        props = {
            "line_color": _rgba(cls.stroke),
            "line_width": f"{cls.stroke_width_px:g}",
            "line_width_unit": "Pixel",
            "line_style": "solid",
            "capstyle": "round",
            "joinstyle": "round",
            **(dash | dash_unit if cls.dash else {}),
        }
    else:
        layer = ET.SubElement(symbol, "layer", _layer_attrs("SimpleMarker"))
        props = {
            "name": "circle",
            "color": _rgba(cls.fill, 1.0),
            "outline_color": _rgba(cls.stroke),
            "outline_width": "1.5",
            "outline_width_unit": "Pixel",
            "size": "12",
            "size_unit": "Pixel",
        }
    _props(layer, props)


def _layer_attrs(kind: str) -> dict[str, str]:
    return {"class": kind, "enabled": "1", "pass": "0", "locked": "0"}


def to_qml(style: LayerStyle) -> str:
    """
    Return the style as QGIS QML: the renderer, its symbols and the labels.

    Categorised classes become ``<category>`` elements (the class of missing values
    has the empty value, which QGIS gives every value not listed); graduated ones
    ``<range>`` elements with their bounds.
    """
    root = ET.Element(
        "qgis",
        version=QGIS_VERSION,
        styleCategories="Symbology|Labeling",
        labelsEnabled="1" if style.label_by else "0",
    )
    renderer = ET.SubElement(
        root,
        "renderer-v2",
        type="categorizedSymbol" if style.kind == "categorized" else "graduatedSymbol",
        attr=style.column,
        symbollevels="0",
        enableorderby="0",
        forceraster="0",
    )
    if style.kind == "categorized":
        items = ET.SubElement(renderer, "categories")
        for i, cls in enumerate(style.classes):
            ET.SubElement(
                items,
                "category",
                render="true",
                symbol=str(i),
                value="" if cls.value is None else str(cls.value),
                label=cls.label,
            )
    else:
        items = ET.SubElement(renderer, "ranges")
        for i, cls in enumerate(style.classes):
            ET.SubElement(
                items,
                "range",
                render="true",
                symbol=str(i),
                lower=repr(float(cls.lower or 0.0)),
                upper=repr(float(cls.upper or 0.0)),
                label=cls.label,
            )
        ET.SubElement(renderer, "mode", name="manual")
    symbols = ET.SubElement(renderer, "symbols")
    for i, cls in enumerate(style.classes):
        _symbol(symbols, i, cls, style.geometry)
    if style.label_by:
        _labeling(root, style.label_by)
    geometry_type = {"marker": "0", "line": "1", "fill": "2"}[style.geometry]
    ET.SubElement(root, "layerGeometryType").text = geometry_type
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body + "\n"


def label_expression(columns: Sequence[str]) -> str:
    r"""
    Return the QGIS expression of a label of several columns, one line each.

    Examples
    --------
    >>> print(label_expression(["so_thua", "loai dat"]))
    concat("so_thua", '\n', "loai dat")
    """
    quoted = ['"' + c.replace('"', '""') + '"' for c in columns]
    return "concat(" + ", '\\n', ".join(quoted) + ")"


def _labeling(root: ET.Element, label_by: str) -> None:
    """Simple labels of columns: inside the feature where they fit, never overlapping."""
    columns = label_columns(label_by)
    labeling = ET.SubElement(root, "labeling", type="simple")
    settings = ET.SubElement(labeling, "settings", calloutType="simple")
    text = ET.SubElement(
        settings,
        "text-style",
        fieldName=columns[0] if len(columns) == 1 else label_expression(columns),
        isExpression="0" if len(columns) == 1 else "1",
        fontFamily="DejaVu Sans",
        fontSize="8",
        fontSizeUnit="Point",
        fontWeight="63",
        namedStyle="Bold",
        textColor="17,17,17,255",
        textOpacity="1",
    )
    ET.SubElement(
        text,
        "text-buffer",
        bufferDraw="1",
        bufferSize="0.8",
        bufferSizeUnits="MM",
        bufferColor="255,255,255,255",
        bufferOpacity="1",
    )
    # placement 1: over the point inside the polygon; fitInPolygonOnly: only where it fits
    ET.SubElement(
        settings,
        "placement",
        placement="1",
        fitInPolygonOnly="1",
        centroidInside="1",
        centroidWhole="0",
    )
    # displayAll 0 and obstacles: QGIS drops a label rather than overlap another
    ET.SubElement(
        settings, "rendering", displayAll="0", obstacle="1", obstacleType="1", upsidedownLabels="0"
    )


# ----------------------------------------------------------------- SLD

_SLD_NS: Final = {
    "": "http://www.opengis.net/sld",
    "ogc": "http://www.opengis.net/ogc",
    "se": "http://www.opengis.net/se",
    "xlink": "http://www.w3.org/1999/xlink",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}


def _q(prefix: str, tag: str) -> str:
    return f"{{{_SLD_NS[prefix]}}}{tag}"


def _svg(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, _q("se", "SvgParameter"), name=name).text = value


def _comparison(parent: ET.Element, op: str, column: str, value: object) -> None:
    node = ET.SubElement(parent, _q("ogc", op))
    ET.SubElement(node, _q("ogc", "PropertyName")).text = column
    ET.SubElement(node, _q("ogc", "Literal")).text = str(value)


def to_sld(style: LayerStyle, layer_name: str) -> str:
    """
    Return the style as an OGC SLD 1.1 document: one rule per class, and the labels.

    Categorised classes filter on equality (missing values on ``PropertyIsNull``),
    graduated ones on ``lower < value <= upper`` (the first class includes its lower bound).
    """
    for prefix, uri in _SLD_NS.items():
        ET.register_namespace(prefix, uri)
    root = ET.Element(
        _q("", "StyledLayerDescriptor"),
        {
            "version": "1.1.0",
            _q("xsi", "schemaLocation"): "http://www.opengis.net/sld "
            "http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd",
        },
    )
    named = ET.SubElement(root, _q("", "NamedLayer"))
    ET.SubElement(named, _q("se", "Name")).text = layer_name
    user = ET.SubElement(named, _q("", "UserStyle"))
    ET.SubElement(user, _q("se", "Name")).text = style.name
    fts = ET.SubElement(user, _q("se", "FeatureTypeStyle"))
    for i, cls in enumerate(style.classes):
        rule = ET.SubElement(fts, _q("se", "Rule"))
        ET.SubElement(rule, _q("se", "Name")).text = cls.label
        desc = ET.SubElement(rule, _q("se", "Description"))
        ET.SubElement(desc, _q("se", "Title")).text = cls.label
        flt = ET.SubElement(rule, _q("ogc", "Filter"))
        if style.kind == "categorized":
            if cls.value is None:
                null = ET.SubElement(flt, _q("ogc", "PropertyIsNull"))
                ET.SubElement(null, _q("ogc", "PropertyName")).text = style.column
            else:
                _comparison(flt, "PropertyIsEqualTo", style.column, cls.value)
        else:
            both = ET.SubElement(flt, _q("ogc", "And"))
            low = "PropertyIsGreaterThanOrEqualTo" if i == 0 else "PropertyIsGreaterThan"
            _comparison(both, low, style.column, cls.lower)
            _comparison(both, "PropertyIsLessThanOrEqualTo", style.column, cls.upper)
        _sld_symbolizer(rule, cls, style.geometry)
    if style.label_by:
        rule = ET.SubElement(fts, _q("se", "Rule"))
        text = ET.SubElement(rule, _q("se", "TextSymbolizer"))
        label = ET.SubElement(text, _q("se", "Label"))
        # mixed content: the columns' values with a line break between them
        names = [
            ET.SubElement(label, _q("ogc", "PropertyName")) for _ in label_columns(style.label_by)
        ]
        for name, column in zip(names, label_columns(style.label_by), strict=True):
            name.text = column
        font = ET.SubElement(text, _q("se", "Font"))
        _svg(font, "font-family", "DejaVu Sans")
        _svg(font, "font-size", "11")
        _svg(font, "font-weight", "bold")
        halo = ET.SubElement(text, _q("se", "Halo"))
        ET.SubElement(halo, _q("se", "Radius")).text = "2"
        fill = ET.SubElement(halo, _q("se", "Fill"))
        _svg(fill, "fill", "#FFFFFF")
        fill = ET.SubElement(text, _q("se", "Fill"))
        _svg(fill, "fill", "#111111")
    ET.indent(root)
    for label in root.iter(_q("se", "Label")):  # mixed content: a line break between columns
        names = list(label)
        label.text = None
        for i, name in enumerate(names):
            name.tail = "\n" if i < len(names) - 1 else None
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _sld_symbolizer(rule: ET.Element, cls: SymbolClass, geometry: Geometry) -> None:
    if geometry == "fill":
        sym = ET.SubElement(rule, _q("se", "PolygonSymbolizer"))
        fill = ET.SubElement(sym, _q("se", "Fill"))
        _svg(fill, "fill", cls.fill)
        _svg(fill, "fill-opacity", f"{cls.fill_opacity:g}")
        stroke = ET.SubElement(sym, _q("se", "Stroke"))
    elif geometry == "line":
        sym = ET.SubElement(rule, _q("se", "LineSymbolizer"))
        stroke = ET.SubElement(sym, _q("se", "Stroke"))
    else:
        sym = ET.SubElement(rule, _q("se", "PointSymbolizer"))
        graphic = ET.SubElement(sym, _q("se", "Graphic"))
        mark = ET.SubElement(graphic, _q("se", "Mark"))
        ET.SubElement(mark, _q("se", "WellKnownName")).text = "circle"
        fill = ET.SubElement(mark, _q("se", "Fill"))
        _svg(fill, "fill", cls.fill)
        stroke = ET.SubElement(mark, _q("se", "Stroke"))
        ET.SubElement(graphic, _q("se", "Size")).text = "12"
    _svg(stroke, "stroke", cls.stroke)
    _svg(stroke, "stroke-width", f"{cls.stroke_width_px:g}")
    if cls.dash:
        _svg(stroke, "stroke-dasharray", cls.dash)


# ----------------------------------------------------------------- the table


def write_layer_styles(
    path: str | os.PathLike[str],
    styles: Mapping[str, LayerStyle],
    *,
    geometry_column: str = "geom",
) -> None:
    """
    Add QGIS's ``layer_styles`` table to a GeoPackage: one default style per layer.

    Parameters
    ----------
    path
        The GeoPackage (written by GDAL, whose geometry column is ``geom``).
    styles
        Table name → style; each becomes the table's default style, with its QML
        and SLD.
    geometry_column
        The layers' geometry column.
    """
    import pyogrio

    now = pd.Timestamp(dt.datetime.now(dt.UTC).replace(microsecond=0))  # GeoPackage: UTC, Z
    rows = pd.DataFrame(
        {
            "f_table_catalog": ["" for _ in styles],
            "f_table_schema": ["" for _ in styles],
            "f_table_name": list(styles),
            "f_geometry_column": [geometry_column for _ in styles],
            "styleName": [s.name for s in styles.values()],
            "styleQML": [to_qml(s) for s in styles.values()],
            "styleSLD": [to_sld(s, name) for name, s in styles.items()],
            "useAsDefault": [True for _ in styles],
            "description": [f"zoneplan: {s.kind} by {s.column}" for s in styles.values()],
            "owner": ["" for _ in styles],
            "ui": [None for _ in styles],
            "update_time": [now for _ in styles],
        }
    )
    pyogrio.write_dataframe(
        rows, path, layer=STYLE_TABLE, driver="GPKG", layer_options={"FID": "id"}
    )


def read_layer_styles(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Return the ``layer_styles`` table of a GeoPackage (empty when it has none)."""
    import sqlite3

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        found = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (STYLE_TABLE,)
        ).fetchone()
        if not found:
            return pd.DataFrame()
        return pd.read_sql_query(f"SELECT * FROM {STYLE_TABLE}", con)
