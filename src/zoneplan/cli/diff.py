"""``zoneplan diff``: what changed between two versions of a layer, and by how many hectares."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from zoneplan.cli.common import (
    add_input_limit_argument,
    add_output_arguments,
    add_text_encoding_argument,
    check_output,
)
from zoneplan.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd

    from zoneplan.diff import LayerDiff

HELP = "compare two versions of a layer: features added, removed, changed; ha gained and lost"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``diff`` subcommand."""
    from zoneplan.diff import DEFAULT_TOLERANCE_M

    parser = subparsers.add_parser(
        "diff",
        help=HELP,
        description=(
            "Compare two versions of a layer (two files in any format --layer reads) feature "
            "by feature, matched by a key column: each feature is added, removed, changed or "
            "unchanged. For each one the table gives its area before and after and the land "
            "gained (the new shape outside the old) and lost (the old outside the new), planar "
            "on VN-2000 / TM-3 and ellipsoidal on WGS 84, and the attributes that changed, "
            "old → new. Files in different CRSs are compared on the VN-2000 grid. With --at "
            "DAY --at DAY, the shipped layers as they stood on two days instead."
        ),
    )
    parser.add_argument("old", metavar="OLD", nargs="?", help="the earlier version (a layer file)")
    parser.add_argument("new", metavar="NEW", nargs="?", help="the later version (a layer file)")
    parser.add_argument(
        "--at",
        action="append",
        default=[],
        metavar="YYYY-MM-DD",
        help="instead of two files: the shipped layers as they stood on a day (their dated "
        "events), given twice, e.g. --at 2024-12-04 --at 2026-11-30",
    )
    parser.add_argument(
        "--key",
        default="id",
        metavar="NAME",
        help="the column that matches a feature of one version to the other; it must be "
        "unique in each (default: id)",
    )
    parser.add_argument(
        "--ignore-field",
        action="append",
        default=[],
        metavar="NAME",
        help="an attribute not to compare (repeatable), e.g. a date of export",
    )
    parser.add_argument(
        "--tolerance-m",
        type=float,
        default=DEFAULT_TOLERANCE_M,
        metavar="M",
        help="outlines that move less than this many metres count as the same shape "
        f"(default: {DEFAULT_TOLERANCE_M})",
    )
    parser.add_argument(
        "--changed-only",
        action="store_true",
        help="list only the features added, removed or changed",
    )
    parser.add_argument("--crs", help="CRS to assume for a file without one, e.g. EPSG:9210")
    parser.add_argument(
        "--repair",
        action="store_true",
        help="compare invalid geometries after fixing them with make_valid, reporting each "
        "change (the files are not modified)",
    )
    add_input_limit_argument(parser)
    add_text_encoding_argument(parser)
    parser.add_argument(
        "--map",
        metavar="OUT.html",
        help="also write a map of the change: land gained and lost in two colours, both "
        "versions faded with a swipe between them, tooltips with the hectares",
    )
    parser.add_argument(
        "--lang", choices=["vi", "en"], default="vi", help="language of the --map (default: vi)"
    )
    add_output_arguments(parser)
    parser.set_defaults(func=run)


def compute(
    args: argparse.Namespace,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, tuple[str, str], LayerDiff]:
    """Read both versions and compare them as the options say: (old, new, names, diff)."""
    from zoneplan.diff import compare_layers

    if args.at:
        from zoneplan.diff import catalog_on

        old, new = (catalog_on(day) for day in args.at)
        labels = (f"the shipped layers on {args.at[0]}", f"the shipped layers on {args.at[1]}")
        names = (args.at[0], args.at[1])
    else:
        from zoneplan.validate import load_user_layer

        old, new = (
            load_user_layer(p, crs=args.crs, repair=args.repair) for p in (args.old, args.new)
        )
        labels = (str(args.old), str(args.new))
        names = (Path(args.old).name, Path(args.new).name)
    diff = compare_layers(
        old,
        new,
        labels=labels,
        key=args.key,
        meridian=args.meridian,
        tolerance_m=args.tolerance_m,
        ignore=args.ignore_field,
    )
    return old, new, names, diff


def check_versions(args: argparse.Namespace) -> None:
    """Refuse anything but two files or two --at days, before any work."""
    files = [p for p in (args.old, args.new) if p is not None]
    if args.at and files:
        msg = "give two files (OLD NEW) or two days (--at DAY --at DAY), not both"
        raise InputError(msg)
    if args.at and len(args.at) != 2:
        n = len(args.at)
        msg = f"--at takes two days, one each time, got {n}: --at 2024-12-04 --at 2026-11-30"
        raise InputError(msg)
    if not args.at and len(files) != 2:
        msg = "give the two versions to compare: zoneplan diff OLD NEW, or --at DAY --at DAY"
        raise InputError(msg)


def run(args: argparse.Namespace) -> int:
    """Compare the two versions and write the table; 0 on success."""
    from zoneplan._atomic import check_output_path
    from zoneplan.tables import format_for_path, write_table

    if not args.tolerance_m >= 0:
        msg = f"--tolerance-m {args.tolerance_m} must be 0 or more, e.g. --tolerance-m 0.05"
        raise InputError(msg)
    check_versions(args)
    check_output(args)
    if args.map:
        check_output_path(args.map)
    fmt = format_for_path(args.out, args.format)
    old, new, names, diff = compute(args)
    table = diff.json_table() if fmt == "json" else diff.flat_table()
    if args.changed_only:
        table = table[table["change"] != "unchanged"].reset_index(drop=True)
    path = write_table(table, args.out, fmt=fmt, decimals=args.decimals, sheet_name="changes")
    if not args.quiet:
        where = f"{path}: written, {len(table)} row(s); " if path is not None else ""
        print(f"{where}{diff.summary()}", file=sys.stderr)  # noqa: T201
    if args.map:
        from zoneplan.render.diffmap import diff_map
        from zoneplan.render.map import save_map

        saved = save_map(diff_map(old, new, diff, names, lang=args.lang), args.map)
        if not args.quiet:
            note = f"{saved}: map of the change, swipe between {names[0]} and {names[1]}"
            print(note, file=sys.stderr)  # noqa: T201
    return 0
