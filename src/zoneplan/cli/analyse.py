"""``zoneplan analyse corridor|distances|airport``: planning analysis of the shipped layers."""

from __future__ import annotations

import argparse

import geopandas as gpd
import pandas as pd

from zoneplan.cli.common import add_output_arguments, check_output, emit
from zoneplan.errors import InputError

HELP = "coastal road corridor, distances between key places, airport height limits"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``analyse`` subcommand."""
    parser = subparsers.add_parser(
        "analyse",
        help=HELP,
        description=(
            "corridor: ha of each functional area in distance bands from the road centreline "
            "(--right-of-way: the right-of-way polygons instead). distances: geodesic km between "
            "the port, the airport, the expressway and Cát Bi airport. airport: ICAO Annex 14 "
            "obstacle limitation surfaces of the indicative runway (code 4 precision approach) "
            "and the ha of each functional area under each height limit (--surfaces: the surfaces)."
        ),
    )
    parser.add_argument(
        "analysis", choices=["corridor", "distances", "airport"], help="what to analyse"
    )
    parser.add_argument(
        "--bands",
        type=float,
        nargs="+",
        default=[500.0, 1000.0, 2000.0],
        metavar="M",
        help="corridor: outer limits of the distance bands in metres (default: 500 1000 2000)",
    )
    parser.add_argument(
        "--width-m",
        type=float,
        help="corridor: right-of-way width for every road (default: each road's right_of_way_m)",
    )
    parser.add_argument(
        "--right-of-way",
        action="store_true",
        help="corridor: list the right-of-way polygons (length, width, ha) instead of the bands",
    )
    parser.add_argument(
        "--step-m",
        type=float,
        default=15.0,
        help="airport: height step at which sloping surfaces are cut (default: 15)",
    )
    parser.add_argument(
        "--surfaces",
        action="store_true",
        help="airport: list the surfaces with their height limits instead of the areas under them",
    )
    add_output_arguments(parser)
    parser.set_defaults(func=run)


def _no_geometry(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """Drop the geometry column for tabular output."""
    return pd.DataFrame(gdf.drop(columns=gdf.geometry.name))


def _layer(layers: dict[str, gpd.GeoDataFrame], layer_id: str, what: str) -> gpd.GeoDataFrame:
    """Return a catalog layer or say which one is missing."""
    if layer_id not in layers:
        msg = (
            f"the catalog has no {layer_id!r} layer, needed for {what}; "
            "restore geodata/catalog.json"
        )
        raise InputError(msg)
    return layers[layer_id]


def build_table(args: argparse.Namespace) -> pd.DataFrame:
    """Run the analysis that the positional argument names."""
    from zoneplan import analysis
    from zoneplan.composition import functional_layer
    from zoneplan.io import load_catalog_layers

    layers = load_catalog_layers(engine=args.engine)
    m = args.meridian
    if args.analysis == "corridor":
        roads = _layer(layers, "transport", "the corridor")
        if args.right_of_way:
            return _no_geometry(analysis.road_corridor(roads, width_m=args.width_m, meridian=m))
        return analysis.corridor_analysis(
            roads, functional_layer(layers), bands_m=args.bands, meridian=m
        )
    if args.analysis == "distances":
        return analysis.distance_table(analysis.key_locations(layers, meridian=m), meridian=m)
    runway = _layer(layers, "airport", "the airport height limits")
    surfaces = analysis.obstacle_limitation_surfaces(runway, step_m=args.step_m, meridian=m)
    if args.surfaces:
        return _no_geometry(surfaces)
    zones = analysis.height_limit_zones(surfaces, meridian=m)
    return analysis.area_under_height_limits(zones, functional_layer(layers), meridian=m)


def run(args: argparse.Namespace) -> int:
    """Compute the analysis table and write it; 0 on success."""
    if args.width_m is not None and not args.width_m > 0:
        msg = f"--width-m {args.width_m} must be a positive number of metres, e.g. --width-m 68"
        raise InputError(msg)
    check_output(args)
    try:
        table = build_table(args)
    except ValueError as err:
        from zoneplan.errors import ZoneplanError

        if isinstance(err, ZoneplanError):
            raise
        raise InputError(str(err)) from err
    return emit(table, args, sheet_name=f"analyse {args.analysis}")
