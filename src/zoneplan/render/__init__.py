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
    build_html,
    build_map,
    catalog_layers,
    save_map,
    user_layer,
)
from zoneplan.render.payload import embed_json

__all__ = [
    "DEFAULT_OUTPUT",
    "AssetError",
    "MapLayer",
    "build_html",
    "build_map",
    "catalog_layers",
    "embed_json",
    "save_map",
    "user_layer",
]
