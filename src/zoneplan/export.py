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
* Shapefile: any CRS (.prj), text in UTF-8 with a ``.cpg``; field names are cut to
  10 characters by the format (logged), dates keep no time of day.
* KML: always WGS 84; ``name`` becomes the placemark's label and ``id`` its id;
  other columns go to ExtendedData (text, whole numbers of 32 bits, decimals,
  true/false; dates become ISO text).
* GeoParquet: any CRS, all attributes and types.
* DXF: geometry in any projected CRS (VN-2000 / TM-3 105°45' by default: CAD
  drawings are in metres) and one text per feature, the DXF layer name; GDAL's
  DXF driver holds no other attributes. Polygons are HATCH entities (holes kept),
  lines LWPOLYLINE. Non-ASCII text is written as AutoCAD ``\\U+XXXX`` escapes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from zoneplan import crs as zcrs
from zoneplan._atomic import atomic_path, check_output_path, keep_mode
from zoneplan.errors import CRSError, OutputError

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from zoneplan.qgis_style import LayerStyle

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
#: Columns looked for, in order, to name each feature's DXF layer.
DXF_LAYER_COLUMNS: Final[tuple[str, ...]] = (
    "layer",
    "Layer",
    "category",
    "zone",
    "name_vi",
    "name",
    "id",
)
_SHP_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".shp.xml")
#: The files of a MapInfo layer, by format.
_MAPINFO_PARTS: Final[dict[str, tuple[str, ...]]] = {
    "tab": (".tab", ".dat", ".map", ".id", ".ind", ".cpg"),
    "mif": (".mif", ".mid"),
}
_DXF_FORBIDDEN = re.compile(r'[<>/\\":;?*|=`]')


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
        ``"geojson"``, ``"gpkg"``, ``"shp"``, ``"kml"``, ``"parquet"`` or ``"dxf"``;
        from the suffix when None.
    crs
        Output CRS; the layer's own when None (DXF: EPSG:9210 for a layer in
        degrees). GeoJSON and KML are always WGS 84.
    layer_name
        Layer name inside GeoPackage and KML; the file's stem when None.

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
    return write_layers({layer_name or Path(path).stem: gdf}, path, fmt, crs)


def write_layers(
    layers: Mapping[str, gpd.GeoDataFrame],
    path: str | os.PathLike[str],
    fmt: str | None = None,
    crs: str | int | pyproj.CRS | None = None,
    *,
    styles: Mapping[str, LayerStyle] | None = None,
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

    Returns
    -------
    path
        The written file.

    Raises
    ------
    OutputError
        If the format or path is wrong, or the writer fails, or styles are given
        for a format other than GeoPackage.
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
    target = _target_crs(layers, key, crs, out)
    prepared = {name: zcrs.reproject(gdf, target) for name, gdf in layers.items()}
    if key != "gpkg" and len(prepared) > 1:
        prepared = {out.stem: _stack(prepared, target)}
    try:
        with _quiet_gdal():
            if key == "shp":
                _write_shapefile(next(iter(prepared.values())), out)
            elif key in _MAPINFO_PARTS:
                _write_mapinfo(next(iter(prepared.values())), out, key)
            else:
                with atomic_path(out) as tmp:
                    _WRITERS[key](prepared, tmp)
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


#: The column zoneplan writes each placemark's XML id from (never a user's column).
KML_ID_FIELD: Final[str] = "zoneplan_kml_id"
#: The column a copy of the name column goes to when it is not ``name`` itself.
KML_NAME_FIELD: Final[str] = "zoneplan_kml_name"
#: Columns looked for, in order, to give each placemark its ``<name>`` (Google Earth's list).
KML_NAME_COLUMNS: Final[tuple[str, ...]] = ("name", "Name", "name_vi", "ten", "ten_vi", "title")


def kml_ncname(text: str) -> str:
    """
    Make text a valid XML id (an NCName): letters, digits, ``_.-``; not starting with a digit.

    Examples
    --------
    >>> kml_ncname("khu kinh tế"), kml_ncname("1511/QĐ"), kml_ncname("")
    ('khu_kinh_tế', '_1511_QĐ', '_')
    """
    cleaned = "".join(c if c.isalnum() or c in "_.-" else "_" for c in text)
    return cleaned if cleaned[:1].isalpha() or cleaned[:1] == "_" else f"_{cleaned}"


def _write_kml(layers: Mapping[str, gpd.GeoDataFrame], tmp: Path) -> None:
    """
    KML through GDAL's LIBKML driver that validates against the OGC KML 2.2 schema:
    placemark ids are made by zoneplan (unique, valid XML ids) and a feature's ``id``
    stays a value in ExtendedData; ``<name>`` comes from the first name column.
    """
    import pyogrio

    ((name, gdf),) = layers.items()
    layer = kml_ncname(name)
    frame = _kml_columns(gdf)
    frame.insert(0, KML_ID_FIELD, [f"{layer}.{i + 1}" for i in range(len(frame))])
    label = next((c for c in KML_NAME_COLUMNS if c in frame.columns), None)
    if label not in {None, "name", "Name"}:  # the column stays in ExtendedData too
        frame.insert(1, KML_NAME_FIELD, frame[label])
        label = KML_NAME_FIELD
    options = {"LIBKML_ID_FIELD": KML_ID_FIELD, "LIBKML_NAME_FIELD": label or "name"}
    pyogrio.set_gdal_config_options(options)
    try:
        pyogrio.write_dataframe(frame, tmp, driver="LIBKML", layer=layer)
    finally:
        pyogrio.set_gdal_config_options(dict.fromkeys(options))


def _kml_columns(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Make columns KML can type: 32-bit integers, ISO text for dates, text ids."""
    out = gdf.copy()
    for col in out.columns:
        if col == out.geometry.name:
            continue
        series = out[col]
        if col == "id":
            out[col] = series.map(lambda v: None if pd.isna(v) else str(v))
        elif pd.api.types.is_integer_dtype(series):
            small = series.dropna().abs().max() if series.notna().any() else 0
            out[col] = (
                series.astype("int32")
                if small < 2**31 and series.notna().all()
                else series.astype(str)
            )
        elif pd.api.types.is_datetime64_any_dtype(series) or series.map(_is_date).any():
            out[col] = series.map(lambda v: None if pd.isna(v) else v.isoformat())
    return out


def _is_date(value: Any) -> bool:
    """Whether a cell is a date or datetime object."""
    import datetime

    return isinstance(value, datetime.date)


def _write_dxf(layers: Mapping[str, gpd.GeoDataFrame], tmp: Path) -> None:
    """DXF through GDAL: geometry plus one text per feature as the DXF layer name."""
    import pyogrio

    ((name, gdf),) = layers.items()
    col = next((c for c in DXF_LAYER_COLUMNS if c in gdf.columns), None)
    names = (
        gdf[col].map(lambda v: name if pd.isna(v) else str(v))
        if col
        else pd.Series(name, index=gdf.index)
    )
    cleaned = names.map(lambda v: _DXF_FORBIDDEN.sub("_", v)[:255] or "0")
    if (cleaned != names).any():
        log.warning(
            '%s: DXF layer names cannot hold <>/\\":;?*|=` ; those characters became _', tmp.name
        )
    frame = gpd.GeoDataFrame(
        {"Layer": cleaned.to_numpy()}, geometry=gdf.geometry.to_numpy(), crs=gdf.crs
    )
    pyogrio.write_dataframe(frame, tmp, driver="DXF")
    text = tmp.read_bytes().decode("utf-8")
    tmp.write_bytes(_escape_dxf(text).encode("ascii"))


def _escape_dxf(text: str) -> str:
    """Write characters beyond ASCII as AutoCAD's ``\\U+XXXX``, readable in every DXF version."""
    return "".join(c if ord(c) < 128 else f"\\U+{ord(c):04X}" for c in text)


_WRITERS: Final[dict[str, Any]] = {
    "geojson": _write_geojson,
    "gpkg": _write_gpkg,
    "parquet": _write_parquet,
    "kml": _write_kml,
    "dxf": _write_dxf,
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

    _write_file_set(out, write, (*_SHP_PARTS, SHP_SIDE_TABLE, ".names.csv"))
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


def _write_file_set(out: Path, write: Any, known_parts: tuple[str, ...]) -> None:
    """
    Write a format of several files atomically: all parts are written by `write`
    into a temporary folder beside `out`, then moved in (the main file last); stale
    parts of an older set are removed.
    """
    folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        write(folder / out.name)
        main = out.suffix.lower()
        parts = sorted(folder.iterdir(), key=lambda p: p.suffix.lower() == main)
        new = {p.name[len(out.stem) :].lower() for p in parts}
        for part in parts:
            final = out.parent / (out.stem + part.name[len(out.stem) :])
            keep_mode(final, str(part))
            part.replace(final)
        for suffix in known_parts:
            stale = out.parent / (out.stem + suffix)
            if suffix not in new and stale.exists():
                with contextlib.suppress(OSError):
                    stale.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def mapinfo_crs(crs: pyproj.CRS) -> pyproj.CRS:
    """
    The CRS to write a MapInfo layer in: VN-2000 spelled out with its datum shift.

    GDAL's MapInfo writer knows no VN-2000 datum and would write the grid on WGS 84
    (a shift of some 300 m in MapInfo). VN-2000 is written instead as its projection
    on the WGS 84 ellipsoid with the Decision 05/2007 Helmert parameters (as
    position-vector +towgs84, the convention MapInfo's datum 9999 takes), which
    MapInfo, QGIS and GDAL apply when they read the file.

    Examples
    --------
    >>> "+towgs84=-191.90441429,-39.30318279" in mapinfo_crs(pyproj.CRS(9210)).to_proj4()
    True
    """
    if not zcrs.is_vn2000(crs):
        return crs
    h = zcrs.HELMERT_05_2007
    shift = [h["x"], h["y"], h["z"], -h["rx"], -h["ry"], -h["rz"], h["s"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pyproj: proj4 strings lose information
        tokens = crs.to_proj4().split()
    kept = [t for t in tokens if not t.startswith(("+datum=", "+ellps=", "+towgs84=", "+type="))]
    towgs84 = ",".join(repr(v) for v in shift)
    return pyproj.CRS(" ".join([*kept, "+ellps=WGS84", f"+towgs84={towgs84}"]))


def _write_mapinfo(gdf: gpd.GeoDataFrame, out: Path, key: str) -> None:
    """MapInfo TAB or MIF/MID through GDAL, text in UTF-8, VN-2000 with its datum shift."""
    import pyogrio

    frame = gdf.set_crs(mapinfo_crs(pyproj.CRS.from_user_input(gdf.crs)), allow_override=True)
    attrs = frame.drop(columns=frame.geometry.name)
    empty = [str(c) for c in attrs.columns if attrs[c].isna().any()]
    if empty:
        log.warning(
            "%s: MapInfo has no empty values; the empty values of %s are written as 0 "
            "(numbers) or empty text; keep a GeoPackage to keep them empty",
            out,
            ", ".join(empty),
        )
    options = {"ENCODING": "UTF-8"}
    if key == "tab" and len(frame):
        x0, y0, x1, y1 = frame.total_bounds
        pad = max(x1 - x0, y1 - y0, 1.0)
        options["BOUNDS"] = f"{x0 - pad},{y0 - pad},{x1 + pad},{y1 + pad}"

    def write(tmp: Path) -> None:
        pyogrio.write_dataframe(
            frame, tmp, driver="MapInfo File", layer=out.stem, layer_options=options
        )

    _write_file_set(out, write, _MAPINFO_PARTS[key])


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
