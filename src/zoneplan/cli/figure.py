"""``zoneplan figure``: a print-ready sheet (PDF, PNG, SVG) at a true scale on the VN-2000 grid."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from zoneplan.cli.styling import add_style_arguments, layer_styles

HELP = "write a print-ready map sheet (PDF, PNG or SVG) at a true scale on the VN-2000 grid"

log = logging.getLogger(__name__)

_PAPERS = ("A4", "A3", "A2", "A1", "A0")
_BASEMAPS = ("auto", "none", "osm", "imagery", "light")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``figure`` subcommand."""
    parser = subparsers.add_parser(
        "figure",
        help=HELP,
        description=(
            f"{HELP[0].upper()}{HELP[1:]} (VN-2000 / TM-3 105°45', EPSG:9210): the layers in "
            "the map's styles, a kilometre grid labelled X/Y, a scale bar and numeric scale, "
            "a north arrow with the grid convergence, the legend of the categories in the "
            "frame, an inset, and a title block with the decision, the facts date, the date "
            "of printing and the sources. Written atomically. Needs the figure extra: "
            "pip install 'zoneplan[figure]'."
        ),
    )
    parser.add_argument("--out", required=True, metavar="PATH", help="output .pdf, .png or .svg")
    parser.add_argument(
        "--paper", default="A4", type=str.upper, choices=_PAPERS, help="paper size (default: A4)"
    )
    parser.add_argument(
        "--orientation",
        default="landscape",
        choices=["landscape", "portrait"],
        help="default: landscape",
    )
    parser.add_argument("--format", choices=["pdf", "png", "svg"], help="default: from --out")
    parser.add_argument(
        "--dpi",
        type=int,
        default=300,
        metavar="N",
        help="pixels per inch of PNG, and of the basemap inside PDF and SVG (default: 300)",
    )
    parser.add_argument(
        "--extent",
        default="zone",
        metavar="WHAT",
        help="what the frame shows: zone (default), port, airport, another catalog layer id, "
        "the file name of a --layer, or LON1,LAT1,LON2,LAT2 in WGS 84 degrees",
    )
    parser.add_argument(
        "--scale",
        metavar="N",
        help="scale denominator, e.g. 25000 for 1:25,000, centred on the extent (default: the "
        "largest round scale at which the extent fits)",
    )
    parser.add_argument(
        "--layer",
        action="append",
        default=[],
        metavar="PATH",
        help="add your own layer (any format build reads), reprojected onto the grid; repeat "
        "for more. Each file is validated first",
    )
    parser.add_argument("--crs", help="CRS to assume for --layer files without one, e.g. EPSG:9210")
    parser.add_argument(
        "--lang", choices=["vi", "en"], default="vi", help="language of the sheet (default: vi)"
    )
    parser.add_argument(
        "--basemap",
        choices=_BASEMAPS,
        default="auto",
        help="auto (default): OpenStreetMap tiles when they can be fetched within seconds, "
        "else none; none draws the context layer (rivers, coastline) instead; osm, imagery "
        "(Esri) or light (CARTO) fail with an error when offline. The attribution is printed",
    )
    parser.add_argument("--title", help="the sheet's title (default: the zone's name)")
    parser.add_argument(
        "--graticule",
        action="store_true",
        help="label WGS 84 longitudes and latitudes (degrees and minutes) and the frame's "
        "corners on the outer edge",
    )
    add_style_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Draw the sheet and write it; return 0 on success."""
    from zoneplan._atomic import check_output_path
    from zoneplan.figure import check_dpi, check_png_size, figure_format, paper_size

    fmt = figure_format(args.out, args.format)  # refuse bad options before the slow part
    if not args.layer and (args.style_by or args.label_by):
        from zoneplan.errors import InputError

        msg = "--style-by and --label-by style your --layer files: add --layer FILE"
        raise InputError(msg)
    dpi = check_dpi(args.dpi)
    out = check_output_path(args.out)
    if fmt == "png":
        check_png_size(out, *paper_size(args.paper, args.orientation), dpi)
    from zoneplan.figure import make_figure, save_figure, sheet_info

    layers = args.layer
    if args.style_by or args.label_by:
        from zoneplan.render import user_layer

        own = [user_layer(path, crs=args.crs) for path in args.layer]
        named = [(Path(p).name, layer.gdf) for p, layer in zip(args.layer, own, strict=True)]
        styles = layer_styles(args, named)
        layers = [styling.apply(layer) for layer, styling in zip(own, styles, strict=True)]
    fig = make_figure(
        args.extent,
        paper=args.paper,
        orientation=args.orientation,
        scale=args.scale,
        layers=layers,
        lang=args.lang,
        basemap=args.basemap,
        title=args.title,
        graticule=args.graticule,
        dpi=dpi,
        crs=args.crs,
    )
    path = save_figure(fig, out, fmt=fmt, dpi=dpi)
    info = sheet_info(fig)
    if not args.quiet:
        base = f", basemap {info.basemap}" if info.basemap else ", no basemap"
        print(  # noqa: T201
            f"{path}: {info.layout.paper} {info.layout.orientation} {fmt.upper()}, "
            f"1:{info.scale:,}{base}, {len(info.legend)} legend entries"
        )
    return 0
