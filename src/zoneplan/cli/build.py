"""``zoneplan build``: write the interactive planning map as one HTML file."""

from __future__ import annotations

import argparse
import logging

from zoneplan.cli.common import (
    add_input_limit_argument,
    add_progress_argument,
    add_text_encoding_argument,
    show_progress,
)
from zoneplan.render.biglayer import BIG_LAYER_FEATURES, BIG_LAYER_VERTICES
from zoneplan.render.map import DEFAULT_OUTPUT

HELP = "write the interactive planning map (HTML) of every layer"

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``build`` subcommand."""
    parser = subparsers.add_parser(
        "build",
        help=HELP,
        description=(
            f"{HELP[0].upper()}{HELP[1:]}: the catalog layers styled by category, with legend, "
            "tooltips, search, phase filter, measure tool, VN-2000 coordinates and "
            "basemaps. The file is written atomically: a failed build leaves an "
            "existing file untouched."
        ),
    )
    parser.add_argument(
        "--out",
        default=DEFAULT_OUTPUT,
        metavar="PATH",
        help=f"output HTML file (default: ./{DEFAULT_OUTPUT} in the current folder)",
    )
    parser.add_argument(
        "--lang",
        choices=["vi", "en"],
        default="vi",
        help="language of the map's interface text (default: vi)",
    )
    parser.add_argument(
        "--self-contained",
        action="store_true",
        help="inline Leaflet and every other script and style so the file works offline "
        "(only basemap tiles need a network); by default Leaflet 1.9.4 loads from unpkg.com "
        "with integrity hashes",
    )
    parser.add_argument(
        "--layer",
        action="append",
        default=[],
        metavar="PATH",
        help="add your own layer (GeoJSON, GeoPackage, Shapefile, KML/KMZ, DXF, GeoParquet); "
        "repeat for more. "
        "Each file is validated first and refused with the reason when broken",
    )
    parser.add_argument("--crs", help="CRS to assume for --layer files without one, e.g. EPSG:9210")
    parser.add_argument(
        "--repair",
        action="store_true",
        help="draw invalid --layer geometries after fixing them with make_valid, reporting "
        "each change with its area difference (the files are not modified)",
    )
    parser.add_argument(
        "--date-field",
        action="append",
        default=[],
        metavar="[FILE=]NAME",
        help="a column of dates of the --layer files (YYYY-MM-DD, YYYY-MM, YYYY or "
        "DD/MM/YYYY): the map's date slider shows each feature from its date; FILE=NAME "
        "for one file only (repeatable)",
    )
    add_input_limit_argument(parser)
    add_text_encoding_argument(parser)
    parser.add_argument(
        "--big-layer-threshold",
        type=int,
        default=BIG_LAYER_FEATURES,
        metavar="N",
        help=f"draw --layer files with more than N features (default: {BIG_LAYER_FEATURES:,}) "
        f"or more than {BIG_LAYER_VERTICES:,} vertices with the big-layer renderer "
        "(compressed, drawn on canvas tiles); 0 draws every --layer file that way",
    )
    parser.add_argument("--engine", choices=["pyogrio", "fiona"], help="reading engine")
    _add_style_arguments(parser)
    add_progress_argument(parser, "measuring and packing big layers")
    parser.set_defaults(func=run)


def _add_style_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --style-by, its options, --label-by and --search-by (`zoneplan.cli.styling`)."""
    from zoneplan.cli.styling import add_style_arguments

    add_style_arguments(parser, search=True)


def run(args: argparse.Namespace) -> int:
    """Build the map and write it; return 0 on success."""
    from pathlib import Path

    from zoneplan._atomic import check_output_path
    from zoneplan.cli import leave_to_exit
    from zoneplan.cli.styling import layer_styles
    from zoneplan.errors import InputError
    from zoneplan.render.map import build_map, catalog_layers, save_map, user_layer
    from zoneplan.render.payload import measure_ahead

    out = check_output_path(args.out)  # fail before the slow part
    # the user's files first: a broken one is refused before the catalog is read
    if args.big_layer_threshold < 0:
        msg = f"--big-layer-threshold must be 0 or more, got {args.big_layer_threshold}"
        raise InputError(msg)
    if not args.layer and (args.style_by or args.label_by or args.search_by):
        msg = "--style-by, --label-by and --search-by style your --layer files: add --layer FILE"
        raise InputError(msg)
    fields = date_fields(args.date_field, args.layer)
    own = [
        user_layer(
            path,
            crs=args.crs,
            engine=args.engine,
            big_layer_features=args.big_layer_threshold,
            repair=args.repair,
            date_field=fields.get(path),
        )
        for path in args.layer
    ]
    styles = layer_styles(
        args, [(Path(p).name, layer.gdf) for p, layer in zip(args.layer, own, strict=True)]
    )
    own = [styling.apply(layer) for layer, styling in zip(own, styles, strict=True)]
    # big layers measured on another thread while the catalog is read and the map made
    own = [measure_ahead(layer, progress=show_progress(args)) for layer in own]
    layers = catalog_layers(engine=args.engine) + own
    m = build_map(
        layers, lang=args.lang, self_contained=args.self_contained, progress=show_progress(args)
    )
    path = save_map(m, out)
    if not args.quiet:
        kind = "self-contained " if args.self_contained else ""
        count = sum(len(layer.gdf) for layer in layers)
        print(f"{path}: {kind}map of {len(layers)} layers, {count} features")  # noqa: T201
    leave_to_exit(layers, m)  # the map is written: no need to free its features one by one
    return 0


def date_fields(specs: list[str], layers: list[str]) -> dict[str, str]:
    """
    Return the date column of each --layer file from the --date-field options.

    ``NAME`` applies to every file, ``FILE=NAME`` to the file given as FILE (its path or
    its name); a later option wins.

    Raises
    ------
    InputError
        If there is no --layer file, or FILE names none of them.

    Examples
    --------
    >>> date_fields(["approved", "b.gpkg=since"], ["a.gpkg", "data/b.gpkg"])
    {'a.gpkg': 'approved', 'data/b.gpkg': 'since'}
    """
    from pathlib import Path

    from zoneplan.errors import InputError

    out: dict[str, str] = {}
    for spec in specs:
        if not layers:
            msg = f"--date-field {spec} needs the file it dates: add --layer FILE"
            raise InputError(msg)
        target, sep, name = spec.rpartition("=")
        if not sep:
            out.update(dict.fromkeys(layers, name))
            continue
        hits = [p for p in layers if target in (p, Path(p).name)]
        if not hits:
            known = ", ".join(layers)
            msg = f"--date-field {spec}: {target} is not one of the --layer files ({known})"
            raise InputError(msg)
        out.update(dict.fromkeys(hits, name))
    return out
