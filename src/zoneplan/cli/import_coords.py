"""
``zoneplan import-coords TABLE --out PATH``: a marker coordinate table to a map layer with
areas.
"""

from __future__ import annotations

import argparse
import logging

from zoneplan.cli.common import add_text_encoding_argument
from zoneplan.coords import read_marker_table, summarise
from zoneplan.export import format_for, write_layer

HELP = (
    "turn a boundary-marker coordinate table (CSV/XLSX, VN-2000 or lon/lat) into polygons "
    "with areas"
)

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``import-coords`` subcommand."""
    parser = subparsers.add_parser(
        "import-coords",
        help=HELP,
        description=(
            f"{HELP.capitalize()}. Columns such as 'Tên điểm', 'X (m)', 'Y (m)' (X the northing, "
            "as Vietnamese documents write it), 'Thửa' or 'Khu' for several polygons, or "
            "'Vĩ độ'/'Kinh độ' in degrees or DMS; see docs/your-own-data.md."
        ),
    )
    parser.add_argument("table", metavar="TABLE", help="the .csv or .xlsx table")
    parser.add_argument(
        "--crs",
        help="the table's CRS (default EPSG:9210, VN-2000 / TM-3 105°45'; EPSG:9209 for the "
        "former Hải Dương part; EPSG:4326 for degree tables)",
    )
    parser.add_argument(
        "--out", required=True, help="output file (.geojson, or .gpkg/.shp/.kml/...)"
    )
    parser.add_argument("--format", help="output format (default: from the --out suffix)")
    parser.add_argument("--sheet", help="worksheet of an .xlsx file (default: the first)")
    parser.add_argument("--swap-xy", action="store_true", help="take X as the easting (GIS order)")
    parser.add_argument(
        "--no-extent-check",
        action="store_true",
        help="accept polygons outside Hai Phong (with the former Hải Dương)",
    )
    add_text_encoding_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read the table, report each polygon's area and write the layer."""
    fmt = format_for(args.out, args.format)  # refuse a bad --out before reading
    gdf = read_marker_table(
        args.table,
        crs=args.crs,
        sheet=args.sheet,
        swap_xy=args.swap_xy,
        extent_check=not args.no_extent_check,
    )
    for warning in gdf.attrs.get("warnings", []):
        log.warning("warning: %s", warning)
    out = write_layer(gdf, args.out, fmt)
    for line in summarise(gdf):
        log.info("%s", line)
    log.info("wrote %d polygon(s) to %s", len(gdf), out)
    return 0
