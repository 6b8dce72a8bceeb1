"""
Writing result tables: a terminal table, CSV, JSON, Excel or Markdown.

Files are written atomically (`zoneplan._atomic`): a failed write leaves an
existing file exactly as it was. Vietnamese text is kept as UTF-8 everywhere
(CSV with a byte-order mark so that Excel opens it right).
"""

from __future__ import annotations

import io
import json
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Final, Literal, TypeAlias

import numpy as np
import pandas as pd

from zoneplan._atomic import atomic_path, atomic_write, check_output_path
from zoneplan.errors import OutputError

Format: TypeAlias = Literal["table", "csv", "json", "xlsx", "md", "parquet"]
#: Formats an openpyxl worksheet once a table is written into it (`write_table`).
XlsxFormat: TypeAlias = Callable[[Any, pd.DataFrame], None]

#: The formats `write_table` knows, with their usual file suffix.
FORMATS: Final[dict[str, str]] = {
    "table": ".txt",
    "csv": ".csv",
    "json": ".json",
    "xlsx": ".xlsx",
    "md": ".md",
    "parquet": ".parquet",
}

#: Formats that are binary files: they need --out.
_BINARY: Final[tuple[str, ...]] = ("xlsx", "parquet")

_SUFFIX_FORMATS: Final[dict[str, str]] = {
    ".txt": "table",
    ".csv": "csv",
    ".json": "json",
    ".xlsx": "xlsx",
    ".md": "md",
    ".parquet": "parquet",
}


def format_for_path(path: str | os.PathLike[str] | None, fmt: str | None) -> str:
    """
    Choose the output format: `fmt` if given, else from the suffix of `path`, else ``table``.

    A file whose suffix names no format needs an explicit `fmt`, so that
    ``--out pieces.gpkg`` is refused instead of written as a text table.

    Parameters
    ----------
    path
        The output file, or None for standard output.
    fmt
        An explicit format.

    Returns
    -------
    fmt
        One of `FORMATS`.

    Raises
    ------
    OutputError
        If `fmt` is unknown, the suffix of `path` names no format, or a binary
        format (xlsx, parquet) is asked for standard output.

    Examples
    --------
    >>> format_for_path("pieces.parquet", None), format_for_path(None, None)
    ('parquet', 'table')
    """
    if fmt is None:
        if path is None:
            fmt = "table"
        else:
            suffix = Path(path).suffix.lower()
            if suffix not in _SUFFIX_FORMATS:
                known = ", ".join(_SUFFIX_FORMATS)
                msg = (
                    f"{path}: {suffix or 'no suffix'} names no table format; "
                    f"end the name in {known}, or give --format"
                )
                raise OutputError(msg)
            fmt = _SUFFIX_FORMATS[suffix]
    if fmt not in FORMATS:
        msg = f"unknown table format {fmt!r}; use one of {', '.join(FORMATS)}"
        raise OutputError(msg)
    if fmt in _BINARY and path is None:
        msg = (
            f"the {fmt} format is a binary file and cannot go to the terminal; add --out FILE.{fmt}"
        )
        raise OutputError(msg)
    return fmt


def _clean(value: object) -> object:
    """Return a JSON-ready Python value: NaN/NA → None, numpy scalars → Python scalars."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_records(df: pd.DataFrame) -> list[dict[str, object]]:
    """
    Return `df` as a list of plain records (NaN as None, numpy types as Python types).

    Parameters
    ----------
    df
        Any table.

    Returns
    -------
    records
        One dict per row, keys in column order.

    Examples
    --------
    >>> to_records(pd.DataFrame({"a": [1.5, float("nan")], "b": ["Cát Bi", None]}))
    [{'a': 1.5, 'b': 'Cát Bi'}, {'a': None, 'b': None}]
    """
    cols = [str(c) for c in df.columns]
    return [
        {c: _clean(v) for c, v in zip(cols, row, strict=True)}
        for row in df.itertuples(index=False, name=None)
    ]


def to_json(df: pd.DataFrame) -> str:
    """
    Return `df` as a JSON array of records with UTF-8 text and null for missing values.

    Parameters
    ----------
    df
        Any table.

    Returns
    -------
    text
        Indented JSON ending with a newline.

    Examples
    --------
    >>> print(to_json(pd.DataFrame({"name_vi": ["Tiên Lãng"], "area_ha": [float("nan")]})))
    [
      {
        "name_vi": "Tiên Lãng",
        "area_ha": null
      }
    ]
    <BLANKLINE>
    """
    return json.dumps(to_records(df), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _display_frame(df: pd.DataFrame, decimals: int) -> pd.DataFrame:
    """Return `df` with floats rounded to `decimals` and missing values blank, for reading."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{v:,.{decimals}f}")
        else:
            out[col] = out[col].map(lambda v: "" if v is None or v is pd.NA or v != v else str(v))
    return out


def to_text_table(df: pd.DataFrame, *, decimals: int = 3) -> str:
    """
    Return `df` as an aligned plain-text table for a terminal.

    Text columns are left-aligned and numbers right-aligned; missing values are blank.

    Parameters
    ----------
    df
        Any table.
    decimals
        Decimal places of float columns.

    Returns
    -------
    text
        The table, one line per row after a header and a rule, ending with a newline.

    Examples
    --------
    >>> print(to_text_table(pd.DataFrame({"id": ["zone"], "area_ha": [20000.0]}), decimals=1))
    id     area_ha
    ----  --------
    zone  20,000.0
    <BLANKLINE>
    """
    shown = _display_frame(df, decimals)
    cols = [str(c) for c in shown.columns]
    numeric = [
        pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
        for c in df.columns
    ]
    widths = [
        max([len(c), *(len(v) for v in shown[col])])
        for c, col in zip(cols, shown.columns, strict=True)
    ]

    def line(values: list[str]) -> str:
        cells = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(cells).rstrip()

    lines = [line(cols), "  ".join("-" * w for w in widths)]
    lines += [line(list(row)) for row in shown.itertuples(index=False, name=None)]
    return "\n".join(lines) + "\n"


def to_markdown(df: pd.DataFrame, *, decimals: int = 3) -> str:
    """
    Return `df` as a GitHub-flavoured Markdown table.

    Parameters
    ----------
    df
        Any table.
    decimals
        Decimal places of float columns.

    Returns
    -------
    text
        The Markdown table ending with a newline; ``|`` in text is escaped.

    Examples
    --------
    >>> print(to_markdown(pd.DataFrame({"id": ["a|b"], "km": [1.25]}), decimals=2))
    | id | km |
    |---|---:|
    | a\\|b | 1.25 |
    <BLANKLINE>
    """
    shown = _display_frame(df, decimals)
    numeric = [
        pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
        for c in df.columns
    ]

    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    head = "| " + " | ".join(esc(str(c)) for c in shown.columns) + " |"
    rule = "|" + "|".join("---:" if n else "---" for n in numeric) + "|"
    rows = [
        "| " + " | ".join(esc(v) for v in row) + " |"
        for row in shown.itertuples(index=False, name=None)
    ]
    return "\n".join([head, rule, *rows]) + "\n"


def to_csv(df: pd.DataFrame) -> str:
    """
    Return `df` as CSV text (full precision, missing values empty).

    Parameters
    ----------
    df
        Any table.

    Returns
    -------
    text
        CSV with a header row and ``\\n`` line ends.
    """
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def _plain_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Drop any geometry column (tables carry areas, not shapes) and return a plain DataFrame."""
    frame = pd.DataFrame(df)
    geometry = [c for c in frame.columns if str(frame[c].dtype) == "geometry"]
    return frame.drop(columns=geometry)


def _write_xlsx(
    df: pd.DataFrame, path: Path, sheet_name: str, xlsx_format: XlsxFormat | None = None
) -> None:
    """Write `df` to an Excel workbook at `path` with openpyxl."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        df.to_excel(writer, sheet_name=sheet_name[:31] or "Sheet1", index=False)
        sheet = writer.sheets[sheet_name[:31] or "Sheet1"]
        for cells in sheet.columns:
            width = max(len(str(c.value)) if c.value is not None else 0 for c in cells)
            sheet.column_dimensions[cells[0].column_letter].width = min(max(width + 2, 8), 60)
        sheet.freeze_panes = "A2"
        if xlsx_format is not None:
            xlsx_format(sheet, df)


def write_table(
    df: pd.DataFrame,
    path: str | os.PathLike[str] | None = None,
    *,
    fmt: str | None = None,
    decimals: int = 3,
    sheet_name: str = "zoneplan",
    stream: IO[str] | None = None,
    xlsx_format: XlsxFormat | None = None,
) -> Path | None:
    """
    Write a table to a file atomically, or to standard output.

    Parameters
    ----------
    df
        The table.
    path
        Output file; None writes to `stream` (standard output by default).
    fmt
        ``table``, ``csv``, ``json``, ``xlsx``, ``md`` or ``parquet``; from the suffix of `path`
        when None (``table`` for standard output).
    decimals
        Decimal places of floats in ``table`` and ``md`` (csv, json and xlsx keep
        full precision).
    sheet_name
        Worksheet name of the xlsx format.
    stream
        Where text goes when `path` is None.
    xlsx_format
        Called as ``xlsx_format(worksheet, df)`` once the xlsx sheet is written, to format
        its cells (bold rows, indents, number formats); the values stay as written.

    Returns
    -------
    path
        The written file, or None for standard output.

    Raises
    ------
    OutputError
        If the format is unknown, xlsx is asked without a file, or the file cannot be written.

    Examples
    --------
    >>> write_table(pd.DataFrame({"id": ["port"], "km": [12.5]}), fmt="csv")
    id,km
    port,12.5
    """
    fmt = format_for_path(path, fmt)
    if fmt in _BINARY and path is not None:  # format_for_path refuses them without a path
        out = check_output_path(path)
        try:
            with atomic_path(out, suffix=FORMATS[fmt]) as tmp:
                if fmt == "xlsx":
                    _write_xlsx(df, tmp, sheet_name, xlsx_format)
                else:
                    _plain_frame(df).to_parquet(tmp, index=False)
        except OSError as err:
            msg = f"{out}: cannot be written ({err.strerror or err}); choose another --out"
            raise OutputError(msg) from err
        return out
    renderers = {
        "table": lambda: to_text_table(df, decimals=decimals),
        "csv": lambda: to_csv(df),
        "json": lambda: to_json(df),
        "md": lambda: to_markdown(df, decimals=decimals),
    }
    text = renderers[fmt]()
    if path is None:
        (stream or sys.stdout).write(text)
        return None
    data = ("\ufeff" + text) if fmt == "csv" else text
    try:
        return atomic_write(path, data)
    except OutputError:
        raise
    except OSError as err:
        msg = f"{path}: cannot be written ({err.strerror or err}); choose another --out"
        raise OutputError(msg) from err
