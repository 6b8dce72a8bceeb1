"""
The map of a change between two versions of a layer (``zoneplan diff OLD NEW --map``).

Four layers over the basemap: the old version left of a swipe divider and the new one
right of it, both faded, and on both sides the land gained (the new shapes outside the
old ones, and added features) and lost (the old outside the new, and removed features)
in two colours (`zoneplan.schema.CATEGORIES` ``land_gained`` and ``land_lost``), each
piece's tooltip giving its hectares (VN-2000, measured again by the map as every layer
is) and its popup the feature's id, the change and both measures.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import box
>>> from zoneplan.diff import compare_layers
>>> old = gpd.GeoDataFrame({"id": ["a"]}, geometry=[box(6e5, 2.28e6, 6e5 + 100, 2.28e6 + 100)],
...                        crs=9210)
>>> new = old.set_geometry([box(6e5, 2.28e6, 6e5 + 120, 2.28e6 + 100)])
>>> layers = diff_layers(old, new, compare_layers(old, new), ("v1.gpkg", "v2.gpkg"))
>>> [(ly.title_en, ly.side, len(ly.gdf)) for ly in layers]
[('v1.gpkg', 'left', 1), ('v2.gpkg', 'right', 1), ('Land gained', None, 1), ('Land lost', None, 0)]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal

from zoneplan.crs import reproject
from zoneplan.render.layers import MapLayer
from zoneplan.render.payload import USER_GROUP
from zoneplan.schema import CATEGORIES

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

    from zoneplan.diff import LayerDiff
    from zoneplan.render.i18n import Lang

#: How the two versions are drawn: faded, so the gained and lost land stands out.
VERSION_STYLE: Final[dict[str, float]] = {"fill_opacity": 0.12, "weight": 1.5}


def diff_layers(
    old: gpd.GeoDataFrame,
    new: gpd.GeoDataFrame,
    diff: LayerDiff,
    labels: tuple[str, str],
) -> list[MapLayer]:
    """
    Return the map's layers of a change: the two versions and the land gained and lost.

    Parameters
    ----------
    old, new
        The two versions (any CRS; drawn in WGS 84).
    diff
        Their comparison (`zoneplan.diff.compare_layers`), whose ``pieces`` are drawn.
    labels
        The names of the two versions (their files), the titles of their layers.
    """
    pieces = diff.pieces
    versions: list[tuple[gpd.GeoDataFrame, str, Literal["left", "right"]]] = [
        (old, labels[0], "left"),
        (new, labels[1], "right"),
    ]
    out = [
        MapLayer(
            id=f"version-{side}",
            title_vi=label,
            title_en=label,
            group=USER_GROUP,
            gdf=reproject(gdf, 4326),
            style=dict(VERSION_STYLE),
            side=side,
        )
        for gdf, label, side in versions
    ]
    for part, category in (("gained", "land_gained"), ("lost", "land_lost")):
        gdf = pieces[pieces["part"] == part].reset_index(drop=True)
        gdf = gdf.assign(category=category, name=gdf["id"].astype(str))
        vi, en = CATEGORIES[category]
        out.append(MapLayer(id=category, title_vi=vi, title_en=en, group=USER_GROUP, gdf=gdf))
    return out


def diff_map(
    old: gpd.GeoDataFrame,
    new: gpd.GeoDataFrame,
    diff: LayerDiff,
    labels: tuple[str, str],
    *,
    lang: Lang = "vi",
    self_contained: bool = False,
) -> folium.Map:
    """
    Return the map of a change (`diff_layers`), with the swipe between the two versions.

    Write it with `zoneplan.render.map.save_map`.
    """
    from zoneplan.render.map import build_map

    return build_map(diff_layers(old, new, diff, labels), lang=lang, self_contained=self_contained)
