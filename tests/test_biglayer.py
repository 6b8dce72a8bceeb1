"""
The big-layer path keeps the same features, attributes and areas as the GeoJSON path.

Each block is decoded here by a decoder written from the format description in
`zoneplan.render.biglayer` (not by the viewer), then compared feature by
feature with what `payload.feature_collection` gives the same layer.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import math
import re
from dataclasses import replace

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

from zoneplan import crs as zcrs
from zoneplan.errors import InputError
from zoneplan.render import biglayer
from zoneplan.render.classify import StyleBy
from zoneplan.render.layers import LayerRegistry, MapLayer
from zoneplan.render.map import build_html, build_map, user_layer
from zoneplan.render.payload import big_layer_row, feature_collection
from zoneplan.synthetic import synthetic_parcels, synthetic_rectangles

DTYPES = {"u8": "<u1", "u16": "<u2", "u32": "<u4", "i32": "<i4", "f64": "<f8"}


def decode(header: dict, data: bytes) -> dict:
    """Decode a block into per-feature records like feature_collection's features."""
    raw = gzip.decompress(data)

    def part(name: str):
        desc = header["parts"][name]
        chunk = raw[desc["offset"] : desc["offset"] + desc["bytes"]]
        if desc["type"] == "json":
            return json.loads(chunk.decode("utf-8"))
        dtype = np.dtype(DTYPES[desc["type"]])
        if "const" in desc:  # one value throughout, no bytes
            assert desc["bytes"] == 0
            arr = np.full(desc["length"], np.nan if desc["const"] is None else desc["const"], dtype)
        else:
            if desc["shuffle"] and dtype.itemsize > 1:
                planes = np.frombuffer(chunk, np.uint8).reshape(dtype.itemsize, desc["length"])
                chunk = planes.T.tobytes()
            arr = np.frombuffer(chunk, dtype)
        assert arr.size == desc["length"]
        if desc.get("decimals") is not None:  # int32 standing for int / 10^decimals
            arr = np.where(arr == desc["missing"], np.nan, arr / 10.0 ** desc["decimals"])
        if desc["zigzag"]:
            u = arr.astype(np.int64)
            arr = np.cumsum((u >> 1) ^ -(u & 1))
        return arr

    rings = np.concatenate([[0], np.cumsum(part("rings"))]).astype(np.int64)
    verts = np.concatenate([[0], np.cumsum(part("verts"))]).astype(np.int64)
    kinds = part("kinds")
    x, y = shared_vertices(part("vref"), part("x"), part("y"), verts, header["runs"])
    columns = []
    for col in header["columns"]:
        if col["kind"] == "num":
            columns.append((col["name"], part(col["part"]), None))
        elif col["kind"] == "numtext":
            form = part(col["values"])
            texts = [
                f"{form['prefix']}{str(v).zfill(form['width'])}{form['suffix']}"
                for v in part(col["part"]).tolist()
            ]
            columns.append((col["name"], np.arange(len(texts)), texts))
        else:
            columns.append((col["name"], part(col["part"]), part(col["values"])))
    names = [
        (part(e[0]), part(e[1])) if isinstance(e, list) else columns[e["column"]][1:]
        for e in header["zp"]["names"]
    ]
    cat, phase = part("cat"), part("phase")
    area, length = part("area_ha"), part("length_km")
    declared = part(header["zp"]["declared_ha"]) if header["zp"]["declared_ha"] else None

    def num(v: float) -> float | None:
        return None if math.isnan(v) else float(v)

    features = []
    for f in range(header["n"]):
        feature_rings = []
        for r in range(rings[f], rings[f + 1]):
            coords = np.stack([x[verts[r] : verts[r + 1]], y[verts[r] : verts[r + 1]]], axis=1)
            feature_rings.append((int(kinds[r]), coords))
        props = {}
        for name, values, dictionary in columns:
            props[name] = num(values[f]) if dictionary is None else dictionary[values[f]]
        features.append(
            {
                "rings": feature_rings,
                "properties": props,
                "zp": {
                    "cat": int(cat[f]),
                    "phase": int(phase[f]),
                    "names": [dictionary[codes[f]] for codes, dictionary in names],
                    "area_ha": num(area[f]),
                    "length_km": num(length[f]),
                    "declared_ha": num(declared[f]) if declared is not None else None,
                },
            }
        )
    return {"features": features}


def shared_vertices(vref, rx, ry, verts, runs) -> tuple[np.ndarray, np.ndarray]:
    """
    The vertex stream from its back-references and the new vertices' zig-zag residuals:
    from the new vertex before, or from the parallelogram for a ring of four's fourth;
    the residuals in runs by the vertex's place among the new ones of its ring (first,
    second, third, later, guessed), each run in stream order.
    """
    ring_of = np.repeat(np.arange(len(verts) - 1), np.diff(verts))
    x = np.zeros(len(vref), dtype=np.int64)
    y = np.zeros(len(vref), dtype=np.int64)
    zx, zy = rx.astype(np.int64), ry.astype(np.int64)
    dx, dy = (zx >> 1) ^ -(zx & 1), (zy >> 1) ^ -(zy & 1)
    cursor = np.concatenate([[0], np.cumsum(runs)[:-1]]).tolist()
    last_x, last_y, seen, place = 0, 0, -1, 0
    for v, back in enumerate(vref.tolist()):
        if back:
            x[v], y[v] = x[v - back], y[v - back]
            continue
        r = ring_of[v]
        if seen != r:
            seen, place = r, 0
        guessed = verts[r + 1] - verts[r] == 4 and v - verts[r] == 3
        run = len(runs) - 1 if guessed else min(place, len(runs) - 2)
        k, cursor[run] = cursor[run], cursor[run] + 1
        place += 1
        if guessed:
            last_x = _int32(x[v - 1] + x[v - 3] - x[v - 2] + dx[k])
            last_y = _int32(y[v - 1] + y[v - 3] - y[v - 2] + dy[k])
        else:
            last_x, last_y = _int32(last_x + dx[k]), _int32(last_y + dy[k])
        x[v], y[v] = last_x, last_y
    assert cursor == np.cumsum(runs).tolist()  # every run read to its end
    assert cursor[-1] == len(rx)
    return x, y


def _int32(v) -> int:
    """A sum of the block's vertex arithmetic: 32 bits, modulo 2^32."""
    return (int(v) + 2**31) % 2**32 - 2**31


def geojson_rings(geometry: dict) -> list[tuple[int, np.ndarray]]:
    """The rings of a GeoJSON geometry in block order, quantised like the block."""
    kind = geometry["type"]
    if kind == "GeometryCollection":
        return [r for g in geometry["geometries"] for r in geojson_rings(g)]
    coords = geometry["coordinates"]

    def q(points) -> np.ndarray:
        return np.round(np.asarray(points, dtype=float).reshape(-1, 2) / 1e-7).astype(np.int64)

    if kind == "Point":
        return [(2, q([coords]))]
    if kind == "MultiPoint":
        return [(2, q([c])) for c in coords]
    if kind == "LineString":
        return [(1, q(coords))]
    if kind == "MultiLineString":
        return [(1, q(c)) for c in coords]
    if kind == "Polygon":
        return [(0, q(ring[:-1])) for ring in coords]
    if kind == "MultiPolygon":
        return [(0, q(ring[:-1])) for poly in coords for ring in poly]
    raise AssertionError(kind)


def numbers_equal(a, b) -> bool:
    """Equal JSON values, where an integer and the same float count as equal."""
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return float(a) == float(b)
    return a == b


def compare_paths(layer: MapLayer) -> int:
    """Build both paths of one layer and assert they agree; return the feature count."""
    small = feature_collection(layer, LayerRegistry("en"))["features"]
    registry = LayerRegistry("en")
    header, block = big_layer_row(layer, registry, "zoneplan-big-0")
    big = decode(header, block.data)["features"]
    assert len(big) == len(small) == header["n"]
    for s, b in zip(small, big, strict=True):
        expected = geojson_rings(s["geometry"])
        assert [k for k, _ in b["rings"]] == [k for k, _ in expected]
        for (_, got), (_, want) in zip(b["rings"], expected, strict=True):
            np.testing.assert_array_equal(got, want)
        assert b["properties"].keys() == s["properties"].keys()
        for key, value in s["properties"].items():
            assert numbers_equal(b["properties"][key], value), key
        for key in ("cat", "phase", "names"):
            assert b["zp"][key] == s["zp"][key], key
        for key in ("area_ha", "length_km", "declared_ha"):
            assert numbers_equal(b["zp"][key], s["zp"][key]) or b["zp"][key] == s["zp"][key], key
    return len(big)


def test_synthetic_parcels_same_on_both_paths():
    parcels = synthetic_parcels(3000, seed=7)
    parcels.loc[5, "land_use"] = None
    parcels["phase"] = np.where(np.arange(len(parcels)) % 3 == 0, "2026-2030", "to 2025")
    parcels["category"] = np.where(np.arange(len(parcels)) % 2 == 0, "industrial_park", "x</b>")
    layer = MapLayer("parcels.gpkg", "p", "p", "user", parcels, big=True)
    assert compare_paths(layer) == 3000


def test_mixed_geometries_and_awkward_values_same_on_both_paths():
    hole = Polygon(
        [(106.60, 20.60), (106.62, 20.60), (106.62, 20.62), (106.60, 20.62)],
        [[(106.605, 20.605), (106.61, 20.605), (106.61, 20.61), (106.605, 20.61)]],
    )
    multi = MultiPolygon(
        [shapely.box(106.7, 20.7, 106.71, 20.71), shapely.box(106.72, 20.7, 106.73, 20.71)]
    )
    geoms = [
        hole,
        multi,
        LineString([(106.6, 20.6), (106.7, 20.65), (106.8, 20.6)]),
        Point(106.65, 20.65),
        shapely.MultiPoint([(106.66, 20.66), (106.67, 20.67)]),
        shapely.GeometryCollection([Point(106.5, 20.5), shapely.box(106.5, 20.5, 106.51, 20.51)]),
        None,
        Polygon(),
    ]
    gdf = gpd.GeoDataFrame(
        {
            "name_vi": [
                "Khu Đông",
                None,
                "",
                "Điểm </script><script>alert(1)</script>",
                "a",
                "b",
                "c",
                "d",
            ],
            "name": ["x", "fallback", "line", "p", "m", "gc", "none", "empty"],
            "count": [1, 2, 3, 4, 5, 6, 7, 8],
            "big_int": [2**60, 1, 2, 3, 4, 5, 6, 7],
            "ratio": [0.5, float("nan"), float("inf"), 1.25, 2.0, 3.0, 4.0, 5.0],
            "flag": [True, False, True, False, True, False, True, False],
            "when": [dt.date(2025, 1, 2)] * 8,
            "nested": [{"a": [1, 2]}, None, {"__proto__": 1}, [1], "s", 1.5, None, None],
            "declared_area_ha": [400.0, None, None, None, None, None, None, None],
            "phase": ["after 2030", "none", None, "bogus", "to 2025", "2026-2030", None, None],
        },
        geometry=geoms,
        crs=4326,
    )
    layer = MapLayer("mixed.geojson", "m", "m", "user", gdf, big=True)
    assert compare_paths(layer) == 6  # the missing and the empty geometry are left out


def test_random_rectangles_same_on_both_paths():
    """No shared corners: every vertex is new, each rectangle's fourth one guessed."""
    rects = synthetic_rectangles(2000, seed=5)
    layer = MapLayer("rects.gpkg", "r", "r", "user", rects, big=True)
    assert compare_paths(layer) == 2000
    header, _ = big_layer_row(layer, LayerRegistry("en"), "zoneplan-big-0")
    assert header["unique_vertices"] == header["vertices"] == 8000
    kinds = {c["name"]: c["kind"] for c in header["columns"]}
    assert kinds["parcel_id"] == kinds["name_vi"] == "numtext"
    mesh = MapLayer("mesh.gpkg", "m", "m", "user", synthetic_parcels(2000, seed=5), big=True)
    header, _ = big_layer_row(mesh, LayerRegistry("en"), "zoneplan-big-0")
    assert header["unique_vertices"] < header["vertices"] / 3  # corners shared by 4 cells


def test_a_layer_around_the_globe_same_on_both_paths():
    """
    Steps of more than 2^31 quanta (214°) between vertices, from one side of the
    antimeridian to the other: taken modulo 2^32, the decoder's 32-bit sums give each
    vertex back.
    """
    rng = np.random.default_rng(5)
    n = 6_000
    lon = np.where(np.arange(n) % 2 == 0, -179.9, 179.9) + rng.uniform(-0.05, 0.05, n)
    lat = rng.uniform(-60, 60, n)
    geoms = [
        Point(x, y) if i % 3 == 0 else box(x - 0.01, y, x + 0.01, y + 0.01)
        for i, (x, y) in enumerate(zip(lon, lat, strict=True))
    ]
    geoms[1] = LineString([(-179.99, 0.0), (179.99, 0.0), (-179.99, 1.0)])
    gdf = gpd.GeoDataFrame({"name": [f"f{i}" for i in range(n)]}, geometry=geoms, crs=4326)
    layer = MapLayer("world.gpkg", "w", "w", "user", gdf, big=True)
    assert compare_paths(layer) == n


def test_repeated_values_take_no_bytes_and_decimals_travel_as_integers():
    """A part of one value is its description only; numbers with few decimals are int32."""
    rects = synthetic_rectangles(2000, seed=5)
    rects["ratio"] = np.round(np.linspace(0, 50, 2000), 2)
    rects.loc[3, "ratio"] = np.nan
    rects["share"] = np.linspace(0, 1, 2000) / 3  # no whole multiple of 10^-6
    layer = MapLayer("rects.gpkg", "r", "r", "user", rects, big=True)
    assert compare_paths(layer) == 2000
    header, _ = big_layer_row(layer, LayerRegistry("en"), "zoneplan-big-0")
    parts = header["parts"]
    assert parts["length_km"]["bytes"] == 0
    assert parts["length_km"]["const"] is None  # polygons: NaN throughout
    assert (parts["verts"]["const"], parts["vref"]["const"]) == (4, 0)  # rings of four, unshared
    by_column = {c["name"]: parts[c["part"]] for c in header["columns"]}
    assert by_column["declared_area_m2"]["type"] == "i32"
    assert by_column["declared_area_m2"]["decimals"] == 0
    assert (by_column["ratio"]["type"], by_column["ratio"]["decimals"]) == ("i32", 2)
    assert by_column["share"]["type"] == "f64"
    assert "decimals" not in by_column["share"]
    assert by_column["parcel_id"]["const"] == 2  # P0000001, P0000002 ...: each delta 1, zig-zag 2


def test_vn2000_layer_uses_the_pinned_transformation():
    """A VN-2000 layer is placed on the map through the Decision 05/2007 Helmert step."""
    parcels = synthetic_parcels(200, seed=3, crs="vn2000")
    layer = MapLayer("vn.gpkg", "v", "v", "user", parcels, big=True)
    header, block = big_layer_row(layer, LayerRegistry("en"), "zoneplan-big-0")
    got = decode(header, block.data)["features"][0]["rings"][0][1] * 1e-7
    want = shapely.get_coordinates(zcrs.to_wgs84(parcels.iloc[:1]))[:-1]
    assert np.abs(got - want).max() < 6e-8  # the 1e-7° quantum, rounded
    assert compare_paths(layer) == 200


def test_block_is_much_smaller_than_geojson():
    parcels = synthetic_parcels(20_000, seed=1)
    small = feature_collection(MapLayer("a", "a", "a", "user", parcels), LayerRegistry("en"))
    geojson_bytes = len(json.dumps(small, separators=(",", ":")))
    _, block = big_layer_row(
        MapLayer("a", "a", "a", "user", parcels, big=True), LayerRegistry("en"), "e"
    )
    assert len(block.base64()) < geojson_bytes / 4


def test_page_carries_the_block_as_base64_only():
    parcels = synthetic_parcels(300, seed=2)
    parcels["note"] = "</script><script>window.pwned=1</script>"
    layer = MapLayer("p.gpkg", "p", "p", "user", parcels, big=True)
    html = build_html(build_map([layer], lang="en"))
    blocks = re.findall(
        r'<script type="application/octet-stream" id="(zoneplan-big-\d+)">([^<]*)</script>', html
    )
    assert [b[0] for b in blocks] == ["zoneplan-big-0"]
    assert re.fullmatch(r"[A-Za-z0-9+/=]+", blocks[0][1])
    assert "window.pwned" not in html  # the value is inside the compressed block only
    assert gzip.decompress(base64.b64decode(blocks[0][1]))


def test_is_big_and_thresholds():
    parcels = synthetic_parcels(50, seed=1)
    assert not biglayer.is_big(parcels)
    assert biglayer.is_big(parcels, max_features=49)
    assert not biglayer.is_big(parcels, max_features=50)


def test_user_layer_takes_big_path_above_threshold(tmp_path):
    path = tmp_path / "parcels.gpkg"
    synthetic_parcels(120, seed=4).to_file(path)
    assert not user_layer(path).big
    assert user_layer(path, big_layer_features=100).big


def test_too_big_for_a_browser_is_refused_with_advice(monkeypatch):
    parcels = synthetic_parcels(60, seed=1)
    monkeypatch.setattr(biglayer, "MAX_VIEWER_FEATURES", 50)
    with pytest.raises(InputError, match=r"parcels\.gpkg: 60 features .*clip it .*zoneplan areas"):
        biglayer.check_viewer_size(parcels, "parcels.gpkg")
    monkeypatch.setattr(biglayer, "MAX_VIEWER_FEATURES", 60)
    biglayer.check_viewer_size(parcels, "parcels.gpkg")


def test_progress_bars_in_the_cli_only(tmp_path, capsys):
    from zoneplan.cli import main

    path = tmp_path / "parcels.gpkg"
    synthetic_parcels(150, seed=4).to_file(path)
    args = ["build", "--layer", str(path), "--big-layer-threshold", "100"]
    assert main([*args, "--out", str(tmp_path / "a.html"), "--progress"]) == 0
    err = capsys.readouterr().err
    assert "measuring" in err
    assert "packing parcels.gpkg" in err
    assert "100%" in err
    assert main([*args, "--out", str(tmp_path / "b.html"), "--no-progress"]) == 0
    assert "packing" not in capsys.readouterr().err
    layer = user_layer(path, big_layer_features=100)
    build_html(build_map([layer]))  # the API is silent unless asked
    assert capsys.readouterr().err == ""


def test_the_program_ends_without_freeing_the_map_and_says_everything(tmp_path):
    import subprocess
    import sys

    from zoneplan import cli

    path = tmp_path / "parcels.gpkg"
    synthetic_parcels(150, seed=4).to_file(path)
    args = ["build", "--layer", str(path), "--big-layer-threshold", "100", "--no-progress"]
    # called from Python, a command keeps nothing for the exit
    assert cli.main([*args, "--out", str(tmp_path / "a.html")]) == 0
    assert cli._LEFT_TO_EXIT == []
    # as the program: stdout through a pipe still gets its line, the map is whole
    out = tmp_path / "b.html"
    done = subprocess.run(
        [sys.executable, "-m", "zoneplan", *args, "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{out}: map of 9 layers, 210 features\n"
    whole = (tmp_path / "a.html").read_bytes()  # the same map but for its random element ids
    assert len(out.read_bytes()) == len(whole)
    assert out.read_bytes().rstrip().endswith(b"</html>")
    # a refused build still exits the usual way, with its error
    bad = subprocess.run(
        [sys.executable, "-m", "zoneplan", "build", "--layer", str(tmp_path / "none.gpkg")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert bad.stderr.startswith("zoneplan: error: ")


@pytest.mark.parametrize(
    ("columns", "kinds"),
    [
        # one column names every feature in both languages: referred to, not copied
        ({"name_vi": "Thửa {i}"}, ("column", "dict")),  # no English name: blank, coded
        ({"name_vi": "Thửa {i}", "ten": "Lot {i}"}, ("column", "column")),
        ({"name_vi": "Thửa {i}", "name_en": "Lot {i}"}, ("column", "column")),
        ({"ten": "Lô {i}"}, ("column", "same")),
        # a blank or missing name falls back feature by feature: names made and coded
        ({"name_vi": "Thửa {i}", "name": "N{i}", "blank_vi": True}, ("dict", "column")),
        ({"name_en": "Lot {i}", "id": "{i}"}, ("dict", "column")),
    ],
)
def test_names_on_both_paths_whatever_columns_give_them(columns, kinds):
    parcels = synthetic_parcels(600, seed=3)[["geometry"]]
    for name, form in columns.items():
        if name != "blank_vi":
            parcels[name] = [form.format(i=i) for i in range(len(parcels))]
    if "id" in columns:
        parcels["id"] = np.arange(len(parcels))  # numbers: names made from their text
    if columns.get("blank_vi"):
        parcels.loc[[3, 17], "name_vi"] = [" ", None]
    layer = MapLayer("names.gpkg", "n", "n", "user", parcels, big=True)
    assert compare_paths(layer) == len(parcels)
    header, _ = big_layer_row(layer, LayerRegistry("en"), "zoneplan-big-0")
    vi, en = header["zp"]["names"]
    got = ["column" if isinstance(vi, dict) else "dict"]
    got.append(
        "same"
        if en == vi and isinstance(en, dict)
        else "column"
        if isinstance(en, dict)
        else "dict"
    )
    assert tuple(got) == kinds


def _back_references_by_walking(q: np.ndarray) -> np.ndarray:
    """Back-references of a vertex stream walked in order, remembering where each vertex was."""
    last: dict[tuple[int, int], int] = {}
    vref = np.zeros(len(q), dtype=np.int64)
    for i, (x, y) in enumerate(q.tolist()):
        j = last.get((x, y))
        if j is not None and i - j <= 2**16 - 1:
            vref[i] = i - j
        last[x, y] = i
    return vref


@pytest.mark.parametrize("span_deg", [0.3, 5.0])  # by windows; wider than their keys reach
def test_shared_vertices_as_found_by_walking_the_stream(span_deg):
    rng = np.random.default_rng(7)
    n = 300_000
    q = rng.integers(0, int(span_deg * 1e7), size=(n, 2)).astype(np.int32) + 10**9
    # repeats just within and just beyond reach, across window edges, and close by
    for gap in (1, 3, 65_534, 65_535, 65_536, 65_537, 131_071, 131_072, 200_000):
        at = rng.choice(np.arange(gap, n), size=40, replace=False)
        q[at] = q[at - gap]
    vref, unique = biglayer._shared_vertices(q)
    expected = _back_references_by_walking(q)
    np.testing.assert_array_equal(vref, expected)
    np.testing.assert_array_equal(unique, q[expected == 0])
    assert {1, 3, 65_534, 65_535} <= set(vref.tolist())
    assert vref.max() == 65_535


def _residuals_by_walking(q, vref, per_ring):
    """
    The residual runs of `biglayer._vertex_residuals`, vertex by vertex from its docstring:
    a guessed fourth corner (third + first - second), else the step from the new vertex
    before; runs by the place among the ring's new vertices; zig-zag as ``2v`` / ``-2v - 1``.
    """
    runs = [[] for _ in range(biglayer.RESIDUAL_RUNS)]
    prev = (0, 0)
    at = 0
    for count in per_ring.tolist():
        k = 0  # new vertices of this ring so far
        for i in range(at, at + count):
            if vref[i]:
                continue
            x, y = int(q[i, 0]), int(q[i, 1])
            if count == 4 and i == at + 3:
                gx = int(q[i - 1, 0]) + int(q[i - 3, 0]) - int(q[i - 2, 0])
                gy = int(q[i - 1, 1]) + int(q[i - 3, 1]) - int(q[i - 2, 1])
                run, r = biglayer.RESIDUAL_RUNS - 1, (x - gx, y - gy)
            else:
                run, r = min(k, biglayer.RESIDUAL_RUNS - 2), (x - prev[0], y - prev[1])
            runs[run].append(r)
            prev = (x, y)
            k += 1
        at += count
    flat = [r for run in runs for r in run]

    def zig(v):  # of the step taken modulo 2^32, as the decoder's 32-bit sums take it
        v = _int32(v)
        return 2 * v if v >= 0 else -2 * v - 1

    return [zig(r[0]) for r in flat], [zig(r[1]) for r in flat], [len(run) for run in runs]


def test_vertex_residuals_as_found_by_walking_the_stream():
    rng = np.random.default_rng(11)
    per_ring = rng.choice([3, 4, 4, 4, 5, 7], size=20_000)
    # steps and guesses of up to 2^32 quanta: some beyond 32 bits, taken modulo 2^32
    q = rng.integers(-(2**31), 2**31, size=(int(per_ring.sum()), 2)).astype(np.int32)
    q[rng.choice(len(q), 5_000, replace=False)] = q[:5_000]  # some vertices seen before
    vref, unique = biglayer._shared_vertices(q)
    x, y, runs = biglayer._vertex_residuals(q, vref, unique, per_ring)
    ex, ey, eruns = _residuals_by_walking(q, vref, per_ring)
    assert x.dtype == y.dtype == np.uint32
    assert runs == eruns
    assert x.tolist() == ex
    assert y.tolist() == ey
    assert 0 < int((vref > 0).sum()) < len(q)
    assert max(ex) > 2**32 - 2**27  # steps of nearly ±2^31 between new vertices


def test_a_layer_measured_ahead_is_packed_from_those_measures(monkeypatch):
    from zoneplan.render import payload

    calls = []
    real = payload.measure_for_map

    def counted(gdf, **kwargs):
        calls.append(len(gdf))
        return real(gdf, **kwargs)

    monkeypatch.setattr(payload, "measure_for_map", counted)
    parcels = synthetic_parcels(2000, seed=3).to_crs(9210)  # lon/lat made on the way too
    layer = MapLayer("parcels.gpkg", "p", "p", "user", parcels, big=True, valid=True)
    header, block = big_layer_row(layer, LayerRegistry("en"), "zoneplan-big-0")
    assert calls == [2000]
    ahead = payload.measure_ahead(layer)
    assert ahead.measuring is not None
    assert ahead.measuring.gdf is parcels
    header_ahead, block_ahead = big_layer_row(ahead, LayerRegistry("en"), "zoneplan-big-0")
    assert calls == [2000, 2000]  # measured once, ahead, not again
    assert header_ahead == header
    assert block_ahead.data == block.data
    # measures of other features are not taken for these
    reversed_parcels = parcels.iloc[::-1].reset_index(drop=True)
    _, block_other = big_layer_row(
        replace(ahead, gdf=reversed_parcels), LayerRegistry("en"), "zoneplan-big-0"
    )
    _, block_fresh = big_layer_row(
        replace(layer, gdf=reversed_parcels), LayerRegistry("en"), "zoneplan-big-0"
    )
    assert calls == [2000] * 4
    assert block_other.data == block_fresh.data != block.data
    # only big layers without a style of their own are measured ahead
    for layer_as_is in (replace(layer, big=False), replace(layer, style_by=StyleBy("land_use"))):
        assert payload.measure_ahead(layer_as_is) is layer_as_is
    assert calls == [2000] * 4


def test_the_map_data_of_a_layer_measured_ahead_is_the_same(tmp_path):
    from zoneplan.render.payload import map_payload, measure_ahead

    parcels = synthetic_parcels(1500, seed=5)
    path = tmp_path / "parcels.gpkg"
    parcels.to_file(path)
    layer = user_layer(path, big_layer_features=1000)
    assert layer.big
    assert layer.measuring is None  # reading starts no thread; the map or the program does
    blocks_plain: list = []
    blocks_ahead: list = []
    plain = map_payload([layer], "vi", blocks_plain)
    ahead = map_payload([measure_ahead(layer)], "vi", blocks_ahead)
    assert ahead == plain
    assert [(e, b.header, b.data) for e, b in blocks_ahead] == [
        (e, b.header, b.data) for e, b in blocks_plain
    ]


@pytest.mark.parametrize("whole_on_cores", [False, True])
def test_the_block_is_two_gzip_members_the_geometry_first(monkeypatch, whole_on_cores):
    """
    The block is the geometry's parts as one gzip member, then the rest as another, where
    the header's ``split`` says: each inflates on its own to its share of the whole block,
    which any gzip reader gives from both. Both are deflated the way the whole block's size
    calls for (libdeflate in one piece, or zlib on every core), whatever their own sizes.
    """
    layer = MapLayer("p.gpkg", "p", "p", "user", synthetic_parcels(3000, seed=3), big=True)
    ways = []
    on_cores = biglayer.gzip_on_cores
    monkeypatch.setattr(
        biglayer, "gzip_on_cores", lambda data, **kw: ways.append("cores") or on_cores(data, **kw)
    )
    one_piece = biglayer.deflate.gzip_compress
    monkeypatch.setattr(
        biglayer.deflate,
        "gzip_compress",
        lambda data, level: ways.append("one") or one_piece(data, level),
    )
    header, block = big_layer_row(layer, LayerRegistry("en"), "zoneplan-big-0")
    raw = gzip.decompress(block.data)
    if whole_on_cores:  # a limit between the whole block's size and its second member's
        ways.clear()
        rest = len(raw) - header["split"]["inflated"]
        monkeypatch.setattr(biglayer, "_ONE_PIECE", (rest + len(raw)) // 2)
        header, block = big_layer_row(layer, LayerRegistry("en"), "zoneplan-big-0")
        assert gzip.decompress(block.data) == raw
    assert ways == (["cores"] * 2 if whole_on_cores else ["one"] * 2)
    inflated, deflated = header["split"]["inflated"], header["split"]["deflated"]
    assert 0 < deflated < len(block.data)
    assert gzip.decompress(block.data[:deflated]) == raw[:inflated]
    assert gzip.decompress(block.data[deflated:]) == raw[inflated:]
    geometry = {"rings", "verts", "kinds", "vref", "x", "y"}
    for name, desc in header["parts"].items():
        if name in geometry:
            assert desc["offset"] + desc["bytes"] <= inflated, name
        else:
            assert desc["offset"] >= inflated, name
    assert header["parts"]["x"]["bytes"] > 0
    assert header["parts"]["c0"]["offset"] >= inflated
