"""
Planning analysis: the coastal road corridor, key distances and airport height limits.

Geometry is built on the VN-2000 TM-3 grid (`zoneplan.crs`, pinned transformation)
with every ground distance converted to grid units by the local scale
``sqrt(expected_area_ratio)``, so a 68 m right-of-way is 68 m on the ellipsoid.
Results come back in EPSG:4326 and are measured both ways (`zoneplan.areas`).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import ops

from zoneplan import crs as zcrs
from zoneplan.areas import column_or_default, measure_grid_geometries
from zoneplan.composition import functional_grid, polygons_only
from zoneplan.errors import LayerValidationError
from zoneplan.geodesic import GEOD, M_PER_KM

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

#: Segments per quarter circle of buffers (corridor bands, inner horizontal, conical).
QUAD_SEGS: Final[int] = 32

_LINES = ("LineString", "MultiLineString")


def _layer_name(gdf: gpd.GeoDataFrame, default: str) -> str:
    """Return the layer id of `gdf` for messages."""
    return str(gdf.attrs.get("layer_id", default))


def _ground_to_grid(geom_grid: shapely.Geometry, meridian: float) -> float:
    """Return the grid length of one ground metre at the centroid of a grid geometry."""
    c = shapely.centroid(geom_grid)
    lon, lat = zcrs.vn2000_to_wgs84(c.x, c.y, meridian=meridian)
    return math.sqrt(zcrs.expected_area_ratio(float(lon), float(lat), meridian=meridian))


def _to_lonlat(geoms: Sequence[shapely.Geometry] | np.ndarray, meridian: float) -> list:
    """Return grid geometries as WGS 84 lon/lat geometries (pinned inverse)."""
    gs = gpd.GeoSeries(list(geoms), crs=zcrs.vn2000_tm3_crs(meridian))
    return list(zcrs.to_wgs84(gs))


def _select(
    gdf: gpd.GeoDataFrame, category: str, kinds: tuple[str, ...], what: str
) -> gpd.GeoDataFrame:
    """Return the features of `category` (all features without a category column) of `kinds`."""
    zcrs.require_crs(gdf, _layer_name(gdf, what))
    sel = gdf[gdf["category"] == category] if "category" in gdf.columns else gdf
    sel = sel[~shapely.is_missing(sel.geometry.to_numpy()) & ~sel.geometry.is_empty.to_numpy()]
    sel = sel[sel.geometry.geom_type.isin(kinds)]
    if sel.empty:
        msg = (
            f"Layer {_layer_name(gdf, what)} has no {' or '.join(kinds)} of category "
            f"{category!r} for the {what}; add one or pass another layer"
        )
        raise LayerValidationError(msg)
    return sel


# --- corridor --------------------------------------------------------------------------


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
    sel = _select(roads, "road", _LINES, "road corridor")
    widths = []
    for idx, row in sel.iterrows():
        w = width_m
        for key in ("right_of_way_m", "width_m"):
            if w is None and key in sel.columns and pd.notna(row.get(key)):
                w = float(row[key])
        if w is None or not w > 0:
            label = row.get("id", idx)
            msg = (
                f"Road {label} of layer {_layer_name(roads, 'transport')} has no right_of_way_m "
                f"or width_m; set one in the data or give a width (--width-m 68)"
            )
            raise LayerValidationError(msg)
        widths.append(w)
    grid = zcrs.to_vn2000(sel, meridian=meridian)
    polys = [
        shapely.buffer(
            g,
            w / 2 * _ground_to_grid(g, meridian),
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
        geometry=_to_lonlat(polys, meridian),
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
    sel = _select(roads, "road", _LINES, "distance bands")
    line = shapely.union_all(zcrs.to_vn2000(sel, meridian=meridian))
    scale = _ground_to_grid(line, meridian)
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
        geometry=_to_lonlat(rings, meridian),
        crs=4326,
    )


def _areas_inside(
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
    whole = measure_grid_geometries(func.geometry.values, meridian=meridian)
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
    return _areas_inside(bands, ["band", "band_from_m", "band_to_m"], functional, meridian)


# --- distances -------------------------------------------------------------------------


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
    picks: list[tuple[str, str, str, shapely.Geometry]] = []
    polys = ("Polygon", "MultiPolygon")
    port = _first(layers, "port", "berth", polys)
    if port is None and layers.get("port") is not None:
        port_layer = layers["port"]
        port = port_layer[port_layer.geometry.geom_type.isin(polys)] if len(port_layer) else None
    if port is not None and len(port):
        g = shapely.centroid(shapely.union_all(zcrs.to_vn2000(port, meridian=meridian)))
        picks.append(("port", "Cảng Nam Đồ Sơn", "Nam Do Son port", g))
    runway = _first(layers, "airport", "runway", _LINES)
    if runway is not None:
        line = shapely.union_all(zcrs.to_vn2000(runway, meridian=meridian))
        merged = ops.linemerge(line) if line.geom_type == "MultiLineString" else line
        g = shapely.line_interpolate_point(merged, 0.5, normalized=True)
        picks.append(("airport", "Sân bay Tiên Lãng", "Tien Lang airport", g))
    else:
        area = _first(layers, "functional_areas", "airport", polys)
        if area is not None:
            g = shapely.centroid(shapely.union_all(zcrs.to_vn2000(area, meridian=meridian)))
            picks.append(("airport", "Sân bay Tiên Lãng", "Tien Lang airport", g))
    road = _first(layers, "transport", "road", _LINES)
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
        geometry=_to_lonlat([p[3] for p in picks], meridian),
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
            (lon_a, lat_a), (lon_b, lat_b) = ((g.x, g.y) for g in _to_lonlat([pa, pb], meridian))
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


# --- airport obstacle limitation surfaces -----------------------------------------------


@dataclass(frozen=True)
class OLSParameters:
    """
    Dimensions of the obstacle limitation surfaces (ICAO Annex 14, Vol. I, Tables 4-1, 4-2).

    The defaults are a code 4 precision approach runway, Category I, and code 4
    take-off. Heights are above the aerodrome (threshold) elevation. Older editions
    of Annex 14 give a 300 m approach inner edge and a 150 m half strip.

    Parameters
    ----------
    strip_end_m
        Length of the strip beyond each runway end (the approach inner edge is there).
    strip_half_width_m
        Half width of the runway strip.
    inner_horizontal_height_m, inner_horizontal_radius_m
        The inner horizontal surface.
    conical_slope, conical_height_m
        Slope (1:20 = 0.05) and height above the inner horizontal of the conical surface.
    transitional_slope
        Slope of the transitional surface (14.3 %).
    approach_inner_edge_m, approach_divergence
        Inner edge length and divergence each side of the approach surface.
    approach_sections
        (length_m, slope) of each approach section; slope 0 is the horizontal section.
    takeoff_inner_edge_m, takeoff_distance_m, takeoff_divergence, takeoff_final_width_m
        Take-off climb surface: inner edge, its distance from the runway end,
        divergence each side and final width.
    takeoff_length_m, takeoff_slope
        Length and slope of the take-off climb surface.
    """

    strip_end_m: float = 60.0
    strip_half_width_m: float = 140.0
    inner_horizontal_height_m: float = 45.0
    inner_horizontal_radius_m: float = 4000.0
    conical_slope: float = 0.05
    conical_height_m: float = 100.0
    transitional_slope: float = 0.143
    approach_inner_edge_m: float = 280.0
    approach_divergence: float = 0.15
    approach_sections: tuple[tuple[float, float], ...] = (
        (3000.0, 0.02),
        (3600.0, 0.025),
        (8400.0, 0.0),
    )
    takeoff_inner_edge_m: float = 180.0
    takeoff_distance_m: float = 60.0
    takeoff_divergence: float = 0.125
    takeoff_final_width_m: float = 1200.0
    takeoff_length_m: float = 15000.0
    takeoff_slope: float = 0.02


#: ICAO Annex 14 code 4 precision approach (Category I) runway.
ANNEX14_CODE4_PRECISION: Final[OLSParameters] = OLSParameters()


@dataclass
class _Frame:
    """Runway-aligned ground frame: u along the runway from end A, v to its left (metres)."""

    origin: np.ndarray
    axis: np.ndarray
    normal: np.ndarray
    scale: float
    length_m: float

    def to_grid(self, geom: shapely.Geometry) -> shapely.Geometry:
        """Map a geometry from (u, v) ground metres to the VN-2000 grid."""

        def _map(uv: np.ndarray) -> np.ndarray:
            return self.origin + self.scale * (
                np.outer(uv[:, 0], self.axis) + np.outer(uv[:, 1], self.normal)
            )

        return shapely.transform(geom, _map)


def _runway_frame(runway: gpd.GeoDataFrame, meridian: float) -> _Frame:
    """Return the ground frame of the (first) runway line: from its first to its last vertex."""
    sel = _select(runway, "runway", _LINES, "airport height limits")
    line = zcrs.to_vn2000(sel.iloc[:1], meridian=meridian)[0]
    coords = np.array(shapely.get_coordinates(line))
    a, b = coords[0], coords[-1]
    scale = _ground_to_grid(line, meridian)
    axis = (b - a) / np.hypot(*(b - a))
    return _Frame(a, axis, np.array([-axis[1], axis[0]]), scale, float(np.hypot(*(b - a)) / scale))


def _heights(h0: float, slope: float, d0: float, d1: float, step_m: float) -> list[float]:
    """Return where in [d0, d1] a surface rising from h0 at d0 crosses multiples of step_m."""
    if slope <= 0:
        return []
    h1 = h0 + slope * (d1 - d0)
    first = math.floor(h0 / step_m + 1e-9) + 1
    return [d0 + (k * step_m - h0) / slope for k in range(first, math.ceil(h1 / step_m - 1e-9))]


def _trapezoid(
    u0: float, sign: float, d_a: float, d_b: float, half_width, kinks: Sequence[float]
) -> shapely.Polygon:
    """Return the surface slice between distances d_a and d_b from an inner edge at u0."""
    ds = [d_a, *[k for k in kinks if d_a < k < d_b], d_b]
    left = [(u0 + sign * d, half_width(d)) for d in ds]
    right = [(u0 + sign * d, -half_width(d)) for d in reversed(ds)]
    return shapely.Polygon(left + right)


def _sloped_slices(h0: float, sections: Sequence[tuple[float, float]], step_m: float):
    """Yield (d_a, d_b, h_a, h_b, slope) slices of a profile of (length, slope) sections."""
    d, h = 0.0, h0
    for length, slope in sections:
        cuts = [d, *_heights(h, slope, d, d + length, step_m), d + length]
        for d_a, d_b in itertools.pairwise(cuts):
            yield d_a, d_b, h + slope * (d_a - d), h + slope * (d_b - d), slope
        d, h = d + length, h + slope * length


def _surfaces_local(frame: _Frame, p: OLSParameters, step_m: float) -> list[dict]:
    """Return the surfaces as dicts with local (u, v) polygons and their heights."""
    out: list[dict] = []
    u_a, u_b = -p.strip_end_m, frame.length_m + p.strip_end_m
    axis = shapely.LineString([(u_a, 0.0), (u_b, 0.0)])
    hw = p.strip_half_width_m
    out.append(
        {
            "surface": "strip",
            "end": "",
            "h_min": 0.0,
            "h_max": 0.0,
            "slope": 0.0,
            "geom": shapely.box(u_a, -hw, u_b, hw),
        }
    )
    ih_h, ih_r = p.inner_horizontal_height_m, p.inner_horizontal_radius_m
    # transitional along the strip sides, up to the inner horizontal
    width = ih_h / p.transitional_slope
    for d_a, d_b, h_a, h_b, s in _sloped_slices(0.0, [(width, p.transitional_slope)], step_m):
        for side in (1, -1):
            v0, v1 = sorted((side * (hw + d_a), side * (hw + d_b)))
            out.append(
                {
                    "surface": "transitional",
                    "end": "",
                    "h_min": h_a,
                    "h_max": h_b,
                    "slope": s,
                    "geom": shapely.box(u_a, v0, u_b, v1),
                }
            )
    out.append(
        {
            "surface": "inner_horizontal",
            "end": "",
            "h_min": ih_h,
            "h_max": ih_h,
            "slope": 0.0,
            "geom": shapely.buffer(axis, ih_r, quad_segs=QUAD_SEGS),
        }
    )
    conical_w = p.conical_height_m / p.conical_slope
    for d_a, d_b, h_a, h_b, s in _sloped_slices(ih_h, [(conical_w, p.conical_slope)], step_m):
        ring = shapely.difference(
            shapely.buffer(axis, ih_r + d_b, quad_segs=QUAD_SEGS),
            shapely.buffer(axis, ih_r + d_a, quad_segs=QUAD_SEGS),
        )
        out.append(
            {"surface": "conical", "end": "", "h_min": h_a, "h_max": h_b, "slope": s, "geom": ring}
        )
    # `end` names the runway end a surface lies beyond: A is the line's first vertex

    def ap_hw(d: float) -> float:
        return p.approach_inner_edge_m / 2 + p.approach_divergence * d

    for name, u_edge, sign in (("A", u_a, -1.0), ("B", u_b, 1.0)):
        for d_a, d_b, h_a, h_b, s in _sloped_slices(0.0, p.approach_sections, step_m):
            out.append(
                {
                    "surface": "approach",
                    "end": name,
                    "h_min": h_a,
                    "h_max": h_b,
                    "slope": s,
                    "geom": _trapezoid(u_edge, sign, d_a, d_b, ap_hw, []),
                }
            )
    # take-off climb off each runway end, beyond the end it leaves from
    kink = (p.takeoff_final_width_m - p.takeoff_inner_edge_m) / 2 / p.takeoff_divergence

    def to_hw(d: float) -> float:
        return min(
            p.takeoff_inner_edge_m / 2 + p.takeoff_divergence * d, p.takeoff_final_width_m / 2
        )

    for name, u_edge, sign in (
        ("B", frame.length_m + p.takeoff_distance_m, 1.0),
        ("A", -p.takeoff_distance_m, -1.0),
    ):
        for d_a, d_b, h_a, h_b, s in _sloped_slices(
            0.0, [(p.takeoff_length_m, p.takeoff_slope)], step_m
        ):
            out.append(
                {
                    "surface": "takeoff_climb",
                    "end": name,
                    "h_min": h_a,
                    "h_max": h_b,
                    "slope": s,
                    "geom": _trapezoid(u_edge, sign, d_a, d_b, to_hw, [kink]),
                }
            )
    return out


def obstacle_limitation_surfaces(
    runway: gpd.GeoDataFrame,
    *,
    params: OLSParameters = ANNEX14_CODE4_PRECISION,
    step_m: float = 15.0,
    meridian: float = zcrs.DEFAULT_MERIDIAN,
) -> gpd.GeoDataFrame:
    """
    Build ICAO Annex 14 obstacle limitation surfaces of a runway as polygons with height limits.

    Surfaces: the runway strip (no obstacles, limit 0 m), the transitional surfaces
    along the strip sides (1:7 up to the inner horizontal; the parts along the
    approach surfaces are not drawn), the inner horizontal surface (45 m within
    4,000 m of the strip ends: a stadium), the conical surface (1:20 up to 100 m
    above it), the approach surface to each end (2 %, 2.5 % then horizontal at
    150 m, 15 km long) and the take-off climb surface off each end (2 %, 15 km).
    Sloping surfaces are cut every `step_m` of height; each polygon carries the
    lowest limit inside it (``height_limit_m``) and the highest (``height_max_m``).

    Parameters
    ----------
    runway
        The airport layer; its first ``runway`` line (all lines if no category
        column) is the runway centreline from end A (first vertex) to end B.
    params
        The surface dimensions; code 4 precision approach by default.
    step_m
        Height step at which sloping surfaces are cut, in metres.
    meridian
        Central meridian of the VN-2000 TM-3 zone.

    Returns
    -------
    surfaces
        surface, end, height_limit_m, height_max_m, slope_pct, area_ha_vn2000,
        area_ha_ellipsoidal and geometry (EPSG:4326). Heights are above the
        aerodrome elevation.

    Raises
    ------
    LayerValidationError
        If there is no runway line.
    ValueError
        If `step_m` is not positive.

    Examples
    --------
    >>> from shapely import LineString
    >>> rwy = gpd.GeoDataFrame({"category": ["runway"]}, crs=4326,
    ...                        geometry=[LineString([(106.62, 20.63), (106.65, 20.64)])])
    >>> ols = obstacle_limitation_surfaces(rwy)
    >>> ols.loc[ols["surface"] == "inner_horizontal", "height_limit_m"].tolist()
    [45.0]
    """
    if not step_m > 0:
        msg = f"height step {step_m!r} must be a positive number of metres, e.g. 15"
        raise ValueError(msg)
    frame = _runway_frame(runway, meridian)
    local = _surfaces_local(frame, params, step_m)
    grid = [frame.to_grid(s["geom"]) for s in local]
    measured = measure_grid_geometries(grid, meridian=meridian)
    return gpd.GeoDataFrame(
        {
            "surface": [s["surface"] for s in local],
            "end": [s["end"] for s in local],
            "height_limit_m": [round(s["h_min"], 6) for s in local],
            "height_max_m": [round(s["h_max"], 6) for s in local],
            "slope_pct": [100.0 * s["slope"] for s in local],
            "area_ha_vn2000": measured["area_ha_vn2000"].to_numpy(),
            "area_ha_ellipsoidal": measured["area_ha_ellipsoidal"].to_numpy(),
        },
        geometry=_to_lonlat(grid, meridian),
        crs=4326,
    )


def height_limit_zones(
    surfaces: gpd.GeoDataFrame, *, meridian: float = zcrs.DEFAULT_MERIDIAN
) -> gpd.GeoDataFrame:
    """
    Partition the surfaces into zones of governing (lowest) height limit.

    Where surfaces overlap the lowest one governs, as in Annex 14; each returned
    polygon is covered by no lower surface.

    Parameters
    ----------
    surfaces
        From `obstacle_limitation_surfaces`.
    meridian
        Central meridian of the VN-2000 TM-3 zone.

    Returns
    -------
    zones
        height_limit_m, height_max_m, surface, end, area_ha_vn2000, area_ha_ellipsoidal
        and geometry (EPSG:4326), lowest limit first; empty pieces are dropped.
    """
    order = surfaces.sort_values(["height_limit_m", "height_max_m"], kind="stable")
    grid = zcrs.to_vn2000(order, meridian=meridian)
    covered = shapely.Polygon()
    keep, pieces = [], []
    for i, geom in enumerate(grid):
        piece = shapely.difference(geom, covered)
        covered = shapely.union(covered, geom)
        if not piece.is_empty and piece.area > 1e-6:
            keep.append(i)
            pieces.append(piece)
    rows = order.iloc[keep]
    measured = measure_grid_geometries(pieces, meridian=meridian)
    return gpd.GeoDataFrame(
        {
            "height_limit_m": rows["height_limit_m"].to_numpy(),
            "height_max_m": rows["height_max_m"].to_numpy(),
            "surface": rows["surface"].to_numpy(),
            "end": rows["end"].to_numpy(),
            "area_ha_vn2000": measured["area_ha_vn2000"].to_numpy(),
            "area_ha_ellipsoidal": measured["area_ha_ellipsoidal"].to_numpy(),
        },
        geometry=_valid_polygons(_to_lonlat(pieces, meridian)),
        crs=4326,
    )


def _valid_polygons(geoms: list) -> list:
    """
    Make lon/lat polygons valid again after the datum shift.

    Differences of overlapping surfaces leave slivers and near-touching rings a
    fraction of a millimetre wide; moving their vertices to lon/lat can fold them
    into self-intersections or rings of too few points. Those are repaired with
    ``make_valid``, keeping only the polygonal part (areas are measured on the grid
    before this step and do not change).
    """
    out = list(geoms)
    for i, geom in enumerate(out):
        if not geom.is_valid:
            out[i] = polygons_only(shapely.make_valid(geom))
    return out


def height_limit_at(zones: gpd.GeoDataFrame, lon: float, lat: float) -> float:
    """
    Return the governing height limit at a WGS 84 point (NaN outside every surface).

    Parameters
    ----------
    zones
        From `height_limit_zones`.
    lon, lat
        The point in degrees.

    Returns
    -------
    height_limit_m
        The lowest limit of the zone containing the point.
    """
    pt = shapely.Point(lon, lat)
    hit = zones[zones.to_crs(4326).geometry.intersects(pt)]
    return float(hit["height_limit_m"].min()) if len(hit) else float("nan")


def area_under_height_limits(
    zones: gpd.GeoDataFrame,
    functional: gpd.GeoDataFrame,
    *,
    meridian: float = zcrs.DEFAULT_MERIDIAN,
) -> pd.DataFrame:
    """
    Return the ha of each functional area under each governing height limit.

    Parameters
    ----------
    zones
        From `height_limit_zones`.
    functional
        The functional-areas layer.
    meridian
        Central meridian of the VN-2000 TM-3 zone.

    Returns
    -------
    table
        One row per height limit and functional feature with area > 0:
        height_limit_m, height_max_m, surfaces (names joined), id, name_vi, name_en,
        category, area_ha_vn2000, area_ha_ellipsoidal, share_pct (of the feature).
    """
    z = zones.copy()
    z["surfaces"] = (z["surface"] + np.where(z["end"] != "", " " + z["end"], "")).astype(str)
    long = _areas_inside(z, ["height_limit_m", "height_max_m", "surfaces"], functional, meridian)
    long = long[long["area_ha_vn2000"] > 0]
    keys = ["height_limit_m", "id", "name_vi", "name_en", "category"]
    out = (
        long.groupby(keys, sort=True, dropna=False)
        .agg(
            height_max_m=("height_max_m", "max"),
            surfaces=("surfaces", lambda s: ", ".join(dict.fromkeys(s))),
            area_ha_vn2000=("area_ha_vn2000", "sum"),
            area_ha_ellipsoidal=("area_ha_ellipsoidal", "sum"),
            share_pct=("share_pct", "sum"),
        )
        .reset_index()
    )
    cols = ["height_limit_m", "height_max_m", "surfaces", "id", "name_vi", "name_en", "category"]
    cols += ["area_ha_vn2000", "area_ha_ellipsoidal", "share_pct"]
    return out[cols]
