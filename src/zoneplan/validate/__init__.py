"""
Validation of layers: the shipped catalog layers and the user's own files.

Every check collects all the problems it finds and reports them at once, each
naming the file, the feature (its ``id`` property, else its position) and the
fix. Catalog layers are held to the full schema of `zoneplan.schema`; user
layers need readable, valid geometry with a sane CRS, and any schema property
they carry must have the right type.

The checks live in one module each: `files` (a whole file, the catalog, a
user's layer), `geojson` (the raw GeoJSON), `properties` (property types and
values), `frame` (a GeoDataFrame: CRS, geometry, ids), `repair` (``make_valid``
with the area change reported), `events` (the catalog's dated events against its
layers) and `problems` (what they all report).
"""

from __future__ import annotations

from zoneplan.validate.files import load_user_layer, validate_catalog, validate_file
from zoneplan.validate.frame import VIETNAM_BOUNDS, validate_layer
from zoneplan.validate.geojson import MAX_DECIMALS, MAX_NESTING, check_geojson
from zoneplan.validate.problems import Kind, Problem, Severity, errors_only
from zoneplan.validate.properties import check_properties
from zoneplan.validate.repair import Repair, repair_layer

__all__ = [
    "MAX_DECIMALS",
    "MAX_NESTING",
    "VIETNAM_BOUNDS",
    "Kind",
    "Problem",
    "Repair",
    "Severity",
    "check_geojson",
    "check_properties",
    "errors_only",
    "load_user_layer",
    "repair_layer",
    "validate_catalog",
    "validate_file",
    "validate_layer",
]
