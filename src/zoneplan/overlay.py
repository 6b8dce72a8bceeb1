"""
Parcels cut by the functional areas: which part of each parcel lies in which area.

`functional_pieces` splits every polygon of a parcel layer by the functional
areas of the zone (the shipped ``functional_areas`` layer unless another is
given): one piece per parcel and functional area it overlaps, plus the part in
no functional area, each measured like `zoneplan.areas.measure_features` does
(VN-2000 / TM-3 planar and WGS 84 ellipsoidal).

It is built for a million parcels: the cutting is done on the VN-2000 grid, an
STRtree finds the few parcels that cross an area's boundary, and only those are
intersected; a parcel wholly inside one area, or in none, is a single piece
whose areas are the parcel's own. The result is the same as
``geopandas.overlay(parcels, functional_areas, how="identity")`` measured piece
by piece (the tests compare them).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
import shapely

from zoneplan import areas as zareas
from zoneplan import crs as zcrs
from zoneplan.composition import functional_grid, polygons_only
from zoneplan.geodesic import M2_PER_HA, geodesic_areas_m2, rank_within
from zoneplan.progress import chunks, map_chunks

if TYPE_CHECKING:
    import geopandas as gpd

#: Columns that `functional_pieces` adds after the parcel's own columns.
PIECE_COLUMNS: Final[tuple[str, ...]] = (
    "parcel_index",
    "functional_id",
    "functional_category",
    "whole_parcel",
    "area_ha_vn2000",
    "area_ha_ellipsoidal",
    "share_pct",
    "parcel_area_ha_vn2000",
    "parcel_area_ha_ellipsoidal",
)

#: ``functional_category`` of the part of a parcel in no functional area.
UNASSIGNED: Final[str] = "unassigned"

#: Parcels cut at a time: bounds the memory of intermediate geometries.
OVERLAY_CHUNK: Final[int] = 100_000


def functional_frame(
    functional: gpd.GeoDataFrame | None = None, *, meridian: float = zcrs.DEFAULT_MERIDIAN
) -> gpd.GeoDataFrame:
    """
    Return the functional areas on the VN-2000 grid, ready for `functional_pieces`.

    Parameters
    ----------
    functional
        A layer of functional areas (categories in
        `zoneplan.schema.FUNCTIONAL_CATEGORIES`); the shipped ``functional_areas``
        layer when None.
    meridian
        Central meridian of the VN-2000 TM-3 zone.

    Returns
    -------
    frame
        Columns ``id``, ``category`` and the polygons in VN-2000 TM-3, made valid,
        positional index.

    Raises
    ------
    CRSError
        If the layer has no CRS.
    LayerValidationError
        If the layer has no ``category`` column.
    """
    if functional is None:
        from zoneplan.io import load_catalog_layers

        functional = load_catalog_layers(ids=["functional_areas"])["functional_areas"]
    zcrs.require_crs(functional, functional.attrs.get("layer_id", "functional_areas"))
    grid = functional_grid(functional, meridian).reset_index(drop=True)
    grid["id"] = zareas.column_or_default(grid, "id").astype(object).to_numpy()
    return grid[["id", "category", grid.geometry.name]]


def _grid_to_wgs84(geoms: np.ndarray, source: zcrs.CRSLike, meridian: float) -> np.ndarray:
    """
    Return grid geometries (cut from a layer in CRS `source`) in WGS 84 lon/lat.

    The way back is the exact inverse of the way the layer went onto the grid, so
    a vertex the cut did not move comes back to the lon/lat that
    `zoneplan.areas.measure_features` measured.
    """
    import geopandas as gpd

    grid_crs = zcrs.vn2000_tm3_crs(meridian)
    if zcrs.is_vn2000(source):
        return zcrs.to_wgs84(gpd.GeoSeries(geoms, crs=grid_crs))

    def back(xy: np.ndarray) -> np.ndarray:
        lon, lat = zcrs.vn2000_to_wgs84(xy[:, 0], xy[:, 1], meridian=meridian, exact=True)
        return np.column_stack([lon, lat])

    return shapely.transform(geoms, back)


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Return the polygonal part of each geometry (empty when none), as geopandas.overlay keeps."""
    type_id = shapely.get_type_id(geoms)
    out = geoms.copy()
    mixed = ~np.isin(type_id, (3, 6))
    out[mixed] = [polygons_only(g) for g in geoms[mixed]]
    return out


def _cut_chunk(
    parcels: gpd.GeoDataFrame, func: gpd.GeoDataFrame, meridian: float, geometry: bool
) -> dict[str, np.ndarray]:
    """Cut one chunk of (valid) parcels by the functional areas; arrays of the pieces."""
    lonlat, grid, measures = zareas.measure_chunk(parcels, meridian)
    n = len(parcels)
    polygonal = measures["area_ha_ellipsoidal"].notna().to_numpy()
    # a private copy per chunk: GEOS builds a prepared geometry's indexes lazily,
    # which is not safe to share between threads
    fgeoms = shapely.from_wkb(shapely.to_wkb(np.asarray(func.geometry.values, dtype=object)))
    shapely.prepare(fgeoms)
    tree = shapely.STRtree(np.where(polygonal, grid, np.full(len(grid), None, dtype=object)))
    f_idx, p_idx = tree.query(fgeoms, predicate="intersects")
    order = np.lexsort((f_idx, p_idx))
    f_idx, p_idx = f_idx[order], p_idx[order]
    inside = shapely.contains_properly(fgeoms[f_idx], grid[p_idx])
    # parcels wholly inside an area: their piece there is the parcel itself; a
    # parcel crossing a boundary is intersected with every area it touches
    pieces_grid = np.empty(len(p_idx), dtype=object)
    pieces_grid[inside] = grid[p_idx[inside]]
    cut = ~inside
    pieces_grid[cut] = _polygonal(shapely.intersection(grid[p_idx[cut]], fgeoms[f_idx[cut]]))
    hit = inside | ~shapely.is_empty(pieces_grid)
    f_idx, p_idx, inside, pieces_grid = f_idx[hit], p_idx[hit], inside[hit], pieces_grid[hit]
    contained = np.zeros(n, dtype=bool)
    contained[p_idx[inside]] = True
    touched = np.zeros(n, dtype=bool)
    touched[p_idx] = True
    # the part in no area: what is left after taking away each area in turn
    rest_of = np.flatnonzero(touched & ~contained)
    rest = grid[rest_of].copy()
    pairs = np.isin(p_idx, rest_of)  # p_idx is sorted, so k is too
    k, f_of = np.searchsorted(rest_of, p_idx[pairs]), f_idx[pairs]
    rank = rank_within(k, len(rest_of))
    for j in range(int(rank.max(initial=-1)) + 1):  # the areas in their order, as a reduce
        step = rank == j
        rest[k[step]] = shapely.difference(rest[k[step]], fgeoms[f_of[step]])
    rest = _polygonal(rest)
    free = np.flatnonzero(polygonal & ~touched)  # in no area at all: one whole piece

    piece_parcel = np.concatenate([p_idx, rest_of, free])
    piece_func = np.concatenate([f_idx, np.full(len(rest_of) + len(free), len(func))])
    whole = np.concatenate([inside, np.zeros(len(rest_of), bool), np.ones(len(free), bool)])
    geoms_grid = np.concatenate([pieces_grid, rest, grid[free]])
    keep = whole | ~shapely.is_empty(geoms_grid)
    piece_parcel, piece_func = piece_parcel[keep], piece_func[keep]
    whole, geoms_grid = whole[keep], geoms_grid[keep]

    area_vn = measures["area_ha_vn2000"].to_numpy()[piece_parcel].copy()
    area_ell = measures["area_ha_ellipsoidal"].to_numpy()[piece_parcel].copy()
    geoms_lonlat = lonlat[piece_parcel].copy()
    if (~whole).any():
        cut_lonlat = _grid_to_wgs84(geoms_grid[~whole], zcrs.require_crs(parcels), meridian)
        area_vn[~whole] = shapely.area(geoms_grid[~whole]) / M2_PER_HA
        area_ell[~whole] = geodesic_areas_m2(cut_lonlat) / M2_PER_HA
        geoms_lonlat[~whole] = cut_lonlat
    order = np.lexsort((piece_func, piece_parcel))
    out = {
        "parcel": piece_parcel[order],
        "func": piece_func[order],
        "whole_parcel": whole[order],
        "area_ha_vn2000": area_vn[order],
        "area_ha_ellipsoidal": area_ell[order],
        "parcel_area_ha_vn2000": measures["area_ha_vn2000"].to_numpy()[piece_parcel[order]],
        "parcel_area_ha_ellipsoidal": measures["area_ha_ellipsoidal"].to_numpy()[
            piece_parcel[order]
        ],
    }
    if geometry:
        out["geometry"] = geoms_lonlat[order]
    return out


def _output_name(name: str, taken: set[str]) -> str:
    """Return a parcel column's name in the result, prefixed when it clashes with ours."""
    while name in taken:
        name = f"parcel_{name}"
    return name


def functional_pieces(
    parcels: gpd.GeoDataFrame,
    functional: gpd.GeoDataFrame | None = None,
    *,
    meridian: float = zcrs.DEFAULT_MERIDIAN,
    geometry: bool = False,
    progress: bool = False,
    workers: int | None = None,
) -> pd.DataFrame:
    """
    Split every parcel by the functional areas it lies in, and measure the pieces.

    Parameters
    ----------
    parcels
        A polygon layer with a CRS (any: WGS 84, VN-2000 TM-3, UTM, ...). Features
        that are not polygons have no area and give no piece; invalid polygons are
        measured after ``shapely.make_valid`` with a warning, as in
        `zoneplan.areas.measure_features`.
    functional
        The functional areas (categories in
        `zoneplan.schema.FUNCTIONAL_CATEGORIES`); the shipped
        ``functional_areas`` layer when None.
    meridian
        Central meridian of the VN-2000 TM-3 zone, 105.75 or 105.5.
    geometry
        Return a GeoDataFrame with each piece's geometry in EPSG:4326.
    progress
        Show a progress bar on standard error (off by default).
    workers
        Threads for layers of more than `OVERLAY_CHUNK` parcels; the cores this
        process may use when None. The results do not depend on it.

    Returns
    -------
    pieces
        One row per piece, ordered by parcel, then functional area (in the
        layer's order), then the part in none. Columns: the parcel's own columns
        (renamed ``parcel_<name>`` if one clashes with ours), then
        ``parcel_index`` (the parcel's index label), ``functional_id`` and
        ``functional_category`` (None and ``"unassigned"`` for the part in no
        area), ``whole_parcel`` (the piece is the whole parcel),
        ``area_ha_vn2000``, ``area_ha_ellipsoidal``, ``share_pct`` (of the
        parcel's VN-2000 area), and the whole parcel's ``parcel_area_ha_vn2000``
        and ``parcel_area_ha_ellipsoidal`` (`zoneplan.areas.measure_features`, so
        one pass gives the parcel areas too). A parcel's pieces add up to the parcel, except
        where functional areas overlap each other: land in two areas is in a
        piece of each (`zoneplan.composition.functional_overlaps` lists such overlaps).

    Raises
    ------
    CRSError
        If a layer has no CRS or the meridian is not supported.
    LayerValidationError
        If the functional layer has no ``category`` column.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> area = gpd.GeoDataFrame(
    ...     {"id": ["ip"], "category": ["industrial_park"]},
    ...     geometry=[box(106.70, 20.60, 106.71, 20.61)], crs=4326,
    ... )
    >>> parcels = gpd.GeoDataFrame(
    ...     {"parcel_id": ["a", "b"]},
    ...     geometry=[box(106.701, 20.601, 106.702, 20.602), box(106.709, 20.601, 106.711, 20.602)],
    ...     crs=4326,
    ... )
    >>> p = functional_pieces(parcels, area)
    >>> p[["parcel_id", "functional_category", "whole_parcel", "share_pct"]].round(1)
      parcel_id functional_category  whole_parcel  share_pct
    0         a     industrial_park          True      100.0
    1         b     industrial_park         False       50.0
    2         b          unassigned         False       50.0
    """
    import geopandas as gpd

    zcrs.require_crs(parcels, parcels.attrs.get("layer_id", "parcels"))
    zcrs.check_meridian(meridian)
    func = functional_frame(functional, meridian=meridian)
    parcels = zareas.valid_for_measuring(parcels)
    parts = map_chunks(
        lambda part: _cut_chunk(parcels.iloc[part], func, meridian, geometry),
        len(parcels),
        size=OVERLAY_CHUNK,
        desc="overlay",
        progress=progress,
        workers=workers,
    )
    if not parts:
        parts = [_cut_chunk(parcels, func, meridian, geometry)]
    starts = [part.start for part in chunks(len(parcels), OVERLAY_CHUNK)] or [0]
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0] if k != "parcel"}
    row = np.concatenate([p["parcel"] + start for p, start in zip(parts, starts, strict=True)])
    attrs = parcels.drop(columns=parcels.geometry.name).iloc[row].reset_index(drop=True)
    attrs.columns = [_output_name(str(c), set(PIECE_COLUMNS)) for c in attrs.columns]
    func_id = np.append(func["id"].to_numpy(dtype=object), np.array([None], dtype=object))
    func_cat = np.append(func["category"].to_numpy(dtype=object), UNASSIGNED)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = 100.0 * cols["area_ha_vn2000"] / cols["parcel_area_ha_vn2000"]
    ours = pd.DataFrame(
        {
            "parcel_index": parcels.index.to_numpy()[row],
            "functional_id": func_id[cols["func"]],
            "functional_category": func_cat[cols["func"]],
            "whole_parcel": cols["whole_parcel"],
            "area_ha_vn2000": cols["area_ha_vn2000"],
            "area_ha_ellipsoidal": cols["area_ha_ellipsoidal"],
            "share_pct": share,
            "parcel_area_ha_vn2000": cols["parcel_area_ha_vn2000"],
            "parcel_area_ha_ellipsoidal": cols["parcel_area_ha_ellipsoidal"],
        }
    )
    out = pd.concat([attrs, ours], axis=1)
    if geometry:
        return gpd.GeoDataFrame(out, geometry=list(cols["geometry"]), crs=4326)
    return out


def _partition_pieces(
    part: gpd.GeoDataFrame, func: gpd.GeoDataFrame, meridian: float, crs: zcrs.CRSLike | None
) -> pd.DataFrame:
    """`functional_pieces` of one dask partition, on one thread (dask runs the partitions)."""
    if part.crs is None and crs is not None:
        part = part.set_crs(crs)
    return functional_pieces(part, func, meridian=meridian, workers=1)


def functional_pieces_dask(
    source: object,
    functional: gpd.GeoDataFrame | None = None,
    *,
    meridian: float = zcrs.DEFAULT_MERIDIAN,
    scheduler: str | None = None,
    workers: int | None = None,
    crs: zcrs.CRSLike | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """
    Run `functional_pieces` partition by partition with dask-geopandas.

    For parcel sets too big for one machine's memory: every partition of a
    (partitioned) GeoParquet dataset is read and cut by a dask worker, on a
    cluster at `scheduler` or on a local cluster of `workers` processes. The
    result is the same as `functional_pieces` on the whole layer (tested).

    Parameters
    ----------
    source
        A GeoParquet file, a folder of GeoParquet files (a partitioned dataset),
        or a dask-geopandas GeoDataFrame.
    functional
        The functional areas; the shipped layer when None.
    meridian
        Central meridian of the VN-2000 TM-3 zone.
    scheduler
        Address of a running dask scheduler (``tcp://host:8786``); a local
        cluster is started and stopped when None.
    workers
        Worker processes of the local cluster (the cores this process may use when None).
    crs
        CRS to assume when the dataset carries none.
    progress
        Show a progress bar of partitions on standard error (off by default).

    Returns
    -------
    pieces
        The `functional_pieces` table of all partitions, in partition order;
        ``parcel_index`` is the index as read from the dataset.

    Raises
    ------
    InputError
        If dask-geopandas or distributed is missing, or the source cannot be read.
    CRSError
        If the dataset has no CRS and `crs` is not given.
    """
    from zoneplan.errors import CRSError, InputError
    from zoneplan.progress import default_workers, progress_bar

    try:
        import dask_geopandas
        import distributed
    except ImportError as err:
        msg = (
            f"--engine dask needs dask-geopandas and distributed ({err}); "
            "install them with: pip install 'zoneplan[dask]'"
        )
        raise InputError(msg) from err
    if isinstance(source, dask_geopandas.GeoDataFrame):
        ddf = source
    else:
        from pathlib import Path

        if not Path(str(source)).exists():
            msg = f"{source}: no such file or folder; check the path and the spelling"
            raise InputError(msg)
        try:
            ddf = dask_geopandas.read_parquet(str(source))
        except Exception as err:  # pyarrow and fsspec raise many types
            reason = " ".join(str(err).split())[:200]
            msg = (
                f"{source}: cannot be read as GeoParquet with dask-geopandas ({reason}); "
                "give a GeoParquet file or a folder of them"
            )
            raise InputError(msg) from err
    if ddf.crs is None and crs is None:
        msg = (
            f"{source}: the GeoParquet dataset has no CRS; give it with --crs "
            "(e.g. EPSG:9210 for VN-2000 / TM-3 105-45)"
        )
        raise CRSError(msg)
    zcrs.check_meridian(meridian)
    func = functional_frame(functional, meridian=meridian)
    meta = _partition_pieces(ddf._meta.set_crs(ddf.crs or crs), func, meridian, crs)
    pieces = ddf.map_partitions(_partition_pieces, func, meridian, crs, meta=meta)
    parts = pieces.to_delayed()
    # the cluster's own INFO lines (scheduler, nanny, worker start and stop) are noise here
    quiet = [logging.getLogger(name) for name in ("distributed", "bokeh", "tornado")]
    levels = [log.level for log in quiet]
    for log in quiet:
        log.setLevel(logging.ERROR)
    cluster = None
    try:
        if scheduler:
            client = distributed.Client(scheduler, set_as_default=False)
        else:
            cluster = distributed.LocalCluster(
                n_workers=workers or default_workers(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = distributed.Client(cluster, set_as_default=False)
        try:
            with client.as_current():
                futures = client.compute(parts)
                with progress_bar(
                    len(futures), "partitions", enabled=progress, unit="partition"
                ) as bar:
                    for _ in distributed.as_completed(futures):
                        bar.update(1)
                frames = client.gather(futures)
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()
        for log, level in zip(quiet, levels, strict=True):
            log.setLevel(level)
    return pd.concat(frames, ignore_index=True) if frames else meta
