"""
Synthetic parcel layers over the zone, for benchmarks and tests of the big-layer path.

The parcels are a jittered quadrilateral mesh laid out in VN-2000 / TM-3
metres over the zone boundary: neighbours share their corners, so the layer
tiles the ground without gaps or overlaps, the way a cadastral layer does. The
same seed always gives the same layer. Nothing here is real: the land-use
classes and ids are made up.
"""

from __future__ import annotations

import math
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from zoneplan import crs as zcrs

#: Made-up land-use classes of the synthetic parcels, with their shares.
LAND_USES: Final[dict[str, float]] = {
    "residential": 0.30,
    "agricultural": 0.25,
    "aquaculture": 0.20,
    "industrial": 0.15,
    "public": 0.07,
    "transport": 0.03,
}

#: Land-use codes (`zoneplan.landuse`) drawn for each made-up class, with their shares.
LAND_USE_CODES: Final[dict[str, dict[str, float]]] = {
    "residential": {"ONT": 0.7, "ODT": 0.3},
    "agricultural": {"LUC": 0.5, "LUK": 0.1, "HNK": 0.2, "CLN": 0.2},
    "aquaculture": {"NTS": 1.0},
    "industrial": {"SKK": 0.6, "SKC": 0.2, "TMD": 0.2},
    "public": {"DGD": 0.3, "DYT": 0.2, "TSC": 0.2, "DTT": 0.2, "NTD": 0.1},
    "transport": {"DGT": 0.8, "DTL": 0.2},
}

#: Parcels per cadastral sheet (tờ bản đồ) of the synthetic layer.
PARCELS_PER_SHEET: Final[int] = 500


def _zone_polygon(meridian: float) -> BaseGeometry:
    """Return the shipped zone boundary in VN-2000 / TM-3 metres."""
    from zoneplan.io import load_catalog_layers

    zone = load_catalog_layers(ids=["zone"])["zone"]
    return shapely.union_all(zcrs.to_vn2000(zone, meridian=meridian))


def synthetic_parcels(
    n: int,
    *,
    seed: int = 20241211,
    jitter: float = 0.25,
    meridian: float = zcrs.DEFAULT_MERIDIAN,
    crs: str | int = 4326,
    cadastral: bool = False,
) -> gpd.GeoDataFrame:
    """
    Return `n` synthetic parcels covering the zone boundary.

    Parameters
    ----------
    n
        Number of parcels (at least 1).
    seed
        Seed of the random generator; equal seeds give equal layers.
    jitter
        How far each mesh corner moves, as a fraction of the cell size (below 0.5
        keeps every quadrilateral simple).
    meridian
        VN-2000 TM-3 central meridian of the mesh.
    crs
        CRS of the result: 4326 (WGS 84 lon/lat through the pinned transformation)
        or the VN-2000 TM-3 CRS itself (``"vn2000"``).
    cadastral
        Add the columns of a cadastral layer: ``land_use_code`` (an official
        land-use code, `zoneplan.landuse`, drawn for the parcel's class from
        `LAND_USE_CODES`), ``so_to`` and ``so_thua`` (sheet and parcel number,
        `PARCELS_PER_SHEET` parcels a sheet).

    Returns
    -------
    parcels
        Columns ``parcel_id`` (``"P0000001"``...), ``land_use`` (a key of
        `LAND_USES`), then the `cadastral` columns if asked, ``name_vi``
        (``"Thửa 1"``...), ``declared_area_m2`` (the mesh cell area, rounded to
        whole square metres, as a register would give it).

    Examples
    --------
    >>> p = synthetic_parcels(500)
    >>> len(p), p.crs.to_epsg(), bool(p.geometry.is_valid.all())
    (500, 4326, True)
    """
    if n < 1:
        msg = f"n must be at least 1, got {n}"
        raise ValueError(msg)
    if not 0 <= jitter < 0.5:
        msg = f"jitter must be in [0, 0.5), got {jitter}"
        raise ValueError(msg)
    zone = _zone_polygon(meridian)
    xmin, ymin, xmax, ymax = zone.bounds
    rng = np.random.default_rng(seed)
    # cell size so that the cells whose centre lies in the zone are a few more than n
    size = math.sqrt(zone.area / n) * 0.985
    while True:
        nx = math.ceil((xmax - xmin) / size) + 1
        ny = math.ceil((ymax - ymin) / size) + 1
        cx = xmin + (np.arange(nx) + 0.5) * size
        cy = ymin + (np.arange(ny) + 0.5) * size
        gx, gy = np.meshgrid(cx, cy)
        inside = shapely.contains_xy(zone, gx, gy)
        if inside.sum() >= n:
            break
        size *= 0.98
    # mesh corners, jittered; corner (j, i) is shared by the four cells around it
    corners_x = xmin + np.arange(nx + 1)[None, :] * size + np.zeros((ny + 1, 1))
    corners_y = ymin + np.arange(ny + 1)[:, None] * size + np.zeros((1, nx + 1))
    corners_x = corners_x + rng.uniform(-jitter, jitter, corners_x.shape) * size
    corners_y = corners_y + rng.uniform(-jitter, jitter, corners_y.shape) * size
    rows, cols = np.nonzero(inside)
    # keep the n cells nearest the zone's centroid in a stable order
    centre = zone.centroid
    dist = np.hypot(cx[cols] - centre.x, cy[rows] - centre.y)
    keep = np.sort(np.argsort(dist, kind="stable")[:n])
    rows, cols = rows[keep], cols[keep]
    ring = np.stack(
        [
            np.stack([corners_x[rows, cols], corners_y[rows, cols]], axis=-1),
            np.stack([corners_x[rows, cols + 1], corners_y[rows, cols + 1]], axis=-1),
            np.stack([corners_x[rows + 1, cols + 1], corners_y[rows + 1, cols + 1]], axis=-1),
            np.stack([corners_x[rows + 1, cols], corners_y[rows + 1, cols]], axis=-1),
            np.stack([corners_x[rows, cols], corners_y[rows, cols]], axis=-1),
        ],
        axis=1,
    )
    polygons = np.asarray(shapely.polygons(ring))
    return _parcel_frame(polygons, rng, meridian, crs, cadastral=cadastral, seed=seed)


def synthetic_rectangles(
    n: int,
    *,
    seed: int = 20241211,
    meridian: float = 105.75,
    crs: str | int = 4326,
    cadastral: bool = False,
) -> gpd.GeoDataFrame:
    """
    Return `n` independent rectangles scattered at random over the zone.

    The counterpart of `synthetic_parcels` without shared edges: each parcel is
    an axis-parallel rectangle (in VN-2000 / TM-3 metres) of its own, centred at
    a uniformly random point inside the zone boundary, 0.3 to 1.0 times the
    mesh cell size of `synthetic_parcels` on a side, so neighbours may overlap
    or leave gaps. Real parcel layers lie between the two. Same columns, seed,
    CRS handling and `cadastral` columns as `synthetic_parcels`.

    Examples
    --------
    >>> r = synthetic_rectangles(500)
    >>> len(r), list(r.columns[:4]), bool(r.geometry.is_valid.all())
    (500, ['parcel_id', 'land_use', 'name_vi', 'declared_area_m2'], True)
    >>> shapely.get_num_coordinates(r.geometry.values).tolist()[:3]
    [5, 5, 5]
    """
    if n < 1:
        msg = f"n must be at least 1, got {n}"
        raise ValueError(msg)
    zone = _zone_polygon(meridian)
    xmin, ymin, xmax, ymax = zone.bounds
    rng = np.random.default_rng(seed)
    size = math.sqrt(zone.area / n)
    cx = np.empty(0)
    cy = np.empty(0)
    while len(cx) < n:  # rejection sampling of centres inside the zone
        want = int((n - len(cx)) * (xmax - xmin) * (ymax - ymin) / zone.area * 1.1) + 16
        x = rng.uniform(xmin, xmax, want)
        y = rng.uniform(ymin, ymax, want)
        inside = shapely.contains_xy(zone, x, y)
        cx, cy = np.concatenate([cx, x[inside]]), np.concatenate([cy, y[inside]])
    cx, cy = cx[:n], cy[:n]
    half_w = rng.uniform(0.3, 1.0, n) * size / 2
    half_h = rng.uniform(0.3, 1.0, n) * size / 2
    geoms = shapely.box(cx - half_w, cy - half_h, cx + half_w, cy + half_h)
    return _parcel_frame(geoms, rng, meridian, crs, cadastral=cadastral, seed=seed)


def _parcel_frame(
    geoms: np.ndarray,
    rng: np.random.Generator,
    meridian: float,
    crs: str | int,
    *,
    cadastral: bool,
    seed: int,
) -> gpd.GeoDataFrame:
    """The synthetic parcels' columns around `geoms` (VN-2000 TM-3), in the CRS asked for."""
    n = len(geoms)
    uses = np.array(list(LAND_USES))
    weights = np.array(list(LAND_USES.values()))
    land_use = uses[rng.choice(len(uses), size=n, p=weights / weights.sum())]
    numbers = np.arange(1, n + 1)
    columns = {"parcel_id": [f"P{i:07d}" for i in numbers], "land_use": land_use}
    if cadastral:
        # a generator of its own, so the classes (and the layers without codes) do not change
        code_rng = np.random.default_rng(seed + 1)
        codes = np.empty(n, dtype=object)
        for use, shares in LAND_USE_CODES.items():
            idx = np.flatnonzero(land_use == use)
            names = np.array(list(shares), dtype=object)
            p = np.array(list(shares.values()))
            codes[idx] = names[code_rng.choice(len(names), size=len(idx), p=p / p.sum())]
        columns["land_use_code"] = codes
        columns["so_to"] = (numbers - 1) // PARCELS_PER_SHEET + 1
        columns["so_thua"] = (numbers - 1) % PARCELS_PER_SHEET + 1
    frame = pd.DataFrame(
        {
            **columns,
            "name_vi": [f"Thửa {i}" for i in numbers],
            "declared_area_m2": np.round(shapely.area(geoms)),
        }
    )
    grid_crs = zcrs.vn2000_tm3_crs(meridian)
    parcels = gpd.GeoDataFrame(frame, geometry=geoms, crs=grid_crs)
    if crs == "vn2000":
        return parcels
    lonlat = zcrs.to_wgs84(parcels)
    out = gpd.GeoDataFrame(frame, geometry=lonlat, crs=4326)
    return out if pd.api.types.is_integer(crs) and int(crs) == 4326 else out.to_crs(crs)
