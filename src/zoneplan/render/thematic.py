"""
A styled layer on the map: its classes as legend categories, with counts and hectares.

Both paths of the map (`zoneplan.render.payload` for GeoJSON and
`zoneplan.render.biglayer` for big layers) draw a feature in the style of its
category, so a layer styled by a column simply gives each feature the category of its
class (`StyledLayer.categories`). The legend shows each class with its colour, its
Vietnamese and English names (land-use codes), and the number of features and their
measured VN-2000 hectares per phase (`StyledLayer.stats`), which the viewer adds up
for the layers and phases that are on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd
import shapely

from zoneplan.errors import InputError
from zoneplan.render.classify import Classes, class_rows, classify

if TYPE_CHECKING:
    from zoneplan.render.layers import LayerRegistry, MapLayer

#: Fill opacity of classified features: land-use maps are filled, the basemap faint below.
CLASS_FILL_OPACITY: Final[float] = 0.8
#: Outline of classified polygons: thin and dark, as parcel boundaries are drawn.
CLASS_EDGE: Final[str] = "#505050"
CLASS_WEIGHT: Final[float] = 0.6


@dataclass
class StyledLayer:
    """
    The classes of one styled layer, registered as the map's categories.

    Parameters
    ----------
    classes
        `zoneplan.render.classify.classify` of the styled column.
    categories
        The map category of each feature (as in ``zp.cat``).
    stats
        ``[category, phase, count, VN-2000 ha]`` per class and phase.
    """

    classes: Classes
    categories: np.ndarray
    stats: list[list[Any]]

    def payload(self) -> dict[str, Any]:
        """Return the layer row's ``thematic`` member."""
        return {
            "column": self.classes.column,
            "kind": self.classes.kind,
            "stats": self.stats,
        }


def check_columns(layer: MapLayer) -> None:
    """
    Refuse a style, label or search column that the layer does not have.

    Raises
    ------
    InputError
        Naming the layer, the missing column and the columns it has.
    """
    wanted = []
    if layer.style_by is not None:
        wanted.append(("--style-by", layer.style_by.column))
    wanted += [("--label-by", c) for c in layer.label_columns]
    wanted += [("--search-by", c) for c in layer.search_by]
    have = [str(c) for c in layer.gdf.columns if c != layer.gdf.geometry.name]
    for option, column in wanted:
        if column not in layer.gdf.columns:
            msg = (
                f"{layer.id} has no column {column!r} for {option}; its columns are: "
                f"{', '.join(have)}"
            )
            raise InputError(msg)


def style_layer(
    layer: MapLayer, registry: LayerRegistry, areas_ha: np.ndarray, phases: np.ndarray
) -> StyledLayer:
    """
    Classify a layer and register its classes as categories of the map.

    Parameters
    ----------
    layer
        A layer with `MapLayer.style_by`.
    registry
        The map's categories.
    areas_ha
        The measured VN-2000 area of each feature (NaN for non-polygons).
    phases
        The phase index of each feature.

    Returns
    -------
    styled
        Each feature's category and the legend's counts and hectares.
    """
    spec = layer.style_by
    if spec is None:
        msg = f"{layer.id} is not styled by a column"
        raise ValueError(msg)
    gdf = layer.gdf
    classes = classify(gdf[spec.column], spec)
    title = layer.title(registry.lang)
    rows = class_rows(classes, registry.lang)
    # features without geometry are not drawn: they count nowhere
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    drawn = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    type_names = np.asarray(gdf.geom_type.fillna("Polygon"), dtype=object)
    index_of = np.empty(len(classes.classes), dtype=np.int64)
    for i, (cls, (text, alt)) in enumerate(zip(classes.classes, rows, strict=True)):
        style = {
            "color": CLASS_EDGE,
            "fill": cls.fill,
            "fill_opacity": CLASS_FILL_OPACITY,
            "weight": CLASS_WEIGHT,
            "dash": None,
        }
        key = ("class", layer.id, spec.column, str(i))
        index_of[i] = registry.add_class(
            key,
            text,
            style,
            alt=alt,
            legend_group=f"{title} · {spec.column}",
            known=cls.known,
        )
    cats = index_of[classes.index]
    frame = pd.DataFrame(
        {
            "cat": cats[drawn],
            "phase": phases[drawn],
            "type": type_names[drawn],
            "ha": np.nan_to_num(areas_ha[drawn], nan=0.0),
        }
    )
    kinds = frame.groupby(["cat", "type"], sort=False).size()
    for (cat, type_name), n in zip(kinds.index.tolist(), kinds.tolist(), strict=True):
        registry.count_kind(int(cat), str(type_name), int(n))
    grouped = frame.groupby(["cat", "phase"], sort=True)["ha"].agg(["size", "sum"])
    stats: list[list[Any]] = [
        [int(cat), int(phase), int(size), float(ha)]
        for (cat, phase), size, ha in zip(
            grouped.index.tolist(), grouped["size"].tolist(), grouped["sum"].tolist(), strict=True
        )
    ]
    return StyledLayer(classes, cats, stats)


def feature_phases(gdf: pd.DataFrame, registry: LayerRegistry) -> np.ndarray:
    """Return the phase index of each feature (one registry call per distinct value)."""
    if "phase" not in gdf.columns:
        return np.full(len(gdf), registry.phase(None), dtype=np.int64)
    codes, uniques = pd.factorize(gdf["phase"], use_na_sentinel=True)
    lookup = np.array([registry.phase(v) for v in uniques] + [registry.phase(None)])
    return lookup[np.where(codes < 0, len(uniques), codes)]


def label_points(geoms: np.ndarray) -> np.ndarray:
    """
    Return where each feature's label goes, as ``[lon, lat]`` rows (NaN when none).

    A point inside each polygon (`shapely.point_on_surface`), the middle of a line,
    the point itself.
    """
    out = np.full((len(geoms), 2), np.nan)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if present.any():
        points = shapely.point_on_surface(geoms[present])
        out[present] = shapely.get_coordinates(points)
    return np.round(out, 7)
