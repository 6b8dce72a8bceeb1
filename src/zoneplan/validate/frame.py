"""
Frame checks: a layer read into a GeoDataFrame, its CRS, geometries, properties and ids.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from zoneplan.crs import suggest_crs
from zoneplan.validate.problems import Kind, Problem, feature_labels, isna
from zoneplan.validate.properties import column_property_problems, row_property_problems

#: A generous box around Vietnam (lon/lat); data outside it is suspicious here.
VIETNAM_BOUNDS = (100.0, 6.0, 112.0, 25.0)


_FIX_GEOMETRY = "correct it in a GIS, or rerun with --repair to fix it with make_valid"


def validate_layer(
    gdf: gpd.GeoDataFrame,
    label: str = "layer",
    *,
    kind: Kind = "user",
    raw_checked: bool = False,
) -> list[Problem]:
    """
    Check a layer already read into a GeoDataFrame.

    Parameters
    ----------
    gdf
        The layer.
    label
        Its file or layer name, for messages.
    kind
        ``"catalog"`` or ``"user"``.
    raw_checked
        The file's raw GeoJSON was already checked (`check_geojson`): skip the
        property and missing-geometry checks done there.

    Returns
    -------
    problems
        Every problem found.

    Examples
    --------
    >>> from shapely.geometry import Polygon
    >>> bowtie = Polygon([(106.6, 20.6), (106.7, 20.7), (106.7, 20.6), (106.6, 20.7)])
    >>> gdf = gpd.GeoDataFrame({"id": ["a"]}, geometry=[bowtie], crs=4326)
    >>> print(validate_layer(gdf, "demo.geojson")[0])  # doctest: +ELLIPSIS
    demo.geojson: feature 'a': invalid geometry: Self-intersection[106.65 20.65]; correct it...
    """
    if len(gdf) == 0:
        return [Problem(label, "the layer has no features", "add features or drop the file")]
    names = feature_labels(gdf)
    problems = crs_problems(gdf, label)
    problems += geometry_problems(gdf, label, names, kind, raw_checked=raw_checked)
    if not raw_checked:
        frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
        if kind == "user":
            problems += column_property_problems(frame, label, names)
        else:
            problems += row_property_problems(frame, label, names, kind)
        if "id" in gdf.columns:
            ids = [i for i in gdf["id"].tolist() if not isna(i)]
            problems += [
                Problem(label, f"id {i!r} is used by {n} features", "give each its own id", repr(i))
                for i, n in Counter(ids).items()
                if n > 1
            ]
    return problems


def crs_problems(gdf: gpd.GeoDataFrame, label: str) -> list[Problem]:
    """Check the CRS: present, and sane against the coordinates' magnitudes."""
    if gdf.crs is None:
        guess = suggest_crs(gdf.geometry)
        fix = f"give it with --crs (it looks like {guess})" if guess else "give it with --crs"
        return [Problem(label, "the layer has no CRS", fix)]
    arr = gdf.geometry.to_numpy()
    drawn = ~shapely.is_missing(arr) & ~shapely.is_empty(arr)
    if not drawn.any():
        return []
    geoms = gdf.geometry if drawn.all() else gdf.geometry[drawn]  # (no copy of a whole layer)
    x0, y0, x1, y1 = shapely.total_bounds(arr)  # (missing and empty geometries left out)
    if gdf.crs.is_geographic:
        if x0 >= -90 and x1 <= 90 and y0 >= -180 and y1 <= 180 and (y0 < -90 or y1 > 90):
            msg = f"longitude and latitude look swapped (x {x0:g} to {x1:g}, y {y0:g} to {y1:g})"
            return [Problem(label, msg, "swap the x and y columns (x is the longitude)")]
        if x0 < -180 or x1 > 180 or y0 < -90 or y1 > 90:
            guess = suggest_crs(geoms)
            fix = "the coordinates are not degrees: set the CRS they are in"
            fix += f" (it looks like {guess})" if guess else ""
            msg = f"the CRS is {gdf.crs.name} (degrees) but coordinates reach {x1:.0f}, {y1:.0f}"
            return [Problem(label, msg, fix)]
        lonlat = (x0, y0, x1, y1)
        degrees = geoms
    else:
        try:
            degrees = geoms.to_crs(4326)
            lonlat = tuple(degrees.total_bounds)
        except Exception:  # a projection that cannot map these numbers to the globe
            return [
                Problem(
                    label,
                    f"coordinates cannot be placed on the globe with {gdf.crs.name}",
                    "check the CRS",
                )
            ]
    if not all(math.isfinite(v) for v in lonlat):
        return [
            Problem(label, f"coordinates fall off the globe with {gdf.crs.name}", "check the CRS")
        ]
    bx0, by0, bx1, by1 = VIETNAM_BOUNDS
    lx0, ly0, lx1, ly1 = lonlat
    if lx1 < bx0 or lx0 > bx1 or ly1 < by0 or ly0 > by1:
        if by0 <= lx0 <= by1 and bx0 <= ly0 <= bx1:
            msg = f"the layer lies at lon {lx0:.2f}, lat {ly0:.2f}: x and y look swapped"
            return [Problem(label, msg, "swap the x and y columns (x is the longitude or easting)")]
        guess = suggest_crs(geoms)
        if guess is not None and "swapped" in guess:
            msg = f"x and y look swapped: x reaches {x1:.0f}, a VN-2000 northing"
            fix = "swap the x and y columns (VN-2000 tables put the northing X first)"
            return [Problem(label, msg, fix)]
        msg = f"the layer lies outside Vietnam (lon {lx0:.2f}–{lx1:.2f}, lat {ly0:.2f}–{ly1:.2f})"
        return [
            Problem(
                label,
                msg,
                "check its CRS (VN-2000 data needs EPSG:9210 or 9209)",
                severity="warning",
            )
        ]
    if lx0 < bx0 or lx1 > bx1 or ly0 < by0 or ly1 > by1:  # partly beyond the box
        boxes = shapely.bounds(degrees.to_numpy())
        west_or_east = (boxes[:, 0] < bx0) | (boxes[:, 2] > bx1)
        south_or_north = (boxes[:, 1] < by0) | (boxes[:, 3] > by1)
        beyond = int((west_or_east | south_or_north).sum())
        msg = (
            f"{beyond:,} of {len(boxes):,} features reach outside Vietnam (the layer spans lon "
            f"{lx0:.2f}–{lx1:.2f}, lat {ly0:.2f}–{ly1:.2f}): their VN-2000 areas and lengths "
            "are distorted there, the more the farther from the grid's meridian, and about "
            "90° from it they cannot be computed"
        )
        fix = "clip the layer to the area you map; `zoneplan areas` gives ellipsoidal areas too"
        return [Problem(label, msg, fix, severity="warning")]
    return []


def _is_valid(geoms: np.ndarray) -> np.ndarray:
    """`shapely.is_valid` on every core (shapely lets go of the GIL), in chunks."""
    from zoneplan.progress import map_chunks

    parts = map_chunks(
        lambda part: shapely.is_valid(geoms[part]), len(geoms), size=100_000, desc="validating"
    )
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def geometry_problems(
    gdf: gpd.GeoDataFrame, label: str, names: Sequence[str], kind: Kind, *, raw_checked: bool
) -> list[Problem]:
    """Missing, empty and invalid geometries, and (user layers) mixed geometry kinds."""
    problems = []
    geoms = gdf.geometry.to_numpy()
    missing = gdf.geometry.isna().to_numpy()
    empty = ~missing & shapely.is_empty(geoms)
    # the reasons of the invalid ones only: is_valid is much cheaper than a reason per feature
    invalid = np.flatnonzero(~missing & ~empty & ~_is_valid(geoms))
    why = shapely.is_valid_reason(geoms[invalid]).tolist()
    reasons = dict(zip(invalid.tolist(), why, strict=True))
    flagged = missing | empty
    flagged[[i for i, reason in reasons.items() if reason != "Valid Geometry"]] = True
    for i in np.flatnonzero(flagged).tolist():  # in feature order; clean ones need no label
        name, is_missing, is_empty = names[i], missing[i], empty[i]
        reason = reasons.get(i, "Valid Geometry")
        if (is_missing or is_empty) and raw_checked:
            continue  # reported from the raw GeoJSON already
        if is_missing:
            problems.append(
                Problem(label, "has no geometry", "draw it or remove the feature", name)
            )
        elif is_empty:
            problems.append(
                Problem(label, "has an empty geometry", "draw it or remove the feature", name)
            )
        elif reason != "Valid Geometry":
            problems.append(Problem(label, f"invalid geometry: {reason}", _FIX_GEOMETRY, name))
    if kind == "user":
        shown = np.flatnonzero(~(missing | empty))
        dimensions = shapely.get_dimensions(geoms[shown])
        dims = set(np.unique(dimensions).tolist())
        if len(dims) > 1:
            kinds = [("points", "lines", "polygons")[d] for d in sorted(dims)]
            # the first feature of another kind
            odd = names[shown[np.flatnonzero(dimensions != dimensions[0])[0]]]
            problems.append(
                Problem(
                    label,
                    f"mixes {' and '.join(kinds)} in one layer",
                    "split it into one file per geometry kind",
                    odd,
                )
            )
    return problems
