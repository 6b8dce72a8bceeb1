"""
The data block of the planning map: layers, measured values, labels, basemaps.

Everything the viewer shows travels as one JSON document inside
``<script type="application/json">``, escaped so that no value can end the
element, and the viewer reads it with ``JSON.parse``. Data never becomes code
or markup: the JavaScript sets every string as text.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import xyzservices.providers as xyz

from zoneplan import crs as zcrs
from zoneplan.areas import measure_features
from zoneplan.render.biglayer import BigLayerBlock, encode_big_layer
from zoneplan.render.i18n import BASEMAP_LABELS, Lang, label, strings, vocabulary
from zoneplan.render.style import CATEGORY_STYLES, DEFAULT_STYLE, layer_style
from zoneplan.schema import CATEGORIES, GROUPS, PHASES, REQUIRED_NAMES

#: Group of the user's own layers in the layer control.
USER_GROUP: Final = "user"
#: Prefix of the ids of the script elements holding big-layer blocks.
BIG_ELEMENT_PREFIX: Final = "zoneplan-big-"
#: Decimal places kept in embedded coordinates (about 1 cm).
COORD_DECIMALS: Final = 7
#: Property names tried, in order, for a feature's name when it has no name_vi/name_en
#: ("Layer" last: a DXF drawing names its shapes by their CAD layer).
NAME_FALLBACKS: Final[tuple[str, ...]] = (
    "name",
    "Name",
    "NAME",
    "ten",
    "Ten",
    "TEN",
    "id",
    "Layer",
)

_JSON_ESCAPES: Final = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class MapLayer:
    """
    One layer of the map.

    Parameters
    ----------
    id
        Layer id (catalog id, or the file name of a user layer).
    title_vi, title_en
        Titles in the layer control.
    group
        A key of `zoneplan.schema.GROUPS`, or ``"user"``.
    gdf
        The features, in any CRS.
    visible
        Whether the layer is on when the map opens.
    style
        Catalog style overrides (``weight``, ``fill_opacity``, ``dash``).
    big
        Draw the layer with the big-layer renderer (`zoneplan.render.biglayer`):
        compressed typed arrays on canvas tiles instead of GeoJSON and SVG.
    """

    id: str
    title_vi: str
    title_en: str
    group: str
    gdf: gpd.GeoDataFrame
    visible: bool = True
    style: dict[str, Any] = field(default_factory=dict)
    big: bool = False

    def title(self, lang: Lang) -> str:
        """Return the title in ``"vi"`` or ``"en"``."""
        return self.title_vi if lang == "vi" else self.title_en


def embed_json(value: Any) -> str:
    """
    Serialize `value` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>``, ``&``, U+2028, U+2029 and lone surrogates become ``\\uXXXX``
    escapes, which JSON reads back as the same characters, so no value can close
    the element or open a comment.

    Parameters
    ----------
    value
        A JSON-ready value without NaN or infinity.

    Returns
    -------
    text
        Compact JSON.

    Examples
    --------
    >>> embed_json({"name": "</script><b>"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    text = text.translate(_JSON_ESCAPES)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def json_value(value: Any) -> Any:
    """
    Turn a property value into a JSON value.

    Parameters
    ----------
    value
        Anything a GeoDataFrame column may hold.

    Returns
    -------
    value
        None for missing values and non-finite numbers, Python scalars for numpy
        ones, ISO text for dates, lists and dicts converted item by item, and
        ``str(value)`` for anything else.

    Examples
    --------
    >>> json_value(np.float64("nan")), json_value(np.int64(3)), json_value(dt.date(2025, 1, 2))
    (None, 3, '2025-01-02')
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [json_value(v) for v in value]
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _name(props: dict[str, Any], key: str) -> str:
    """Return a feature's name in one language, falling back to other name columns."""
    for candidate in (key, *NAME_FALLBACKS):
        value = props.get(candidate)
        if value is not None and str(value).strip():
            return str(value)
    return ""


def _lonlat(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Return the geometries in WGS 84 lon/lat (VN-2000 through the pinned transformation)."""
    return zcrs.to_wgs84(gdf) if gdf.crs else np.asarray(gdf.geometry.values, dtype=object)


def _geometries(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Return the geometries in EPSG:4326, 2D, rounded to `COORD_DECIMALS`."""
    flat = shapely.force_2d(_lonlat(gdf))
    return shapely.transform(flat, lambda xy: np.round(xy, COORD_DECIMALS))


def _kind(geom_type: str) -> str:
    """Return the legend swatch kind of a geometry type."""
    if "Point" in geom_type:
        return "point"
    if "Line" in geom_type:
        return "line"
    return "fill"


class _Registry:
    """Categories and phases met while building the features, with stable indexes."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self.categories: dict[tuple[str, str], int] = {}
        self.cat_rows: list[dict[str, Any]] = []
        self.kinds: list[Counter[str]] = []
        for key in CATEGORIES:
            self._add(("schema", key), label(CATEGORIES, key, lang), CATEGORY_STYLES[key].to_dict())
        self.phases = list(PHASES)

    def _add(self, key: tuple[str, str], text: str, style: dict[str, Any]) -> int:
        self.categories[key] = len(self.cat_rows)
        self.cat_rows.append({"label": text, "style": style})
        self.kinds.append(Counter())
        return self.categories[key]

    def category(self, value: Any, layer_title: str, geom_type: str) -> int:
        """Return the index of a feature's category, adding unknown ones."""
        return self.category_count(value, layer_title, geom_type, 1)

    def category_count(self, value: Any, layer_title: str, geom_type: str, count: int) -> int:
        """Return the index of the category of `count` features of one geometry type."""
        if isinstance(value, str) and value in CATEGORIES:
            key = ("schema", value)
        elif value is None or (isinstance(value, str) and not value.strip()):
            key = ("layer", layer_title)
        else:
            key = ("value", str(value))
        index = self.categories.get(key)
        if index is None:
            index = self._add(key, key[1], DEFAULT_STYLE.to_dict())
        self.kinds[index][_kind(geom_type)] += count
        return index

    def phase(self, value: Any) -> int:
        """Return the index of a feature's phase; unknown or missing phases count as none."""
        key = value if isinstance(value, str) and value in PHASES else "none"
        return self.phases.index(key)

    def category_payload(self) -> list[dict[str, Any]]:
        """Return the categories with the swatch kind most of their features have."""
        return [
            {**row, "kind": kinds.most_common(1)[0][0] if kinds else "fill"}
            for row, kinds in zip(self.cat_rows, self.kinds, strict=True)
        ]


def feature_collection(layer: MapLayer, registry: _Registry) -> dict[str, Any]:
    """
    Build the GeoJSON of one layer, each feature with its measured values.

    Parameters
    ----------
    layer
        The layer.
    registry
        Category and phase indexes shared by all layers of the map.

    Returns
    -------
    collection
        A FeatureCollection in EPSG:4326; each feature has a ``zp`` member with
        ``cat``, ``phase``, ``names`` ([vi, en]), ``area_ha`` (VN-2000 planar),
        ``length_km`` and ``declared_ha``. Features without geometry are left out.
    """
    gdf = layer.gdf
    measured = measure_features(gdf)
    areas = measured["area_ha_vn2000"].to_numpy()
    lengths = measured["length_km_vn2000"].to_numpy()
    geoms = _geometries(gdf)
    geo_json = shapely.to_geojson(geoms)
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    records = gdf[columns].to_dict("records")
    title = layer.title(registry.lang)
    features = []
    for i, (geom, text, raw) in enumerate(zip(geoms, geo_json, records, strict=True)):
        if geom is None or shapely.is_empty(geom):
            continue
        props = {str(k): json_value(v) for k, v in raw.items()}
        declared = props.get("declared_area_ha")
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(text),
                "properties": props,
                "zp": {
                    "cat": registry.category(props.get("category"), title, geom.geom_type),
                    "phase": registry.phase(props.get("phase")),
                    "names": [_name(props, "name_vi"), _name(props, "name_en")],
                    "area_ha": json_value(areas[i]),
                    "length_km": json_value(lengths[i]),
                    "declared_ha": json_value(declared)
                    if isinstance(declared, int | float) and not isinstance(declared, bool)
                    else None,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def basemap_specs(lang: Lang) -> list[dict[str, Any]]:
    """
    Return the basemaps of the map: OpenStreetMap, Esri imagery, CARTO Positron.

    Parameters
    ----------
    lang
        ``"vi"`` or ``"en"``, for the names.

    Returns
    -------
    basemaps
        Each with ``key``, ``label``, ``url`` (a Leaflet URL template),
        ``attribution`` (plain text; the viewer escapes it), ``subdomains`` and
        ``max_zoom``.
    """
    providers = (
        ("osm", xyz.OpenStreetMap.Mapnik),
        ("imagery", xyz.Esri.WorldImagery),
        ("light", xyz.CartoDB.Positron),
    )
    out = []
    for key, provider in providers:
        with warnings.catch_warnings():
            # xyzservices warns that CARTO may ask for an API key; the keyless URL still serves.
            warnings.filterwarnings("ignore", message="CartoDB tiles", category=UserWarning)
            url = provider.build_url(fill_subdomain=False)
        out.append(
            {
                "key": key,
                "label": BASEMAP_LABELS[lang][key],
                "url": url,
                "attribution": str(provider.get("attribution", "")).replace("(C)", "©"),
                "subdomains": str(provider.get("subdomains", "abc")),
                "max_zoom": int(provider.get("max_zoom") or 19),
            }
        )
    return out


def fit_bounds(layers: list[MapLayer]) -> list[list[float]] | None:
    """
    Return the bounds the map opens on: the zone layers, else every layer.

    Parameters
    ----------
    layers
        The map's layers.

    Returns
    -------
    bounds
        ``[[south, west], [north, east]]`` in degrees, or None without features.
    """
    zone = [ly for ly in layers if ly.group == "zone"] or layers
    boxes = [shapely.total_bounds(_lonlat(ly.gdf)) for ly in zone if len(ly.gdf)]
    boxes = [b for b in boxes if np.all(np.isfinite(b))]
    if not boxes:
        return None
    arr = np.array(boxes)
    west, south = arr[:, 0].min(), arr[:, 1].min()
    east, north = arr[:, 2].max(), arr[:, 3].max()
    return [[float(south), float(west)], [float(north), float(east)]]


def big_layer_row(
    layer: MapLayer, registry: _Registry, element_id: str, *, progress: bool = False
) -> tuple[dict, BigLayerBlock]:
    """
    Pack a layer for the big-layer renderer.

    Parameters
    ----------
    layer
        The layer.
    registry
        Category and phase indexes shared by all layers of the map.
    element_id
        id of the script element that will hold the block.
    progress
        Show progress bars of measuring and packing on standard error.

    Returns
    -------
    header, block
        The block's header (``element`` names the script element) and the block.
    """
    measured = measure_features(layer.gdf, progress=progress)
    block = encode_big_layer(layer, registry, _geometries(layer.gdf), measured, progress=progress)
    return {**block.header, "element": element_id}, block


def map_payload(
    layers: list[MapLayer],
    lang: Lang,
    blocks: list[tuple[str, BigLayerBlock]] | None = None,
    *,
    progress: bool = False,
) -> dict[str, Any]:
    """
    Build the whole data block of the map.

    Parameters
    ----------
    layers
        The layers in draw order (lowest first).
    lang
        ``"vi"`` or ``"en"``.
    blocks
        Receives ``(element id, block)`` for each big layer; the page must carry
        each block in a ``<script type="application/octet-stream">`` element of
        that id. Required when a layer is big.
    progress
        Show progress bars while big layers are measured and packed.

    Returns
    -------
    payload
        The document the viewer's ``zoneplan.init`` reads.
    """
    registry = _Registry(lang)
    layer_rows = []
    for index, layer in enumerate(layers):
        row: dict[str, Any] = {
            "title": layer.title(lang),
            "group": layer.group,
            "visible": bool(layer.visible),
            "style": layer_style(layer.style),
        }
        if layer.big:
            if blocks is None:
                msg = "map_payload needs a blocks list for big layers"
                raise ValueError(msg)
            element_id = f"{BIG_ELEMENT_PREFIX}{index}"
            row["big"], block = big_layer_row(layer, registry, element_id, progress=progress)
            blocks.append((element_id, block))
        else:
            row["data"] = feature_collection(layer, registry)
        layer_rows.append(row)
    groups = [{"key": k, "label": label(GROUPS, k, lang)} for k in GROUPS]
    groups.append({"key": USER_GROUP, "label": strings(lang)["user_group"]})
    labels = vocabulary(lang)
    return {
        "lang": lang,
        "locale": "vi-VN" if lang == "vi" else "en-GB",
        "t": strings(lang),
        "labels": labels,
        "categories": registry.category_payload(),
        "phases": [{"key": k, "label": labels["phases"][k]} for k in registry.phases],
        "groups": groups,
        "basemaps": basemap_specs(lang),
        "known_properties": list(REQUIRED_NAMES),
        "layers": layer_rows,
        "fit": fit_bounds(layers),
    }
