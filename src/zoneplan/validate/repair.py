"""
Repair: invalid geometries fixed with shapely's ``make_valid``, each change reported with its area.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import shapely

from zoneplan.crs import to_wgs84
from zoneplan.geodesic import geodesic_area_m2
from zoneplan.validate.problems import feature_labels


@dataclass(frozen=True)
class Repair:
    """
    One geometry fixed by `repair_layer`.

    Parameters
    ----------
    path
        The file or layer name.
    feature
        The feature's label.
    reason
        Why the geometry was invalid (GEOS' reason).
    area_ha_before, area_ha_after
        Ellipsoidal area as drawn and after the repair, in hectares.
    """

    path: str
    feature: str
    reason: str
    area_ha_before: float
    area_ha_after: float

    @property
    def area_ha_change(self) -> float:
        """Area after minus area before, in hectares."""
        return self.area_ha_after - self.area_ha_before

    def __str__(self) -> str:
        """Return the repair as one line with its area difference."""
        return (
            f"{self.path}: feature {self.feature}: repaired ({self.reason}): "
            f"{self.area_ha_before:.4f} ha as drawn, {self.area_ha_after:.4f} ha after "
            f"({self.area_ha_change:+.4f} ha)"
        )


def repair_layer(
    gdf: gpd.GeoDataFrame, label: str = "layer"
) -> tuple[gpd.GeoDataFrame, list[Repair]]:
    """
    Fix invalid geometries with shapely's ``make_valid``, reporting each change.

    Polygons stay polygons (the "structure" method, dropping collapsed parts);
    valid geometries are not touched.

    Parameters
    ----------
    gdf
        The layer, with a CRS.
    label
        Its file or layer name, for the reports.

    Returns
    -------
    repaired
        A copy of the layer with valid geometries.
    repairs
        One `Repair` per changed feature, with the area before and after.

    Examples
    --------
    >>> from shapely.geometry import Polygon
    >>> bowtie = Polygon([(106.6, 20.6), (106.7, 20.7), (106.7, 20.6), (106.6, 20.7)])
    >>> fixed, repairs = repair_layer(gpd.GeoDataFrame({"id": ["a"]}, geometry=[bowtie], crs=4326))
    >>> fixed.geometry.iloc[0].geom_type, round(repairs[0].area_ha_after)
    ('MultiPolygon', 5769)
    """

    out = gdf.copy()
    geoms = out.geometry.to_numpy()
    reasons = shapely.is_valid_reason(geoms)
    bad = [
        i
        for i, r in enumerate(reasons)
        if r is not None and r != "Valid Geometry" and not shapely.is_missing(geoms[i])
    ]
    if not bad:
        return out, []
    names = feature_labels(out)
    lonlat = to_wgs84(out.iloc[bad])
    repaired = shapely.make_valid(geoms[bad], method="structure", keep_collapsed=False)
    lonlat_fixed = to_wgs84(gpd.GeoSeries(repaired, crs=out.crs))
    repairs = []
    for k, i in enumerate(bad):
        before = geodesic_area_m2(lonlat[k]) / 10_000
        after = geodesic_area_m2(lonlat_fixed[k]) / 10_000
        repairs.append(Repair(label, names[i], str(reasons[i]), before, after))
    new = geoms.copy()
    new[bad] = repaired
    out = out.set_geometry(gpd.GeoSeries(new, index=out.index, crs=out.crs))
    return out, repairs
