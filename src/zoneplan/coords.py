"""
Boundary-marker coordinate tables (bảng tọa độ mốc giới) to polygons.

Planning and land decisions give a boundary as a table of numbered markers with
VN-2000 TM-3 coordinates, X the northing and Y the easting, as Vietnamese
documents write them. `read_marker_table` reads such a table from CSV or XLSX,
builds the polygon(s) in point order, checks them, and places them on the map.
WGS 84 (or VN-2000) longitude/latitude tables, in decimal degrees or DMS, work
the same way.

Recognised headers (`zoneplan.marker_table`; case, diacritics, units in brackets and punctuation are
ignored; see `HEADERS`):

* point name: Tên điểm, Tên mốc, Số hiệu mốc, Số hiệu điểm, Ký hiệu mốc, Điểm,
  Mốc, STT (when there is no name column); Point, Name, Marker, Point ID;
* X (northing): X, Tọa độ X, X (m); Northing, N;
* Y (easting): Y, Tọa độ Y, Y (m); Easting, E;
* latitude: Vĩ độ, B; Latitude, Lat;  longitude: Kinh độ, L; Longitude, Lon, Lng;
* polygon: Thửa, Số thửa, Khu, Khu vực, Lô, Vùng, Khoanh; Polygon, Parcel, Part, Zone.

A row with text but no coordinates (for example "Khu A") starts a new polygon,
as in decisions that list several areas in one table.
"""

from __future__ import annotations

import logging
import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from zoneplan import crs as zcrs
from zoneplan.areas import measure_features
from zoneplan.errors import CRSError, InputError
from zoneplan.marker_table import MarkerPoint, check_magnitudes, read_table_rows, table_points

if TYPE_CHECKING:
    from collections.abc import Iterable

log = logging.getLogger(__name__)


# --- reading the table ------------------------------------------------------------------------


# --- numbers --------------------------------------------------------------------------------


# --- table → points ---------------------------------------------------------------------------


# --- points → polygons ------------------------------------------------------------------------


def build_polygons(
    points: list[MarkerPoint], label: str
) -> list[tuple[str, list[MarkerPoint], shapely.Polygon]]:
    """
    Group points by polygon and join each group in row order.

    A closing point that repeats the first is dropped; so are repeated
    consecutive points (with a log message).

    Parameters
    ----------
    points
        The marker points, with ``a`` the northing (or latitude).
    label
        The file name for messages.

    Returns
    -------
    polygons
        ``(polygon label, its points, the polygon in (easting, northing) order)``.

    Raises
    ------
    InputError
        If a polygon has fewer than three distinct points or crosses itself.
    """
    groups: dict[str, list[MarkerPoint]] = {}
    for p in points:
        groups.setdefault(p.polygon, []).append(p)
    out = []
    for key, members in groups.items():
        name = key or "1"
        ring = _dedupe_ring(members, label, name)
        where = f"{label}: polygon {name!r} (rows {members[0].row}–{members[-1].row})"
        if len(ring) < 3:
            msg = (
                f"{where} has {len(ring)} distinct point(s); a polygon needs at least 3; "
                "add the missing markers"
            )
            raise InputError(msg)
        polygon = shapely.Polygon([(p.b, p.a) for p in ring])
        if not polygon.is_valid:
            raise InputError(_invalid_message(where, polygon, ring))
        out.append((name, ring, polygon))
    return out


def _dedupe_ring(members: list[MarkerPoint], label: str, name: str) -> list[MarkerPoint]:
    """Drop the closing repeat of the first point and repeated consecutive points."""
    ring: list[MarkerPoint] = []
    for p in members:
        if ring and (p.a, p.b) == (ring[-1].a, ring[-1].b):
            log.info(
                "%s: polygon %r: point %s (row %d) repeats the previous point; skipped",
                label,
                name,
                p.name,
                p.row,
            )
            continue
        ring.append(p)
    if len(ring) > 1 and (ring[-1].a, ring[-1].b) == (ring[0].a, ring[0].b):
        ring.pop()
    return ring


def _invalid_message(where: str, polygon: shapely.Polygon, ring: list[MarkerPoint]) -> str:
    """Say where a polygon crosses itself and which points are nearest."""
    reason = shapely.is_valid_reason(polygon)
    match = re.search(r"\[([-\d.e+]+) ([-\d.e+]+)\]", reason)
    near = ""
    if match:
        x, y = float(match.group(1)), float(match.group(2))
        closest = sorted(ring, key=lambda p: math.hypot(p.b - x, p.a - y))[:2]
        near = f" near points {closest[0].name} and {closest[1].name}" if len(closest) > 1 else ""
    what = reason.split("[")[0].strip().lower()
    return (
        f"{where} is not a valid polygon ({what}{near}); check the order of the points "
        "and their coordinates (a swapped or mistyped value makes the boundary cross itself)"
    )


# --- placing and checking ---------------------------------------------------------------------


def check_extent(gdf: gpd.GeoDataFrame, label: str, *, swap_xy: bool = False) -> list[str]:
    """
    Check that every polygon falls in Hai Phong, and say what was probably meant if not.

    Parameters
    ----------
    gdf
        Polygons with a ``polygon`` column, in the table's CRS.
    label
        The file name for messages.
    swap_xy
        Whether the columns were already swapped (to word the advice).

    Returns
    -------
    warnings
        Hints that do not stop the import (for example a Hai Phong meridian used
        for points in the former Hải Dương part).

    Raises
    ------
    InputError
        If a polygon lies outside Hai Phong, naming the CRS (or column swap) that
        would put it inside.
    """
    crs = pyproj.CRS.from_user_input(gdf.crs)
    coords = shapely.get_coordinates(gdf.geometry.to_numpy())
    lon, lat = zcrs.place_points(coords[:, 0], coords[:, 1], crs)
    if not np.all(np.isfinite(lon)) or not zcrs.in_hai_phong(lon, lat).all():
        raise InputError(_outside_message(gdf, label, crs, lon, lat, swap_xy=swap_xy))
    return zcrs.meridian_hints(crs, lon, label)


def _outside_message(
    gdf: gpd.GeoDataFrame,
    label: str,
    crs: pyproj.CRS,
    lon: np.ndarray,
    lat: np.ndarray,
    *,
    swap_xy: bool,
) -> str:
    """Explain points outside Hai Phong and try the usual mistakes (`zoneplan.crs.guess_crs`)."""
    counts = shapely.get_num_coordinates(gdf.geometry.to_numpy())
    first_bad = int(np.argmax(~(np.isfinite(lon) & zcrs.in_hai_phong(lon, lat))))
    poly = gdf["polygon"].iloc[int(np.searchsorted(np.cumsum(counts), first_bad, side="right"))]
    at = (
        f"lon {lon[first_bad]:.4f}, lat {lat[first_bad]:.4f}"
        if np.isfinite(lon[first_bad])
        else "off the globe"
    )
    where = f"{label}: polygon {poly!r} falls outside Hai Phong ({at}) with {zcrs.crs_label(crs)}"
    coords = shapely.get_coordinates(gdf.geometry.to_numpy())
    if crs.is_projected and zcrs.places_in_hai_phong(coords[:, 1], coords[:, 0], crs):
        flag = "without --swap-xy" if swap_xy else "with --swap-xy"
        return f"{where}; the X and Y columns look swapped: rerun {flag}"
    fits = [g for g in zcrs.guess_crs(coords[:, 0], coords[:, 1], tried=crs) if not g.swapped]
    if fits:
        names = " or ".join(f"{g.code} ({g.name})" for g in fits)
        return (
            f"{where}; the central meridian looks wrong: with {names} it falls inside, "
            f"rerun with --crs {fits[0].code}"
        )
    return f"{where}; check the CRS of the table (--crs) and its coordinates"


# --- the whole import -------------------------------------------------------------------------


def read_marker_table(
    path: str | os.PathLike[str],
    *,
    crs: str | int | pyproj.CRS | None = None,
    sheet: str | None = None,
    swap_xy: bool = False,
    extent_check: bool = True,
) -> gpd.GeoDataFrame:
    """
    Read a marker coordinate table and return its polygons with their areas.

    Parameters
    ----------
    path
        A CSV or XLSX table (see the module docstring for the headers).
    crs
        The table's CRS: EPSG:9210 (VN-2000 / TM-3 105°45', the default for
        metres), EPSG:9209 for the former Hải Dương part, or EPSG:4326 (the
        default for degrees) / EPSG:4756 for latitude/longitude tables.
    sheet
        Worksheet of an XLSX file; the first when None.
    swap_xy
        Take the X column as the easting (for tables in the GIS order).
    extent_check
        Refuse polygons outside Hai Phong (with the former Hải Dương).

    Returns
    -------
    gdf
        One row per polygon in `crs`: ``polygon``, ``n_points``, ``points``
        (marker names in order), ``area_ha_vn2000`` (planar, on the TM-3 zone
        of `crs`, the figure the documents give), ``area_ha_ellipsoidal`` and
        ``perimeter_m_vn2000``. ``attrs["warnings"]`` lists hints.

    Raises
    ------
    InputError
        If the table cannot be read or a polygon is wrong; the message names the
        row or the polygon and what is suspected.
    CRSError
        If `crs` is not a CRS, or is metres for a degree table (or the reverse).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> table = pathlib.Path(tempfile.mkdtemp()) / "moc.csv"
    >>> _ = table.write_text(
    ...     "Tên điểm;X (m);Y (m)\\nM1;2282000;606000\\nM2;2282000;607000\\n"
    ...     "M3;2281000;607000\\nM4;2281000;606000\\n", encoding="utf-8")
    >>> read_marker_table(table)[["polygon", "n_points", "area_ha_vn2000"]].values.tolist()
    [['1', 4, 100.0]]
    """
    label = str(path)
    rows = read_table_rows(path, sheet=sheet)
    points, geographic = table_points(rows, label, swap_xy=swap_xy)
    table_crs = _table_crs(crs, geographic, label)
    if table_crs.is_geographic == geographic:
        check_magnitudes(points, label, geographic=geographic)
    else:
        kind = "degrees" if geographic else "metres"
        msg = (
            f"{label}: the table is in {kind} but --crs {crs} is "
            f"{'not ' if geographic else ''}geographic; give a matching --crs "
            "(EPSG:9210 for VN-2000 metres, EPSG:4326 for degrees)"
        )
        raise CRSError(msg)
    polygons = build_polygons(points, label)
    gdf = gpd.GeoDataFrame(
        {
            "polygon": [name for name, _, _ in polygons],
            "n_points": [len(ring) for _, ring, _ in polygons],
            "points": [", ".join(p.name for p in ring) for _, ring, _ in polygons],
        },
        geometry=[poly for _, _, poly in polygons],
        crs=table_crs,
    )
    warnings = check_extent(gdf, label, swap_xy=swap_xy) if extent_check else []
    gdf = _with_areas(gdf, table_crs)
    gdf.attrs.update(source_path=label, layer_id=Path(label).stem, warnings=warnings)
    return gdf


def _table_crs(crs: Any, geographic: bool, label: str) -> pyproj.CRS:
    """Resolve the table's CRS, with the default for its kind."""
    if crs is None:
        return pyproj.CRS.from_epsg(4326 if geographic else 9210)
    try:
        return pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError as err:
        msg = (
            f"{label}: --crs {crs!r} is not a CRS pyproj knows; give an EPSG code such as EPSG:9210"
        )
        raise CRSError(msg) from err


def _with_areas(gdf: gpd.GeoDataFrame, crs: pyproj.CRS) -> gpd.GeoDataFrame:
    """Add planar VN-2000 and ellipsoidal areas, measured on the table's own TM-3 zone."""
    meridian = zcrs.meridian_of(crs)
    measures = measure_features(gdf, meridian=meridian)
    grid = zcrs.to_vn2000(gdf, meridian=meridian)
    out = gdf.copy()
    out["area_ha_vn2000"] = measures["area_ha_vn2000"]
    out["area_ha_ellipsoidal"] = measures["area_ha_ellipsoidal"]
    out["perimeter_m_vn2000"] = shapely.length(grid)
    out["vn2000_meridian"] = meridian
    return out


def summarise(gdf: gpd.GeoDataFrame) -> Iterable[str]:
    """
    Describe each imported polygon in one line.

    Parameters
    ----------
    gdf
        The result of `read_marker_table`.

    Returns
    -------
    lines
        ``polygon: n points, area (VN-2000), area (ellipsoid)`` per polygon.
    """
    return [
        f"polygon {r.polygon!r}: {r.n_points} points ({r.points}), "
        f"{r.area_ha_vn2000:,.4f} ha VN-2000 TM-3, "
        f"{r.area_ha_ellipsoidal:,.4f} ha on the WGS 84 ellipsoid"
        for r in gdf.itertuples()
    ]
