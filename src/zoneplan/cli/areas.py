"""``zoneplan areas``: areas per feature, layer or category, planar VN-2000 and ellipsoidal."""

from __future__ import annotations

import argparse

import geopandas as gpd
import pandas as pd

from zoneplan.cli.common import (
    add_input_limit_argument,
    add_output_arguments,
    add_progress_argument,
    add_text_encoding_argument,
    check_output,
    emit,
    show_progress,
)
from zoneplan.errors import InputError

HELP = "areas in ha (VN-2000 TM-3 planar and WGS 84 ellipsoidal) and lengths in km"

#: What ``--by`` can tabulate.
BY_CHOICES = (
    "feature",
    "layer",
    "category",
    "composition",
    "declared",
    "overlaps",
    "functional",
    "projects",
    "communes",
)

#: Reading engines of ``areas``: the two of GeoPandas, and dask for --by functional.
AREAS_ENGINES = ("pyogrio", "fiona", "dask")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``areas`` subcommand."""
    parser = subparsers.add_parser(
        "areas",
        help=HELP,
        description=(
            f"{HELP.capitalize()}, for the shipped layers or the files given with --layer. "
            "Planar areas are what Vietnamese cadastral and planning documents give (VN-2000 / "
            "TM-3, Decision 05/2007/QĐ-BTNMT transformation); ellipsoidal areas are the "
            "reference. --by composition breaks the zone down by functional category, "
            "--by declared compares declared_area_ha with the measured area, --by overlaps "
            "lists overlapping functional areas. --by functional cuts every polygon of the "
            "--layer files (your parcels) by the functional areas: one row per piece, with "
            "the parcel's own columns, the functional area's id and category ('unassigned' for "
            "the part in none), both areas of the piece and of the whole parcel; --engine dask "
            "does it partition by partition on a GeoParquet dataset too big for memory. "
            "--by projects lists the investment projects (status, facts date, investor, "
            "declared against measured area); --by communes the communes and wards covering "
            "the zone (old units, km², population, published centre)."
        ),
    )
    parser.add_argument(
        "--by",
        default="feature",
        metavar="TABLE|COLUMN",
        help=f"table to produce: {', '.join(BY_CHOICES)} (default: feature), or the name of a "
        "column of the --layer files: counts and VN-2000 and ellipsoidal ha per value",
    )
    parser.add_argument(
        "--land-statistics",
        action="store_true",
        help="with --by COLUMN of land-use codes (LUC, ONT, DGT ...): arrange the rows as land "
        "inventory tables do (NNP, PNN, CSD with their codes, subtotals and total; codes not "
        "in the table listed apart)",
    )
    parser.add_argument(
        "--within",
        choices=["functional"],
        help="with --by COLUMN: one table per functional area of the zone (the shipped "
        "functional_areas layer, or --functional FILE); parcels are cut by the areas",
    )
    parser.add_argument(
        "--layer",
        action="append",
        metavar="PATH",
        help="measure this file instead of the shipped layers (repeatable)",
    )
    parser.add_argument("--crs", help="CRS to assume for --layer files without one, e.g. EPSG:9210")
    parser.add_argument(
        "--repair",
        action="store_true",
        help="measure invalid --layer geometries after fixing them with make_valid, reporting "
        "each change with its area difference (the files are not modified)",
    )
    add_input_limit_argument(parser)
    add_text_encoding_argument(parser)
    parser.add_argument(
        "--tolerance-pct",
        type=float,
        default=5.0,
        help="flag declared areas that differ from the measured one by more than this (default: 5)",
    )
    parser.add_argument(
        "--functional",
        metavar="PATH",
        help="--by functional: cut by the functional areas of this file instead of the "
        "shipped functional_areas layer",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="--engine dask: address of a running dask scheduler, e.g. tcp://10.0.0.5:8786 "
        "(default: a local cluster)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="worker processes of the local dask cluster, or threads of the in-memory "
        "engine (default: the cores this process may use)",
    )
    add_progress_argument(parser)
    add_output_arguments(
        parser,
        engines=AREAS_ENGINES,
        engine_help="reading engine; dask (with --by functional) reads a GeoParquet file or "
        "a folder of them with dask-geopandas and cuts it partition by partition",
    )
    parser.set_defaults(func=run)


def load_layers(args: argparse.Namespace) -> dict[str, gpd.GeoDataFrame]:
    """
    Load the --layer files (keyed by file stem, made unique) or the shipped catalog layers.

    Each file is validated first, as ``build --layer`` does: a broken one is refused
    with the reason, and with --repair invalid geometries are fixed and reported.
    """
    from zoneplan.io import load_catalog_layers
    from zoneplan.validate import load_user_layer

    paths = getattr(args, "layer", None)
    if not paths:
        return load_catalog_layers(engine=args.engine)
    layers: dict[str, gpd.GeoDataFrame] = {}
    for path in paths:
        gdf = load_user_layer(
            path,
            engine=args.engine,
            crs=getattr(args, "crs", None),
            repair=getattr(args, "repair", False),
        )
        key = str(gdf.attrs.get("layer_id", path))
        n = 2
        while key in layers:
            key = f"{gdf.attrs.get('layer_id', path)}#{n}"
            n += 1
        gdf.attrs["layer_id"] = key
        layers[key] = gdf
    return layers


def _functional_layer(args: argparse.Namespace) -> gpd.GeoDataFrame | None:
    """Return the --functional file's layer, or None for the shipped functional areas."""
    if not args.functional:
        return None
    from zoneplan.io import read_layer

    return read_layer(args.functional, engine=None if args.engine == "dask" else args.engine)


def functional_table(args: argparse.Namespace) -> pd.DataFrame:
    """The --by functional table: the --layer polygons cut by the functional areas."""
    from zoneplan.overlay import functional_pieces, functional_pieces_dask

    if not args.layer:
        msg = (
            "--by functional cuts your parcels by the functional areas: give the parcel "
            "file with --layer, e.g. zoneplan areas --by functional --layer parcels.gpkg"
        )
        raise InputError(msg)
    functional = _functional_layer(args)
    progress = show_progress(args)
    if args.engine == "dask":
        if len(args.layer) != 1:
            msg = "--engine dask reads one GeoParquet file or folder: give --layer once"
            raise InputError(msg)
        return functional_pieces_dask(
            args.layer[0],
            functional,
            meridian=args.meridian,
            scheduler=args.scheduler,
            workers=args.workers,
            crs=args.crs,
            progress=progress,
        )
    tables = []
    for layer_id, gdf in load_layers(args).items():
        pieces = functional_pieces(
            gdf, functional, meridian=args.meridian, progress=progress, workers=args.workers
        )
        pieces.insert(0, "layer", layer_id)
        tables.append(pieces)
    return pd.concat(tables, ignore_index=True)


def column_table(args: argparse.Namespace) -> pd.DataFrame:
    """The --by COLUMN table: counts and areas per value, or the land statistics."""
    from zoneplan.landuse import area_by_column

    if not args.layer:
        msg = (
            f"--by {args.by} is neither one of {', '.join(BY_CHOICES)} nor usable as a column "
            "without --layer: give your parcel file, e.g. --layer parcels.gpkg --by land_use"
        )
        raise InputError(msg)
    if args.engine == "dask":
        msg = "--engine dask runs --by functional only; drop it for --by COLUMN"
        raise InputError(msg)
    return area_by_column(
        load_layers(args),
        args.by,
        statistics=args.land_statistics,
        within=args.within,
        functional=_functional_layer(args),
        meridian=args.meridian,
        progress=show_progress(args),
        workers=args.workers,
    )


def _composition_inputs(
    layers: dict[str, gpd.GeoDataFrame],
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The zone and functional layers of --by composition and overlaps (the library chooses)."""
    from zoneplan.composition import composition_layers

    return composition_layers(layers)


def build_table(args: argparse.Namespace) -> pd.DataFrame:
    """Compute the table that ``--by`` asks for."""
    from zoneplan import areas, composition, inventory

    if args.by not in BY_CHOICES:
        return column_table(args)
    if args.land_statistics or args.within:
        msg = (
            f"--land-statistics and --within go with --by COLUMN (a column of your --layer "
            f"file, e.g. --by land_use), not --by {args.by}"
        )
        raise InputError(msg)
    if args.by == "functional":
        return functional_table(args)
    if args.engine == "dask":
        msg = f"--engine dask runs --by functional only; drop it for --by {args.by}"
        raise InputError(msg)
    layers = load_layers(args)
    if args.by in ("feature", "layer", "category"):
        return areas.area_table(
            layers,
            by=args.by,
            meridian=args.meridian,
            tolerance_pct=args.tolerance_pct,
            progress=show_progress(args),
        )
    if args.by == "declared":
        return areas.declared_vs_measured(
            layers, tolerance_pct=args.tolerance_pct, meridian=args.meridian
        )
    if args.by == "projects":
        return inventory.project_table(
            layers, tolerance_pct=args.tolerance_pct, meridian=args.meridian
        )
    if args.by == "communes":
        return inventory.commune_table(layers)
    zone, functional = _composition_inputs(layers)
    if args.by == "composition":
        return composition.zone_composition(zone, functional, meridian=args.meridian)
    overlaps = composition.functional_overlaps(functional, meridian=args.meridian)
    return pd.DataFrame(overlaps.drop(columns=overlaps.geometry.name))


def run(args: argparse.Namespace) -> int:
    """Compute the area table and write it; 0 on success."""
    if not args.tolerance_pct >= 0:
        msg = f"--tolerance-pct {args.tolerance_pct} must be 0 or more, e.g. --tolerance-pct 5"
        raise InputError(msg)
    if args.workers is not None and args.workers < 1:
        msg = f"--workers {args.workers} must be 1 or more, e.g. --workers 2"
        raise InputError(msg)
    check_output(args)
    table = build_table(args)
    sheet = "land statistics" if args.land_statistics else f"areas by {args.by}"
    if args.land_statistics:  # formatted as land statistics tables are
        from zoneplan.landuse import format_statistics_sheet

        return emit(table, args, sheet_name=sheet, xlsx_format=format_statistics_sheet)
    return emit(table, args, sheet_name=sheet)
