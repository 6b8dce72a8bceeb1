"""
Whole files: check one file or the shipped catalog, and load a user's layer or refuse it.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

import geopandas as gpd

from zoneplan.catalog import Catalog, load_catalog
from zoneplan.errors import CRSError, InputError, LayerValidationError
from zoneplan.io import FORMATS, check_input_path, load_json, read_layer
from zoneplan.validate.events import event_problems
from zoneplan.validate.frame import validate_layer
from zoneplan.validate.geojson import check_geojson
from zoneplan.validate.problems import Kind, Problem, dedupe, errors_only, file_problem
from zoneplan.validate.repair import repair_layer

if TYPE_CHECKING:
    from zoneplan.crs import CRSLike
    from zoneplan.io import Engine


log = logging.getLogger(__name__)


def validate_file(
    path: str | os.PathLike[str],
    *,
    kind: Kind = "user",
    crs: CRSLike | None = None,
    engine: Engine | None = None,
) -> list[Problem]:
    """
    Check one layer file and report every problem.

    Parameters
    ----------
    path
        The layer file.
    kind
        ``"catalog"`` applies the full schema of the shipped layers; ``"user"``
        the lighter rules for the user's own files.
    crs
        CRS to assume when the file carries none.
    engine
        ``"pyogrio"`` or ``"fiona"``.

    Returns
    -------
    problems
        Every problem found; empty when the file is clean.

    Examples
    --------
    >>> from zoneplan.catalog import geodata_dir
    >>> validate_file(geodata_dir() / "zone.geojson", kind="catalog")
    []
    """
    return _validate(path, kind=kind, crs=crs, engine=engine)[0]


def _validate(
    path: str | os.PathLike[str], *, kind: Kind, crs: CRSLike | None, engine: Engine | None
) -> tuple[list[Problem], gpd.GeoDataFrame | None]:
    """Check one layer file; return the problems and the layer as read (None if unreadable)."""
    label = str(path)
    try:
        p = check_input_path(path)
    except InputError as err:
        return [file_problem(label, str(err))], None
    problems: list[Problem] = []
    raw_checked = FORMATS.get(p.suffix.lower()) == "GeoJSON"
    if raw_checked:
        try:
            # NaN and Infinity are let through here so that the feature holding them is named
            data = load_json(p, allow_nan=True)
        except InputError as err:
            return [file_problem(label, str(err))], None
        problems += check_geojson(data, label, kind=kind)
        if _fatal(problems):
            return problems, None
    try:
        gdf = read_layer(p, crs=crs, engine=engine)
    except (InputError, CRSError) as err:
        return [*problems, file_problem(label, str(err))], None
    problems += validate_layer(gdf, label, kind=kind, raw_checked=raw_checked)
    return dedupe(problems), gdf


def _fatal(problems: list[Problem]) -> bool:
    """Whether the structural problems found make reading the file pointless."""
    return any(p.blocking for p in problems)


def validate_catalog(
    catalog: Catalog | None = None, *, engine: Engine | None = None
) -> list[Problem]:
    """
    Check every shipped layer and that ids are unique across layers.

    Parameters
    ----------
    catalog
        A catalog other than the shipped one.
    engine
        ``"pyogrio"`` or ``"fiona"``.

    Returns
    -------
    problems
        Every problem found; empty when the shipped data is clean.

    Examples
    --------
    >>> validate_catalog()
    []
    """
    try:
        cat = catalog or load_catalog()
    except InputError as err:
        return [file_problem("catalog.json", str(err))]
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    features: dict[str, dict[str, Any]] = {}
    for entry in cat.layers:
        problems += validate_file(entry.path, kind="catalog", engine=engine)
        try:
            data = load_json(entry.path)
        except InputError:
            continue
        for feature in data.get("features", []) if isinstance(data, dict) else []:
            props = feature.get("properties") if isinstance(feature, dict) else None
            fid = props.get("id") if isinstance(props, dict) else None
            if isinstance(fid, str) and fid in seen and seen[fid] != entry.file:
                msg = f"id {fid!r} is also used in {seen[fid]}"
                problems.append(
                    Problem(str(entry.path), msg, "ids must be unique across layers", repr(fid))
                )
            elif isinstance(fid, str) and isinstance(props, dict):
                seen[fid] = entry.file
                features[fid] = props
    return problems + event_problems(cat, features)


def load_user_layer(
    path: str | os.PathLike[str],
    *,
    crs: CRSLike | None = None,
    engine: Engine | None = None,
    repair: bool = False,
) -> gpd.GeoDataFrame:
    """
    Read and validate a user's layer, refusing it when it has errors.

    Parameters
    ----------
    path
        The file (GeoJSON, GeoPackage, Shapefile, KML...).
    crs
        CRS to assume when the file carries none.
    engine
        ``"pyogrio"`` or ``"fiona"``.
    repair
        Fix invalid geometries with `repair_layer` instead of refusing them; each
        repair is logged and listed in ``gdf.attrs["repairs"]``.

    Returns
    -------
    gdf
        The layer as read; warnings are logged.

    Raises
    ------
    LayerValidationError
        With the first error as its one-line message and all problems attached.
    """
    problems, gdf = _validate(path, kind="user", crs=crs, engine=engine)
    errors = errors_only(problems)
    if repair:
        errors = [p for p in errors if not p.message.startswith("invalid geometry")]
    if errors:
        more = (
            f" (and {len(errors) - 1} more: run zoneplan validate {path})"
            if len(errors) > 1
            else ""
        )
        msg = f"{errors[0]}{more}"
        raise LayerValidationError(msg, problems)
    for p in problems:
        if p.severity == "warning":
            log.warning("%s", p)
    assert gdf is not None  # a file that could not be read has an error, raised above
    if repair:
        gdf, repairs = repair_layer(gdf, str(path))
        for r in repairs:
            log.warning("%s", r)
        gdf.attrs["repairs"] = [str(r) for r in repairs]
    return gdf
