"""
`zoneplan.diff`: two versions of a layer compared, against known answers and against an
independent computation (shapely on the grid through PROJ's own EPSG:6960 transformation,
and pyproj.Geod on the ellipsoid).
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from pyproj.transformer import TransformerGroup
from shapely import LineString, box

from zoneplan.crs import reproject
from zoneplan.diff import CHANGES, compare_layers, feature_keys, same_shapes
from zoneplan.errors import CRSError, InputError

GEOD = pyproj.Geod(ellps="WGS84")
#: An independent way onto the grid: PROJ's own EPSG:6960-based operation, chosen by name.
(TO_GRID,) = [
    t
    for t in TransformerGroup(4326, 9210, always_xy=True).transformers
    if "VN-2000 to WGS 84 (2)" in t.description
]
X0, Y0 = 600_000.0, 2_280_000.0  # VN-2000 / TM-3 105-45 metres, in the zone


def sq(x: float, y: float = 0.0, w: float = 100.0, h: float = 100.0) -> shapely.Polygon:
    """A w × h m box at (X0 + x, Y0 + y) on the grid."""
    return box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


@pytest.fixture(scope="module")
def versions() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Old and new versions with known answers; the new one in WGS 84, the old on the grid."""
    old = gpd.GeoDataFrame(
        {
            "id": ["grown", "removed", "renamed", "moved", "same", "road"],
            "status": ["planned"] * 6,
            "declared_area_ha": [1.0, 1.0, 1.0, 1.0, 1.0, None],
        },
        geometry=[
            sq(0),
            sq(200),
            sq(400),
            sq(600),
            sq(800),
            LineString([(X0, Y0 - 500), (X0 + 1000, Y0 - 500)]),
        ],
        crs=9210,
    )
    new = gpd.GeoDataFrame(
        {
            "id": ["grown", "renamed", "moved", "same", "road", "added"],
            "status": ["planned", "approved", "planned", "planned", "planned", "proposed"],
            "declared_area_ha": [1.2, 1.0, 1.0, 1.0, None, 0.5],
        },
        geometry=[
            sq(0, w=120),  # grown by a 20 m × 100 m strip: 0.2 ha gained
            sq(400),
            sq(610),  # moved 10 m east: 0.1 ha gained, 0.1 ha lost
            sq(800),
            LineString([(X0, Y0 - 500), (X0 + 1500, Y0 - 500)]),
            sq(1000, w=50),  # 0.5 ha
        ],
        crs=9210,
    )
    return old, reproject(new, 4326)


@pytest.fixture(scope="module")
def diff(versions):
    return compare_layers(*versions)


def row(diff, fid: str) -> dict:
    return diff.table.set_index("id").loc[fid].to_dict()


def test_each_feature_gets_its_change(diff):
    got = dict(zip(diff.table["id"], diff.table["change"], strict=True))
    assert got == {
        "grown": "changed",
        "removed": "removed",
        "renamed": "changed",
        "moved": "changed",
        "same": "unchanged",
        "road": "changed",
        "added": "added",
    }
    assert diff.counts() == {"added": 1, "removed": 1, "changed": 4, "unchanged": 1}
    assert set(diff.table["change"]) <= set(CHANGES)


def test_known_hectares_on_the_grid(diff):
    grown, moved = row(diff, "grown"), row(diff, "moved")
    assert grown["area_ha_vn2000_old"] == pytest.approx(1.0, abs=1e-9)
    assert grown["area_ha_vn2000_new"] == pytest.approx(1.2, abs=1e-9)
    assert grown["gained_ha_vn2000"] == pytest.approx(0.2, abs=1e-9)
    assert grown["lost_ha_vn2000"] == 0.0  # the reprojection's slivers are not land lost
    assert grown["moved_m"] == pytest.approx(20.0, abs=1e-6)
    assert moved["gained_ha_vn2000"] == pytest.approx(0.1, abs=1e-9)
    assert moved["lost_ha_vn2000"] == pytest.approx(0.1, abs=1e-9)
    assert row(diff, "removed")["lost_ha_vn2000"] == pytest.approx(1.0, abs=1e-12)
    assert row(diff, "added")["gained_ha_vn2000"] == pytest.approx(0.5, abs=1e-9)
    same = row(diff, "same")
    assert (same["gained_ha_vn2000"], same["lost_ha_vn2000"]) == (0.0, 0.0)
    assert not same["geometry_changed"]
    # gained minus lost over all rows is the new total minus the old
    t = diff.table
    net = np.nansum(t["gained_ha_vn2000"]) - np.nansum(t["lost_ha_vn2000"])
    assert net == pytest.approx(
        np.nansum(t["area_ha_vn2000_new"]) - np.nansum(t["area_ha_vn2000_old"])
    )


def test_attributes_old_to_new(diff):
    renamed = row(diff, "renamed")
    assert renamed["changed_fields"] == ["status"]
    assert renamed["changes"] == "status: planned → approved"
    assert not renamed["geometry_changed"]
    assert row(diff, "grown")["changes"] == "declared_area_ha: 1 → 1.2"
    assert diff.changes["renamed"] == {"status": ("planned", "approved")}
    records = diff.json_table().set_index("id")
    assert records.loc["renamed", "changes"] == {"status": {"old": "planned", "new": "approved"}}


def test_lines_have_lengths_not_areas(diff):
    road = row(diff, "road")
    assert road["length_km_vn2000_old"] == pytest.approx(1.0, abs=1e-9)
    assert road["length_km_vn2000_new"] == pytest.approx(1.5, abs=1e-9)
    assert np.isnan(road["gained_ha_vn2000"])
    assert np.isnan(road["area_ha_vn2000_new"])
    assert road["moved_m"] == pytest.approx(500.0, abs=1e-6)


def test_pieces_are_the_land_gained_and_lost(diff):
    pieces = diff.pieces
    assert pieces.crs.to_epsg() == 4326
    by = pieces.groupby(["id", "part"])["area_ha_vn2000"].sum()
    assert by[("grown", "gained")] == pytest.approx(0.2, abs=1e-9)
    assert by[("moved", "lost")] == pytest.approx(0.1, abs=1e-9)
    assert by[("added", "gained")] == pytest.approx(0.5, abs=1e-9)
    assert by[("removed", "lost")] == pytest.approx(1.0, abs=1e-9)
    assert ("grown", "lost") not in by.index
    assert "same" not in set(pieces["id"])
    # the strip lies east of the old square: its grid centroid is 10 m inside the strip
    strip = pieces[(pieces["id"] == "grown")].geometry.iloc[0]
    cx, _ = TO_GRID.transform(strip.centroid.x, strip.centroid.y)
    assert cx == pytest.approx(X0 + 110, abs=0.01)


def real_versions(catalog_frames):
    """A shipped functional area, and a new version grown by 35 m and cut by a box."""
    fa = catalog_frames["functional_areas"]
    old = fa[fa["id"] == fa["id"].iloc[0]].reset_index(drop=True)[["id", "geometry"]]
    grid = reproject(old, 9210)
    shape = grid.geometry.iloc[0]
    minx, miny, maxx, maxy = shape.bounds
    cut = box(minx, miny, (minx + maxx) / 2, (miny + maxy) / 2)
    new = grid.set_geometry([shape.buffer(35.0, join_style="mitre").difference(cut)])
    return old, new


@pytest.fixture(scope="module")
def catalog_frames():
    from zoneplan.io import load_catalog_layers

    return load_catalog_layers()


def test_hectares_match_an_independent_computation(catalog_frames):
    old, new = real_versions(catalog_frames)  # old in WGS 84, new on the grid
    got = compare_layers(old, new).table.iloc[0]
    # on the grid, with shapely, the old version taken there by PROJ's own EPSG:6960 pipeline
    old_grid = shapely.transform(
        old.geometry.iloc[0], lambda xy: np.column_stack(TO_GRID.transform(xy[:, 0], xy[:, 1]))
    )
    new_grid = new.geometry.iloc[0]
    assert got["gained_ha_vn2000"] == pytest.approx(
        new_grid.difference(old_grid).area / 1e4, rel=1e-6
    )
    assert got["lost_ha_vn2000"] == pytest.approx(
        old_grid.difference(new_grid).area / 1e4, rel=1e-6
    )
    assert got["area_ha_vn2000_new"] == pytest.approx(new_grid.area / 1e4, rel=1e-9)
    assert got["gained_ha_vn2000"] > 50
    assert got["lost_ha_vn2000"] > 50

    # on the ellipsoid with pyproj.Geod: the pieces cut on the grid, taken back by PROJ
    def to_ll(g):
        return shapely.transform(
            g,
            lambda xy: np.column_stack(TO_GRID.transform(xy[:, 0], xy[:, 1], direction="INVERSE")),
        )

    def geod_ha(g):
        return abs(GEOD.geometry_area_perimeter(g)[0]) / 1e4

    gained, lost = new_grid.difference(old_grid), old_grid.difference(new_grid)
    assert got["gained_ha_ellipsoidal"] == pytest.approx(geod_ha(to_ll(gained)), rel=1e-6)
    assert got["lost_ha_ellipsoidal"] == pytest.approx(geod_ha(to_ll(lost)), rel=1e-6)
    old_ll, new_ll = old.geometry.iloc[0], to_ll(new_grid)
    assert got["area_ha_ellipsoidal_old"] == pytest.approx(geod_ha(old_ll), rel=1e-12)
    assert got["area_ha_ellipsoidal_new"] == pytest.approx(geod_ha(new_ll), rel=1e-6)
    # cut in lon/lat instead, the edges straight in degrees rather than on the grid: the
    # thin strips differ by their edges' sagitta only
    assert got["gained_ha_ellipsoidal"] == pytest.approx(
        geod_ha(new_ll.difference(old_ll)), rel=1e-4
    )
    assert got["lost_ha_ellipsoidal"] == pytest.approx(geod_ha(old_ll.difference(new_ll)), rel=1e-4)


def test_a_feature_split_under_one_key_is_refused(versions):
    old, new = versions
    split = new.copy()
    split.loc[len(split)] = {
        "id": "grown",
        "status": "planned",
        "geometry": box(106.7, 20.6, 106.71, 20.61),
    }
    with pytest.raises(InputError) as err:
        compare_layers(old, split, labels=("v1.gpkg", "v2.geojson"))
    msg = str(err.value)
    assert msg.startswith("v2.geojson: the key 'id' is not unique: 'grown' (2 features)")
    assert "--key" in msg
    assert "\n" not in msg


def test_key_problems_named():
    frame = gpd.GeoDataFrame({"code": ["a", None, " "]}, geometry=[sq(0)] * 3, crs=9210)
    with pytest.raises(
        InputError, match=r"x.shp: no column 'id' to match features by \(its columns: code\)"
    ):
        feature_keys(frame, "id", "x.shp")
    with pytest.raises(
        InputError, match=r"x.shp: 2 feature\(s\) without a 'code' \(feature 2, 3\)"
    ):
        feature_keys(frame, "code", "x.shp")
    # 12 and 12.0 are one key (a GeoPackage integer and a GeoJSON number)
    assert feature_keys(gpd.GeoDataFrame({"id": [12.0, 13.0]}), "id", "f") == ["12", "13"]


def test_other_key_and_ignored_fields(versions):
    old, new = versions
    old = old.assign(code=[f"K{i}" for i in range(len(old))])
    new = new.assign(code=["K0", "K2", "K3", "K4", "K5", "K9"])
    d = compare_layers(old, new, key="code", ignore=["status", "id", "declared_area_ha"])
    # the id column holds the key's values
    got = dict(zip(d.table["id"], d.table["change"], strict=True))
    assert got == {
        "K0": "changed",  # grown
        "K2": "unchanged",  # renamed: its status is ignored
        "K3": "changed",  # moved
        "K4": "unchanged",
        "K5": "changed",  # the road
        "K1": "removed",
        "K9": "added",
    }


def test_no_crs_refused(versions):
    old, new = versions
    with pytest.raises(CRSError, match="v1 has no CRS"):
        compare_layers(old.set_crs(None, allow_override=True), new, labels=("v1", "v2"))


def test_values_compare_by_meaning():
    geom = [sq(0)] * 3
    old = gpd.GeoDataFrame(
        {"id": [1, 2, 3], "n": [5, 6, 7], "d": ["2025-01-02", None, "x"]}, geometry=geom, crs=9210
    )
    new = gpd.GeoDataFrame(
        {
            "id": [1.0, 2.0, 3.0],
            "n": [5.0, 6.0, 7.5],
            "d": [dt.date(2025, 1, 2), float("nan"), "x"],
        },
        geometry=geom,
        crs=9210,
    )
    t = compare_layers(old, new).table
    assert list(t["change"]) == ["unchanged", "unchanged", "changed"]
    assert t["changes"].iloc[2] == "n: 7 → 7.5"


def test_same_shapes_tolerance():
    a = np.array([sq(0), sq(0), sq(0), None])
    shifted = shapely.affinity.translate(sq(0), 0.03)
    # the same square from another starting vertex, with a vertex added on an edge
    redrawn = shapely.Polygon(
        [(X0 + 100, Y0), (X0 + 100, Y0 + 50), (X0 + 100, Y0 + 100), (X0, Y0 + 100), (X0, Y0)]
    )
    b = np.array([shifted, redrawn, sq(0, w=101), None])
    same, moved = same_shapes(a, b, 0.05)
    assert same.tolist() == [True, True, False, True]
    assert moved[2] == pytest.approx(1.0)
    assert same_shapes(a[:1], b[:1], 0.0)[0].tolist() == [False]


def _events_by_hand() -> dict[str, list[tuple[str, str]]]:
    """Each feature's (first day, kind) read from geodata/events.csv with the csv module alone."""
    import csv

    from zoneplan.catalog import geodata_dir

    out: dict[str, list[tuple[str, str]]] = {}
    with (geodata_dir() / "events.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            first = {"day": r["date"], "month": r["date"] + "-01", "year": r["date"] + "-01-01"}
            out.setdefault(r["feature_id"], []).append((first[r["precision"]], r["kind"]))
    return {k: sorted(v) for k, v in out.items()}


def test_shipped_layers_at_two_dates(catalog_frames):
    from zoneplan.diff import catalog_on, compare_dates
    from zoneplan.schema import KIND_STATUS

    events = _events_by_hand()
    a, b = "2024-12-04", "2026-11-30"

    def on(day: str) -> dict[str, str]:
        """Feature id → status on `day`, worked out from the rows by hand."""
        got = {}
        for gdf in catalog_frames.values():
            for fid, own in zip(gdf["id"], gdf["status"], strict=True):
                if fid not in events:
                    got[fid] = own
                    continue
                given = [KIND_STATUS[k] for d, k in events[fid] if d <= day and KIND_STATUS[k]]
                if given:
                    got[fid] = given[-1]
        return got

    for day in (a, b, "2017-05-31", "2025-07-01"):
        frame = catalog_on(day)
        assert dict(zip(frame["id"], frame["status"], strict=True)) == on(day), day
    table = compare_dates(a, b).table.set_index("id")
    old, new = on(a), on(b)
    assert set(table.index) == set(old) | set(new)
    for fid, r in table.iterrows():
        if fid not in old:
            want = "added"
        elif old[fid] != new[fid]:
            want = "changed"
            assert r["changes"] == f"status: {old[fid]} → {new[fid]}"
        else:
            want = "unchanged"
        assert r["change"] == want, fid
    assert not (table["change"] == "removed").any()  # nothing shipped disappears
    # an added area gains its whole area, measured independently on the grid through PROJ
    ftz = catalog_frames["functional_areas"].set_index("id").loc["fa-ftz-1", "geometry"]
    grid = shapely.transform(ftz, lambda xy: np.column_stack(TO_GRID.transform(xy[:, 0], xy[:, 1])))
    assert table.loc["fa-ftz-1", "change"] == "added"
    assert table.loc["fa-ftz-1", "gained_ha_vn2000"] == pytest.approx(grid.area / 1e4, rel=1e-9)
    assert table.loc["fa-ftz-1", "gained_ha_ellipsoidal"] == pytest.approx(
        abs(GEOD.geometry_area_perimeter(ftz)[0]) / 1e4, rel=1e-9
    )


def test_at_on_the_command_line(tmp_path, capsys):
    import json

    from zoneplan.cli import main

    out = tmp_path / "changes.json"
    assert main(["diff", "--at", "2024-12-04", "--at", "2026-11-30", "--out", str(out)]) == 0
    records = {r["id"]: r for r in json.loads(out.read_text(encoding="utf-8"))}
    assert records["fa-ftz-1"]["change"] == "added"
    assert records["tr-coastal-road"]["changed_fields"] == ["status"]
    capsys.readouterr()
    for args, message in [
        (["--at", "2024-12-04"], "--at takes two days"),
        (["--at", "2024-12", "--at", "2026-11-30"], "give a day as YYYY-MM-DD"),
        (["a.gpkg", "b.gpkg", "--at", "2024-12-04", "--at", "2025-01-01"], "not both"),
        (["a.gpkg"], "give the two versions to compare"),
    ]:
        bad = tmp_path / "bad.csv"
        assert main(["diff", *args, "--out", str(bad)]) == 1, args
        err = capsys.readouterr().err.strip()
        assert message in err
        assert len(err.splitlines()) == 1
        assert not bad.exists()
