"""
Reading layers: the shipped catalog layers and the user's own files.

Reading only; checking a layer against the rules is `zoneplan.validate`. Every
failure is an `InputError` or `CRSError` whose message names the file and the fix.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import json
import logging
import math
import os
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

import geopandas as gpd
import pandas as pd
import shapely

from zoneplan import crs as zcrs
from zoneplan import dxf, legacy_text
from zoneplan.catalog import Catalog, load_catalog
from zoneplan.errors import CRSError, InputError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from zoneplan.crs import CRSLike

log = logging.getLogger(__name__)

Engine: TypeAlias = Literal["pyogrio", "fiona"]

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
    ".dgn": "DGN",
    ".tab": "MapInfo TAB",
    ".mif": "MapInfo MIF",
    ".fgb": "FlatGeobuf",
}

#: GeoJSON files larger than this many megabytes are refused before they are parsed
#: (Python's json needs about ten times the file's size in memory); see `input_limit`.
DEFAULT_MAX_INPUT_MB = 1024
_max_input_mb: contextvars.ContextVar[float] = contextvars.ContextVar(
    "zoneplan_max_input_mb", default=DEFAULT_MAX_INPUT_MB
)


def read_layer(
    path: str | os.PathLike[str],
    *,
    layer: str | int | None = None,
    engine: Engine | None = None,
    crs: CRSLike | None = None,
    text_encoding: str | None = None,
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
    text_encoding
        How the text of Shapefile, DXF, DGN and MapInfo files is read: ``"auto"``
        (detect TCVN3, VNI and Windows-1258 text), ``"utf-8"``, ``"cp1258"``,
        ``"tcvn3"`` or ``"vni"``; the ``--text-encoding`` setting
        (`zoneplan.legacy_text.text_encoding`) when None.

    Returns
    -------
    gdf
        The layer, with ``attrs["source_path"]`` and ``attrs["layer_id"]`` set, and
        ``attrs["text_conversions"]``: one `zoneplan.legacy_text.TextConversion` per
        column whose legacy text was converted to Unicode (each also logged).

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
    enc = text_encoding or legacy_text.current_text_encoding()
    try:
        with legacy_text.text_encoding(enc):
            gdf = _read(p, fmt, layer=layer, engine=engine)
            gdf = _legacy_text(gdf, p, fmt)
    except (InputError, CRSError):
        raise
    except Exception as err:  # engines raise many types; all mean "cannot read"
        what = fmt or "vector"
        # GDAL's messages may start with the source file and line it was raised in
        reason = _GDAL_SOURCE.sub("", " ".join(str(err).split()))[:200]
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
    gdf = _restore_dates(gdf, p, fmt, layer)
    gdf.attrs["source_path"] = str(p)
    gdf.attrs["layer_id"] = p.stem if layer is None else f"{p.stem}:{layer}"
    return gdf


def _restore_dates(
    gdf: gpd.GeoDataFrame, p: Path, fmt: str | None, layer: str | int | None
) -> gpd.GeoDataFrame:
    """Give date fields (GDAL's OFTDate) back as dates: pandas reads them as date-times."""
    if fmt not in {"GeoJSON", "GeoPackage", "Shapefile", "MapInfo TAB", "MapInfo MIF"}:
        return gdf
    import pyogrio

    try:
        info = pyogrio.read_info(p, layer=layer)
    except Exception:  # the layer was read; its dates then stay as read
        return gdf
    dates = [
        str(f)
        for f, t in zip(info["fields"], info.get("ogr_types", []), strict=False)
        if t == "OFTDate" and str(f) in gdf.columns
    ]
    for col in dates:
        if pd.api.types.is_datetime64_any_dtype(gdf[col]):
            gdf[col] = gdf[col].map(lambda v: None if pd.isna(v) else v.date()).astype(object)
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
    special = _special_file(p)
    if special:
        msg = f"{p}: is {special}, not a layer file; give the path of a saved file"
        raise InputError(msg)
    if not os.access(p, os.R_OK):
        msg = f"{p}: cannot be opened (permission denied); check its permissions"
        raise InputError(msg)
    if p.stat().st_size == 0:
        msg = f"{p}: the file is empty; export the layer again"
        raise InputError(msg)
    return p


def _special_file(p: Path) -> str | None:
    """Name what a path is when it is no regular file (a device, a pipe, a socket)."""
    import stat

    mode = p.stat().st_mode
    kinds = (
        (stat.S_ISCHR, "a character device (such as /dev/null or a terminal)"),
        (stat.S_ISBLK, "a block device (a disk)"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((what for test, what in kinds if test(mode)), None)


@contextlib.contextmanager
def input_limit(max_mb: float | None) -> Iterator[None]:
    """
    Set the size limit for GeoJSON input within a block (the ``--max-input-mb`` option).

    Parameters
    ----------
    max_mb
        The largest GeoJSON file to parse, in megabytes (10⁶ bytes); None keeps the
        current limit (`DEFAULT_MAX_INPUT_MB` unless set).

    Examples
    --------
    >>> with input_limit(1):
    ...     max_input_mb()
    1
    >>> max_input_mb()
    1024
    """
    if max_mb is None:
        yield
        return
    token = _max_input_mb.set(max_mb)
    try:
        yield
    finally:
        _max_input_mb.reset(token)


def max_input_mb() -> float:
    """Return the size limit for GeoJSON input in megabytes (see `input_limit`)."""
    return _max_input_mb.get()


def load_json(path: Path, *, allow_nan: bool = False) -> Any:
    """
    Parse a JSON file strictly, as UTF-8.

    Parameters
    ----------
    path
        The file.
    allow_nan
        Accept the non-standard ``NaN`` and ``Infinity`` tokens (as float values),
        so that a validator can say which feature holds them.

    Returns
    -------
    data
        The decoded JSON value.

    Raises
    ------
    InputError
        If the file is larger than `max_input_mb`, the bytes are not UTF-8, or the
        text is not JSON (with line and column).
    """
    _check_size(path)
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
        if allow_nan:
            return json.loads(text)
        return json.loads(text, parse_constant=_reject_constant)
    except _NotAJSONNumber as err:
        token, line, col = _first_constant(text) or (str(err), 1, 1)
        msg = (
            f"{path}: not valid JSON at line {line} column {col} ({token} is not a JSON number); "
            "write a number or null there (JSON has no NaN or Infinity)"
        )
        raise InputError(msg) from err
    except json.JSONDecodeError as err:
        truncated = not text.rstrip().endswith(("}", "]"))
        hint = (
            "the file ends too early: it looks truncated; copy or export it again"
            if truncated
            else ""
        )
        msg = (
            f"{path}: not valid JSON at line {err.lineno} column {err.colno} ({err.msg}); "
            f"{hint or 'fix the syntax or export the layer again'}"
        )
        raise InputError(msg) from err
    except RecursionError as err:
        msg = f"{path}: JSON nested too deeply to be a GeoJSON layer; export the layer again"
        raise InputError(msg) from err
    except ValueError as err:  # an integer longer than Python converts (4,300 digits)
        digits = re.search(r"value has (\d+) digits", str(err))
        what = f"a number with {digits.group(1)} digits" if digits else "a number too long to read"
        msg = f"{path}: {what}; fix or remove it (no coordinate or value needs so many digits)"
        raise InputError(msg) from err


def _check_size(path: Path) -> None:
    """Refuse a file larger than the input limit before reading it."""
    limit = max_input_mb()
    size_mb = path.stat().st_size / 1e6
    if size_mb > limit:
        msg = (
            f"{path}: {size_mb:,.1f} MB of GeoJSON is more than the {limit:g} MB input limit; "
            "convert it to GeoPackage or GeoParquet "
            f"(ogr2ogr -f GPKG {path.stem}.gpkg {path.name}), "
            f"or raise the limit with --max-input-mb {math.ceil(size_mb)}"
        )
        raise InputError(msg)


class _NotAJSONNumber(json.JSONDecodeError):
    """NaN or Infinity, which JSON does not allow."""


def _reject_constant(name: str) -> float:
    """Refuse NaN and Infinity, which JSON does not allow."""
    raise _NotAJSONNumber(name, name, 0)


#: A JSON string, or a NaN/Infinity token outside strings.
_CONSTANT_OR_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


def _first_constant(text: str) -> tuple[str, int, int] | None:
    """Return the first NaN/Infinity token outside a string, with its line and column."""
    for match in _CONSTANT_OR_STRING.finditer(text):
        if match.group(1):
            line = text.count("\n", 0, match.start()) + 1
            col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            return match.group(1), line, col
    return None


def _read(
    p: Path, fmt: str | None, *, layer: str | int | None, engine: Engine | None
) -> gpd.GeoDataFrame:
    """Dispatch to the reader for the file's format."""
    if fmt == "GeoParquet":
        return _read_parquet(p)
    if fmt in {"KML", "KMZ"}:
        return _read_kml(p, layer)
    if fmt == "DXF":
        return _read_dxf(p, layer=layer, engine=engine)
    if fmt == "DGN":
        return _read_dgn(p)
    if fmt in {"MapInfo TAB", "MapInfo MIF"}:
        return _read_mapinfo(p, layer)
    target = str(p)
    if fmt == "zipped Shapefile":
        target = f"/vsizip/{p}" if engine != "fiona" else f"zip://{p}"
    kwargs: dict[str, Any] = {}
    if layer is not None:
        kwargs["layer"] = layer
    if engine is not None:
        kwargs["engine"] = engine
    if fmt in {"Shapefile", "zipped Shapefile"}:
        return _read_shapefile(p, target, kwargs)
    if fmt == "GeoJSON":
        # The file is within --max-input-mb (checked by load_json); GDAL's own limit on
        # one feature (200 MB, fewer for many vertices) would refuse a detailed coastline.
        with _gdal_config(engine, OGR_GEOJSON_MAX_OBJ_SIZE="0"):
            geojson: gpd.GeoDataFrame = gpd.read_file(target, **kwargs)
            return geojson
    if fmt == "GeoPackage" and engine in (None, "pyogrio") and _pyogrio_default():
        # through Arrow: half the time for a million features, the same frame
        kwargs["use_arrow"] = True
    gdf: gpd.GeoDataFrame = gpd.read_file(target, **kwargs)
    return gdf


def _pyogrio_default() -> bool:
    """Tell whether geopandas reads with pyogrio when no engine is named."""
    import geopandas as gpd

    return str(getattr(gpd.options, "io_engine", None) or "pyogrio") == "pyogrio"


# --- format details: GeoParquet, KML/KMZ, DXF, legacy .dbf encodings -------------------------

#: Columns GDAL's LIBKML driver adds to every KML layer; dropped when they carry nothing.
_KML_BOOKKEEPING = (
    "description",
    "timestamp",
    "begin",
    "end",
    "altitudeMode",
    "tessellate",
    "extrude",
    "visibility",
    "drawOrder",
    "icon",
    "snippet",
)
#: The column placemark ids are read into (a feature's own ``id`` is in its ExtendedData).
_KML_ID = "zoneplan_kml_id"
#: Code pages GDAL decodes wrongly through iconv (it drops a trailing character), decoded here.
_PY_DECODED = {
    "1258": "cp1258",
    "CP1258": "cp1258",
    "ANSI_1258": "cp1258",
    "WINDOWS-1258": "cp1258",
}
#: The source file and line GDAL puts before some of its messages ("/path/x.cpp, 554: ").
_GDAL_SOURCE = re.compile(r"\S+\.cpp, \d+: ")
_DXF_ESCAPE = re.compile(r"\\U\+([0-9A-Fa-f]{4,5})")


def _read_parquet(p: Path) -> gpd.GeoDataFrame:
    """Read GeoParquet through geopandas (GDAL's Parquet driver is not in the wheels)."""
    try:
        import pyarrow  # noqa: F401  # only to give a clear message when it is missing
    except ImportError as err:
        msg = f"{p}: reading GeoParquet needs pyarrow; install it with pip install pyarrow"
        raise InputError(msg) from err
    return gpd.read_parquet(p)


def _read_kml(p: Path, layer: str | int | None) -> gpd.GeoDataFrame:
    """
    Read KML or KMZ with GDAL's LIBKML driver (the only engine that has it).

    Every folder of a Google Earth file is a layer; without `layer` they are stacked
    (with their folder in a ``folder`` column when there are several). The
    driver's empty bookkeeping columns are dropped and ``Name`` (the placemark's
    ``<name>``) becomes ``name``.
    """
    import pyogrio

    with _gdal_config(None, LIBKML_ID_FIELD=_KML_ID):
        if layer is not None:
            frames = [pyogrio.read_dataframe(p, layer=layer)]
            names = [str(layer)]
        else:
            names = [str(n) for n, _ in pyogrio.list_layers(p)]
            frames = [pyogrio.read_dataframe(p, layer=n) for n in names]
        kept = [(n, f) for n, f in zip(names, frames, strict=True) if len(f)]
        names, frames = [n for n, _ in kept] or names[:1], [f for _, f in kept] or frames[:1]
    if len(frames) > 1:
        frames = [f.assign(folder=n) for n, f in zip(names, frames, strict=True)]
        gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
    else:
        gdf = frames[0]
    drop = [c for c in _KML_BOOKKEEPING if c in gdf.columns and _carries_nothing(gdf[c])]
    gdf = gdf.drop(columns=drop)
    if "Name" in gdf.columns and "name" not in gdf.columns:
        gdf = gdf.rename(columns={"Name": "name"})
    if _KML_ID in gdf.columns:
        ids = gdf[_KML_ID]
        if ids.isna().all() or ids.astype(str).str.fullmatch(r".+\.\d+").all():
            gdf = gdf.drop(columns=_KML_ID)  # generated placemark ids (layer.1, layer.2 ...)
        else:
            gdf = gdf.rename(columns={_KML_ID: "kml_id" if "id" in gdf.columns else "id"})
    return gdf


def _carries_nothing(col: pd.Series) -> bool:
    """Whether a LIBKML bookkeeping column holds only nulls or the driver's defaults."""
    values = col.dropna()
    if col.name in {"tessellate", "extrude", "visibility"}:
        return bool(values.isin([-1, 0]).all())
    return values.empty


def _read_dxf(p: Path, *, layer: str | int | None, engine: Engine | None) -> gpd.GeoDataFrame:
    """
    Read a DXF drawing: closed polylines become polygons, text is proper Unicode.

    GDAL returns a closed LWPOLYLINE as a closed line; a ring with at least
    three corners becomes a polygon here, and a closed polyline inside another of
    the same layer a hole of it (`zoneplan.dxf.rebuild`; drawings zoneplan wrote
    are read by their tags: every polygon with its holes and its label). Heights
    are dropped (planning drawings are flat). AutoCAD writes characters outside
    the drawing's code page as ``\\U+XXXX``; these are decoded. Drawings in code
    page ANSI_1258 (Vietnamese) are decoded here, because GDAL's iconv path loses
    characters. The CRS is the one the drawing states in its custom properties
    (as zoneplan writes it), if any.
    """
    codepage = _dxf_codepage(p)
    codec = _PY_DECODED.get(codepage.upper()) if codepage else None
    kwargs: dict[str, Any] = {"engine": engine} if engine else {}
    if layer is not None:
        kwargs["layer"] = layer
    options = {"DXF_ENCODING": "ISO-8859-1" if codec else None}
    with _gdal_config(engine, DXF_INCLUDE_RAW_CODE_VALUES="TRUE", **options):
        gdf = gpd.read_file(p, **kwargs)
    raw = gdf.pop("RawCodeValues") if "RawCodeValues" in gdf.columns else None
    tags = [None] * len(gdf) if raw is None else [dxf.parse_tag(v) for v in raw]
    if codec:
        gdf = _recode_text(gdf, codec)
    # GDAL decodes \U+XXXX in MTEXT itself: decoding its text again would alter it
    mtext = (
        gdf["SubClasses"].astype(str).str.contains("AcDbMText", regex=False)
        if "SubClasses" in gdf.columns
        else pd.Series(False, index=gdf.index)
    )
    for col in _text_columns(gdf):
        escaped = ~mtext if col == "Text" else pd.Series(True, index=gdf.index)
        gdf[col] = [
            _unescape_dxf(v) if e else _unescape_dxf(v, escapes=False)
            for v, e in zip(gdf[col], escaped, strict=True)
        ]
    geoms = shapely.force_2d(gdf.geometry.to_numpy())
    closed = gpd.GeoSeries([_close_to_polygon(g) for g in geoms], index=gdf.index)
    out = dxf.rebuild(gdf.set_geometry(closed), tags, p)
    stated = dxf.drawing_crs(p)
    return out.set_crs(stated) if stated is not None else out


#: The first bytes of an OLE compound document: MicroStation V8 drawings (and .doc, .xls).
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
#: DGN V7 columns that only drive MicroStation's display.
_DGN_DISPLAY = ("GraphicGroup", "ColorIndex", "Weight", "Style", "EntityNum", "ULink", "Type")


def _read_dgn(p: Path) -> gpd.GeoDataFrame:
    """
    Read a MicroStation DGN V7 drawing through GDAL's DGN driver.

    Shapes and closed line strings become polygons, lines stay lines; the level of
    each element is the ``Layer`` column (as DXF layers are). Text elements become
    the ``label`` of the polygon that contains them (the parcel number in a
    cadastral sheet; several are joined with " / ", the smallest polygon wins);
    text outside every polygon stays a point with its ``label``. Text is read byte
    for byte and decoded as UTF-8, TCVN3, VNI or Windows-1258 (detected or
    ``--text-encoding``). A DGN V8 file is refused: reading it needs a proprietary
    library.
    """
    import pyogrio

    with p.open("rb") as fh:
        magic = fh.read(8)
    if magic == _OLE_MAGIC:
        msg = (
            f"{p}: a MicroStation DGN V8 drawing; zoneplan reads DGN V7 only (reading V8 needs "
            "the proprietary ODA library); in MicroStation save it as DXF or as DGN V7 "
            "(File > Save As, V7 format), or convert it to DXF in QGIS or another program "
            "that opens V8"
        )
        raise InputError(msg)
    raw = pyogrio.read_dataframe(p, encoding="ISO-8859-1")
    raw = _decode_dbf_text(raw, p, None, None, legacy_text.current_text_encoding())
    report = raw.attrs.get("text_conversions", [])
    raw = raw.rename(columns={"Level": "Layer", "Text": "label"})
    if "MSLink" in raw.columns and not raw["MSLink"].fillna(0).astype(bool).any():
        raw = raw.drop(columns="MSLink")
    raw = raw.drop(columns=[c for c in _DGN_DISPLAY if c in raw.columns])
    geoms = shapely.force_2d(raw.geometry.to_numpy())
    raw = raw.set_geometry(gpd.GeoSeries([_close_to_polygon(g) for g in geoms], index=raw.index))
    gdf = _attach_labels(p, raw)
    gdf.attrs["text_conversions"] = report
    return gdf


#: MapInfo charsets and the codec zoneplan decodes them with (others: detected).
_MAPINFO_CHARSETS = {"windowsvietnamese": "cp1258", "utf-8": "utf-8", "utf8": "utf-8"}


def _read_mapinfo(p: Path, layer: str | int | None) -> gpd.GeoDataFrame:
    """
    Read a MapInfo TAB or MIF/MID layer through GDAL, its text decoded by its charset.

    The projection comes from the file's CoordSys (GDAL). The text is read byte
    for byte: ``WindowsVietnamese`` is decoded here as Windows-1258 (GDAL's own
    conversion loses characters), ``UTF-8`` as UTF-8, and ``Neutral`` or a Western
    charset is checked for TCVN3, VNI and Windows-1258 text. A charset that the
    bytes contradict is reported.
    """
    import pyogrio

    _check_mapinfo_parts(p)
    kwargs: dict[str, Any] = {"layer": layer} if layer is not None else {}
    with warnings.catch_warnings():
        # GDAL has no iconv name for WindowsVietnamese; the bytes are decoded here
        warnings.filterwarnings("ignore", "Cannot find iconv encoding", RuntimeWarning)
        raw = pyogrio.read_dataframe(p, encoding="ISO-8859-1", **kwargs)
    charset = _mapinfo_charset(p)
    declared = _MAPINFO_CHARSETS.get((charset or "").lower())
    label = f"the MapInfo charset {charset}" if charset else None
    return _decode_dbf_text(raw, p, label, declared, legacy_text.current_text_encoding())


#: The parts of a MapInfo layer beside its .tab or .mif, and what each holds.
_MAPINFO_NEEDS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    ".mif": ((".mid", "the attribute values"),),
    ".tab": ((".dat", "the attribute table"), (".map", "the geometry"), (".id", "the index")),
}


def _check_mapinfo_parts(p: Path) -> None:
    """
    Refuse a MapInfo layer whose parts did not travel with it: without its .mid a MIF
    is read with every attribute empty, without its .map a TAB without geometry.
    """
    with p.open("rb") as fh:
        head = fh.read(4096).decode("latin-1")
    if p.suffix.lower() == ".mif" and re.search(r"(?im)^\s*columns\s+0\s*$", head):
        return  # a MIF without columns has no .mid
    if p.suffix.lower() == ".tab" and re.search(r"(?im)^\s*type\s+(?!native)", head):
        return  # a raster, seamless or view table: GDAL says what it is
    parts = _MAPINFO_NEEDS[p.suffix.lower()]
    for ext, what in parts:
        if not any(c.is_file() for c in (p.with_suffix(ext), p.with_suffix(ext.upper()))):
            every = ", ".join([p.suffix.lower(), *(e for e, _ in parts)])
            msg = (
                f"{p}: the {ext} file ({what}) is missing beside the {p.suffix.lower()}; copy "
                f"all the parts of the MapInfo layer ({every}) together"
            )
            raise InputError(msg)


def _mapinfo_charset(p: Path) -> str | None:
    """The ``Charset`` a .tab or .mif header declares."""
    with p.open("rb") as fh:
        head = fh.read(4096).decode("latin-1")
    match = re.search(r'(?im)^\s*(?:!charset\s+|charset\s+"?)([\w-]+)', head)
    return match.group(1) if match else None


def _attach_labels(p: Path, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Move each text point's label onto the smallest polygon that contains it."""
    is_text = gdf.geom_type.eq("Point") & gdf["label"].notna()
    is_poly = gdf.geom_type.isin(["Polygon", "MultiPolygon"])
    texts, polys = gdf[is_text], gdf[is_poly]
    if texts.empty or polys.empty:
        return gdf
    pairs = gpd.sjoin(texts[["geometry"]], polys[["geometry"]], predicate="within")
    pairs["area"] = polys.geometry.area.reindex(pairs["index_right"]).to_numpy()
    owner = pairs.sort_values("area").groupby(level=0)["index_right"].first()
    labels = (
        pd.DataFrame(
            {"poly": owner.to_numpy(), "label": texts.loc[owner.index, "label"].to_numpy()}
        )
        .groupby("poly", sort=False)["label"]
        .agg(lambda v: " / ".join(str(x) for x in v))
    )
    out = gdf.drop(index=owner.index).copy()
    out.loc[labels.index, "label"] = labels.to_numpy()
    log.info(
        "%s: %d text element(s) attached as labels to the polygons that contain them; "
        "%d outside every polygon kept as points",
        p,
        len(owner),
        len(texts) - len(owner),
    )
    return out


def _dxf_codepage(p: Path) -> str | None:
    """Return the ``$DWGCODEPAGE`` of a DXF file's header, if it has one."""
    with p.open("rb") as fh:
        head = fh.read(64_000).decode("latin-1")
    match = re.search(r"\$DWGCODEPAGE\s*\n\s*3\s*\n\s*(\S+)", head)
    return match.group(1) if match else None


def _unescape_dxf(value: Any, *, escapes: bool = True) -> Any:
    """
    Decode AutoCAD's ``\\U+XXXX`` escapes in a text value (unless `escapes` is False),
    and repair UTF-8 text that a writer put in a drawing declared as another code page.
    """
    if not isinstance(value, str):
        return value
    if not value.isascii():
        for codec in ("latin-1", "cp1252"):
            try:
                value = value.encode(codec).decode("utf-8")
                break
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
    if not escapes or "\\U+" not in value:
        return value
    return _DXF_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)


def _close_to_polygon(geom: Any) -> Any:
    """Turn a closed line with at least three corners into a polygon."""
    if geom is None or geom.geom_type != "LineString" or not geom.is_closed:
        return geom
    if len(geom.coords) < 4:
        return geom
    return shapely.Polygon(geom.coords)


class _gdal_config:  # noqa: N801  # used as a context manager, like fiona.Env
    """Set GDAL configuration options for one read, with either engine."""

    def __init__(self, engine: Engine | None, **options: str | None) -> None:
        self.engine = engine
        self.options = {k: v for k, v in options.items() if v is not None}
        self._env: Any = None

    def __enter__(self) -> None:
        if not self.options:
            return
        if self.engine == "fiona":
            import fiona

            self._env = fiona.Env(**self.options)
            self._env.__enter__()
        else:
            import pyogrio

            pyogrio.set_gdal_config_options(self.options)

    def __exit__(self, *exc: object) -> None:
        if not self.options:
            return
        if self._env is not None:
            self._env.__exit__(*exc)
        else:
            import pyogrio

            pyogrio.set_gdal_config_options(dict.fromkeys(self.options))


def _read_shapefile(p: Path, target: str, kwargs: dict[str, Any]) -> gpd.GeoDataFrame:
    """
    Read a Shapefile and make its .dbf text correct Unicode.

    With a .cpg naming a code page other than UTF-8 and 1258, GDAL decodes the
    text, and TCVN3 or VNI text behind it is detected afterwards. Otherwise the
    text is read byte for byte and decoded here, column by column: UTF-8 when the
    bytes are UTF-8 (and the .cpg does not say otherwise); else TCVN3, VNI or
    Windows-1258 as detected; else Windows-1258, the code page of legacy
    Vietnamese files. A .cpg that the bytes contradict is reported.
    """
    check_shapefile_parts(p)
    cpg = _shapefile_cpg(p)
    enc = legacy_text.current_text_encoding()
    declared = _cpg_codec(cpg)
    if enc == "auto" and cpg is not None and declared is None:
        gdf: gpd.GeoDataFrame = gpd.read_file(target, **kwargs)
        gdf, report = legacy_text.convert_frame(gdf, str(p), "auto")
        gdf.attrs["text_conversions"] = report
        return gdf
    raw = gpd.read_file(target, encoding="ISO-8859-1", **kwargs)
    return _decode_dbf_text(raw, p, cpg, declared, enc)


def check_shapefile_parts(path: str | os.PathLike[str]) -> None:
    """
    Check that a Shapefile's .shp, .shx and .dbf agree before GDAL reads them.

    Files copied by e-mail and USB arrive with one part missing, cut short or from
    another version of the layer; GDAL then drops or shifts records without a word.
    The record counts are read from the parts themselves: the shapes walked in the
    .shp, the index entries of the .shx, and the .dbf's declared and actual records.

    Parameters
    ----------
    path
        The ``.shp`` (or a ``.zip`` holding one).

    Raises
    ------
    InputError
        If the .shx or .dbf is missing, or the parts disagree; the message names the
        counts and the fix.
    """
    import mmap
    import zipfile

    p = Path(path)
    if p.suffix.lower() == ".zip":
        with zipfile.ZipFile(p) as zf:
            names = {n.lower(): n for n in zf.namelist()}
            shps = [n for n in names if n.endswith(".shp")]
            if len(shps) != 1:
                return  # GDAL reports archives with no or several layers itself
            parts = {
                ext: zf.read(names[shps[0][:-4] + ext]) if shps[0][:-4] + ext in names else None
                for ext in (".shp", ".shx", ".dbf")
            }
        shx, dbf = parts[".shx"], parts[".dbf"]
        _check_parts(
            p,
            parts[".shp"] or b"",
            None if shx is None else len(shx),
            None if dbf is None else (dbf[:12], len(dbf)),
        )
        return
    found: dict[str, Path | None] = {}
    for ext in (".shp", ".shx", ".dbf"):
        candidates = (p.with_suffix(ext), p.with_suffix(ext.upper()))
        found[ext] = next((c for c in candidates if c.is_file()), None)
    shx_path, dbf_path = found[".shx"], found[".dbf"]
    dbf_head = None
    if dbf_path is not None:
        with dbf_path.open("rb") as fh:
            dbf_head = (fh.read(12), dbf_path.stat().st_size)
    with p.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as shp:
        _check_parts(p, shp, shx_path.stat().st_size if shx_path else None, dbf_head)


def _check_parts(p: Path, shp: Any, shx_size: int | None, dbf: tuple[bytes, int] | None) -> None:
    """Compare the record counts of a Shapefile's parts (None for a missing part)."""
    import struct

    for ext, part in ((".shx", shx_size), (".dbf", dbf)):
        if part is None:
            what = "index" if ext == ".shx" else "attribute table"
            msg = (
                f"{p}: the {ext} file ({what}) is missing beside the .shp; copy all the parts "
                "of the Shapefile (.shp, .shx, .dbf, .prj, .cpg) together"
            )
            raise InputError(msg)
    assert shx_size is not None
    assert dbf is not None
    n_shp, cut = 0, False
    offset = 100
    while offset + 8 <= len(shp):
        (words,) = struct.unpack(">i", shp[offset + 4 : offset + 8])
        offset += 8 + 2 * words
        if words < 0 or offset > len(shp):
            cut = True
            break
        n_shp += 1
    n_shx = max(shx_size - 100, 0) // 8
    head, dbf_size = dbf
    if len(head) < 12:
        n_dbf_declared = n_dbf = 0
    else:
        n_dbf_declared, head_len, rec_len = struct.unpack("<IHH", head[4:12])
        n_dbf = max(dbf_size - head_len, 0) // rec_len if rec_len else 0
        n_dbf = min(n_dbf, n_dbf_declared)
    counts = (
        f"the .shp holds {n_shp} shape(s){' and is cut short' if cut else ''}, "
        f"the .shx indexes {n_shx}, the .dbf declares {n_dbf_declared} record(s)"
        + (f" but holds {n_dbf}" if n_dbf != n_dbf_declared else "")
    )
    if cut or n_dbf != n_dbf_declared:
        short = ".shp" if cut else ".dbf"
        msg = (
            f"{p}: the {short} file is truncated ({counts}); nothing was read, so that no "
            f"record is dropped or shifted; copy the {short} again from the source"
        )
        raise InputError(msg)
    if not n_shp == n_shx == n_dbf:
        msg = (
            f"{p}: the parts of the Shapefile disagree ({counts}); shapes and attributes "
            "would be paired wrongly, so nothing was read; copy the whole set again from the "
            "source (the .shp, .shx and .dbf must come from the same export)"
        )
        raise InputError(msg)


def _cpg_codec(cpg: str | None) -> str | None:
    """The codec zoneplan decodes itself for a .cpg: ``"utf-8"``, ``"cp1258"`` or None."""
    if cpg is None:
        return None
    if cpg.upper().replace("-", "").replace("_", "") in {"UTF8", "65001"}:
        return "utf-8"
    return "cp1258" if cpg.upper() in _PY_DECODED else None


def _decode_dbf_text(
    raw: gpd.GeoDataFrame, p: Path, cpg: str | None, declared: str | None, enc: str
) -> gpd.GeoDataFrame:
    """Decode .dbf text read byte for byte (as Latin-1), column by column, with a report."""
    geom = raw.geometry.name
    report: list[legacy_text.TextConversion] = []
    out = raw.copy()
    for col in _text_columns(raw):
        values = raw[col].tolist()
        new, used, n = _decode_dbf_column(values, p, str(col), cpg, declared, enc)
        out[col] = pd.Series(new, index=raw.index, dtype=object)
        if used and n:
            report.append(_conversion(p, str(col), used, values, new))
    names = [str(c) for c in raw.columns if c != geom]
    new_names, used, n = _decode_dbf_column(names, p, "(column names)", cpg, declared, enc)
    if used and n:
        report.append(_conversion(p, "(column names)", used, names, new_names))
    out = out.rename(columns=dict(zip(names, new_names, strict=True)))
    out.attrs["text_conversions"] = report
    return out


def _conversion(
    p: Path, column: str, enc: str, old: list[Any], new: list[Any]
) -> legacy_text.TextConversion:
    """The report of one converted column: how many values changed, and the first one."""
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    return legacy_text.TextConversion(
        str(p), column, enc, len(changed), str(changed[0][0]), str(changed[0][1])
    )


def _decode_dbf_column(
    values: list[Any], p: Path, column: str, cpg: str | None, declared: str | None, enc: str
) -> tuple[list[Any], str | None, int]:
    """
    Decode one column of byte-for-byte text; return the values, the legacy encoding
    applied (None for plain UTF-8) and how many values changed.
    """
    texts = [v for v in values if isinstance(v, str) and not v.isascii()]
    if not texts:
        return values, None, 0
    utf8 = all(_is_utf8(t) for t in texts)
    if enc == "utf-8" or (enc == "auto" and utf8 and declared in {None, "utf-8"}):
        if not utf8:
            bad = next(t for t in texts if not _is_utf8(t))
            msg = (
                f"{p}: column {column!r} holds text that is not UTF-8 ({bad!r}); "
                "give --text-encoding cp1258, tcvn3 or vni, or auto to detect it"
            )
            raise InputError(msg)
        decoded = [v.encode("latin-1").decode("utf-8") if isinstance(v, str) else v for v in values]
        return legacy_text.convert_values(decoded, enc) if enc == "auto" else (decoded, None, 0)
    used: str
    if enc == "auto":
        found = legacy_text.detect(texts, ("tcvn3", "vni", "cp1258"))
        used = found or "cp1258"
        if cpg is not None and used != declared:
            what = legacy_text.ENCODING_NAMES[used]
            said = f"{cpg} is declared" if cpg.startswith("the ") else f"the .cpg says {cpg}"
            log.warning(
                "%s: %s but column %r holds %s text; read as %s "
                "(correct it, or give --text-encoding)",
                p,
                said,
                column,
                what,
                what,
            )
    else:
        used = enc
    new = [_decode_legacy(v, used) for v in values]
    return new, used, sum(a != b for a, b in zip(values, new, strict=True))


def _is_utf8(text: str) -> bool:
    """Whether text read byte for byte (Latin-1) is valid UTF-8."""
    try:
        text.encode("latin-1").decode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return False
    return True


def _decode_legacy(value: Any, enc: str) -> Any:
    """Decode one byte-for-byte (Latin-1) value in a legacy encoding; undecodable values stay."""
    if not isinstance(value, str) or value.isascii():
        return value
    try:
        return legacy_text.decode(value.encode("latin-1"), enc)  # type: ignore[arg-type]
    except (UnicodeDecodeError, UnicodeEncodeError):
        return value


#: Formats whose text may be legacy Vietnamese behind a Western code page.
_LEGACY_TEXT_FORMATS = frozenset({"DXF"})


def _legacy_text(gdf: gpd.GeoDataFrame, p: Path, fmt: str | None) -> gpd.GeoDataFrame:
    """Convert legacy text of CAD and MapInfo layers, and log every conversion."""
    report = list(gdf.attrs.get("text_conversions", []))
    if fmt in _LEGACY_TEXT_FORMATS:
        gdf, more = legacy_text.convert_frame(gdf, str(p))
        report += more
    for item in report:
        log.info("%s", item)
    gdf.attrs["text_conversions"] = report
    return gdf


def _shapefile_cpg(p: Path) -> str | None:
    """Return the code page named by the .cpg beside a Shapefile (or inside its zip)."""
    if p.suffix.lower() == ".zip":
        import zipfile

        with zipfile.ZipFile(p) as zf:
            names = [n for n in zf.namelist() if n.lower().endswith(".cpg")]
            return zf.read(names[0]).decode("ascii", "replace").strip() if names else None
    for cpg in (p.with_suffix(".cpg"), p.with_suffix(".CPG")):
        if cpg.is_file():
            return cpg.read_text("ascii", errors="replace").strip()
    return None


def _recode_text(gdf: gpd.GeoDataFrame, codec: str) -> gpd.GeoDataFrame:
    """Re-decode text read byte for byte as Latin-1 with `codec`, composed to NFC."""
    import unicodedata

    def fix(value: Any) -> Any:
        if not isinstance(value, str) or value.isascii():
            return value
        try:
            return unicodedata.normalize("NFC", value.encode("latin-1").decode(codec))
        except (UnicodeEncodeError, UnicodeDecodeError):
            return value

    geom = gdf.geometry.name
    out = gdf.rename(columns={c: fix(c) for c in gdf.columns if c != geom})
    for col in _text_columns(out):
        out[col] = out[col].map(fix, na_action="ignore")
    return out


def _text_columns(gdf: gpd.GeoDataFrame) -> list[str]:
    """Return the names of the non-geometry columns that hold text."""
    return [
        c
        for c in gdf.columns
        if c != gdf.geometry.name
        and (gdf[c].dtype == object or pd.api.types.is_string_dtype(gdf[c]))
    ]


def _no_crs_message(p: Path, gdf: gpd.GeoDataFrame) -> str:
    """Explain a missing CRS and suggest one from the coordinate magnitudes."""
    guess = zcrs.suggest_crs(gdf.geometry)
    hint = f"it looks like {guess}" if guess else "check the data's documentation"
    return f"{p}: the file has no CRS (no .prj or crs member); {hint}; give it with --crs"


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
    >>> float(layers["zone"].iloc[0]["declared_area_ha"])
    20000.0
    """
    cat = catalog or load_catalog()
    wanted = list(ids) if ids is not None else list(cat.ids)
    entries = [cat[i] for i in wanted]
    out: dict[str, gpd.GeoDataFrame] = {}
    for entry in sorted(entries, key=lambda e: e.order):
        gdf = _dates_as_text(read_layer(entry.path, engine=engine))
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


def _dates_as_text(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """
    Give back as ISO text the date columns GDAL parsed from the shipped GeoJSON.

    The shipped layers write dates as text (``as_of`` may be ``2025``, ``2025-10`` or
    ``2025-10-13``); GDAL's GeoJSON driver turns a column of full dates into datetimes.
    """
    for col in gdf.columns:
        if col == gdf.geometry.name:
            continue
        values = gdf[col]
        if values.dtype == object:
            # read_layer gives GDAL's date fields back as datetime.date objects
            present = values.dropna()
            if len(present) and all(type(v) is datetime.date for v in present):
                gdf[col] = values.map(lambda v: None if v is None or pd.isna(v) else v.isoformat())
            continue
        if not pd.api.types.is_datetime64_any_dtype(values):
            continue
        text = values.dt.strftime("%Y-%m-%d")
        timed = values.notna() & (values != values.dt.normalize())
        text[timed] = values[timed].map(lambda v: v.isoformat())
        gdf[col] = text.astype(object).where(values.notna(), None)
    return gdf


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
