"""
Reading layers: the shipped catalog layers and the user's own files.

Reading only; checking a layer against the rules is `zoneplan.validate`. Every
failure is an `InputError` or `CRSError` whose message names the file and the fix.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import geopandas as gpd
import pandas as pd
import shapely

from zoneplan.catalog import Catalog, load_catalog
from zoneplan.errors import CRSError, InputError

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pyproj

log = logging.getLogger(__name__)

Engine: TypeAlias = Literal["pyogrio", "fiona"]
CRSLike: TypeAlias = "str | int | pyproj.CRS"

#: File suffixes zoneplan reads, and the format name used in messages.
FORMATS: dict[str, str] = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".shp": "Shapefile",
    ".zip": "zipped Shapefile",
    ".kml": "KML",
    ".kmz": "KMZ",
    ".parquet": "GeoParquet",
    ".geoparquet": "GeoParquet",
    ".dxf": "DXF",
    ".fgb": "FlatGeobuf",
}

#: Projected CRSs that Hai Phong data arrives in, most likely first.
HAI_PHONG_CRS: tuple[tuple[str, str], ...] = (
    ("EPSG:9210", "VN-2000 / TM-3 105°45' (Hai Phong)"),
    ("EPSG:9209", "VN-2000 / TM-3 105°30' (former Hải Dương)"),
    ("EPSG:3405", "VN-2000 / UTM zone 48N"),
    ("EPSG:32648", "WGS 84 / UTM zone 48N"),
)


def read_layer(
    path: str | os.PathLike[str],
    *,
    layer: str | int | None = None,
    engine: Engine | None = None,
    crs: CRSLike | None = None,
) -> gpd.GeoDataFrame:
    """
    Read one vector layer from a file.

    Parameters
    ----------
    path
        A GeoJSON, GeoPackage, Shapefile (plain or zipped), KML/KMZ, GeoParquet,
        DXF or FlatGeobuf file.
    layer
        Layer name or index inside a multi-layer file (GeoPackage, KML); the first
        layer when None.
    engine
        ``"pyogrio"`` (GeoPandas' default) or ``"fiona"``.
    crs
        The CRS to assume when the file carries none (a Shapefile without .prj).

    Returns
    -------
    gdf
        The layer, with ``attrs["source_path"]`` and ``attrs["layer_id"]`` set.

    Raises
    ------
    InputError
        If the file is missing, a folder, empty, damaged or of an unknown format.
    CRSError
        If the file has no CRS and `crs` is not given.

    Examples
    --------
    >>> from zoneplan.catalog import geodata_dir
    >>> gdf = read_layer(geodata_dir() / "zone.geojson")
    >>> gdf.crs.to_epsg(), gdf.attrs["layer_id"]
    (4326, 'zone')
    """
    p = check_input_path(path)
    fmt = FORMATS.get(p.suffix.lower())
    if fmt == "GeoJSON":
        load_json(p)  # clear messages for text that is not JSON, before GDAL sees it
    try:
        gdf = _read(p, fmt, layer=layer, engine=engine)
    except (InputError, CRSError):
        raise
    except Exception as err:  # engines raise many types; all mean "cannot read"
        what = fmt or "vector"
        reason = " ".join(str(err).split())[:200]
        msg = (
            f"{p}: cannot be read as a {what} file ({reason}); check that it is complete, "
            f"or convert it to one of {', '.join(sorted(set(FORMATS.values())))}"
        )
        raise InputError(msg) from err
    if gdf.crs is None:
        if crs is None:
            raise CRSError(_no_crs_message(p, gdf))
        gdf = gdf.set_crs(crs)
    elif crs is not None and not gdf.crs.equals(gpd.GeoSeries(crs=crs).crs):
        log.warning("%s: the file declares %s; --crs %s is ignored", p, gdf.crs.name, crs)
    gdf.attrs["source_path"] = str(p)
    gdf.attrs["layer_id"] = p.stem if layer is None else f"{p.stem}:{layer}"
    return gdf


def check_input_path(path: str | os.PathLike[str]) -> Path:
    """
    Check that `path` names a readable, non-empty file.

    Parameters
    ----------
    path
        The input file.

    Returns
    -------
    path
        The path as a `Path`.

    Raises
    ------
    InputError
        If the path does not exist, is a folder, is empty or cannot be opened.
    """
    p = Path(path)
    if not p.exists():
        msg = f"{p}: no such file; check the path and the spelling"
        raise InputError(msg)
    if p.is_dir():
        msg = f"{p}: is a folder, not a file; give the layer file inside it"
        raise InputError(msg)
    if not os.access(p, os.R_OK):
        msg = f"{p}: cannot be opened (permission denied); check its permissions"
        raise InputError(msg)
    if p.stat().st_size == 0:
        msg = f"{p}: the file is empty; export the layer again"
        raise InputError(msg)
    return p


def load_json(path: Path) -> Any:
    """
    Parse a JSON file strictly, as UTF-8.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    data
        The decoded JSON value.

    Raises
    ------
    InputError
        If the bytes are not UTF-8 or the text is not JSON (with line and column).
    """
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        msg = (
            f"{path}: not UTF-8 text (byte 0x{raw[err.start]:02x} at offset {err.start}); "
            "save the file as UTF-8 (GeoJSON must be UTF-8)"
        )
        raise InputError(msg) from err
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        truncated = not text.rstrip().endswith(("}", "]"))
        hint = "the file ends too early: it looks truncated; copy or export it again" if truncated else ""
        msg = (
            f"{path}: not valid JSON at line {err.lineno} column {err.colno} ({err.msg}); "
            f"{hint or 'fix the syntax or export the layer again'}"
        )
        raise InputError(msg) from err
    except RecursionError as err:
        msg = f"{path}: JSON nested too deeply to be a GeoJSON layer; export the layer again"
        raise InputError(msg) from err


def _reject_constant(name: str) -> float:
    """Refuse NaN and Infinity, which JSON does not allow."""
    msg = f"{name} is not a JSON number"
    raise json.JSONDecodeError(msg, name, 0)


def _read(
    p: Path, fmt: str | None, *, layer: str | int | None, engine: Engine | None
) -> gpd.GeoDataFrame:
    """Dispatch to the reader for the file's format."""
    if fmt == "GeoParquet":
        return gpd.read_parquet(p)
    target = str(p)
    if fmt in {"zipped Shapefile", "KMZ"}:
        target = f"/vsizip/{p}" if engine != "fiona" else f"zip://{p}"
    kwargs: dict[str, Any] = {}
    if layer is not None:
        kwargs["layer"] = layer
    if engine is not None:
        kwargs["engine"] = engine
    return gpd.read_file(target, **kwargs)


def _no_crs_message(p: Path, gdf: gpd.GeoDataFrame) -> str:
    """Explain a missing CRS and suggest one from the coordinate magnitudes."""
    guess = suggest_crs(gdf)
    hint = f"it looks like {guess}" if guess else "check the data's documentation"
    return f"{p}: the file has no CRS (no .prj or crs member); {hint}; give it with --crs"


def suggest_crs(gdf: gpd.GeoDataFrame) -> str | None:
    """
    Guess the CRS of coordinates from their magnitudes.

    Parameters
    ----------
    gdf
        A layer whose CRS is unknown.

    Returns
    -------
    guess
        A phrase naming the likely CRS (with its EPSG code), or None.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> suggest_crs(gpd.GeoDataFrame(geometry=[Point(606105, 2282548)]))
    "VN-2000 / TM-3 105°45' (Hai Phong), EPSG:9210 (or EPSG:9209 for the former Hải Dương part)"
    """
    arr = gdf.geometry.to_numpy()
    valid = gdf.geometry[~shapely.is_missing(arr) & ~shapely.is_empty(arr)]
    if valid.empty:
        return None
    x0, y0, x1, y1 = valid.total_bounds
    if -180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90:
        return "WGS 84 longitude/latitude, EPSG:4326"
    if 1_900_000 <= y0 and y1 <= 2_700_000 and 300_000 <= x0 and x1 <= 800_000:
        if x0 >= 640_000:
            return "UTM zone 48N: VN-2000 EPSG:3405 or WGS 84 EPSG:32648"
        return (
            "VN-2000 / TM-3 105°45' (Hai Phong), EPSG:9210 "
            "(or EPSG:9209 for the former Hải Dương part)"
        )
    if 1_900_000 <= x0 and x1 <= 2_700_000 and 300_000 <= y0 and y1 <= 800_000:
        return "VN-2000 TM-3 with X and Y swapped (X is the northing); swap the columns, then EPSG:9210"
    return None


def load_catalog_layers(
    ids: Iterable[str] | None = None,
    *,
    engine: Engine | None = None,
    catalog: Catalog | None = None,
) -> dict[str, gpd.GeoDataFrame]:
    """
    Load the shipped layers listed in the catalog.

    Parameters
    ----------
    ids
        Layer ids to load; all of them when None.
    engine
        ``"pyogrio"`` or ``"fiona"``.
    catalog
        A catalog other than the shipped one.

    Returns
    -------
    layers
        Layer id → GeoDataFrame in EPSG:4326, in draw order. Each frame's
        ``attrs`` carry ``layer_id``, ``title_vi``, ``title_en``, ``group``,
        ``order`` and ``visible``.

    Raises
    ------
    InputError
        If a layer id is unknown or a file cannot be read.

    Examples
    --------
    >>> layers = load_catalog_layers()
    >>> list(layers)[:2]
    ['zone', 'context']
    >>> layers["zone"].iloc[0]["declared_area_ha"]
    np.float64(20000.0)
    """
    cat = catalog or load_catalog()
    wanted = list(ids) if ids is not None else list(cat.ids)
    entries = [cat[i] for i in wanted]
    out: dict[str, gpd.GeoDataFrame] = {}
    for entry in sorted(entries, key=lambda e: e.order):
        gdf = read_layer(entry.path, engine=engine)
        gdf.attrs.update(
            layer_id=entry.id,
            title_vi=entry.title_vi,
            title_en=entry.title_en,
            group=entry.group,
            order=entry.order,
            visible=entry.visible,
        )
        out[entry.id] = gdf
    return out


def concat_layers(layers: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """
    Stack layers into one frame with a ``layer`` column.

    Parameters
    ----------
    layers
        Layer id → GeoDataFrame, as from `load_catalog_layers`.

    Returns
    -------
    gdf
        All features in EPSG:4326, with the layer id in column ``layer``.
    """
    frames = []
    for layer_id, gdf in layers.items():
        part = gdf.to_crs(4326) if gdf.crs is not None and gdf.crs.to_epsg() != 4326 else gdf
        part = part.copy()
        part.insert(0, "layer", layer_id)
        frames.append(part)
    if not frames:
        return gpd.GeoDataFrame({"layer": []}, geometry=[], crs=4326)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=4326)
