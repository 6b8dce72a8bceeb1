"""
What the subcommands share: the input, progress and output options, and writing a table.

Each subcommand imports these from here, never from another subcommand.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import TYPE_CHECKING

import pandas as pd

from zoneplan import crs as zcrs

if TYPE_CHECKING:
    from zoneplan.tables import XlsxFormat


def add_input_limit_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--max-input-mb``, the largest GeoJSON file to parse (`zoneplan.io.input_limit`)."""
    from zoneplan.io import DEFAULT_MAX_INPUT_MB

    parser.add_argument(
        "--max-input-mb",
        type=_megabytes,
        metavar="MB",
        help="refuse GeoJSON files larger than this many megabytes "
        f"(default: {DEFAULT_MAX_INPUT_MB}); convert bigger ones to GeoPackage or GeoParquet",
    )


def add_text_encoding_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--text-encoding``, how legacy Vietnamese text is read (`zoneplan.legacy_text`)."""
    from zoneplan.legacy_text import TEXT_ENCODINGS

    parser.add_argument(
        "--text-encoding",
        choices=TEXT_ENCODINGS,
        default=None,
        help="text of .dbf, .csv, .xlsx, DXF, DGN and MapInfo files: auto (the default) "
        "detects the legacy TCVN3 (ABC) and VNI fonts' text and Windows-1258 and converts "
        "them to Unicode, reporting each converted column; or name the encoding",
    )


def add_progress_argument(parser: argparse.ArgumentParser, steps: str = "") -> None:
    """Add ``--progress/--no-progress``; `steps` names the long steps in the help, if given."""
    which = f" ({steps})" if steps else ""
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=f"progress bars of the long steps{which} on standard error (default: on when "
        "standard error is a terminal)",
    )


def show_progress(args: argparse.Namespace) -> bool:
    """Tell whether to draw progress bars: as --progress/--no-progress say, else on a terminal."""
    if args.progress is not None:
        return bool(args.progress)
    return not args.quiet and sys.stderr.isatty()


def _megabytes(text: str) -> float:
    """Parse a positive number of megabytes for ``--max-input-mb``."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not value > 0 or math.isinf(value):
        msg = f"{text!r} is not a positive number of megabytes, e.g. --max-input-mb 2048"
        raise argparse.ArgumentTypeError(msg)
    return value


def add_output_arguments(
    parser: argparse.ArgumentParser,
    engines: tuple[str, ...] = ("pyogrio", "fiona"),
    engine_help: str = "reading engine",
) -> None:
    """Add the options shared by ``areas`` and ``analyse``: format, output, meridian, engine."""
    parser.add_argument(
        "--format",
        choices=["table", "csv", "json", "xlsx", "md", "parquet"],
        help="output format (default: from the --out suffix, else a terminal table)",
    )
    parser.add_argument(
        "--out", metavar="PATH", help="write to this file (atomically) instead of the terminal"
    )
    parser.add_argument(
        "--meridian",
        type=float,
        default=zcrs.DEFAULT_MERIDIAN,
        choices=sorted(zcrs.TM3_EPSG),
        help="VN-2000 TM-3 central meridian: 105.75 for Hai Phong (EPSG:9210, default), "
        "105.5 for the former Hải Dương part (EPSG:9209)",
    )
    parser.add_argument(
        "--decimals", type=int, default=3, help="decimals in table and md output (default: 3)"
    )
    parser.add_argument("--engine", choices=list(engines), help=engine_help)


def emit(
    table: pd.DataFrame,
    args: argparse.Namespace,
    sheet_name: str,
    xlsx_format: XlsxFormat | None = None,
) -> int:
    """
    Write `table` as asked by --format/--out and report the file unless --quiet.

    `xlsx_format` formats the cells of an Excel sheet (`zoneplan.tables.write_table`).
    """
    from zoneplan.tables import write_table

    path = write_table(
        table,
        args.out,
        fmt=args.format,
        decimals=args.decimals,
        sheet_name=sheet_name,
        xlsx_format=xlsx_format,
    )
    if path is not None and not args.quiet:
        print(f"{path}: written, {len(table)} row(s)", file=sys.stderr)  # noqa: T201
    return 0


def check_output(args: argparse.Namespace) -> None:
    """Refuse a bad --format/--out combination or an unwritable --out before any work."""
    from zoneplan._atomic import check_output_path
    from zoneplan.tables import format_for_path

    format_for_path(args.out, args.format)
    if args.out:
        check_output_path(args.out)
