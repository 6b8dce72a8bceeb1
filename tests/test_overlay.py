"""Parcels cut by the functional areas, against geopandas.overlay measured piece by piece."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely import LineString, box

from zoneplan import crs as zcrs
from zoneplan import overlay
from zoneplan.geodesic import geodesic_area_m2
from zoneplan.io import load_catalog_layers
from zoneplan.overlay import functional_pieces
from zoneplan.schema import FUNCTIONAL_CATEGORIES
from zoneplan.synthetic import synthetic_parcels

N = 3000


@pytest.fixture(scope="module")
def functional() -> gpd.GeoDataFrame:
    return load_catalog_layers(ids=["functional_areas"])["functional_areas"]


def reference_pieces(parcels: gpd.GeoDataFrame, functional: gpd.GeoDataFrame) -> pd.DataFrame:
    """The straightforward way: geopandas.overlay on the VN-2000 grid, then measure each piece."""
    func = functional[functional["category"].isin(FUNCTIONAL_CATEGORIES)]
    func_grid = gpd.GeoDataFrame(
        {"functional_id": func["id"].to_numpy()},
        geometry=shapely.make_valid(zcrs.to_vn2000(func)),
        crs=9210,
    )
    parcel_grid = gpd.GeoDataFrame(
        {"row": np.arange(len(parcels))}, geometry=zcrs.to_vn2000(parcels), crs=9210
    )
    ref = gpd.overlay(parcel_grid, func_grid, how="identity", keep_geom_type=True)
    grid = ref.geometry.to_numpy()
    if zcrs.is_vn2000(parcels.crs):
        lonlat = zcrs.to_wgs84(gpd.GeoSeries(grid, crs=9210))
    else:  # back the way the parcels came: the exact inverse of the pinned transformation

        def back(xy):
            return np.column_stack(zcrs.vn2000_to_wgs84(xy[:, 0], xy[:, 1], exact=True))

        lonlat = shapely.transform(grid, back)
    return (
        pd.DataFrame(
            {
                "row": ref["row"].to_numpy(),
                "functional_id": ref["functional_id"].astype(object).fillna("-").to_numpy(),
                "area_ha_vn2000": shapely.area(grid) / 1e4,
                "area_ha_ellipsoidal": [geodesic_area_m2(g) / 1e4 for g in lonlat],
                "geometry": lonlat,
            }
        )
        .set_index(["row", "functional_id"])
        .sort_index()
    )


def keyed(pieces: pd.DataFrame) -> pd.DataFrame:
    out = pieces.assign(functional_id=pieces["functional_id"].astype(object).fillna("-"))
    return out.set_index(["parcel_index", "functional_id"]).sort_index()


@pytest.mark.parametrize("crs", [4326, "vn2000"])
def test_same_pieces_and_areas_as_geopandas_overlay(functional, crs):
    parcels = synthetic_parcels(N, crs=crs)
    got = keyed(functional_pieces(parcels, geometry=True))
    ref = reference_pieces(parcels, functional)
    assert got.index.equals(ref.index)
    assert (~got["whole_parcel"]).sum() > 300  # many parcels really are cut
    assert got["whole_parcel"].sum() > 1000
    np.testing.assert_allclose(got["area_ha_vn2000"], ref["area_ha_vn2000"], rtol=1e-12)
    if crs == "vn2000":
        # same coordinates both ways: the same numbers
        np.testing.assert_array_equal(got["area_ha_ellipsoidal"], ref["area_ha_ellipsoidal"])
    else:
        # a whole piece is measured from the parcel's own lon/lat, the reference's from
        # lon/lat that went to the grid and back (within 2 ulp); pyproj.Geod resolves a
        # small polygon's area to about 1e-4 m² (one ulp on one vertex moves it by up to
        # 5e-5 m², test_geod_resolution), hence 1e-9 relative or 1e-4 m²
        np.testing.assert_allclose(
            got["area_ha_ellipsoidal"], ref["area_ha_ellipsoidal"], rtol=1e-9, atol=1e-8
        )
    # same pieces: each within 1 mm of the reference piece
    g = got.geometry.to_numpy()
    r = ref["geometry"].to_numpy()
    assert shapely.equals_exact(shapely.normalize(g), shapely.normalize(r), tolerance=1e-8).all()


def test_geod_resolution():
    """The size of pyproj.Geod's own rounding on a small polygon, which bounds the comparison."""
    lonlat = zcrs.to_wgs84(synthetic_parcels(N))[:300]
    moved = []
    for g in lonlat:
        x, y = (np.array(c) for c in g.exterior.xy)
        x2 = x.copy()
        x2[[1]] = np.nextafter(x2[[1]], np.inf)
        moved.append(
            abs(geodesic_area_m2(shapely.Polygon(np.column_stack([x2, y]))))
            - abs(geodesic_area_m2(g))
        )
    worst = np.abs(moved).max()
    assert 1e-6 < worst < 1e-4  # m²: far above a planar area's rounding, far below 1 cm²


@pytest.mark.parametrize("crs", [4326, "vn2000"])
def test_pieces_add_up_to_the_parcel(functional, crs):
    parcels = synthetic_parcels(N, crs=crs)
    pieces = functional_pieces(parcels)
    parcel_grid = zcrs.to_vn2000(parcels)
    func = functional[functional["category"].isin(FUNCTIONAL_CATEGORIES)]
    func_grid = shapely.make_valid(zcrs.to_vn2000(func))
    # land in two functional areas is in a piece of each: the sum exceeds the parcel by it
    twice = np.zeros(len(parcels))
    for i in range(len(func_grid)):
        for j in range(i + 1, len(func_grid)):
            both = shapely.intersection(func_grid[i], func_grid[j])
            if not both.is_empty:
                twice += shapely.area(shapely.intersection(parcel_grid, both))
    totals = pieces.groupby("parcel_index").agg(
        vn=("area_ha_vn2000", "sum"),
        ell=("area_ha_ellipsoidal", "sum"),
        parcel_vn=("parcel_area_ha_vn2000", "first"),
        parcel_ell=("parcel_area_ha_ellipsoidal", "first"),
        share=("share_pct", "sum"),
    )
    assert len(totals) == len(parcels)
    own_vn = shapely.area(parcel_grid) / 1e4
    np.testing.assert_allclose(totals["parcel_vn"], own_vn, rtol=1e-15)
    np.testing.assert_allclose(totals["vn"] - twice / 1e4, own_vn, rtol=1e-9)
    # Ellipsoidal: a cut adds vertices on the straight grid edge, and on the ellipsoid
    # the edge between them is a geodesic. On TM-3 a geodesic's image curves by at most
    # κ = E / R² (E the distance from the central meridian), so an edge of length L
    # moves by at most κ L³ / 12 m² of area; a cut parcel's pieces may add up to the
    # parcel ± κ Σ L³ / 6 (both sides of every edge), plus Geod's resolution (1e-4 m²
    # per piece). Uncut parcels: exactly one piece with the parcel's own area.
    ratio = totals["parcel_ell"] / totals["parcel_vn"]
    excess_m2 = np.abs(totals["ell"] - twice / 1e4 * ratio - totals["parcel_ell"]) * 1e4
    coords, ring = shapely.get_coordinates(
        shapely.get_exterior_ring(parcel_grid), return_index=True
    )
    edge = np.hypot(*np.diff(coords, axis=0).T)[ring[1:] == ring[:-1]]
    cubes = np.bincount(ring[1:][ring[1:] == ring[:-1]], weights=edge**3, minlength=len(parcels))
    kappa = np.abs(coords[:, 0] - 500_000).max() / 6_335_000.0**2
    bound_m2 = kappa * cubes / 6 + 1e-4 * 4
    assert (excess_m2 <= bound_m2).all()
    cut = pieces.groupby("parcel_index")["whole_parcel"].all().to_numpy() == 0
    assert excess_m2[cut].max() > 1e-4  # the bound is needed: the edge effect is real
    assert (excess_m2[~cut & (twice == 0)] == 0).all()
    assert twice.max() > 0  # the shipped layer has overlaps (the airport site and its park)
    clean = twice == 0
    np.testing.assert_allclose(totals["share"][clean], 100.0, rtol=1e-9)


def test_attributes_kept_order_and_non_polygons(functional):
    parcels = synthetic_parcels(200)
    extra = gpd.GeoDataFrame(
        {
            "parcel_id": ["line", "far"],
            "land_use": ["x", "y"],
            "name_vi": ["Đường", "Xa"],
            "declared_area_m2": [0.0, 1.0],
        },
        geometry=[LineString([(106.6, 20.6), (106.7, 20.7)]), box(100.0, 10.0, 100.001, 10.001)],
        crs=4326,
    )
    layer = pd.concat([parcels, extra], ignore_index=True)
    layer["area_ha_vn2000"] = 1.0  # a column that clashes with ours
    pieces = functional_pieces(layer, functional)
    # our columns keep their names; the parcel's clashing one is prefixed until it is free
    assert list(pieces.columns) == [
        "parcel_id",
        "land_use",
        "name_vi",
        "declared_area_m2",
        "parcel_parcel_area_ha_vn2000",
        *overlay.PIECE_COLUMNS,
    ]
    assert (pieces["parcel_parcel_area_ha_vn2000"] == 1.0).all()
    assert "line" not in set(pieces["parcel_id"])  # a line has no area, so no piece
    far = pieces[pieces["parcel_id"] == "far"]
    assert far["functional_category"].tolist() == ["unassigned"]
    assert far["whole_parcel"].tolist() == [True]
    first = pieces.drop_duplicates("parcel_index")
    assert first["parcel_index"].is_monotonic_increasing
    merged = first.merge(layer.reset_index(), left_on="parcel_index", right_on="index")
    assert (merged["name_vi_x"] == merged["name_vi_y"]).all()
    assert pieces.loc[pieces["parcel_id"] == "far", "name_vi"].item() == "Xa"


def test_chunks_threads_and_crs_do_not_change_the_result(functional, monkeypatch):
    parcels = synthetic_parcels(1200)
    whole = functional_pieces(parcels, functional)
    monkeypatch.setattr(overlay, "OVERLAY_CHUNK", 250)
    pd.testing.assert_frame_equal(functional_pieces(parcels, functional, workers=2), whole)
    pd.testing.assert_frame_equal(functional_pieces(parcels, functional, workers=1), whole)
    # functional areas given in VN-2000 instead of lon/lat: the same pieces
    again = functional_pieces(parcels, functional.to_crs(9210))
    assert again[["parcel_index", "functional_id"]].equals(whole[["parcel_index", "functional_id"]])
    np.testing.assert_allclose(again["area_ha_vn2000"], whole["area_ha_vn2000"], rtol=1e-6)


def test_progress_off_by_default_on_when_asked(functional, capfd):
    parcels = synthetic_parcels(300)
    functional_pieces(parcels, functional)
    assert capfd.readouterr().err == ""
    functional_pieces(parcels, functional, progress=True)
    err = capfd.readouterr().err
    assert "overlay" in err
    assert "300/300" in err
