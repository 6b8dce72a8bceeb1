"""
Airport height limits: ICAO Annex 14 obstacle limitation surfaces of a runway.

The surfaces are built as `SurfaceSlice` objects in a ground frame along the
runway (`RunwayFrame`), cut every few metres of height where they slope, then
placed on the VN-2000 grid and measured; `height_limit_zones` keeps the lowest
(governing) limit where surfaces overlap.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from zoneplan import crs as zcrs
from zoneplan.analysis.grid import (
    LINES,
    QUAD_SEGS,
    areas_inside,
    grid_to_lonlat,
    ground_to_grid,
    select_features,
)
from zoneplan.areas import measure_grid_geometries
from zoneplan.composition import polygons_only

if TYPE_CHECKING:
    from collections.abc import Sequence

    from shapely.geometry.base import BaseGeometry


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


@dataclass(frozen=True)
class SurfaceSlice:
    """
    One piece of an obstacle limitation surface, between two heights.

    Parameters
    ----------
    surface
        ``strip``, ``transitional``, ``inner_horizontal``, ``conical``,
        ``approach`` or ``takeoff_climb``.
    end
        The runway end the surface lies beyond (``A`` is the line's first
        vertex, ``B`` its last), or ``""`` for surfaces around the runway.
    h_min, h_max
        Lowest and highest height limit inside the piece, in metres above the
        aerodrome elevation.
    slope
        Rise per metre of the surface (0 for horizontal surfaces).
    geom
        The piece as a polygon in the runway's ground frame (`RunwayFrame`), or
        on the VN-2000 grid after `RunwayFrame.to_grid`.
    """

    surface: str
    end: str
    h_min: float
    h_max: float
    slope: float
    geom: BaseGeometry


@dataclass(frozen=True)
class RunwayFrame:
    """
    Runway-aligned ground frame: u along the runway from end A, v to its left (metres).

    Parameters
    ----------
    origin
        End A on the VN-2000 grid.
    axis, normal
        Unit vectors along the runway and to its left, on the grid.
    scale
        Grid metres per ground metre at the runway.
    length_m
        Runway length on the ground.
    """

    origin: np.ndarray
    axis: np.ndarray
    normal: np.ndarray
    scale: float
    length_m: float

    def to_grid(self, geom: BaseGeometry) -> BaseGeometry:
        """Map a geometry from (u, v) ground metres to the VN-2000 grid."""

        def _map(uv: np.ndarray) -> np.ndarray:
            return self.origin + self.scale * (
                np.outer(uv[:, 0], self.axis) + np.outer(uv[:, 1], self.normal)
            )

        return shapely.transform(geom, _map)


def _runway_frame(runway: gpd.GeoDataFrame, meridian: float) -> RunwayFrame:
    """Return the ground frame of the (first) runway line: from its first to its last vertex."""
    sel = select_features(runway, "runway", LINES, "airport height limits")
    line = zcrs.to_vn2000(sel.iloc[:1], meridian=meridian)[0]
    coords = np.array(shapely.get_coordinates(line))
    a, b = coords[0], coords[-1]
    scale = ground_to_grid(line, meridian)
    axis = (b - a) / np.hypot(*(b - a))
    return RunwayFrame(
        a, axis, np.array([-axis[1], axis[0]]), scale, float(np.hypot(*(b - a)) / scale)
    )


def _heights(h0: float, slope: float, d0: float, d1: float, step_m: float) -> list[float]:
    """Return where in [d0, d1] a surface rising from h0 at d0 crosses multiples of step_m."""
    if slope <= 0:
        return []
    h1 = h0 + slope * (d1 - d0)
    first = math.floor(h0 / step_m + 1e-9) + 1
    return [d0 + (k * step_m - h0) / slope for k in range(first, math.ceil(h1 / step_m - 1e-9))]


def _trapezoid(
    u0: float,
    sign: float,
    d_a: float,
    d_b: float,
    half_width: Callable[[float], float],
    kinks: Sequence[float],
) -> shapely.Polygon:
    """Return the surface slice between distances d_a and d_b from an inner edge at u0."""
    ds = [d_a, *[k for k in kinks if d_a < k < d_b], d_b]
    left = [(u0 + sign * d, half_width(d)) for d in ds]
    right = [(u0 + sign * d, -half_width(d)) for d in reversed(ds)]
    return shapely.Polygon(left + right)


def _sloped_slices(
    h0: float, sections: Sequence[tuple[float, float]], step_m: float
) -> Iterator[tuple[float, float, float, float, float]]:
    """Yield (d_a, d_b, h_a, h_b, slope) slices of a profile of (length, slope) sections."""
    d, h = 0.0, h0
    for length, slope in sections:
        cuts = [d, *_heights(h, slope, d, d + length, step_m), d + length]
        for d_a, d_b in itertools.pairwise(cuts):
            yield d_a, d_b, h + slope * (d_a - d), h + slope * (d_b - d), slope
        d, h = d + length, h + slope * length


def _surfaces_local(frame: RunwayFrame, p: OLSParameters, step_m: float) -> list[SurfaceSlice]:
    """Return the surfaces, cut at every `step_m` of height, in the runway's ground frame."""
    out: list[SurfaceSlice] = []
    u_a, u_b = -p.strip_end_m, frame.length_m + p.strip_end_m
    axis = shapely.LineString([(u_a, 0.0), (u_b, 0.0)])
    hw = p.strip_half_width_m
    out.append(
        SurfaceSlice(
            surface="strip",
            end="",
            h_min=0.0,
            h_max=0.0,
            slope=0.0,
            geom=shapely.box(u_a, -hw, u_b, hw),
        )
    )
    ih_h, ih_r = p.inner_horizontal_height_m, p.inner_horizontal_radius_m
    # transitional along the strip sides, up to the inner horizontal
    width = ih_h / p.transitional_slope
    for d_a, d_b, h_a, h_b, s in _sloped_slices(0.0, [(width, p.transitional_slope)], step_m):
        for side in (1, -1):
            v0, v1 = sorted((side * (hw + d_a), side * (hw + d_b)))
            out.append(
                SurfaceSlice(
                    surface="transitional",
                    end="",
                    h_min=h_a,
                    h_max=h_b,
                    slope=s,
                    geom=shapely.box(u_a, v0, u_b, v1),
                )
            )
    out.append(
        SurfaceSlice(
            surface="inner_horizontal",
            end="",
            h_min=ih_h,
            h_max=ih_h,
            slope=0.0,
            geom=shapely.buffer(axis, ih_r, quad_segs=QUAD_SEGS),
        )
    )
    conical_w = p.conical_height_m / p.conical_slope
    for d_a, d_b, h_a, h_b, s in _sloped_slices(ih_h, [(conical_w, p.conical_slope)], step_m):
        ring = shapely.difference(
            shapely.buffer(axis, ih_r + d_b, quad_segs=QUAD_SEGS),
            shapely.buffer(axis, ih_r + d_a, quad_segs=QUAD_SEGS),
        )
        out.append(
            SurfaceSlice(surface="conical", end="", h_min=h_a, h_max=h_b, slope=s, geom=ring)
        )
    # `end` names the runway end a surface lies beyond: A is the line's first vertex

    def ap_hw(d: float) -> float:
        return p.approach_inner_edge_m / 2 + p.approach_divergence * d

    for name, u_edge, sign in (("A", u_a, -1.0), ("B", u_b, 1.0)):
        for d_a, d_b, h_a, h_b, s in _sloped_slices(0.0, p.approach_sections, step_m):
            out.append(
                SurfaceSlice(
                    surface="approach",
                    end=name,
                    h_min=h_a,
                    h_max=h_b,
                    slope=s,
                    geom=_trapezoid(u_edge, sign, d_a, d_b, ap_hw, []),
                )
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
                SurfaceSlice(
                    surface="takeoff_climb",
                    end=name,
                    h_min=h_a,
                    h_max=h_b,
                    slope=s,
                    geom=_trapezoid(u_edge, sign, d_a, d_b, to_hw, [kink]),
                )
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
    grid = [frame.to_grid(s.geom) for s in local]
    measured = measure_grid_geometries(grid, meridian=meridian)
    return gpd.GeoDataFrame(
        {
            "surface": [s.surface for s in local],
            "end": [s.end for s in local],
            "height_limit_m": [round(s.h_min, 6) for s in local],
            "height_max_m": [round(s.h_max, 6) for s in local],
            "slope_pct": [100.0 * s.slope for s in local],
            "area_ha_vn2000": measured["area_ha_vn2000"].to_numpy(),
            "area_ha_ellipsoidal": measured["area_ha_ellipsoidal"].to_numpy(),
        },
        geometry=grid_to_lonlat(grid, meridian),
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
        geometry=_valid_polygons(grid_to_lonlat(pieces, meridian)),
        crs=4326,
    )


def _valid_polygons(geoms: list[BaseGeometry]) -> list[BaseGeometry]:
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
    long = areas_inside(z, ["height_limit_m", "height_max_m", "surfaces"], functional, meridian)
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
