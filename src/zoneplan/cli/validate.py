"""``zoneplan validate [PATH ...]``: check the shipped layers or the given files."""

from __future__ import annotations

import argparse
import sys

from zoneplan.validate import errors_only, validate_catalog, validate_file

HELP = "check the shipped layers, or the given files, and report every problem"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``validate`` subcommand."""
    parser = subparsers.add_parser(
        "validate",
        help=HELP,
        description=(
            f"{HELP.capitalize()}. Exit code 0 when clean, 1 when problems were found, "
            "2 for usage errors."
        ),
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="layer files (default: the catalog)")
    parser.add_argument("--crs", help="CRS to assume for files without one, e.g. EPSG:9210")
    parser.add_argument(
        "--schema",
        choices=["user", "catalog"],
        default="user",
        help="rules for the given files: 'catalog' applies the full feature schema (default: user)",
    )
    parser.add_argument("--engine", choices=["pyogrio", "fiona"], help="reading engine")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate and print one line per problem; return 1 when any error was found."""
    if args.paths:
        problems = []
        for path in args.paths:
            problems += validate_file(path, kind=args.schema, crs=args.crs, engine=args.engine)
    else:
        problems = validate_catalog(engine=args.engine)
    for problem in problems:
        print(problem, file=sys.stderr if problem.severity == "error" else sys.stdout)  # noqa: T201
    errors = errors_only(problems)
    if not args.quiet:
        what = ", ".join(args.paths) if args.paths else "the catalog layers"
        verdict = f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)"
        print(f"{what}: {verdict}" if problems else f"{what}: clean")  # noqa: T201
    return 1 if errors else 0
