"""The vectorised area engine against the per-feature reference, and its progress bars."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely import LineString, MultiPolygon, Point, Polygon, box

from zoneplan import areas
from zoneplan import crs as zcrs
from zoneplan.areas import measure_features
from zoneplan.geodesic import geodesic_area_m2, geodesic_areas_m2
from zoneplan.io import load_catalog_layers
from zoneplan.synthetic import synthetic_parcels


def holed(x: float, y: float, n_holes: int, d: float = 0.01) -> Polygon:
    """A lon/lat square with `n_holes` small square holes, some rings clockwise."""
    holes = [
        list(
            box(
                x + d * (0.1 + 0.2 * k), y + d * 0.4, x + d * (0.2 + 0.2 * k), y + d * 0.6
            ).exterior.coords
        )[:: 1 if k % 2 else -1]
        for k in range(n_holes)
    ]
    return Polygon(box(x, y, x + d, y + d).exterior.coords[::-1], holes)


@pytest.fixture(scope="module")
def parcels() -> gpd.GeoDataFrame:
    return synthetic_parcels(2500)


def test_vectorised_geodesic_areas_are_the_reference_to_the_bit(parcels):
    mixed = [
        holed(106.60, 20.60, 0),
        holed(106.62, 20.60, 1),
        holed(106.64, 20.60, 3),
        MultiPolygon([holed(106.60, 20.65, 2), box(106.63, 20.65, 106.64, 20.66)]),
        MultiPolygon([box(106.6 + 0.01 * k, 20.7, 106.605 + 0.01 * k, 20.705) for k in range(5)]),
        shapely.GeometryCollection(
            [LineString([(106.6, 20.6), (106.7, 20.7)]), holed(106.7, 20.7, 1)]
        ),
        shapely.GeometryCollection([LineString([(106.6, 20.6), (106.7, 20.7)])]),
        Point(106.6, 20.6),
        LineString([(106.6, 20.6), (106.7, 20.7)]),
        Polygon(),
        MultiPolygon(),
        None,
    ]
    geoms = np.array([*mixed, *zcrs.to_wgs84(parcels)], dtype=object)
    got = geodesic_areas_m2(geoms)
    expected = np.array([geodesic_area_m2(g) for g in geoms])
    assert np.array_equal(np.isnan(got), np.isnan(expected))
    assert np.isnan(expected).sum() == 6
    # not approximately: the same numbers, bit for bit
    assert np.array_equal(got[~np.isnan(got)], expected[~np.isnan(expected)])
    assert geodesic_areas_m2([]).shape == (0,)


@pytest.mark.parametrize("crs", [4326, "vn2000", 32648])
def test_measure_features_in_chunks_and_threads_equals_the_per_feature_reference(
    parcels, crs, monkeypatch
):
    layer = parcels if crs == 4326 else synthetic_parcels(2500, crs=crs)
    layer = layer.set_index(pd.Index(np.arange(len(layer))[::-1] * 3, name="fid"))
    lonlat = zcrs.to_wgs84(layer)
    reference = pd.DataFrame(
        {
            "area_ha_vn2000": shapely.area(zcrs.to_vn2000(layer)) / 1e4,
            "area_ha_ellipsoidal": [geodesic_area_m2(g) / 1e4 for g in lonlat],
        },
        index=layer.index,
    )
    one = measure_features(layer)
    monkeypatch.setattr(areas, "MEASURE_CHUNK", 700)
    threaded = measure_features(layer, workers=2)
    serial = measure_features(layer, workers=1)
    for got in (one, threaded, serial):
        assert got.index.equals(layer.index)
        pd.testing.assert_frame_equal(got[reference.columns], reference, check_exact=True)
        assert got["length_km_geodesic"].isna().all()


def test_shipped_zone_figures_unchanged():
    layers = load_catalog_layers(ids=["zone"])
    m = measure_features(layers["zone"]).iloc[0]
    assert round(m["area_ha_ellipsoidal"], 2) == 20181.80
    assert round(m["area_ha_vn2000"], 2) == 20182.26


def test_measure_features_is_silent_by_default_and_shows_progress_when_asked(parcels, capfd):
    measure_features(parcels)
    assert capfd.readouterr().err == ""
    measure_features(parcels, progress=True)
    err = capfd.readouterr().err
    assert "measuring" in err
    assert "2500/2500" in err
