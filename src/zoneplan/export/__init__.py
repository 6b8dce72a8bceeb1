"""
Writing layers in the planners' formats: GeoJSON, GeoPackage, Shapefile, KML, GeoParquet, DXF.

Every output is written atomically: to a temporary file beside the target,
moved over it only when complete. Reprojection to and from VN-2000 uses the
pinned Decision 05/2007 transformation of `zoneplan.crs`.

What each format keeps (see docs/your-own-data.md):

* GeoJSON (RFC 7946): always WGS 84 lon/lat, counter-clockwise outer rings,
  coordinates to 12 decimals (about 0.1 µm, so areas survive a round trip), all
  attributes, UTF-8.
* GeoPackage: any CRS, all attributes and types, UTF-8; several layers in one file.
* Shapefile: any CRS (.prj), text in UTF-8 with a ``.cpg``; what the .dbf cannot
  hold (field names over 10 bytes, text over 254 bytes) goes to side tables.
* KML (`zoneplan.export.kml`): always WGS 84, valid against the OGC KML 2.2 schema;
  other columns go to ExtendedData.
* GeoParquet: any CRS, all attributes and types.
* MapInfo TAB, MIF/MID (`zoneplan.export.mapinfo`): any CRS, VN-2000 with its datum
  shift spelled out; no empty values.
* DXF (`zoneplan.export.dxf`, made with ezdxf): any projected CRS (VN-2000 / TM-3
  105°45' by default: CAD drawings are in metres); polygons as closed LWPOLYLINEs on
  a layer per category, holes as polylines of their own, an optional HATCH, the
  names as MTEXT labels; no attribute table (a warning names what is not kept).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from zoneplan import crs as zcrs
from zoneplan._atomic import atomic_path, check_output_path
from zoneplan.errors import CRSError, OutputError
from zoneplan.export.dxf import DXF_LABEL_COLUMNS, DXF_LAYER_COLUMNS, write_dxf
from zoneplan.export.fileset import write_file_set
from zoneplan.export.kml import (
    KML_ID_FIELD,
    KML_NAME_COLUMNS,
    KML_NAME_FIELD,
    kml_ncname,
    write_kml,
)
from zoneplan.export.mapinfo import MAPINFO_PARTS, mapinfo_crs, write_mapinfo

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from zoneplan.qgis_style import LayerStyle

__all__ = [
    "DXF_DEFAULT_CRS",
    "DXF_LABEL_COLUMNS",
    "DXF_LAYER_COLUMNS",
    "GEOJSON_DECIMALS",
    "KML_ID_FIELD",
    "KML_NAME_COLUMNS",
    "KML_NAME_FIELD",
    "SUFFIXES",
    "WGS84_ONLY",
    "Format",
    "format_for",
    "gpkg_layer_names",
    "kml_ncname",
    "mapinfo_crs",
    "with_date_fields",
    "write_layer",
    "write_layers",
]

log = logging.getLogger(__name__)

Format: TypeAlias = Literal["geojson", "gpkg", "shp", "kml", "parquet", "dxf", "tab", "mif"]

#: Output format → file suffixes it is written with (the first is the default).
SUFFIXES: Final[dict[str, tuple[str, ...]]] = {
    "geojson": (".geojson", ".json"),
    "gpkg": (".gpkg",),
    "shp": (".shp",),
    "kml": (".kml",),
    "parquet": (".parquet", ".geoparquet"),
    "dxf": (".dxf",),
    "tab": (".tab",),
    "mif": (".mif",),
}
#: Formats that are always WGS 84 longitude/latitude.
WGS84_ONLY: Final[frozenset[str]] = frozenset({"geojson", "kml"})
#: The CRS DXF output gets when none is asked for and the layer is in degrees.
DXF_DEFAULT_CRS: Final[str] = f"EPSG:{zcrs.TM3_EPSG[zcrs.DEFAULT_MERIDIAN]}"
#: Decimals of GeoJSON coordinates (1e-12° ≈ 0.1 µm).
GEOJSON_DECIMALS: Final[int] = 12
_SHP_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".shp.xml")


def format_for(
    path: str | os.PathLike[str],
    fmt: str | None = None,
    suffixes: Mapping[str, tuple[str, ...]] | None = None,
) -> str:
    """
    Decide the output format from `fmt` or the file's suffix, and check they agree.

    Parameters
    ----------
    path
        The output file.
    fmt
        One of `SUFFIXES`, or None to take it from the suffix.
    suffixes
        Format keys and their suffixes, when not `SUFFIXES` (``zoneplan figure`` passes its
        own).

    Returns
    -------
    fmt
        The format key.

    Raises
    ------
    OutputError
        If the format is unknown, or the suffix does not match it.

    Examples
    --------
    >>> format_for("zone.gpkg"), format_for("out.json", "geojson")
    ('gpkg', 'geojson')
    """
    table = SUFFIXES if suffixes is None else suffixes
    suffix = Path(path).suffix.lower()
    known = ", ".join(table)
    if fmt is None:
        for key, ends in table.items():
            if suffix in ends:
                return key
        msg = (
            f"{path}: cannot tell the format from the suffix {suffix or '(none)'!r}; "
            f"give --format ({known})"
        )
        raise OutputError(msg)
    key = fmt.lower().lstrip(".")
    key = {"json": "geojson", "shapefile": "shp", "geoparquet": "parquet"}.get(key, key)
    if key not in table:
        msg = f"{path}: unknown format {fmt!r}; use one of {known}"
        raise OutputError(msg)
    if suffix not in table[key]:
        msg = (
            f"{path}: the suffix {suffix or '(none)'!r} does not match --format {key}; "
            f"name the file *{table[key][0]}"
        )
        raise OutputError(msg)
    return key


def write_layer(
    gdf: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    fmt: str | None = None,
    crs: str | int | pyproj.CRS | None = None,
    *,
    layer_name: str | None = None,
    hatch: bool = False,
) -> Path:
    """
    Write one layer atomically in a planners' format.

    Parameters
    ----------
    gdf
        The layer, with a CRS.
    path
        The output file (``.shp``: the whole set .shp/.shx/.dbf/.prj/.cpg).
    fmt
        ``"geojson"``, ``"gpkg"``, ``"shp"``, ``"kml"``, ``"parquet"``, ``"dxf"``,
        ``"tab"`` or ``"mif"``; from the suffix when None.
    crs
        Output CRS; the layer's own when None (DXF: EPSG:9210 for a layer in
        degrees). GeoJSON and KML are always WGS 84.
    layer_name
        Layer name inside GeoPackage and KML; the file's stem when None.
    hatch
        DXF only: a solid HATCH under each polygon (`zoneplan.export.dxf`).

    Returns
    -------
    path
        The written file.

    Raises
    ------
    OutputError
        If the format or path is wrong, or the writer fails; nothing is left behind.
    CRSError
        If the layer has no CRS, or `crs` cannot be used for the format.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from shapely import box
    >>> gdf = gpd.GeoDataFrame(
    ...     {"name_vi": ["Đồ Sơn"]}, geometry=[box(606000, 2282000, 607000, 2283000)], crs=9210
    ... )
    >>> out = write_layer(gdf, pathlib.Path(tempfile.mkdtemp()) / "do_son.gpkg")
    >>> gpd.read_file(out)["name_vi"].tolist()
    ['Đồ Sơn']
    """
    return write_layers({layer_name or Path(path).stem: gdf}, path, fmt, crs, hatch=hatch)


def write_layers(
    layers: Mapping[str, gpd.GeoDataFrame],
    path: str | os.PathLike[str],
    fmt: str | None = None,
    crs: str | int | pyproj.CRS | None = None,
    *,
    styles: Mapping[str, LayerStyle] | None = None,
    hatch: bool = False,
) -> Path:
    """
    Write several layers to one file atomically.

    A GeoPackage gets one layer per entry; other formats get the layers stacked
    into one, with their name in a ``layer`` column.

    Parameters
    ----------
    layers
        Layer name → layer.
    path
        The output file.
    fmt
        The format; from the suffix when None.
    crs
        Output CRS, as in `write_layer`.
    styles
        Layer name → style (`zoneplan.qgis_style`), written into a GeoPackage's
        ``layer_styles`` table so that QGIS opens the layers styled.
    hatch
        DXF only: a solid HATCH under each polygon.

    Returns
    -------
    path
        The written file.

    Raises
    ------
    OutputError
        If the format or path is wrong, or the writer fails, or styles are given
        for a format other than GeoPackage, or `hatch` for a format other than DXF.
    CRSError
        If a layer has no CRS, or `crs` cannot be used for the format.
    """
    out = check_output_path(path)
    key = format_for(out, fmt)
    if not layers:
        msg = f"{out}: no layers to write; name at least one layer"
        raise OutputError(msg)
    if styles and key != "gpkg":
        msg = f"{out}: styles travel in GeoPackage files only; write a .gpkg (--format gpkg)"
        raise OutputError(msg)
    if hatch and key != "dxf":
        msg = f"{out}: a hatch is drawn in DXF drawings only; write a .dxf (--format dxf)"
        raise OutputError(msg)
    target = _target_crs(layers, key, crs, out)
    prepared = {name: zcrs.reproject(gdf, target) for name, gdf in layers.items()}
    if key != "gpkg" and len(prepared) > 1:
        prepared = {out.stem: _stack(prepared, target)}
    try:
        with _quiet_gdal():
            if key == "shp":
                _write_shapefile(next(iter(prepared.values())), out)
            elif key in MAPINFO_PARTS:
                frame, arrow = with_date_fields(next(iter(prepared.values())))
                write_mapinfo(frame, out, key, use_arrow=arrow)
            else:
                writer = (
                    functools.partial(write_dxf, hatch=hatch) if key == "dxf" else _WRITERS[key]
                )
                with atomic_path(out) as tmp:
                    writer(prepared, tmp)
                    if styles:
                        from zoneplan.qgis_style import write_layer_styles

                        write_layer_styles(tmp, styles)
    except (OutputError, CRSError):
        raise
    except Exception as err:  # GDAL and pyarrow raise many types; all mean "cannot write"
        reason = " ".join(str(err).split())[:200]
        msg = (
            f"{out}: cannot be written as {key} ({reason}); "
            "check the layer or choose another format"
        )
        raise OutputError(msg) from err
    log.info("wrote %s (%s, %s)", out, key, target.name)
    return out


@contextlib.contextmanager
def _quiet_gdal() -> Iterator[None]:
    """Keep pyogrio's per-write INFO lines ("Created n records") out of the command's output."""
    logger = logging.getLogger("pyogrio")
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)


def _target_crs(
    layers: Mapping[str, gpd.GeoDataFrame], key: str, crs: Any, out: Path
) -> pyproj.CRS:
    """Resolve the output CRS for a format."""
    for name, gdf in layers.items():
        zcrs.require_crs(gdf, name)
    if crs is not None:
        try:
            wanted = pyproj.CRS.from_user_input(crs)
        except pyproj.exceptions.CRSError as err:
            msg = (
                f"{out}: --crs {crs!r} is not a CRS pyproj knows; "
                "give an EPSG code such as EPSG:9210"
            )
            raise CRSError(msg) from err
    else:
        wanted = None
    if key in WGS84_ONLY:
        if wanted is not None and wanted.to_epsg() != 4326:
            msg = (
                f"{out}: {key} is always WGS 84 longitude/latitude, not {wanted.name}; "
                "drop --crs or choose gpkg, shp or dxf"
            )
            raise CRSError(msg)
        return pyproj.CRS.from_epsg(4326)
    if wanted is not None:
        return wanted
    first = pyproj.CRS.from_user_input(next(iter(layers.values())).crs)
    same = all(pyproj.CRS.from_user_input(g.crs).equals(first) for g in layers.values())
    if key == "dxf" and first.is_geographic:
        log.info("%s: DXF drawings are in metres; writing in %s", out, DXF_DEFAULT_CRS)
        return pyproj.CRS.from_user_input(DXF_DEFAULT_CRS)
    return first if same else pyproj.CRS.from_epsg(4326)


def _stack(layers: Mapping[str, gpd.GeoDataFrame], crs: pyproj.CRS) -> gpd.GeoDataFrame:
    """Stack layers already in `crs` into one, naming each feature's layer."""
    frames = []
    for name, gdf in layers.items():
        part = gdf.copy()
        if "layer" not in part.columns:
            part.insert(0, "layer", name)
        frames.append(part)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=crs)


# --- the writers ------------------------------------------------------------------------------


def _write_geojson(layers: Mapping[str, gpd.GeoDataFrame], tmp: Path) -> None:
    """RFC 7946: WGS 84, right-hand rule, full attribute set."""
    import pyogrio

    ((name, gdf),) = layers.items()
    frame, arrow = with_date_fields(gdf)
    pyogrio.write_dataframe(
        frame,
        tmp,
        driver="GeoJSON",
        layer=name,
        layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": str(GEOJSON_DECIMALS)},
        use_arrow=arrow,
    )


def with_date_fields(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, bool]:
    """
    Give columns of dates (``datetime.date`` values, no time of day) the Arrow date type,
    which GDAL writes as a date field (GeoPackage DATE, Shapefile D, GeoJSON ISO date)
    rather than text or a date-time.

    Returns
    -------
    gdf, use_arrow
        The layer (a copy when a column changed) and whether to write through Arrow.

    Examples
    --------
    >>> import datetime
    >>> from shapely import Point
    >>> gdf = gpd.GeoDataFrame({"d": [datetime.date(2024, 12, 31)]}, geometry=[Point(0, 0)])
    >>> frame, arrow = with_date_fields(gdf)
    >>> str(frame["d"].dtype), arrow
    ('date32[day][pyarrow]', True)
    """
    import datetime

    import pyarrow as pa

    dates = [
        c
        for c in gdf.columns
        if c != gdf.geometry.name
        and gdf[c].dtype == object
        and gdf[c].notna().any()
        and all(
            isinstance(v, datetime.date) and not isinstance(v, datetime.datetime)
            for v in gdf[c].dropna()
        )
    ]
    if not dates:
        return gdf, False
    out = gdf.copy()
    for col in dates:
        out[col] = pd.Series(
            [None if pd.isna(v) else v for v in gdf[col]],
            index=gdf.index,
            dtype=pd.ArrowDtype(pa.date32()),
        )
    return out, True


def _write_gpkg(layers: Mapping[str, gpd.GeoDataFrame], tmp: Path) -> None:
    """One GeoPackage layer per entry."""
    import pyogrio

    for name, gdf in layers.items():
        frame, arrow = with_date_fields(gdf)
        pyogrio.write_dataframe(frame, tmp, driver="GPKG", layer=name, use_arrow=arrow)


def _write_parquet(layers: Mapping[str, gpd.GeoDataFrame], tmp: Path) -> None:
    """GeoParquet through geopandas and pyarrow."""
    try:
        import pyarrow  # noqa: F401  # only for a clear message when it is missing
    except ImportError as err:
        msg = f"{tmp.name}: writing GeoParquet needs pyarrow; install it with pip install pyarrow"
        raise OutputError(msg) from err
    ((_, gdf),) = layers.items()
    gdf.to_parquet(tmp, index=False)


#: The writers of the formats written as one file.
_WRITERS: Final[dict[str, Any]] = {
    "geojson": _write_geojson,
    "gpkg": _write_gpkg,
    "parquet": _write_parquet,
    "kml": write_kml,
    "dxf": write_dxf,
}


#: The most bytes a .dbf text field holds.
DBF_MAX_BYTES: Final[int] = 254
#: The suffix of the side table that keeps what a Shapefile cannot hold.
SHP_SIDE_TABLE: Final[str] = ".fields.csv"


def _write_shapefile(gdf: gpd.GeoDataFrame, out: Path) -> None:
    """
    Write a Shapefile set atomically: all parts are written to a temporary folder
    beside `out`, then moved in (the .shp last); stale parts of an older set are removed.

    What the format cannot hold is never cut silently: when a field name is longer
    than 10 bytes or a text longer than 254 bytes, two side tables (UTF-8 CSV) are
    written with the set and a note names them: ``<name>.names.csv`` maps each .dbf
    field to its full column name, and ``<name>.fields.csv`` holds one row per
    feature (``FID``, then the full value of every affected column).
    """
    import pyogrio

    geom = gdf.geometry.name
    long_names = [str(c) for c in gdf.columns if c != geom and len(str(c).encode()) > 10]
    long_text = [
        str(c)
        for c in gdf.columns
        if c != geom
        and (gdf[c].dtype == object or pd.api.types.is_string_dtype(gdf[c]))
        and gdf[c].map(lambda v: isinstance(v, str) and len(v.encode()) > DBF_MAX_BYTES).any()
    ]

    def write(tmp: Path) -> None:
        with warnings.catch_warnings():
            # what GDAL shortens is kept in the side table and reported in zoneplan's words
            warnings.filterwarnings("ignore", "Normalized/laundered field name", RuntimeWarning)
            warnings.filterwarnings("ignore", ".*truncated", RuntimeWarning)
            frame, arrow = with_date_fields(gdf)
            pyogrio.write_dataframe(
                frame, tmp, driver="ESRI Shapefile", encoding="UTF-8", use_arrow=arrow
            )
        tmp.with_suffix(".cpg").write_text("UTF-8", encoding="ascii")
        if long_names or long_text:
            _shapefile_side_tables(gdf, tmp, long_names, long_text)

    write_file_set(out, write, (*_SHP_PARTS, SHP_SIDE_TABLE, ".names.csv"))
    if long_names:
        log.info(
            "%s: Shapefile field names hold 10 bytes; %s were shortened; the mapping is in %s",
            out,
            ", ".join(long_names),
            out.with_suffix(".names.csv").name,
        )
    if long_text:
        log.info(
            "%s: a .dbf text holds %d bytes; the full values of %s are in %s "
            "(or write a GeoPackage, which has no such limit)",
            out,
            DBF_MAX_BYTES,
            ", ".join(long_text),
            out.with_suffix(SHP_SIDE_TABLE).name,
        )


def _shapefile_side_tables(
    gdf: gpd.GeoDataFrame, tmp: Path, long_names: list[str], long_text: list[str]
) -> None:
    """Write the field-name mapping and the full values of the columns the .dbf cuts."""
    import csv

    import pyogrio

    written = [str(f) for f in pyogrio.read_info(tmp)["fields"]]
    originals = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    with tmp.with_suffix(".names.csv").open("w", encoding="utf-8", newline="") as fh:
        rows = csv.writer(fh)
        rows.writerow(["dbf_field", "column"])
        rows.writerows(zip(written, originals, strict=True))
    cols = list(dict.fromkeys([*long_names, *long_text]))
    with tmp.with_suffix(SHP_SIDE_TABLE).open("w", encoding="utf-8", newline="") as fh:
        rows = csv.writer(fh)
        rows.writerow(["FID", *cols])
        for fid, values in enumerate(gdf[cols].itertuples(index=False, name=None)):
            rows.writerow([fid, *("" if pd.isna(v) else v for v in values)])


def gpkg_layer_names(path: str | os.PathLike[str]) -> list[str]:
    """
    List the layers of a GeoPackage (or any multi-layer file).

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    names
        Layer names in file order.
    """
    import pyogrio

    return [str(n) for n in np.asarray(pyogrio.list_layers(path))[:, 0]]
