"""
DXF drawings as zoneplan writes and reads them.

A drawing written by ``zoneplan export --format dxf`` (`zoneplan.export.dxf`) is an
ordinary CAD drawing: each polygon ring a closed LWPOLYLINE on the layer of its
category, holes as closed polylines of their own, labels as MTEXT on the label
layer, the CRS in the drawing's properties. So that zoneplan can read it back
exactly, every entity also carries a small XDATA record of the application
`APPID`: its role (outer ring, hole, line, point, label, hatch, note), the number
of the feature it belongs to and the feature's geometry type. CAD programs keep
XDATA when entities are edited and ignore it otherwise.

Reading (`rebuild`) turns what GDAL's DXF driver returns into features again:

* entities tagged by zoneplan are grouped by their feature: the outer rings with
  the holes inside them become the feature's polygon (or multipolygon), its label
  becomes a column, its hatch and the CRS note are dropped (they repeat the
  polygon and the drawing's properties);
* in other drawings, a closed polyline that lies inside another closed polyline
  of the same layer is a hole of it and stays a polygon of its own, as QGIS's
  Polygonize makes faces of lines (so an enclave parcel is never lost), and a
  HATCH that covers exactly the same area as a polygon is its fill, read once.
  Both are reported.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

import geopandas as gpd
import pandas as pd
import pyproj
import shapely

if TYPE_CHECKING:
    import os
    from collections.abc import Sequence
    from pathlib import Path

log = logging.getLogger(__name__)

#: The XDATA application name of zoneplan's tags.
APPID: Final[str] = "ZONEPLAN"
#: What a tagged entity is.
Role: TypeAlias = Literal["outer", "hole", "line", "point", "label", "hatch", "note"]
ROLES: Final[tuple[str, ...]] = ("outer", "hole", "line", "point", "label", "hatch", "note")
#: The layer of the feature labels (nhãn) and of the note stating the CRS (ghi chú).
LABEL_LAYER: Final[str] = "NHAN"
NOTE_LAYER: Final[str] = "GHI_CHU"
#: Custom drawing properties (AutoCAD: DWGPROPS, "Custom"), where CAD users look for
#: what a drawing is: its coordinate system and units, and zoneplan's column names.
PROPERTY_CRS: Final[str] = "Coordinate system"
PROPERTY_EPSG: Final[str] = "EPSG"
PROPERTY_PROJ: Final[str] = "PROJ"
PROPERTY_UNITS: Final[str] = "Units"
PROPERTY_LAYER_COLUMN: Final[str] = "zoneplan layer column"
PROPERTY_LABEL_COLUMN: Final[str] = "zoneplan label column"
#: The column a zoneplan label is read into when the drawing names no column.
LABEL_COLUMN: Final[str] = "label"

_PROPERTY = re.compile(
    r"\$CUSTOMPROPERTYTAG\s*\r?\n\s*1\s*\r?\n([^\r\n]*)\r?\n"
    r"\s*9\s*\r?\n\s*\$CUSTOMPROPERTY\s*\r?\n\s*1\s*\r?\n([^\r\n]*)"
)
_ESCAPE = re.compile(r"\\U\+([0-9A-Fa-f]{4})")


def xdata(role: Role, feature: int, geom_type: str) -> list[tuple[int, Any]]:
    """
    The XDATA of one entity zoneplan writes (after the 1001 application name): one
    string, so that it survives readers that drop the other group codes (GDAL's HATCH).

    Examples
    --------
    >>> xdata("hole", 3, "Polygon")
    [(1000, 'ZONEPLAN hole 3 Polygon')]
    """
    return [(1000, f"{APPID} {role} {feature} {geom_type}")]


def parse_tag(codes: Any) -> tuple[str, int, str] | None:
    """
    Read zoneplan's tag from one entity's raw group codes, as GDAL gives them
    (``DXF_INCLUDE_RAW_CODE_VALUES``: ``["1001 ZONEPLAN", "1000 ZONEPLAN hole 3 Polygon"]``).

    Returns
    -------
    tag
        ``(role, feature number, geometry type)``, or None for an untagged entity.

    Examples
    --------
    >>> parse_tag(["330 17", "1001 ZONEPLAN", "1000 ZONEPLAN hole 3 Polygon"])
    ('hole', 3, 'Polygon')
    >>> parse_tag(["330 17"]) is None, parse_tag(None) is None
    (True, True)
    """
    if codes is None or isinstance(codes, float | str):
        return None
    for item in codes:
        words = str(item).split(" ")
        if len(words) != 5 or words[:2] != ["1000", APPID]:
            continue
        role, number, kind = words[2:]
        if role in ROLES and number.lstrip("-").isdigit():
            return role, int(number), kind
    return None


def drawing_properties(path: str | os.PathLike[str]) -> dict[str, str]:
    """
    The custom properties of a drawing (``$CUSTOMPROPERTYTAG`` / ``$CUSTOMPROPERTY`` in
    its header, AutoCAD's Drawing Properties > Custom), with ``\\U+XXXX`` decoded.
    """
    with open(path, "rb") as fh:  # noqa: PTH123  # a str or PathLike, read in part
        head = fh.read(512_000).decode("latin-1")
    end = head.find("ENDSEC")
    found = _PROPERTY.findall(head if end < 0 else head[:end])
    return {_unescape(k.strip()): _unescape(v.strip()) for k, v in found}


def drawing_crs(path: str | os.PathLike[str]) -> pyproj.CRS | None:
    """The CRS a drawing states in its custom properties (as zoneplan writes it), if any."""
    props = drawing_properties(path)
    for key, prefix in ((PROPERTY_EPSG, "EPSG:"), (PROPERTY_PROJ, "")):
        value = props.get(key)
        if value:
            try:
                return pyproj.CRS.from_user_input(prefix + value)
            except pyproj.exceptions.CRSError:
                log.warning("%s: the drawing's %s property %r is not a CRS", path, key, value)
    return None


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def rebuild(
    gdf: gpd.GeoDataFrame, tags: Sequence[tuple[str, int, str] | None], path: Path
) -> gpd.GeoDataFrame:
    """
    Make features of the entities GDAL read from a drawing.

    Parameters
    ----------
    gdf
        One row per entity, 2D, closed polylines already polygons.
    tags
        `parse_tag` of each row.
    path
        The drawing, for messages and its properties.

    Returns
    -------
    gdf
        The features: zoneplan's tagged entities joined by feature, with holes and
        labels; other polygons with their nested holes; HATCH fills of polygons once.
    """
    tagged = pd.Series(list(tags), index=gdf.index, dtype=object)
    has_tag = tagged.notna()
    own = _rebuild_tagged(gdf[has_tag], tagged[has_tag], path) if has_tag.any() else None
    other = _rebuild_untagged(gdf[~has_tag], path, own)
    parts = [f for f in (own, other) if f is not None and len(f)]
    if not parts:
        return gdf.iloc[:0]
    out = pd.concat(parts) if len(parts) > 1 else parts[0]
    out = out.sort_index(kind="stable").reset_index(drop=True)
    return gpd.GeoDataFrame(out, geometry=gdf.geometry.name, crs=gdf.crs)


def _rebuild_tagged(gdf: gpd.GeoDataFrame, tags: pd.Series, path: Path) -> gpd.GeoDataFrame | None:
    """Join zoneplan's entities by feature: rings with their holes, the label as a column."""
    props = drawing_properties(path)
    label_col = props.get(PROPERTY_LABEL_COLUMN) or LABEL_COLUMN
    layer_col = props.get(PROPERTY_LAYER_COLUMN)
    pieces: dict[int, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    first_row: dict[int, Any] = {}
    kinds: dict[int, str] = {}
    labels: dict[int, str] = {}
    geometry = dict(zip(gdf.index, gdf.geometry, strict=True))
    for idx, (role, number, kind) in tags.items():
        geom = geometry[idx]
        if role in {"hatch", "note"}:
            continue
        if role == "label":
            text = gdf.at[idx, "Text"] if "Text" in gdf.columns else None
            if isinstance(text, str):
                labels[number] = text
            continue
        if geom is None or geom.is_empty:
            continue
        if role == "line" and geom.geom_type == "Polygon":
            geom = shapely.LineString(geom.exterior.coords)  # a closed line stays a line
        elif role in {"outer", "hole"} and geom.geom_type != "Polygon":
            role = "line"  # a ring of fewer than three corners (edited in a CAD program)
        pieces[number][role].append(geom)
        first_row.setdefault(number, idx)
        kinds[number] = kind
    rows, geoms, order = [], [], []
    for number, parts in pieces.items():
        geoms.append(_feature_geometry(parts, kinds[number], path, number))
        rows.append(first_row[number])
        order.append(number)
    if not rows:
        return None
    out = gdf.loc[rows].copy()
    out = out.set_geometry(gpd.GeoSeries(geoms, index=out.index, crs=gdf.crs))
    if "Text" in out.columns and out["Text"].isna().all():
        out = out.drop(columns="Text")
    name = label_col if label_col not in out.columns else LABEL_COLUMN
    out[name] = [labels.get(n) for n in order]
    if layer_col and layer_col not in out.columns and "Layer" in out.columns:
        out.insert(0, layer_col, out["Layer"])
    return out


def _feature_geometry(parts: dict[str, list[Any]], kind: str, path: Path, number: int) -> Any:
    """One feature's geometry from its outer rings, holes, lines and points."""
    polygons = []
    holes = list(parts.get("hole", []))
    for outer in parts.get("outer", []):
        inside = [h for h in holes if outer.contains(h)]
        holes = [h for h in holes if not any(h is i for i in inside)]
        polygons.append(shapely.Polygon(outer.exterior, [h.exterior for h in inside]))
    if holes:
        log.warning(
            "%s: feature %d has %d hole polyline(s) outside its outer ring(s) (edited in a CAD "
            "program?); they are read as polygons of their own",
            path,
            number,
            len(holes),
        )
        polygons += holes
    lines, points = parts.get("line", []), parts.get("point", [])
    everything = [*polygons, *lines, *points]
    if kind == "MultiPolygon" and polygons and not lines and not points:
        return shapely.MultiPolygon(polygons)
    if kind == "MultiLineString" and lines and not polygons and not points:
        return shapely.MultiLineString(lines)
    if kind == "MultiPoint" and points and not polygons and not lines:
        return shapely.MultiPoint(points)
    if len(everything) == 1:
        return everything[0]
    return shapely.GeometryCollection(everything)


def _is_hatch(gdf: gpd.GeoDataFrame) -> pd.Series:
    if "SubClasses" not in gdf.columns:
        return pd.Series(False, index=gdf.index)
    return gdf["SubClasses"].astype(str).str.contains("AcDbHatch", regex=False)


def _rebuild_untagged(
    gdf: gpd.GeoDataFrame, path: Path, own: gpd.GeoDataFrame | None
) -> gpd.GeoDataFrame:
    """Nested closed polylines of one layer as holes; HATCH fills of those polygons read once."""
    if gdf.empty:
        return gdf
    hatch = _is_hatch(gdf)
    polygon = gdf.geom_type.eq("Polygon") & ~hatch
    out = gdf
    if polygon.sum() > 1:
        out = _nest(gdf, polygon, path)
    hatch = _is_hatch(out)
    if hatch.any():
        outlines = [out.geometry[~hatch & out.geom_type.isin(["Polygon", "MultiPolygon"])]]
        if own is not None:
            outlines.append(own.geometry)
        fills = _fills(gpd.GeoSeries(out.geometry[hatch]), gpd.GeoSeries(pd.concat(outlines)))
        if fills:
            log.info(
                "%s: %d HATCH fill(s) cover exactly a polygon drawn as polylines; each read once",
                path,
                len(fills),
            )
            out = out.drop(index=fills)
    return out


def _nest(gdf: gpd.GeoDataFrame, polygon: pd.Series, path: Path) -> gpd.GeoDataFrame:
    """
    Closed polylines of one layer inside one another, as QGIS's Polygonize reads them:
    each ring is a polygon whose holes are the rings directly inside it, and every ring
    stays a feature of its own (an enclave parcel inside a parcel, or a parcel inside a
    sheet frame, is never lost; an island inside a hole is a polygon again).
    """
    rings = gdf[polygon]
    layer = rings["Layer"] if "Layer" in rings.columns else pd.Series("", index=rings.index)
    geoms = rings.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    inner, outer = tree.query(geoms, predicate="within")
    keep = (layer.to_numpy()[inner] == layer.to_numpy()[outer]) & (inner != outer)
    keep &= ~shapely.equals(geoms[inner], geoms[outer])  # a ring drawn twice is no hole
    inner, outer = inner[keep], outer[keep]
    if not len(inner):
        return gdf
    areas = shapely.area(geoms)
    parent: dict[int, int] = {}
    for i, j in zip(inner.tolist(), outer.tolist(), strict=True):
        # the direct container: the smallest ring that holds this one
        if i not in parent or areas[j] < areas[parent[i]]:
            parent[i] = j
    holes_of: dict[int, list[Any]] = defaultdict(list)
    for i, j in parent.items():
        holes_of[j].append(geoms[i].exterior)
    shapes = dict(zip(gdf.index, gdf.geometry, strict=True))
    for j, holes in holes_of.items():
        shapes[rings.index[j]] = shapely.Polygon(geoms[j].exterior, holes)
    out = gdf.set_geometry(gpd.GeoSeries(list(shapes.values()), index=gdf.index, crs=gdf.crs))
    log.info(
        "%s: %d closed polyline(s) lie inside another of the same layer: each is a hole of "
        "the one around it and stays a polygon of its own (as QGIS's Polygonize reads them); "
        "delete the ones that are only holes",
        path,
        len(parent),
    )
    return out


def _fills(hatches: gpd.GeoSeries, outlines: gpd.GeoSeries) -> list[Any]:
    """The HATCH rows whose area is exactly that of a polygon outline."""
    if hatches.empty or outlines.empty:
        return []
    outlines = outlines.explode(index_parts=False)  # a HATCH fills one part of a multipolygon
    tree = shapely.STRtree(outlines.to_numpy())
    found = []
    for idx, geom in hatches.items():
        if geom is None or geom.is_empty:
            continue
        for j in tree.query(geom, predicate="covers"):
            other = outlines.iloc[j]
            if geom.covers(other) and other.covers(geom):
                found.append(idx)
                break
    return found
