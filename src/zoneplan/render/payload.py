"""
The data block of the planning map: layers, measured values, labels, basemaps.

Everything the viewer shows travels as one JSON document inside
``<script type="application/json">``, escaped so that no value can end the
element, and the viewer reads it with ``JSON.parse``. Data never becomes code
or markup: the JavaScript sets every string as text.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Final

import numpy as np
import pandas as pd
import shapely
import xyzservices.providers as xyz

from zoneplan import crs as zcrs
from zoneplan.areas import measure_features, measure_for_map
from zoneplan.events import EventDate, EventLog
from zoneplan.render.biglayer import BigLayerBlock, encode_big_layer
from zoneplan.render.i18n import BASEMAP_LABELS, Lang, date_text, label, strings, vocabulary
from zoneplan.render.layers import (
    MEASURE_DECIMALS,
    LayerRegistry,
    MapLayer,
    Measuring,
    feature_names,
    json_value,
    map_geometries,
    wgs84_geometries,
)
from zoneplan.render.style import STATUS_STYLES, layer_style
from zoneplan.render.timeline import layer_time, time_payload
from zoneplan.schema import EVENT_KINDS, GROUPS, KIND_STATUS, REQUIRED_NAMES

#: Group of the user's own layers in the layer control.
USER_GROUP: Final = "user"
#: Prefix of the ids of the script elements holding big-layer blocks.
BIG_ELEMENT_PREFIX: Final = "zoneplan-big-"
_JSON_ESCAPES: Final = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)
_SURROGATE = re.compile("[\ud800-\udfff]")


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


def feature_collection(
    layer: MapLayer,
    registry: LayerRegistry,
    *,
    measured: pd.DataFrame | None = None,
    categories: np.ndarray | None = None,
) -> dict[str, Any]:
    """
    Build the GeoJSON of one layer, each feature with its measured values.

    Parameters
    ----------
    layer
        The layer.
    registry
        Category and phase indexes shared by all layers of the map.
    measured
        `zoneplan.areas.measure_features` of the layer, if already done.
    categories
        The category of each feature (a styled layer's classes); from its
        ``category`` column when None. The features of a labelled layer
        (`MapLayer.label_by`) also carry ``zp.lp``, where the label goes ([lon, lat]).

    Returns
    -------
    collection
        A FeatureCollection in EPSG:4326; each feature has a ``zp`` member with
        ``cat``, ``phase``, ``status`` (-1 for none), ``names`` ([vi, en]),
        ``area_ha`` (VN-2000 planar), ``length_km``, ``declared_ha``, ``as_of_text``
        and ``events`` (its timeline, newest first; `timeline_records`). Features
        without geometry are left out.
    """
    from zoneplan.render.thematic import label_points

    gdf = layer.gdf
    if measured is None:
        measured = measure_features(gdf)
    areas = np.round(measured["area_ha_vn2000"].to_numpy(dtype=float), MEASURE_DECIMALS)
    lengths = np.round(measured["length_km_vn2000"].to_numpy(dtype=float), MEASURE_DECIMALS)
    geoms = map_geometries(gdf)
    geo_json = shapely.to_geojson(geoms)
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    frame = pd.DataFrame(gdf[columns])
    records = frame.to_dict("records")
    names_vi = feature_names(frame, "name_vi").to_numpy()
    names_en = feature_names(frame, "name_en").to_numpy()
    title = layer.title(registry.lang)
    points = label_points(geoms) if layer.label_by else None
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
                    "cat": int(categories[i])
                    if categories is not None
                    else registry.category(props.get("category"), title, geom.geom_type),
                    "phase": registry.phase(props.get("phase")),
                    "status": registry.status(props.get("status")),
                    "as_of_text": _date_text(props.get("as_of"), registry.lang),
                    "events": timeline_records(layer.events, props.get("id"), registry.lang),
                    "names": [names_vi[i], names_en[i]],
                    "area_ha": json_value(areas[i]),
                    "length_km": json_value(lengths[i]),
                    "declared_ha": json_value(declared)
                    if isinstance(declared, int | float) and not isinstance(declared, bool)
                    else None,
                },
            }
        )
        if points is not None:  # a labelled layer: where the label goes
            features[-1]["zp"]["lp"] = json_value(points[i].tolist())
    return {"type": "FeatureCollection", "features": features}


def _date_text(value: Any, lang: Lang) -> str | None:
    """A date property as the map shows it, or None when it is not an ISO date."""
    if not isinstance(value, str):
        return None
    try:
        return date_text(value, lang)
    except ValueError:
        return None


def timeline_records(log: EventLog | None, feature_id: Any, lang: Lang) -> list[dict[str, Any]]:
    """
    Return a feature's dated events, newest first, as its popup shows them.

    Parameters
    ----------
    log
        The layer's events (`MapLayer.events`); None for a user's layer.
    feature_id
        The feature's ``id``.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    events
        Each with ``date`` (ISO, at its precision), ``precision``, ``date_text``,
        ``kind``, ``kind_label``, ``text``, ``decision``, ``url`` and ``conflict``.
    """
    if log is None or not isinstance(feature_id, str):
        return []
    return [
        {
            "date": e.date.text,
            "precision": e.date.precision,
            "date_text": date_text(e.date, lang),
            "kind": e.kind,
            "kind_label": label(EVENT_KINDS, e.kind, lang),
            "text": e.text(lang),
            "decision": e.decision,
            "url": e.source_url,
            "conflict": e.conflict,
        }
        for e in log.timeline(feature_id, newest_first=True)
    ]


def facts_date(layers: list[MapLayer], lang: Lang) -> dict[str, str] | None:
    """
    Return the facts date of the map's layers for the title block, or None.

    The latest ``facts_as_of`` of the layers (the catalog's), with its text:
    "Số liệu đến ngày 30/11/2026" / "Facts as of 30 Nov 2026".
    """
    dates = []
    for ly in layers:
        try:
            dates.append(EventDate.parse(ly.facts_as_of or ""))
        except ValueError:
            continue  # no date, or not an ISO date: the title block says nothing
    if not dates:
        return None
    latest = max(dates, key=lambda d: d.sort_key)
    text = strings(lang)["facts_as_of"].format(date=date_text(latest, lang))
    return {"date": latest.text, "text": text}


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
    boxes = [shapely.total_bounds(wgs84_geometries(ly.gdf)) for ly in zone if len(ly.gdf)]
    boxes = [b for b in boxes if np.all(np.isfinite(b))]
    if not boxes:
        return None
    arr = np.array(boxes)
    west, south = arr[:, 0].min(), arr[:, 1].min()
    east, north = arr[:, 2].max(), arr[:, 3].max()
    return [[float(south), float(west)], [float(north), float(east)]]


def big_layer_row(
    layer: MapLayer,
    registry: LayerRegistry,
    element_id: str,
    *,
    progress: bool = False,
    measured: pd.DataFrame | None = None,
    categories: np.ndarray | None = None,
) -> tuple[dict[str, Any], BigLayerBlock]:
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
    measured
        `zoneplan.areas.measure_features` of the layer, if already done.
    categories
        The category of each feature (a styled layer's classes).

    Returns
    -------
    header, block
        The block's header (``element`` names the script element) and the block.
    """
    if measured is not None:
        lonlat = map_geometries(layer.gdf)
        block = encode_big_layer(
            layer, registry, lonlat, measured, progress=progress, categories=categories
        )
        return {**block.header, "element": element_id}, block
    # the encoder quantises the lon/lat geometries as the GeoJSON path rounds them
    # (map_geometries), in 2D; the measuring (PROJ lets go of the GIL) runs on another
    # thread while the geometry is packed
    ahead = layer.measuring
    if ahead is None or ahead.gdf is not layer.gdf:
        ahead = _start_measuring(layer, progress=progress)
    block = encode_big_layer(
        layer,
        registry,
        ahead.lonlat,
        lambda: ahead.measures.result()[1],
        progress=progress,
        categories=categories,
    )
    return {**block.header, "element": element_id}, block


def measure_ahead(layer: MapLayer, *, progress: bool = False) -> MapLayer:
    """
    Start measuring a big layer now, on another thread, for `big_layer_row` to pack later.

    `zoneplan.areas.measure_for_map` (the VN-2000 areas and lengths the map shows)
    is the slow part of a big layer after reading; started as soon as the layer is
    read and validated, it runs while the map's other layers are read and made.

    Parameters
    ----------
    layer
        A layer; only a big one (`MapLayer.big`) without `MapLayer.style_by` (those
        are measured whole, `zoneplan.areas.measure_features`) is measured.
    progress
        Show the measuring's progress bar on standard error.

    Returns
    -------
    layer
        The layer with `MapLayer.measuring` set, or as it was.
    """
    if not layer.big or layer.style_by is not None or layer.measuring is not None:
        return layer
    return replace(layer, measuring=_start_measuring(layer, progress=progress))


def _start_measuring(layer: MapLayer, *, progress: bool) -> Measuring:
    """`measure_ahead`'s thread: the layer's lon/lat now, `measure_for_map` on the thread."""
    from concurrent.futures import ThreadPoolExecutor

    lonlat = zcrs.to_wgs84(layer.gdf)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="measuring")
    measures = pool.submit(
        measure_for_map, layer.gdf, progress=progress, valid=layer.valid, lonlat=lonlat
    )
    pool.shutdown(wait=False)  # the thread ends with the measuring
    return Measuring(gdf=layer.gdf, lonlat=lonlat, measures=measures)


def swipe_payload(layers: Sequence[MapLayer], lang: Lang) -> dict[str, Any] | None:
    """
    Return the swipe between two versions: the titles of the left and right layers.

    None unless some layer is drawn on one side only (`MapLayer.side`).
    """
    sides = {s: [ly.title(lang) for ly in layers if ly.side == s] for s in ("left", "right")}
    if not sides["left"] and not sides["right"]:
        return None
    return {"labels": [", ".join(sides["left"]), ", ".join(sides["right"])]}


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
        The document the viewer's ``zoneplan.init`` reads. Besides the layers:
        ``statuses`` (key, label, outline style), ``event_kinds`` (key, label and the
        status an event of that kind gives, `zoneplan.schema.KIND_STATUS`, so a status
        on any date can be computed from the features' ``zp.events``),
        ``facts_as_of`` (date and title-block text, or None) and ``time`` (the date
        slider's range, stops and marks, `zoneplan.render.timeline.time_payload`; None
        when no layer has dates). A layer read with a date column has ``time``
        (`zoneplan.render.timeline.layer_time`).
    """
    from zoneplan.render.thematic import check_columns, feature_phases, style_layer

    registry = LayerRegistry(lang)
    times = [layer_time(layer) for layer in layers]  # bad dates refused first
    # big layers measured on another thread while the layers before them are made
    layers = [measure_ahead(layer, progress=progress) for layer in layers]
    layer_rows = []
    for index, layer in enumerate(layers):
        row: dict[str, Any] = {
            "title": layer.title(lang),
            "group": layer.group,
            "visible": bool(layer.visible),
            "style": layer_style(layer.style),
        }
        check_columns(layer)
        measured, categories = None, None
        if layer.style_by is not None:
            measured = measure_features(layer.gdf, progress=progress and layer.big)
            styled = style_layer(
                layer,
                registry,
                measured["area_ha_vn2000"].to_numpy(dtype=float),
                feature_phases(layer.gdf, registry),
            )
            categories = styled.categories
            row["thematic"] = styled.payload()
        if layer.label_columns:
            row["label_by"] = list(layer.label_columns)
        if layer.search_by:
            row["search_by"] = list(layer.search_by)
        if times[index] is not None:
            row["time"] = times[index]
        if layer.side is not None:
            row["side"] = layer.side
        if layer.big:
            if blocks is None:
                msg = "map_payload needs a blocks list for big layers"
                raise ValueError(msg)
            element_id = f"{BIG_ELEMENT_PREFIX}{index}"
            row["big"], block = big_layer_row(
                layer,
                registry,
                element_id,
                progress=progress,
                measured=measured,
                categories=categories,
            )
            blocks.append((element_id, block))
        else:
            row["data"] = feature_collection(
                layer, registry, measured=measured, categories=categories
            )
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
        "statuses": [
            {"key": k, "label": labels["statuses"][k], "style": STATUS_STYLES[k].to_dict()}
            for k in registry.statuses
        ],
        "event_kinds": [
            {"key": k, "label": labels["kinds"][k], "status": KIND_STATUS[k]} for k in EVENT_KINDS
        ],
        "facts_as_of": facts_date(layers, lang),
        "groups": groups,
        "basemaps": basemap_specs(lang),
        "known_properties": list(REQUIRED_NAMES),
        "layers": layer_rows,
        "fit": fit_bounds(layers),
        "time": time_payload(layers, times, lang),
        "swipe": swipe_payload(layers, lang),
    }
