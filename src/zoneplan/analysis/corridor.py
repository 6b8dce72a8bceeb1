"""
The coastal road corridor: its right-of-way, bands of distance from it, and the land in each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import shapely

from zoneplan import crs as zcrs
from zoneplan.analysis.grid import (
    LINES,
    QUAD_SEGS,
    areas_inside,
    grid_to_lonlat,
    ground_to_grid,
    layer_name,
    select_features,
)
from zoneplan.areas import column_or_default, measure_grid_geometries
from zoneplan.errors import LayerValidationError

if TYPE_CHECKING:
    from collections.abc import Sequence


def road_corridor(
    roads: gpd.GeoDataFrame,
    *,
    width_m: float | None = None,
    meridian: float = zcrs.DEFAULT_MERIDIAN,
) -> gpd.GeoDataFrame:
    """
    Build the right-of-way polygon of each road centreline.

    Parameters
    ----------
    roads
        The transport layer; its ``road`` lines are used (all lines if it has no
        category column).
    width_m
        Right-of-way width in ground metres for every road; when None each road's
        ``right_of_way_m``, else its ``width_m`` property, is used.
    meridian
        Central meridian of the VN-2000 TM-3 zone.

    Returns
    -------
    corridor
        One polygon per road in EPSG:4326 (flat ends, round joins): id, name_vi,
        name_en, right_of_way_m, length_km_vn2000, length_km_geodesic,
        area_ha_vn2000, area_ha_ellipsoidal.

    Raises
    ------
    LayerValidationError
        If there is no road line, or a road has no usable width and `width_m` is None.
    CRSError
        If the layer has no CRS.

    Examples
    --------
    >>> from shapely import LineString
    >>> road = gpd.GeoDataFrame({"id": ["r1"], "category": ["road"], "right_of_way_m": [68.0]},
    ...                         geometry=[LineString([(106.70, 20.60), (106.70, 20.70)])], crs=4326)
    >>> c = road_corridor(road)
    >>> float(round(c.loc[0, "area_ha_ellipsoidal"] / (c.loc[0, "length_km_geodesic"] * 6.8), 4))
    1.0
    """
    sel = select_features(roads, "road", LINES, "road corridor")
    widths = []
    for idx, row in sel.iterrows():
        w = width_m
        for key in ("right_of_way_m", "width_m"):
            if w is None and key in sel.columns and pd.notna(row.get(key)):
                w = float(row[key])
        if w is None or not w > 0:
            label = row.get("id", idx)
            msg = (
                f"Road {label} of layer {layer_name(roads, 'transport')} has no right_of_way_m "
                f"or width_m; set one in the data or give a width (--width-m 68)"
            )
            raise LayerValidationError(msg)
        widths.append(w)
    grid = zcrs.to_vn2000(sel, meridian=meridian)
    polys = [
        shapely.buffer(
            g,
            w / 2 * ground_to_grid(g, meridian),
            quad_segs=QUAD_SEGS,
            cap_style="flat",
            join_style="round",
        )
        for g, w in zip(grid, widths, strict=True)
    ]
    lines = measure_grid_geometries(grid, meridian=meridian)
    areas = measure_grid_geometries(polys, meridian=meridian)
    return gpd.GeoDataFrame(
        {
            "id": column_or_default(sel, "id").to_numpy(),
            "name_vi": column_or_default(sel, "name_vi").to_numpy(),
            "name_en": column_or_default(sel, "name_en").to_numpy(),
            "right_of_way_m": widths,
            "length_km_vn2000": lines["length_km_vn2000"].to_numpy(),
            "length_km_geodesic": lines["length_km_geodesic"].to_numpy(),
            "area_ha_vn2000": areas["area_ha_vn2000"].to_numpy(),
            "area_ha_ellipsoidal": areas["area_ha_ellipsoidal"].to_numpy(),
        },
        geometry=grid_to_lonlat(polys, meridian),
        crs=4326,
    )


def _check_bands(bands_m: Sequence[float]) -> list[float]:
    """Return the band limits sorted, refusing empty, non-positive or repeated values."""
    bands = sorted(float(b) for b in bands_m)
    if not bands or bands[0] <= 0 or len(set(bands)) != len(bands):
        msg = (
            f"distance bands {list(bands_m)!r} must be distinct positive metres, e.g. 500 1000 2000"
        )
        raise ValueError(msg)
    return bands


def distance_bands(
    roads: gpd.GeoDataFrame,
    *,
    bands_m: Sequence[float] = (500, 1000, 2000),
    meridian: float = zcrs.DEFAULT_MERIDIAN,
) -> gpd.GeoDataFrame:
    """
    Build rings of ground distance from the road centrelines.

    Parameters
    ----------
    roads
        The transport layer; its ``road`` lines are used together.
    bands_m
        Outer limits of the bands in ground metres; ``(500, 1000, 2000)`` gives
        0–500, 500–1,000 and 1,000–2,000 m.
    meridian
        Central meridian of the VN-2000 TM-3 zone.

    Returns
    -------
    bands
        One ring per band in EPSG:4326: band (label), band_from_m, band_to_m,
        area_ha_vn2000, area_ha_ellipsoidal.

    Raises
    ------
    LayerValidationError
        If there is no road line.
    ValueError
        If the bands are not distinct positive numbers.
    """
    limits = _check_bands(bands_m)
    sel = select_features(roads, "road", LINES, "distance bands")
    line = shapely.union_all(zcrs.to_vn2000(sel, meridian=meridian))
    scale = ground_to_grid(line, meridian)
    rings, inner = [], shapely.Polygon()
    for outer_m in limits:
        disc = shapely.buffer(line, outer_m * scale, quad_segs=QUAD_SEGS)
        rings.append(shapely.difference(disc, inner))
        inner = disc
    starts = [0.0, *limits[:-1]]
    measured = measure_grid_geometries(rings, meridian=meridian)
    return gpd.GeoDataFrame(
        {
            "band": [f"{a:,.0f}–{b:,.0f} m" for a, b in zip(starts, limits, strict=True)],
            "band_from_m": starts,
            "band_to_m": limits,
            "area_ha_vn2000": measured["area_ha_vn2000"].to_numpy(),
            "area_ha_ellipsoidal": measured["area_ha_ellipsoidal"].to_numpy(),
        },
        geometry=grid_to_lonlat(rings, meridian),
        crs=4326,
    )


def corridor_analysis(
    roads: gpd.GeoDataFrame,
    functional: gpd.GeoDataFrame,
    *,
    bands_m: Sequence[float] = (500, 1000, 2000),
    meridian: float = zcrs.DEFAULT_MERIDIAN,
) -> pd.DataFrame:
    """
    Return the ha of each functional area inside each distance band of the road.

    Parameters
    ----------
    roads
        The transport layer with the ``road`` centrelines.
    functional
        The functional-areas layer.
    bands_m
        Outer limits of the distance bands from the centreline, in ground metres.
    meridian
        Central meridian of the VN-2000 TM-3 zone.

    Returns
    -------
    table
        One row per band and functional feature: band, band_from_m, band_to_m, id,
        name_vi, name_en, category, area_ha_vn2000, area_ha_ellipsoidal, share_pct
        (of the feature's VN-2000 area).

    Raises
    ------
    LayerValidationError
        If there is no road line or the functional layer has no category column.
    """
    bands = distance_bands(roads, bands_m=bands_m, meridian=meridian)
    return areas_inside(bands, ["band", "band_from_m", "band_to_m"], functional, meridian)
