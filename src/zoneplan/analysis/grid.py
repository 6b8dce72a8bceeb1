"""
What the analyses share: work on the VN-2000 grid in ground metres, results in lon/lat.

Geometry is built on the VN-2000 TM-3 grid (`zoneplan.crs`, pinned transformation)
with every ground distance converted to grid units by the local scale
``sqrt(expected_area_ratio)`` (`ground_to_grid`), so a 68 m right-of-way is 68 m
on the ellipsoid; `grid_to_lonlat` brings results back to EPSG:4326.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from zoneplan import crs as zcrs
from zoneplan.areas import column_or_default, measure_grid_geometries
from zoneplan.composition import functional_grid
from zoneplan.errors import LayerValidationError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from shapely.geometry.base import BaseGeometry


#: Segments per quarter circle of buffers (corridor bands, inner horizontal, conical).
QUAD_SEGS: Final[int] = 32


LINES = ("LineString", "MultiLineString")


def layer_name(gdf: gpd.GeoDataFrame, default: str) -> str:
    """Return the layer id of `gdf` for messages."""
    return str(gdf.attrs.get("layer_id", default))


def ground_to_grid(geom_grid: BaseGeometry, meridian: float) -> float:
    """Return the grid length of one ground metre at the centroid of a grid geometry."""
    c = shapely.centroid(geom_grid)
    lon, lat = zcrs.vn2000_to_wgs84(c.x, c.y, meridian=meridian)
    return math.sqrt(zcrs.expected_area_ratio(float(lon), float(lat), meridian=meridian))


def grid_to_lonlat(
    geoms: Sequence[BaseGeometry] | np.ndarray, meridian: float
) -> list[BaseGeometry]:
    """Return grid geometries as WGS 84 lon/lat geometries (pinned inverse)."""
    gs = gpd.GeoSeries(list(geoms), crs=zcrs.vn2000_tm3_crs(meridian))
    return list(zcrs.to_wgs84(gs))


def select_features(
    gdf: gpd.GeoDataFrame, category: str, kinds: tuple[str, ...], what: str
) -> gpd.GeoDataFrame:
    """Return the features of `category` (all features without a category column) of `kinds`."""
    zcrs.require_crs(gdf, layer_name(gdf, what))
    sel: gpd.GeoDataFrame = gdf[gdf["category"] == category] if "category" in gdf.columns else gdf
    sel = sel[~shapely.is_missing(sel.geometry.to_numpy()) & ~sel.geometry.is_empty.to_numpy()]
    sel = sel[sel.geometry.geom_type.isin(kinds)]
    if sel.empty:
        msg = (
            f"Layer {layer_name(gdf, what)} has no {' or '.join(kinds)} of category "
            f"{category!r} for the {what}; add one or pass another layer"
        )
        raise LayerValidationError(msg)
    return sel


def areas_inside(
    zones: gpd.GeoDataFrame, keys: list[str], functional: gpd.GeoDataFrame, meridian: float
) -> pd.DataFrame:
    """Return the ha of each functional feature inside each zone (long form, zero rows kept)."""
    func = functional_grid(functional, meridian).reset_index(drop=True)
    zone_grid = zcrs.to_vn2000(zones, meridian=meridian)
    rows, pieces = [], []
    for z, zone_geom in enumerate(zone_grid):
        for f, feat in enumerate(func.geometry.values):
            rows.append((z, f))
            pieces.append(shapely.intersection(feat, zone_geom))
    measured = measure_grid_geometries(pieces, meridian=meridian) if pieces else None
    whole = measure_grid_geometries(func.geometry.to_numpy(), meridian=meridian)
    records = []
    for i, (z, f) in enumerate(rows):
        area_vn = (
            float(np.nan_to_num(measured["area_ha_vn2000"].iloc[i]))
            if measured is not None
            else 0.0
        )
        area_ell = (
            float(np.nan_to_num(measured["area_ha_ellipsoidal"].iloc[i]))
            if measured is not None
            else 0.0
        )
        rec = {k: zones[k].iloc[z] for k in keys}
        rec.update(
            id=column_or_default(func, "id").iloc[f],
            name_vi=column_or_default(func, "name_vi").iloc[f],
            name_en=column_or_default(func, "name_en").iloc[f],
            category=func["category"].iloc[f],
            area_ha_vn2000=area_vn,
            area_ha_ellipsoidal=area_ell,
            share_pct=100.0 * area_vn / whole["area_ha_vn2000"].iloc[f],
        )
        records.append(rec)
    cols = [*keys, "id", "name_vi", "name_en", "category"]
    cols += ["area_ha_vn2000", "area_ha_ellipsoidal", "share_pct"]
    return pd.DataFrame.from_records(records, columns=cols)
