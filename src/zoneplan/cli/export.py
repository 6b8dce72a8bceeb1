"""``zoneplan export LAYER ... --out PATH``: catalog layers or files in the planners' formats."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from zoneplan.catalog import load_catalog
from zoneplan.cli.common import add_input_limit_argument, add_text_encoding_argument
from zoneplan.errors import InputError, LayerValidationError, OutputError
from zoneplan.export import SUFFIXES, format_for, write_layers
from zoneplan.io import load_catalog_layers, read_layer
from zoneplan.validate import errors_only, load_user_layer, validate_layer

if TYPE_CHECKING:
    import geopandas as gpd

    from zoneplan.qgis_style import LayerStyle

HELP = (
    "write catalog layers or your own files as GeoPackage, Shapefile, KML, GeoJSON, "
    "GeoParquet, MapInfo TAB/MIF or DXF"
)

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``export`` subcommand."""
    parser = subparsers.add_parser(
        "export",
        help=HELP,
        description=(
            f"{HELP.capitalize()}. A GeoPackage gets one layer per LAYER; other formats get "
            "the layers stacked with a 'layer' column. GeoJSON and KML are always WGS 84."
        ),
    )
    parser.add_argument(
        "layers", nargs="+", metavar="LAYER", help="a catalog layer id or a file path"
    )
    parser.add_argument(
        "--format", choices=list(SUFFIXES), help="output format (default: from --out)"
    )
    parser.add_argument("--crs", help="output CRS, e.g. EPSG:9210 (default: the layer's own)")
    parser.add_argument("--out", required=True, help="output file")
    _add_style_arguments(parser)
    parser.add_argument(
        "--input-crs", help="CRS of input files that carry none (a .shp without .prj, DXF)"
    )
    parser.add_argument(
        "--layer",
        dest="source_layer",
        help="layer inside multi-layer input files (GeoPackage, KML)",
    )
    parser.add_argument(
        "--hatch",
        action="store_true",
        help="DXF: a solid hatch under each polygon, on a layer <category>-HATCH",
    )
    add_input_limit_argument(parser)
    add_text_encoding_argument(parser)
    parser.set_defaults(func=run)


def _add_style_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --style-by, its options and --label-by (`zoneplan.cli.styling`)."""
    from zoneplan.cli.styling import add_style_arguments

    add_style_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Load every LAYER and write them to --out."""
    fmt = format_for(args.out, args.format)  # refuse a bad --out before reading
    if args.hatch and fmt != "dxf":
        msg = f"{args.out}: --hatch fills polygons in DXF drawings only; write a .dxf"
        raise OutputError(msg)
    layers: dict[str, gpd.GeoDataFrame] = {}
    files: list[str] = []
    for spec in args.layers:
        name, gdf = _load(spec, input_crs=args.input_crs, layer=args.source_layer)
        if name in layers:
            name = f"{name}_{len(layers) + 1}"
        layers[name] = gdf
        files.append(Path(spec).name)
    styles = _styles(args, fmt, layers, files)
    out = write_layers(layers, args.out, fmt, args.crs, styles=styles, hatch=args.hatch)
    total = sum(len(g) for g in layers.values())
    log.info("wrote %d feature(s) from %d layer(s) to %s", total, len(layers), out)
    return 0


def _styles(
    args: argparse.Namespace, fmt: str, layers: dict[str, gpd.GeoDataFrame], files: list[str]
) -> dict[str, LayerStyle] | None:
    """
    The QGIS styles of a GeoPackage: --style-by/--label-by of the files, else the category style.

    Catalog layers (and files with schema categories) get the map's category colours;
    other formats carry no style, and --style-by for them is refused.
    """
    from dataclasses import replace

    from zoneplan.cli.styling import layer_styles
    from zoneplan.qgis_style import category_style, styled

    asked = bool(args.style_by or args.label_by)
    if fmt != "gpkg":
        if asked:
            msg = (
                f"--style-by and --label-by travel in GeoPackage files only; "
                f"write --out {Path(args.out).stem}.gpkg"
            )
            raise InputError(msg)
        return None
    chosen = layer_styles(args, list(zip(files, layers.values(), strict=True)))
    out: dict[str, LayerStyle] = {}
    for (name, gdf), styling in zip(layers.items(), chosen, strict=True):
        spec, label_by = styling.style_by, styling.label_by
        if spec is not None:
            out[name] = styled(gdf, spec, label_by=label_by, name=f"{name} by {spec.column}")[0]
            continue
        style = category_style(gdf, name=f"{name} by category")
        if style is not None:
            out[name] = replace(style, label_by=label_by) if label_by else style
    return out or None


def _load(spec: str, *, input_crs: str | None, layer: str | None) -> tuple[str, gpd.GeoDataFrame]:
    """Load a catalog layer by id, or a user's file (validated)."""
    path = Path(spec)
    if not path.exists() and path.suffix == "" and "/" not in spec:
        try:
            ids = load_catalog().ids
        except InputError:
            ids = ()
        if spec in ids:
            return spec, load_catalog_layers([spec])[spec]
        known = ", ".join(ids) if ids else "(no catalog found)"
        msg = f"{spec}: neither a file nor a catalog layer; give a file path or one of {known}"
        raise InputError(msg)
    if layer is None:
        return path.stem, load_user_layer(path, crs=input_crs)
    gdf = read_layer(path, layer=layer, crs=input_crs)
    errors = errors_only(validate_layer(gdf, str(path)))
    if errors:
        raise LayerValidationError(str(errors[0]), errors)
    return f"{path.stem}_{layer}", gdf
