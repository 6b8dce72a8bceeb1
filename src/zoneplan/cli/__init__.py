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
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from zoneplan import __version__
from zoneplan.errors import ZoneplanError

#: Subcommand modules, in the order ``zoneplan --help`` lists them.
COMMANDS: tuple[str, ...] = (
    "validate",
    "build",
    "areas",
    "diff",
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
    from zoneplan.progress import gc_paused

    try:
        with (
            input_limit(getattr(args, "max_input_mb", None)),
            text_encoding(getattr(args, "text_encoding", None)),
            gc_paused(),  # a command's objects live until it ends: no cycle hunting
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


#: Set by `run`: the command runs as the ``zoneplan`` program, which ends with it.
_ENDS_PROCESS = False
#: What commands handed to `leave_to_exit`: freed with the process, not object by object.
_LEFT_TO_EXIT: list[object] = []


def leave_to_exit(*objects: object) -> None:
    """
    Leave `objects` to be freed with the process when the command is the program.

    A map of 10^6 parcels holds millions of Python and GEOS objects; freeing
    them one by one after the output is written takes most of a second. Run as
    the ``zoneplan`` program (`run`), a command hands them over here once its
    output is complete, and the process ends without that walk. Called in-process
    (`main` from Python: tests, notebooks), this keeps nothing.
    """
    if _ENDS_PROCESS:
        _LEFT_TO_EXIT.extend(objects)


def run() -> NoReturn:
    """
    The ``zoneplan`` program: `main`, then the process ends with its exit code.

    When the command left its objects to the exit (`leave_to_exit`), standard
    output and error are flushed, logging is shut down and the process ends at
    once (``os._exit``), without freeing them one by one; otherwise it exits
    the usual way.
    """
    global _ENDS_PROCESS  # one switch, set once by the program's entry point
    _ENDS_PROCESS = True
    code = main()
    if not _LEFT_TO_EXIT:
        sys.exit(code)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said there
            code = code or EXIT_PROBLEMS
    os._exit(code)


def _error(message: str) -> None:
    """Print one error line on standard error."""
    line = " ".join(str(message).split())
    print(f"zoneplan: error: {line}", file=sys.stderr)  # noqa: T201


if __name__ == "__main__":  # pragma: no cover
    run()
