"""``zoneplan areas --by functional``: in memory and with --engine dask on a real local cluster."""

from __future__ import annotations

import json
import logging

import dask_geopandas
import distributed
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import box

from zoneplan.cli import main
from zoneplan.overlay import PIECE_COLUMNS, functional_pieces
from zoneplan.synthetic import synthetic_parcels

# dask's own parquet reader still uses inplace=, which pandas 3.1 deprecates
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword in GeoDataFrame")


@pytest.fixture(scope="module")
def parcels() -> gpd.GeoDataFrame:
    return synthetic_parcels(1500)


@pytest.fixture(scope="module")
def parquet_file(parcels, tmp_path_factory):
    path = tmp_path_factory.mktemp("file") / "parcels.parquet"
    parcels.to_parquet(path)
    return path


@pytest.fixture(scope="module")
def parquet_folder(parcels, tmp_path_factory):
    """The same parcels as a partitioned GeoParquet dataset (one file per partition)."""
    path = tmp_path_factory.mktemp("dataset") / "parcels"
    dask_geopandas.from_geopandas(parcels, npartitions=3).to_parquet(path)
    return path


def records(capsys, *argv):
    assert main(list(argv)) == 0
    captured = capsys.readouterr()
    return pd.DataFrame(json.loads(captured.out)), captured.err


def by_functional(capsys, layer, *argv):
    """Run ``areas --by functional --layer LAYER --format json ARGV``: (table, stderr)."""
    return records(
        capsys, "areas", "--by", "functional", "--layer", str(layer), "--format", "json", *argv
    )


def test_by_functional_in_memory_is_the_api_table(parcels, parquet_file, capsys):
    table, err = by_functional(capsys, parquet_file)
    assert err == ""  # not a terminal: no progress bar unless asked
    assert list(table.columns) == ["layer", *parcels.columns.drop("geometry"), *PIECE_COLUMNS]
    assert (table["layer"] == "parcels").all()
    api = functional_pieces(parcels)
    np.testing.assert_array_equal(table["parcel_id"], api["parcel_id"])
    np.testing.assert_array_equal(table["area_ha_ellipsoidal"], api["area_ha_ellipsoidal"])
    np.testing.assert_array_equal(table["area_ha_vn2000"], api["area_ha_vn2000"])
    assert set(table["functional_category"]) >= {"unassigned", "industrial_park"}


def test_engine_dask_on_a_local_cluster_equals_the_in_memory_engine(
    parquet_file, parquet_folder, capsys
):
    memory, _ = by_functional(capsys, parquet_file)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=logging.ERROR
    ) as cluster:
        assert len(cluster.workers) == 2
        assert cluster.scheduler.transition_counter == 0
        address = cluster.scheduler_address
        dask, err = by_functional(
            capsys, parquet_folder, "--engine", "dask", "--scheduler", address, "--progress"
        )
        # the work ran on this cluster, not on one the command started for itself
        assert cluster.scheduler.transition_counter > 0
    assert "partitions" in err
    assert "3/3" in err
    pd.testing.assert_frame_equal(dask, memory.drop(columns="layer"))


def test_engine_dask_starts_its_own_cluster(parquet_file, capsys):
    memory, _ = by_functional(capsys, parquet_file)
    dask, err = by_functional(capsys, parquet_file, "--engine", "dask", "--workers", "1")
    assert err == ""
    pd.testing.assert_frame_equal(dask, memory.drop(columns="layer"))


def test_progress_is_written_when_asked_and_only_then(parquet_file, capsys):
    _, err = by_functional(capsys, parquet_file, "--progress")
    assert "overlay" in err
    assert "1500/1500" in err
    _, err = records(
        capsys, "areas", "--layer", str(parquet_file), "--format", "json", "--progress"
    )
    assert "measuring" in err
    _, err = records(
        capsys, "areas", "--layer", str(parquet_file), "--format", "json", "--no-progress"
    )
    assert err == ""


def test_own_functional_file(parcels, parquet_file, tmp_path, capsys):
    area = gpd.GeoDataFrame(
        {"id": ["all"], "category": ["urban_service"]},
        geometry=[box(*parcels.total_bounds).buffer(0.01)],
        crs=4326,
    )
    area.to_file(tmp_path / "mine.geojson")
    table, _ = by_functional(capsys, parquet_file, "--functional", str(tmp_path / "mine.geojson"))
    assert len(table) == len(parcels)
    assert table["whole_parcel"].all()
    assert (table["functional_id"] == "all").all()
    np.testing.assert_allclose(table["share_pct"], 100.0)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--by", "functional"], "give the parcel file with --layer"),
        (["--engine", "dask", "--layer", "x.parquet"], "--engine dask runs --by functional only"),
        (["--by", "functional", "--workers", "0", "--layer", "x"], "--workers 0 must be 1 or more"),
        (["--by", "functional", "--engine", "dask", "--layer", "nope"], "nope: no such file"),
    ],
)
def test_errors_are_one_line(argv, message, capsys):
    assert main(["areas", *argv]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
