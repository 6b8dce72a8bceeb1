"""``zoneplan validate [PATH ...]``: check the shipped layers or the given files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zoneplan.cli.common import add_input_limit_argument, add_text_encoding_argument
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
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="layer files (default: the catalog)"
    )
    parser.add_argument("--crs", help="CRS to assume for files without one, e.g. EPSG:9210")
    parser.add_argument(
        "--schema",
        choices=["user", "catalog"],
        default="user",
        help="rules for the given files: 'catalog' applies the full feature schema (default: user)",
    )
    parser.add_argument("--engine", choices=["pyogrio", "fiona"], help="reading engine")
    parser.add_argument(
        "--repair",
        action="store_true",
        help="fix invalid geometries with make_valid and report each change with its area "
        "difference; needs --out (the source file is never modified)",
    )
    parser.add_argument("--out", help="with --repair: where to write the repaired layer (GeoJSON)")
    add_input_limit_argument(parser)
    add_text_encoding_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate and print one line per problem; return 1 when any error was found."""
    if args.repair:
        return _repair(args)
    if args.paths:
        problems = []
        for path in args.paths:
            problems += validate_file(path, kind=args.schema, crs=args.crs, engine=args.engine)
    else:
        problems = validate_catalog(engine=args.engine)
    for problem in problems:
        print(problem, file=sys.stderr if problem.severity == "error" else sys.stdout)
    errors = errors_only(problems)
    if not args.quiet:
        what = ", ".join(args.paths) if args.paths else "the catalog layers"
        verdict = f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)"
        print(f"{what}: {verdict}" if problems else f"{what}: clean")  # noqa: T201
    return 1 if errors else 0


def _repair(args: argparse.Namespace) -> int:
    """Repair one file's invalid geometries and write the result to --out."""
    from zoneplan._atomic import atomic_write, check_output_path
    from zoneplan.errors import InputError
    from zoneplan.validate import load_user_layer

    if len(args.paths) != 1 or not args.out:
        msg = (
            "--repair takes exactly one PATH and an --out file, "
            "e.g. zoneplan validate --repair in.geojson --out fixed.geojson"
        )
        raise InputError(msg)
    out = check_output_path(args.out)
    if out.resolve() == Path(args.paths[0]).resolve():
        msg = f"{out}: --out must differ from the source file; source files are never modified"
        raise InputError(msg)
    gdf = load_user_layer(args.paths[0], crs=args.crs, engine=args.engine, repair=True)
    repairs = gdf.attrs.get("repairs", [])
    atomic_write(out, gdf.to_crs(4326).to_json(drop_id=True, ensure_ascii=False))
    for line in repairs:
        print(line)  # noqa: T201
    if not args.quiet:
        print(  # noqa: T201  # the command's report is meant for stdout
            f"{out}: written, {len(repairs)} geometr{'y' if len(repairs) == 1 else 'ies'} repaired"
        )
    return 0
