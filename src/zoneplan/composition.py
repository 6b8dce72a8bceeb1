"""
Zone composition and overlaps: how the functional areas share out the zone.

Overlays are computed on the VN-2000 TM-3 grid (`zoneplan.crs`), each piece
then measured both ways (`zoneplan.areas.measure_grid_geometries`): the land of
each functional category inside the zone, the land counted twice where areas
overlap, the land with no function, and the overlapping pairs themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from zoneplan import crs as zcrs
from zoneplan.areas import column_or_default, measure_grid_geometries
from zoneplan.errors import InputError, LayerValidationError
from zoneplan.schema import CATEGORIES, FUNCTIONAL_CATEGORIES

if TYPE_CHECKING:
    from collections.abc import Mapping

    from shapely.geometry.base import BaseGeometry

_POLYGONAL = ("Polygon", "MultiPolygon")


def grid_frame(gdf: gpd.GeoDataFrame, meridian: float) -> gpd.GeoDataFrame:
    """Return a copy of `gdf` whose geometries are in VN-2000 TM-3 (pinned), made valid."""
    geoms = shapely.make_valid(zcrs.to_vn2000(gdf, meridian=meridian))
    return gpd.GeoDataFrame(
        gdf.drop(columns=gdf.geometry.name), geometry=geoms, crs=zcrs.vn2000_tm3_crs(meridian)
    )


def polygons_only(geom: BaseGeometry | None) -> BaseGeometry:
    """Return the polygonal part of a geometry (an empty polygon when there is none)."""
    if geom is None or geom.is_empty:
        return shapely.Polygon()
    if geom.geom_type in _POLYGONAL:
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in _POLYGONAL]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def zone_geometry(zone: gpd.GeoDataFrame, meridian: float) -> BaseGeometry:
    """Return the union of the economic-zone polygons of `zone` in the VN-2000 grid."""
    grid = grid_frame(zone, meridian)
    if "category" in grid.columns and (grid["category"] == "economic_zone").any():
        grid = grid[grid["category"] == "economic_zone"]
    geom = polygons_only(shapely.union_all(grid.geometry.values))
    if geom.is_empty:
        name = zone.attrs.get("layer_id", "zone")
        msg = (
            f"Layer {name} has no polygon of the economic zone; "
            "give the zone layer with its category 'economic_zone' polygon"
        )
        raise LayerValidationError(msg)
    return geom


def functional_grid(functional: gpd.GeoDataFrame, meridian: float) -> gpd.GeoDataFrame:
    """Return the functional-area polygons of `functional` in the VN-2000 grid."""
    grid = grid_frame(functional, meridian)
    if "category" not in grid.columns:
        name = functional.attrs.get("layer_id", "functional_areas")
        msg = (
            f"Layer {name} has no 'category' column, so functional areas cannot be told "
            f"apart; give each polygon one of {', '.join(FUNCTIONAL_CATEGORIES)}"
        )
        raise LayerValidationError(msg)
    grid = grid[grid["category"].isin(FUNCTIONAL_CATEGORIES)].copy()
    polygons = [polygons_only(g) for g in grid.geometry.values]
    grid["geometry"] = gpd.GeoSeries(polygons, index=grid.index, crs=grid.crs)
    return grid[~grid.geometry.is_empty]


def zone_composition(
    zone: gpd.GeoDataFrame, functional: gpd.GeoDataFrame, *, meridian: float = zcrs.DEFAULT_MERIDIAN
) -> pd.DataFrame:
    """
    Break the zone down by functional category, with double counting and unassigned land.

    Overlays are computed on the VN-2000 TM-3 grid; every piece is then measured
    both ways.

    Parameters
    ----------
    zone
        The zone layer; its ``economic_zone`` polygons (all polygons if it has no
        such category) are unioned.
    functional
        Layer(s) of functional areas; polygons whose category is in
        `zoneplan.schema.FUNCTIONAL_CATEGORIES` are used.
    meridian
        Central meridian of the VN-2000 TM-3 zone.

    Returns
    -------
    composition
        One row per ``part``: each functional category (its union inside the zone),
        ``functional_union`` (land inside the zone assigned to any function),
        ``double_counted`` (sum of the features' areas inside the zone minus their
        union: land counted twice or more), ``unassigned`` (zone minus the union),
        ``outside_zone`` (functional land outside the zone) and ``zone``. Columns
        part, kind (``category`` or ``total``), category_vi, category_en,
        n_features, area_ha_vn2000, area_ha_ellipsoidal, share_pct (of the zone's
        VN-2000 area; category shares may add up to more than 100 where they overlap).

    Raises
    ------
    CRSError
        If a layer has no CRS.
    LayerValidationError
        If the zone has no polygon or `functional` has no category column.

    Examples
    --------
    >>> from zoneplan.io import load_catalog_layers
    >>> layers = load_catalog_layers(["zone", "functional_areas"])
    >>> c = zone_composition(layers["zone"], layers["functional_areas"])
    >>> c.set_index("part").loc["zone", "share_pct"]
    np.float64(100.0)
    """
    zone_geom = zone_geometry(zone, meridian)
    func = functional_grid(functional, meridian)
    inside = shapely.intersection(func.geometry.values, zone_geom)
    rows: list[tuple[str, str, int, BaseGeometry]] = []
    for category in FUNCTIONAL_CATEGORIES:
        mask = (func["category"] == category).to_numpy()
        if mask.any():
            rows.append((category, "category", int(mask.sum()), shapely.union_all(inside[mask])))
    union_inside = shapely.union_all(inside) if len(inside) else shapely.Polygon()
    union_all = shapely.union_all(func.geometry.values) if len(func) else shapely.Polygon()
    n = len(func)
    rows += [
        ("functional_union", "total", n, union_inside),
        ("unassigned", "total", 0, shapely.difference(zone_geom, union_inside)),
        ("outside_zone", "total", n, shapely.difference(union_all, zone_geom)),
        ("zone", "total", 0, zone_geom),
    ]
    measured = measure_grid_geometries([r[3] for r in rows], meridian=meridian)
    area_vn = measured["area_ha_vn2000"].fillna(0.0).to_numpy()
    area_ell = measured["area_ha_ellipsoidal"].fillna(0.0).to_numpy()
    # double counting: Σ(feature ∩ zone) − ∪(feature ∩ zone), in both measures
    dbl_vn, dbl_ell = -area_vn[-4], -area_ell[-4]
    if n:
        each = measure_grid_geometries(inside, meridian=meridian)
        dbl_vn += each["area_ha_vn2000"].fillna(0).sum()
        dbl_ell += each["area_ha_ellipsoidal"].fillna(0).sum()
    parts = [r[0] for r in rows]
    out = pd.DataFrame(
        {
            "part": parts,
            "kind": [r[1] for r in rows],
            "n_features": [r[2] for r in rows],
            "area_ha_vn2000": area_vn,
            "area_ha_ellipsoidal": area_ell,
        }
    )
    out = pd.concat(
        [
            out.iloc[:-3],
            pd.DataFrame(
                {
                    "part": ["double_counted"],
                    "kind": ["total"],
                    "n_features": [n],
                    "area_ha_vn2000": [max(dbl_vn, 0.0)],
                    "area_ha_ellipsoidal": [max(dbl_ell, 0.0)],
                }
            ),
            out.iloc[-3:],
        ],
        ignore_index=True,
    )
    zone_vn = area_vn[-1]
    out["share_pct"] = 100.0 * out["area_ha_vn2000"] / zone_vn
    labels = [CATEGORIES.get(p, _TOTAL_LABELS.get(p, ("", ""))) for p in out["part"]]
    out.insert(2, "category_vi", [lab[0] for lab in labels])
    out.insert(3, "category_en", [lab[1] for lab in labels])
    return out


_TOTAL_LABELS: Final[dict[str, tuple[str, str]]] = {
    "functional_union": ("Tổng đất có chức năng", "Land with a function"),
    "double_counted": ("Diện tích tính trùng", "Counted twice (overlaps)"),
    "unassigned": ("Chưa có chức năng", "No function assigned"),
    "outside_zone": ("Ngoài ranh giới khu kinh tế", "Outside the zone"),
    "zone": ("Khu kinh tế", "Economic zone"),
}


def functional_overlaps(
    functional: gpd.GeoDataFrame,
    *,
    meridian: float = zcrs.DEFAULT_MERIDIAN,
    min_area_m2: float = 1.0,
) -> gpd.GeoDataFrame:
    """
    List the overlaps between functional areas, pair by pair.

    Parameters
    ----------
    functional
        Layer of functional areas (categories in `FUNCTIONAL_CATEGORIES`).
    meridian
        Central meridian of the VN-2000 TM-3 zone.
    min_area_m2
        Overlaps smaller than this (on the grid) are slivers of digitizing and are left out.

    Returns
    -------
    overlaps
        One row per overlapping pair: id_a, category_a, id_b, category_b,
        area_ha_vn2000, area_ha_ellipsoidal and the overlap geometry in EPSG:4326.

    Raises
    ------
    CRSError
        If the layer has no CRS.
    """
    func = functional_grid(functional, meridian).reset_index(drop=True)
    ids = column_or_default(func, "id").to_numpy()
    cats = func["category"].to_numpy()
    tree = shapely.STRtree(func.geometry.values)
    left, right = tree.query(func.geometry.values, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    geoms = shapely.intersection(func.geometry.values[left], func.geometry.values[right])
    geoms = np.array([polygons_only(g) for g in geoms], dtype=object)
    big = shapely.area(geoms) >= min_area_m2 if len(geoms) else np.zeros(0, dtype=bool)
    left, right, geoms = left[big], right[big], geoms[big]
    measured = measure_grid_geometries(geoms, meridian=meridian)
    out = gpd.GeoDataFrame(
        {
            "id_a": ids[left],
            "category_a": cats[left],
            "id_b": ids[right],
            "category_b": cats[right],
            "area_ha_vn2000": measured["area_ha_vn2000"].to_numpy(),
            "area_ha_ellipsoidal": measured["area_ha_ellipsoidal"].to_numpy(),
        },
        geometry=list(geoms),
        crs=zcrs.vn2000_tm3_crs(meridian),
    )
    return out.set_geometry(list(zcrs.to_wgs84(out)), crs=4326)


def stack_by_category(
    layers: Mapping[str, gpd.GeoDataFrame], categories: tuple[str, ...]
) -> gpd.GeoDataFrame:
    """Return the features of `categories` from every layer in WGS 84 (pinned transformation)."""
    frames = []
    for layer_id, gdf in layers.items():
        zcrs.require_crs(gdf, layer_id)
        if "category" not in gdf.columns:
            continue
        sel = gdf[gdf["category"].isin(categories)]
        if len(sel):
            frames.append(
                gpd.GeoDataFrame(
                    sel.drop(columns=sel.geometry.name), geometry=list(zcrs.to_wgs84(sel)), crs=4326
                )
            )
    if not frames:
        return gpd.GeoDataFrame({"category": []}, geometry=[], crs=4326)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=4326)


def composition_layers(
    layers: Mapping[str, gpd.GeoDataFrame],
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """
    Return the (zone, functional) frames for the composition.

    The catalog's own ``zone`` and ``functional_areas`` layers when both are there
    (the airport layer repeats the airport footprint, which would count twice);
    otherwise the features gathered by category from every given file.
    """
    if "zone" in layers and "functional_areas" in layers:
        return layers["zone"], layers["functional_areas"]

    zone = stack_by_category(layers, ("economic_zone",))
    zone.attrs["layer_id"] = "zone"
    if zone.empty:
        names = ", ".join(layers)
        msg = (
            f"no feature of category 'economic_zone' in {names}; --by composition needs the zone "
            "layer (drop --layer, or add the zone file with --layer)"
        )
        raise InputError(msg)
    functional = stack_by_category(layers, FUNCTIONAL_CATEGORIES)
    functional.attrs["layer_id"] = "functional_areas"
    return zone, functional


def functional_layer(layers: Mapping[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """
    Return the functional areas: the catalog layer, else every functional polygon given.

    Parameters
    ----------
    layers
        Layer id → layer.

    Returns
    -------
    functional
        ``layers["functional_areas"]``, else the features of
        `zoneplan.schema.FUNCTIONAL_CATEGORIES` of every layer (`stack_by_category`).
    """
    if "functional_areas" in layers:
        return layers["functional_areas"]
    func = stack_by_category(layers, FUNCTIONAL_CATEGORIES)
    func.attrs["layer_id"] = "functional_areas"
    return func
