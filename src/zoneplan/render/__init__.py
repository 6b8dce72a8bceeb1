"""
The planning map: a self-contained, safe HTML viewer of every layer.

`build_map` turns layers into a `folium.Map`; `build_html` renders it and
`save_map` writes it atomically. `catalog_layers` and `user_layer` prepare the
shipped layers and the user's own files.
"""

from __future__ import annotations

from zoneplan.render.assets import AssetError
from zoneplan.render.layers import MapLayer
from zoneplan.render.map import (
    DEFAULT_OUTPUT,
    PlanningMap,
    build_html,
    build_map,
    catalog_layers,
    notebook_html,
    save_map,
    user_layer,
)
from zoneplan.render.payload import embed_json

__all__ = [
    "DEFAULT_OUTPUT",
    "AssetError",
    "MapLayer",
    "PlanningMap",
    "build_html",
    "build_map",
    "catalog_layers",
    "embed_json",
    "notebook_html",
    "save_map",
    "user_layer",
]
