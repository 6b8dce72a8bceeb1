"""
Reading a boundary-marker coordinate table: its header, its numbers, its rows as points.

The table is CSV or XLSX; its header row is found among the first rows by the
column names of `HEADERS` (case, diacritics, units in brackets and punctuation
ignored). Numbers may use a decimal comma, degrees may be DMS text. What the
points become, polygons placed on the map, is `zoneplan.coords`.
"""

from __future__ import annotations

import codecs
import csv
import io as _io
import logging
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from zoneplan.errors import InputError
from zoneplan.io import check_input_path
from zoneplan.legacy_text import convert_rows, current_text_encoding

if TYPE_CHECKING:
    from collections.abc import Sequence

    from zoneplan.legacy_text import Legacy

log = logging.getLogger(__name__)


#: Normalised header text (no diacritics, lower case, no units) → column role.
HEADERS: Final[dict[str, str]] = {
    **dict.fromkeys(
        [
            "ten diem",
            "ten moc",
            "so hieu moc",
            "so hieu diem",
            "ky hieu moc",
            "ky hieu diem",
            "ky hieu",
            "so hieu",
            "ten diem moc",
            "so moc",
            "moc",
            "diem",
            "moc gioi",
            "diem moc",
            "point",
            "point name",
            "point id",
            "name",
            "marker",
            "marker name",
            "station",
            "pt",
        ],
        "name",
    ),
    **dict.fromkeys(["stt", "tt", "so tt", "no", "order", "seq"], "seq"),
    **dict.fromkeys(
        ["x", "toa do x", "x vn2000", "x vn 2000", "northing", "n", "north"], "northing"
    ),
    **dict.fromkeys(["y", "toa do y", "y vn2000", "y vn 2000", "easting", "e", "east"], "easting"),
    **dict.fromkeys(["vi do", "b", "lat", "latitude", "vi do b", "b vi do"], "lat"),
    **dict.fromkeys(
        ["kinh do", "l", "lon", "long", "longitude", "lng", "kinh do l", "l kinh do"], "lon"
    ),
    **dict.fromkeys(
        [
            "thua",
            "thua so",
            "so thua",
            "thua dat",
            "khu",
            "khu so",
            "khu vuc",
            "lo",
            "lo dat",
            "vung",
            "khoanh",
            "khoanh dat",
            "ma khu",
            "ma thua",
            "polygon",
            "polygon id",
            "polygon no",
            "parcel",
            "part",
            "zone",
            "block",
        ],
        "polygon",
    ),
}


#: Plausible VN-2000 / UTM metres in Vietnam: northing and easting ranges.
_NORTHING_M = (900_000.0, 2_700_000.0)


_EASTING_M = (100_000.0, 900_000.0)


_SCAN_ROWS = 40


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


#: Degrees, minutes and seconds written with spaces (``20 35 50``), not thousands groups.
_SPACED_DMS = re.compile(
    r"^[-+]?\d{1,3}\s+\d{1,2}(?:[.,]\d+)?(?:\s+\d{1,2}(?:[.,]\d+)?)?\s*[NSEWBĐnsewbđ]?$"
)


@dataclass(frozen=True)
class MarkerPoint:
    """One marker row: its name, 1-based table row, polygon label and two numbers."""

    name: str
    row: int
    polygon: str
    a: float  # northing, or latitude
    b: float  # easting, or longitude


def normalise_header(text: Any) -> str:
    """
    Reduce a header cell to lower-case ASCII words without units.

    Parameters
    ----------
    text
        The cell value.

    Returns
    -------
    key
        For example ``"toa do x"`` for "Tọa độ X (m)".

    Examples
    --------
    >>> normalise_header("Số hiệu mốc"), normalise_header("X (m)"), normalise_header("Vĩ độ (B)")
    ('so hieu moc', 'x', 'vi do b')
    """
    s = str(text or "").replace("đ", "d").replace("Đ", "D")
    s = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    s = re.sub(r"\((m|met|mét|km|deg|do|°|vn-?2000|wgs-?84)\)|\[[^\]]*\]", " ", s.lower())
    s = re.sub(r"[^a-z0-9]+", " ", s).strip()
    return re.sub(r"\b(m|met)$", "", s).strip()


def read_table_rows(path: str | os.PathLike[str], *, sheet: str | None = None) -> list[list[Any]]:
    """
    Read the cells of a CSV or XLSX table.

    CSV text is UTF-8 (with or without BOM) or, failing that, Windows-1258; the
    delimiter (comma, semicolon, tab or bar) is detected.

    Parameters
    ----------
    path
        A ``.csv``, ``.txt`` or ``.xlsx`` file.
    sheet
        Worksheet name of an XLSX file; the first sheet when None.

    Returns
    -------
    rows
        Rows of cell values (strings from CSV; numbers or strings from XLSX).

    Raises
    ------
    InputError
        If the file is missing, empty, of another format, or the sheet does not exist.
    """
    p = check_input_path(path)
    suffix = p.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(p, sheet)
    if suffix in {".csv", ".txt", ".tsv"}:
        return _read_csv(p)
    msg = (
        f"{p}: {suffix or 'no suffix'} is not a coordinate table zoneplan reads; "
        "save it as .csv or .xlsx"
    )
    raise InputError(msg)


def _read_csv(p: Path) -> list[list[Any]]:
    """
    Decode a CSV or text table and split it with the delimiter that fits best.

    UTF-8 with or without a byte-order mark, UTF-16 (Excel's "Unicode text", with
    its mark, or without one when every other byte is zero) and, when the bytes
    are not UTF-8, the legacy encodings: TCVN3, VNI or Windows-1258 as detected
    column by column (Windows-1258 when nothing is detected). TCVN3 and VNI text
    saved from Excel as UTF-8 is detected too. ``--text-encoding`` overrides.
    """
    raw = p.read_bytes()
    enc = current_text_encoding()
    text, unicode_source = _decode_table_bytes(raw, p, enc)
    lines = [ln for ln in text.splitlines() if ln.strip()][:_SCAN_ROWS]
    best, best_score = ",", -1.0
    try:
        for delim in ("\t", ";", "|", ","):
            counts = [len(next(csv.reader([ln], delimiter=delim))) for ln in lines]
            wide = [c for c in counts if c >= 3]
            score = len(wide) + (0.5 if len(set(wide)) == 1 else 0)
            if wide and score > best_score:
                best, best_score = delim, score
        # newline="": a line may end in CR alone (old Mac and some exports), as csv expects
        reader = csv.reader(_io.StringIO(text, newline=""), delimiter=best)
        rows: list[list[Any]] = [list(r) for r in reader]
    except csv.Error as err:
        msg = f"{p}: cannot be split into rows and columns ({err}); save it from Excel again"
        raise InputError(msg) from err
    if unicode_source:
        rows, report = convert_rows(rows, str(p), enc)
    else:  # bytes: TCVN3, VNI or Windows-1258 as detected per column, else Windows-1258
        legacy: tuple[Legacy, ...] = ("tcvn3", "vni", "cp1258")
        rows, report = convert_rows(rows, str(p), enc, candidates=legacy, raw=True)
    for item in report:
        log.info("%s", item)
    return rows


def _decode_table_bytes(raw: bytes, p: Path, enc: str) -> tuple[str, bool]:
    """
    Decode a text table's bytes; return the text and whether it was Unicode
    (UTF-8/UTF-16) or is left byte for byte (Latin-1) for the legacy decoders.
    """
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16")):
        if raw.startswith(bom) or (codec == "utf-16" and raw.startswith(codecs.BOM_UTF16_BE)):
            return _strict_decode(raw, codec, p), True
    sample = raw[:4096]
    if len(sample) >= 4 and sample[1::2].count(0) > 0.4 * len(sample[1::2]):
        return _strict_decode(raw, "utf-16-le", p), True
    if len(sample) >= 4 and sample[0::2].count(0) > 0.4 * len(sample[0::2]):
        return _strict_decode(raw, "utf-16-be", p), True
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError as err:
        if enc == "utf-8":
            msg = (
                f"{p}: not UTF-8 text (byte 0x{raw[err.start]:02x} at offset {err.start}); "
                "give --text-encoding cp1258, tcvn3 or vni (or auto), or save it as UTF-8"
            )
            raise InputError(msg) from err
    return raw.decode("latin-1"), False


def _strict_decode(raw: bytes, codec: str, p: Path) -> str:
    """Decode a Unicode table, with a clear message for a damaged one."""
    try:
        return unicodedata.normalize("NFC", raw.decode(codec))
    except UnicodeDecodeError as err:
        msg = (
            f"{p}: the file starts as {codec.upper().removesuffix('-SIG')} text but is damaged "
            f"at byte {err.start}; save it again from Excel (CSV UTF-8)"
        )
        raise InputError(msg) from err


def _read_xlsx(p: Path, sheet: str | None) -> list[list[Any]]:
    """Read the cell values of one worksheet."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types for damaged files
        msg = (
            f"{p}: cannot be read as an Excel .xlsx workbook ({err}); save it again as .xlsx or CSV"
        )
        raise InputError(msg) from err
    try:
        if sheet is not None and sheet not in book.sheetnames:
            msg = f"{p}: no sheet {sheet!r}; the sheets are {book.sheetnames}"
            raise InputError(msg)
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        rows, report = convert_rows([list(r) for r in ws.iter_rows(values_only=True)], str(p))
        for item in report:
            log.info("%s", item)
        return rows
    finally:
        book.close()


def _roles(row: Sequence[Any]) -> dict[str, int]:
    """Map the recognised headers of one row to their column index (first wins)."""
    found: dict[str, int] = {}
    for i, cell in enumerate(row):
        role = HEADERS.get(normalise_header(cell)) if isinstance(cell, str) else None
        if role and role not in found:
            found[role] = i
    return found


def find_header(rows: list[list[Any]], label: str) -> tuple[int, dict[str, int]]:
    """
    Find the header row and the column of each role.

    Parameters
    ----------
    rows
        The table's cells.
    label
        The file name for messages.

    Returns
    -------
    index, columns
        The 0-based header row and ``role → column``; a name or polygon header in
        the row above (a two-row header with merged cells) is used too.

    Raises
    ------
    InputError
        If no row within the first 40 has X and Y (or latitude and longitude) headers.
    """
    for i, row in enumerate(rows[:_SCAN_ROWS]):
        cols = _roles(row)
        if {"northing", "easting"} <= cols.keys() or {"lat", "lon"} <= cols.keys():
            if i > 0:
                for role, col in _roles(rows[i - 1]).items():
                    if role in {"name", "polygon", "seq"} and role not in cols:
                        cols[role] = col
            return i, cols
    msg = (
        f"{label}: no header row with X and Y (or Vĩ độ and Kinh độ) columns in the first "
        f"{_SCAN_ROWS} rows; name the columns for example 'Tên điểm', 'X (m)', 'Y (m)' "
        "(X the northing) or 'Point', 'Northing', 'Easting' (see docs/your-own-data.md)"
    )
    raise InputError(msg)


def parse_number(value: Any) -> float | None:
    """
    Read a coordinate written with decimal commas or thousands separators.

    Parameters
    ----------
    value
        A number or text such as ``"2 282 548,31"``, ``"2.282.548,31"`` or ``"606105.05"``.

    Returns
    -------
    number
        The value, or None for an empty cell.

    Raises
    ------
    ValueError
        If the text is not a number.

    Examples
    --------
    >>> parse_number("2 282 548,31"), parse_number("2.282.548,31"), parse_number("2,282,548.31")
    (2282548.31, 2282548.31, 2282548.31)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    t = re.sub(r"[\s\u00a0\u202f\u2009'’]", "", str(value))
    if not t:
        return None
    if "," in t and "." in t:
        dec = "," if t.rfind(",") > t.rfind(".") else "."
        t = t.replace("." if dec == "," else ",", "").replace(",", ".")
    elif t.count(",") > 1:
        t = t.replace(",", "")
    elif t.count(",") == 1:
        t = t.replace(",", ".")
    elif t.count(".") > 1:
        t = t.replace(".", "")
    result = float(t)
    if not math.isfinite(result):
        raise ValueError(t)
    return result


def parse_degrees(value: Any) -> float | None:
    """
    Read an angle in decimal degrees or degrees-minutes-seconds.

    Parameters
    ----------
    value
        A number, or text such as ``20°35'50"``, ``20 35 50``, ``106°45'12,5" E``
        or ``20,5973``; S and W make it negative.

    Returns
    -------
    degrees
        Decimal degrees, or None for an empty cell.

    Raises
    ------
    ValueError
        If the text is not an angle, or its minutes or seconds are 60 or more.

    Examples
    --------
    >>> round(parse_degrees("20°35'50\\""), 6), round(parse_degrees("106 45 12,5 E"), 6)
    (20.597222, 106.753472)
    """
    if value is None or isinstance(value, int | float):
        return parse_number(value)
    text = str(value).strip()
    if not text:
        return None
    parts = [float(n.replace(",", ".")) for n in _NUMBER.findall(text)]
    rest = _NUMBER.sub(" ", text)
    rest = re.sub(r"[°º˚d'′’‘\"″”“:\s]|[NSEWBĐDnsewbđ]$|^[NSEWBĐnsewbđ]", " ", rest).strip(" -+")
    if not 1 <= len(parts) <= 3 or rest:
        raise ValueError(text)
    if any(p >= 60 for p in parts[1:]) or any(p != int(p) for p in parts[:-1]):
        raise ValueError(text)
    degrees = parts[0] + sum(p / 60**k for k, p in enumerate(parts[1:], start=1))
    negative = text.startswith("-") or re.search(r"[SWsw]\s*$", text) is not None
    return float(-degrees if negative else degrees)


def _cell(row: Sequence[Any], col: int | None) -> Any:
    """Return a cell, or None past the end of a short row."""
    if col is None or col >= len(row):
        return None
    value = row[col]
    return value.strip() if isinstance(value, str) else value


def _is_empty(value: Any) -> bool:
    """Whether a cell is empty."""
    return value is None or (isinstance(value, str) and not value.strip())


def table_points(
    rows: list[list[Any]], label: str, *, swap_xy: bool = False
) -> tuple[list[MarkerPoint], bool]:
    """
    Turn the table's data rows into marker points.

    Parameters
    ----------
    rows
        The table's cells.
    label
        The file name for messages.
    swap_xy
        Exchange the two coordinate columns (X taken as the easting).

    Returns
    -------
    points, geographic
        The points in row order, and whether they are latitude/longitude.

    Raises
    ------
    InputError
        If a coordinate cannot be read (naming the row and the point) or no point is found.
    """
    head, cols = find_header(rows, label)
    projected = {"northing", "easting"} <= cols.keys()
    col_a, col_b = (cols["northing"], cols["easting"]) if projected else (cols["lat"], cols["lon"])
    if swap_xy:
        col_a, col_b = col_b, col_a
    name_col = cols.get("name", cols.get("seq"))
    poly_col = cols.get("polygon")
    geographic = not projected or _looks_like_degrees(rows[head + 1 :], col_a, col_b)
    read = parse_degrees if geographic else parse_number
    points: list[MarkerPoint] = []
    heading = ""
    for offset, row in enumerate(rows[head + 1 :], start=head + 2):
        raw_a, raw_b = _cell(row, col_a), _cell(row, col_b)
        if _is_empty(raw_a) and _is_empty(raw_b):
            texts = [str(c).strip() for c in row if not _is_empty(c)]
            if len(texts) == 1 or (
                texts and poly_col is not None and not _is_empty(_cell(row, poly_col))
            ):
                heading = texts[0] if poly_col is None else str(_cell(row, poly_col) or texts[0])
            continue
        name = str(_cell(row, name_col) or "").strip() or f"#{len(points) + 1}"
        try:
            a, b = read(raw_a), read(raw_b)
        except ValueError as err:
            bad = raw_a if _bad(read, raw_a) else raw_b
            msg = (
                f"{label}: row {offset} (point {name}): cannot read the coordinate {bad!r}; "
                "write it as a number such as 2282548.31 or 2 282 548,31"
                + (" or as degrees such as 20°35'50\" or 20.5972" if geographic else "")
            )
            raise InputError(msg) from err
        if a is None or b is None:
            msg = (
                f"{label}: row {offset} (point {name}): a coordinate is missing; "
                "fill it in or delete the row"
            )
            raise InputError(msg)
        polygon = str(_cell(row, poly_col) or "").strip() if poly_col is not None else ""
        points.append(MarkerPoint(name, offset, polygon or heading, a, b))
    if not points:
        msg = (
            f"{label}: the table has headers but no coordinate rows; "
            "add the marker rows under the header"
        )
        raise InputError(msg)
    return points, geographic


def _bad(read: Any, value: Any) -> bool:
    """Whether `read` fails on `value`."""
    try:
        read(value)
    except ValueError:
        return True
    return False


def _looks_like_degrees(rows: list[list[Any]], col_a: int, col_b: int) -> bool:
    """Whether X/Y columns hold degrees (DMS text or numbers below 360) rather than metres."""
    for row in rows[:_SCAN_ROWS]:
        for col in (col_a, col_b):
            v = _cell(row, col)
            if isinstance(v, str) and (re.search(r"[°º′″\"']", v) or _SPACED_DMS.match(v)):
                return True
            try:
                number = parse_number(v)
            except ValueError:
                continue
            if number is not None:
                return abs(number) < 360
    return False


def check_magnitudes(points: list[MarkerPoint], label: str, *, geographic: bool) -> None:
    """
    Catch swapped columns and mistyped values from the size of the numbers.

    Parameters
    ----------
    points
        The marker points.
    label
        The file name for messages.
    geographic
        Whether the points are latitude/longitude.

    Raises
    ------
    InputError
        Naming the swapped columns, or the first row whose value is out of range.
    """
    if geographic:
        lat_ok, lon_ok = (4.0, 30.0), (95.0, 115.0)
        what = ("latitude (Vĩ độ)", "longitude (Kinh độ)")
    else:
        lat_ok, lon_ok = _NORTHING_M, _EASTING_M
        what = ("X (the northing)", "Y (the easting)")
    swapped = [
        p
        for p in points
        if _inside(p.b, lat_ok) and _inside(p.a, lon_ok) and not _inside(p.a, lat_ok)
    ]
    if swapped and len(swapped) == len(points):
        p = points[0]
        msg = (
            f"{label}: the coordinate columns look swapped: point {p.name} (row {p.row}) has "
            f"{what[0]} {p.a:.3f} and {what[1]} {p.b:.3f}, but a {what[0]} in Hai Phong is "
            f"about {_typical(geographic)[0]} and a {what[1]} about {_typical(geographic)[1]}; "
            "rerun with --swap-xy (Vietnamese tables give X as the northing)"
        )
        raise InputError(msg)
    for p in points:
        if not (_inside(p.a, lat_ok) and _inside(p.b, lon_ok)):
            hint = (
                "its two values look swapped"
                if p in swapped
                else "check the digits and the decimal separator"
            )
            msg = (
                f"{label}: row {p.row} (point {p.name}): {what[0]} {p.a:.3f} and {what[1]} "
                f"{p.b:.3f} cannot both be right (expected about {_typical(geographic)[0]} and "
                f"{_typical(geographic)[1]}); {hint}"
            )
            raise InputError(msg)


def _inside(value: float, bounds: tuple[float, float]) -> bool:
    """Whether `value` lies within closed `bounds`."""
    return bounds[0] <= value <= bounds[1]


def _typical(geographic: bool) -> tuple[str, str]:
    """Typical coordinate values in Hai Phong, for messages."""
    return ("20.6°", "106.7°") if geographic else ("2282000 m", "606000 m")
