"""
What the zone holds as of the facts date, as tables: the investment projects with their
declared and measured areas, and the communes and wards that cover the zone.

Both read the layers they are given (the shipped catalog by default) and pick the
features by category, so a user's own file with the same columns works too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

import pandas as pd
import shapely

from zoneplan import crs as zcrs
from zoneplan.areas import DECLARED_COLUMNS, column_or_default, feature_areas
from zoneplan.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd

#: Categories of the investment projects (the ``projects`` layer).
PROJECT_CATEGORIES: Final[tuple[str, ...]] = ("ip_project", "power_plant")
#: Categories of the communes and wards (the ``communes`` layer).
UNIT_CATEGORIES: Final[tuple[str, ...]] = ("commune", "ward")

#: Columns of `project_table`, in order.
PROJECT_COLUMNS: Final[tuple[str, ...]] = (
    "layer",
    "id",
    "name_vi",
    "name_en",
    "category",
    "status",
    "as_of",
    "communes",
    "investor",
    "capital_vnd_bn",
    *DECLARED_COLUMNS,
    "source_url",
)
#: Columns of `commune_table`, in order.
UNIT_COLUMNS: Final[tuple[str, ...]] = (
    "id",
    "name_vi",
    "name_en",
    "unit_type",
    "old_units",
    "area_km2",
    "population",
    "in_zone",
    "lon",
    "lat",
    "status",
    "as_of",
    "source_url",
)
_LONLAT = ("lon", "lat")
_PROJECT_ATTRIBUTES = ("status", "as_of", "communes", "investor", "capital_vnd_bn", "source_url")


def _select(
    layers: Mapping[str, gpd.GeoDataFrame], categories: tuple[str, ...], what: str
) -> dict[str, gpd.GeoDataFrame]:
    """The features of `categories` from every layer; InputError when there are none."""
    out = {}
    for layer_id, gdf in layers.items():
        if "category" not in gdf.columns:
            continue
        sel = gdf[gdf["category"].isin(categories)]
        if len(sel):
            out[layer_id] = sel
    if not out:
        names = ", ".join(layers) or "no layers"
        cats = " or ".join(repr(c) for c in categories)
        msg = (
            f"no feature of category {cats} in {names}; the {what} table reads the shipped "
            "layers (drop --layer) or files with such features"
        )
        raise InputError(msg)
    return out


def project_table(
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    tolerance_pct: float = 5.0,
    meridian: float = zcrs.DEFAULT_MERIDIAN,
) -> pd.DataFrame:
    """
    Return the investment projects: status, facts date, declared against measured area.

    Parameters
    ----------
    layers
        Layer id → GeoDataFrame (as from `zoneplan.io.load_catalog_layers`).
    tolerance_pct
        Flag a project whose measured VN-2000 area differs from its declared one by
        more than this many percent.
    meridian
        Central meridian of the VN-2000 TM-3 zone.

    Returns
    -------
    projects
        One row per feature of category ``ip_project`` or ``power_plant``, columns
        `PROJECT_COLUMNS`; the areas are those of `zoneplan.areas.feature_areas`.

    Raises
    ------
    InputError
        If no layer holds a project.

    Examples
    --------
    >>> from zoneplan.io import load_catalog_layers
    >>> t = project_table(load_catalog_layers())
    >>> t.loc[t["id"] == "prj-tien-lang-1-ip", ["status", "declared_ha"]].values.tolist()
    [['under construction', 596.78]]
    """
    sel = _select(layers, PROJECT_CATEGORIES, "projects")
    areas = feature_areas(sel, tolerance_pct=tolerance_pct, meridian=meridian)
    extra = pd.concat(
        [
            pd.DataFrame({k: column_or_default(gdf, k).to_numpy() for k in _PROJECT_ATTRIBUTES})
            for gdf in sel.values()
        ],
        ignore_index=True,
    )
    out = pd.concat([areas.reset_index(drop=True), extra], axis=1)
    return out[list(PROJECT_COLUMNS)]


def commune_table(layers: Mapping[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    """
    Return the communes and wards: name, old units, km², population, published centre.

    Parameters
    ----------
    layers
        Layer id → GeoDataFrame (as from `zoneplan.io.load_catalog_layers`).

    Returns
    -------
    units
        One row per feature of category ``commune`` or ``ward``, columns
        `UNIT_COLUMNS`; ``lon``/``lat`` are the point's WGS 84 coordinates (the
        published centroid of the whole unit).

    Raises
    ------
    InputError
        If no layer holds a commune or ward.

    Examples
    --------
    >>> from zoneplan.io import load_catalog_layers
    >>> t = commune_table(load_catalog_layers())
    >>> len(t), int(t["population"].sum())
    (10, 302815)
    """
    frames = []
    for gdf in _select(layers, UNIT_CATEGORIES, "communes").values():
        points = shapely.point_on_surface(zcrs.to_wgs84(gdf))
        part = pd.DataFrame(
            {k: column_or_default(gdf, k).to_numpy() for k in UNIT_COLUMNS if k not in _LONLAT}
        )
        part["lon"] = shapely.get_x(points)
        part["lat"] = shapely.get_y(points)
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    return out[list(UNIT_COLUMNS)]
