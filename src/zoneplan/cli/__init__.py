"""
The ``zoneplan`` command line.

Each subcommand lives in its own module of this package with two functions:
``register(subparsers)`` adds its parser, and ``run(args) -> int`` does the work.
This is the only part of zoneplan that prints or sets up logging. Errors of
zoneplan become one line on standard error, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import math
import os
import sys
from collections.abc import Sequence

from zoneplan import __version__
from zoneplan.errors import ZoneplanError

#: Subcommand modules, in the order ``zoneplan --help`` lists them.
COMMANDS: tuple[str, ...] = (
    "validate",
    "build",
    "areas",
    "analyse",
    "import_coords",
    "export",
    "figure",
)

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


def build_parser() -> argparse.ArgumentParser:
    """
    Build the argument parser with every available subcommand.

    Returns
    -------
    parser
        The top-level parser.
    """
    parser = argparse.ArgumentParser(
        prog="zoneplan",
        description=(
            "Planning viewer and area tools for Hai Phong's Southern Coastal Economic Zone "
            "(Decision 1511/QĐ-TTg). The layers are indicative, not official."
        ),
    )
    parser.add_argument("--version", action="version", version=f"zoneplan {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"zoneplan.cli.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"zoneplan.cli.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """
    Run the command line.

    Parameters
    ----------
    argv
        Arguments without the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    code
        0 on success, 1 when problems were found or a step failed, 2 for usage errors.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(message)s",
        stream=sys.stderr,
    )
    from zoneplan.io import input_limit
    from zoneplan.legacy_text import text_encoding

    try:
        with (
            input_limit(getattr(args, "max_input_mb", None)),
            text_encoding(getattr(args, "text_encoding", None)),
        ):
            return int(args.func(args))
    except ZoneplanError as err:
        _error(str(err))
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        _error("interrupted; no output was written")
        return 130
    except Exception as err:  # the last guard: a one-line message, never a traceback
        if os.environ.get("ZONEPLAN_DEBUG"):
            raise
        _error(
            f"unexpected {type(err).__name__}: {err} "
            "(run again with ZONEPLAN_DEBUG=1 for details and report it)"
        )
        return EXIT_INTERNAL


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


def _error(message: str) -> None:
    """Print one error line on standard error."""
    line = " ".join(str(message).split())
    print(f"zoneplan: error: {line}", file=sys.stderr)  # noqa: T201


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
