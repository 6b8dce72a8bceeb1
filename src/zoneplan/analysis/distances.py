"""
Key distances: the port, the airport, the expressway and Cát Bi, geodesic and on the grid.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import geopandas as gpd
import pandas as pd
import shapely
from shapely import ops

from zoneplan import crs as zcrs
from zoneplan.analysis.grid import LINES, grid_to_lonlat
from zoneplan.geodesic import GEOD, M_PER_KM

if TYPE_CHECKING:
    from collections.abc import Mapping

    from shapely.geometry.base import BaseGeometry


def _first(
    layers: Mapping[str, gpd.GeoDataFrame], layer: str, category: str, kinds: tuple[str, ...]
) -> gpd.GeoDataFrame | None:
    """Return the features of `category` and `kinds` in `layers[layer]`, or None."""
    gdf = layers.get(layer)
    if gdf is None or "category" not in gdf.columns:
        return None
    sel = gdf[(gdf["category"] == category) & gdf.geometry.geom_type.isin(kinds)]
    return sel if len(sel) else None


def key_locations(
    layers: Mapping[str, gpd.GeoDataFrame], *, meridian: float = zcrs.DEFAULT_MERIDIAN
) -> gpd.GeoDataFrame:
    """
    Pick the port, the airport, the expressway and Cát Bi airport from the catalog layers.

    * port: centroid of the port layer's ``berth`` polygons (all its polygons if none);
    * airport: midpoint of the ``runway`` line (an aerodrome reference point), else the
      centroid of the functional ``airport`` area;
    * expressway: the ``road`` lines of the transport layer, kept as lines;
    * Cát Bi: the ``existing_airport`` point of the context layer.

    Parameters
    ----------
    layers
        Layer id → GeoDataFrame, as from `zoneplan.io.load_catalog_layers`.
    meridian
        Central meridian of the VN-2000 TM-3 zone (centroids are taken on the grid).

    Returns
    -------
    locations
        key, name_vi, name_en, geometry (EPSG:4326); missing ones are left out.
    """
    picks: list[tuple[str, str, str, BaseGeometry]] = []
    g: BaseGeometry
    polys = ("Polygon", "MultiPolygon")
    port = _first(layers, "port", "berth", polys)
    if port is None and layers.get("port") is not None:
        port_layer = layers["port"]
        port = port_layer[port_layer.geometry.geom_type.isin(polys)] if len(port_layer) else None
    if port is not None and len(port):
        g = shapely.centroid(shapely.union_all(zcrs.to_vn2000(port, meridian=meridian)))
        picks.append(("port", "Cảng Nam Đồ Sơn", "Nam Do Son port", g))
    runway = _first(layers, "airport", "runway", LINES)
    if runway is not None:
        line = shapely.union_all(zcrs.to_vn2000(runway, meridian=meridian))
        merged = ops.linemerge(line) if isinstance(line, shapely.MultiLineString) else line
        g = shapely.line_interpolate_point(cast("shapely.LineString", merged), 0.5, normalized=True)
        picks.append(("airport", "Sân bay Tiên Lãng", "Tien Lang airport", g))
    else:
        area = _first(layers, "functional_areas", "airport", polys)
        if area is not None:
            g = shapely.centroid(shapely.union_all(zcrs.to_vn2000(area, meridian=meridian)))
            picks.append(("airport", "Sân bay Tiên Lãng", "Tien Lang airport", g))
    road = _first(layers, "transport", "road", LINES)
    if road is not None:
        g = shapely.union_all(zcrs.to_vn2000(road, meridian=meridian))
        picks.append(("expressway", "Đường ven biển, cao tốc", "Coastal road / expressway", g))
    cat_bi = _first(layers, "context", "existing_airport", ("Point",))
    if cat_bi is not None:
        g = zcrs.to_vn2000(cat_bi.iloc[:1], meridian=meridian)[0]
        picks.append(("cat_bi", "Sân bay Cát Bi", "Cat Bi airport", g))
    return gpd.GeoDataFrame(
        {
            "key": [p[0] for p in picks],
            "name_vi": [p[1] for p in picks],
            "name_en": [p[2] for p in picks],
        },
        geometry=grid_to_lonlat([p[3] for p in picks], meridian),
        crs=4326,
    )


def distance_table(
    locations: gpd.GeoDataFrame, *, meridian: float = zcrs.DEFAULT_MERIDIAN
) -> pd.DataFrame:
    """
    Return the distance between every pair of locations, geodesic and on the VN-2000 grid.

    Between two points it is the geodesic between them; when a line is involved
    it is the distance between the nearest points (found on the grid, then measured
    as a geodesic).

    Parameters
    ----------
    locations
        key, name_vi, name_en and geometry, as from `key_locations`, with a CRS.
    meridian
        Central meridian of the VN-2000 TM-3 zone.

    Returns
    -------
    distances
        One row per pair: from_key, to_key, from_name_en, to_name_en, method,
        distance_km_geodesic, distance_km_vn2000.

    Raises
    ------
    CRSError
        If `locations` has no CRS.

    Examples
    --------
    >>> from shapely import Point
    >>> locs = gpd.GeoDataFrame({"key": ["a", "b"], "name_vi": ["", ""], "name_en": ["A", "B"]},
    ...                         geometry=[Point(106.7, 20.6), Point(106.7, 20.7)], crs=4326)
    >>> float(round(distance_table(locs).loc[0, "distance_km_geodesic"], 3))
    11.071
    """
    zcrs.require_crs(locations, "locations")
    grid = zcrs.to_vn2000(locations, meridian=meridian)
    rows = []
    n = len(locations)
    for i in range(n):
        for j in range(i + 1, n):
            a, b = grid[i], grid[j]
            both_points = a.geom_type == "Point" and b.geom_type == "Point"
            pa, pb = (a, b) if both_points else ops.nearest_points(a, b)
            (lon_a, lat_a), (lon_b, lat_b) = (
                (shapely.get_x(g), shapely.get_y(g)) for g in grid_to_lonlat([pa, pb], meridian)
            )
            _, _, dist_m = GEOD.inv(lon_a, lat_a, lon_b, lat_b)
            rows.append(
                {
                    "from_key": locations["key"].iloc[i],
                    "to_key": locations["key"].iloc[j],
                    "from_name_en": locations["name_en"].iloc[i],
                    "to_name_en": locations["name_en"].iloc[j],
                    "method": "point to point" if both_points else "nearest points",
                    "distance_km_geodesic": dist_m / M_PER_KM,
                    "distance_km_vn2000": shapely.distance(pa, pb) / M_PER_KM,
                }
            )
    cols = ["from_key", "to_key", "from_name_en", "to_name_en", "method"]
    cols += ["distance_km_geodesic", "distance_km_vn2000"]
    return pd.DataFrame.from_records(rows, columns=cols)
