"""
Planning analysis: the coastal road corridor, key distances and airport height limits.

One module each: `corridor` (right-of-way, distance bands, land per band),
`distances` (port, airport, expressway, Cát Bi), `airport` (ICAO Annex 14
obstacle limitation surfaces and height-limit zones); `grid` holds what they
share. Geometry is built on the VN-2000 TM-3 grid in ground metres; results come
back in EPSG:4326, measured both ways (`zoneplan.areas`).
"""

from __future__ import annotations

from zoneplan.analysis.airport import (
    ANNEX14_CODE4_PRECISION,
    OLSParameters,
    RunwayFrame,
    SurfaceSlice,
    area_under_height_limits,
    height_limit_at,
    height_limit_zones,
    obstacle_limitation_surfaces,
)
from zoneplan.analysis.corridor import corridor_analysis, distance_bands, road_corridor
from zoneplan.analysis.distances import distance_table, key_locations
from zoneplan.analysis.grid import QUAD_SEGS

__all__ = [
    "ANNEX14_CODE4_PRECISION",
    "QUAD_SEGS",
    "OLSParameters",
    "RunwayFrame",
    "SurfaceSlice",
    "area_under_height_limits",
    "corridor_analysis",
    "distance_bands",
    "distance_table",
    "height_limit_at",
    "height_limit_zones",
    "key_locations",
    "obstacle_limitation_surfaces",
    "road_corridor",
]
