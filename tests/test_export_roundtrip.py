"""Every output format round-trips attributes, geometry (areas to 1e-9) and Vietnamese text."""

from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
from shapely.geometry import MultiPolygon, Polygon, box

from zoneplan.cli import main
from zoneplan.crs import reproject
from zoneplan.errors import CRSError, OutputError
from zoneplan.export import SUFFIXES, format_for, write_layer, write_layers
from zoneplan.io import read_layer

GEOD = pyproj.Geod(ellps="WGS84")
NAMES = ["Khu công nghiệp Tiên Lãng", "Cảng Nam Đồ Sơn", "Đô thị Bàng La — ven biển"]
ATTRS = ["id", "name", "ten", "dien_tich", "so_lo", "co_dat"]


@pytest.fixture
def vn_layer() -> gpd.GeoDataFrame:
    """
    Three features in VN-2000 / TM-3 105°45': a polygon with a hole, a multipolygon, a plain
    one.
    """
    holed = Polygon(
        [(606000, 2282000), (607000, 2282000), (607000, 2282500), (606000, 2282500)],
        [[(606100, 2282100), (606300, 2282100), (606300, 2282200), (606100, 2282200)]],
    )
    multi = MultiPolygon(
        [box(608000, 2281000, 608700, 2281400), box(609000, 2281000, 609300, 2281900)]
    )
    return gpd.GeoDataFrame(
        {
            "id": ["kcn-1", "cang-1", "dt-1"],
            "name": ["KCN 1", "Cang 1", "Do thi"],
            "ten": NAMES,
            "dien_tich": [120.5, None, 2464.125],
            "so_lo": np.array([1, 22, 333], dtype="int32"),
            "co_dat": [True, False, True],
        },
        geometry=[holed, multi, box(604000.123, 2280000.456, 605234.5, 2281111.1)],
        crs=9210,
    )


def _ext(fmt: str) -> str:
    return {"geojson": ".geojson", "parquet": ".parquet"}.get(fmt, f".{fmt}")


def _same_values(left: pd.Series, right: pd.Series) -> None:
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a is None or (isinstance(a, float) and np.isnan(a)):
            assert b is None or (isinstance(b, float) and np.isnan(b))
        else:
            assert a == b
            assert type(a) is type(b) or (
                isinstance(a, int | float) and not isinstance(a, bool)
            ) == (isinstance(b, int | float) and not isinstance(b, bool))


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp", "kml", "parquet"])
def test_every_attribute_geometry_and_text_survive(tmp_path, vn_layer, fmt):
    out = write_layer(vn_layer, tmp_path / f"lop{_ext(fmt)}", fmt)
    back = read_layer(out)
    expected_crs = 4326 if fmt in {"geojson", "kml"} else 9210
    assert back.crs.to_epsg() == expected_crs
    assert back["ten"].tolist() == NAMES
    for col in ATTRS:
        _same_values(vn_layer[col], back[col])
    grid = reproject(back, 9210)
    ratio = grid.geometry.area.to_numpy() / vn_layer.geometry.area.to_numpy()
    assert np.abs(ratio - 1).max() < 1e-9
    for got, want in zip(grid.geometry, vn_layer.geometry, strict=True):
        assert got.hausdorff_distance(want) < 1e-6  # metres
    assert _holes(grid) == [1, 0, 0]


def _holes(gdf: gpd.GeoDataFrame) -> list[int]:
    """Number of holes per feature, whatever the polygon/multipolygon type."""
    return [sum(len(p.interiors) for p in getattr(g, "geoms", [g])) for g in gdf.geometry]


def test_wgs84_layer_round_trips_through_vn2000_files(tmp_path):
    lonlat = gpd.GeoDataFrame(
        {"ten": NAMES[:2]},
        geometry=[box(106.70, 20.60, 106.71, 20.61), box(106.7635, 20.6141, 106.8307, 20.6487)],
        crs=4326,
    )
    ref = [abs(GEOD.geometry_area_perimeter(g)[0]) for g in lonlat.geometry]
    for fmt in ("gpkg", "shp", "parquet"):
        out = write_layer(lonlat, tmp_path / f"vn{_ext(fmt)}", fmt, crs="EPSG:9210")
        back = read_layer(out)
        assert back.crs.to_epsg() == 9210
        again = reproject(back, 4326)
        areas = [abs(GEOD.geometry_area_perimeter(g)[0]) for g in again.geometry]
        assert np.abs(np.array(areas) / ref - 1).max() < 1e-9
        assert back["ten"].tolist() == NAMES[:2]


def test_vn2000_coordinates_match_the_published_point(tmp_path):
    pt = gpd.GeoDataFrame(
        {"ten": ["Bến 1-2"]}, geometry=[box(106.7699, 20.6319, 106.7701, 20.6321)], crs=4326
    )
    back = read_layer(write_layer(pt, tmp_path / "ben.gpkg", crs="EPSG:9210"))
    centre = back.geometry.iloc[0].centroid
    assert (centre.x, centre.y) == pytest.approx((606105.05, 2282548.31), abs=0.02)  # FACTS §6


@pytest.mark.parametrize("engine", ["pyogrio", "fiona"])
def test_dxf_keeps_geometry_layer_names_and_labels(tmp_path, vn_layer, engine):
    out = write_layer(vn_layer.rename(columns={"ten": "layer"}), tmp_path / "ban_ve.dxf")
    assert out.read_bytes().isascii()  # Vietnamese as \U+XXXX escapes, readable by every AutoCAD
    back = read_layer(out, engine=engine)
    assert back["Layer"].tolist() == NAMES
    assert back["name"].tolist() == vn_layer["name"].tolist()
    assert back.geom_type.tolist() == vn_layer.geom_type.tolist()
    assert (
        np.abs(back.geometry.area.to_numpy() / vn_layer.geometry.area.to_numpy() - 1).max() < 1e-12
    )
    for got, want in zip(back.geometry, vn_layer.geometry, strict=True):
        assert got.hausdorff_distance(want) < 1e-6
    assert _holes(back) == [1, 0, 0]


#: Every vowel with every tone mark, and đ: the whole Vietnamese alphabet.
ALPHABET = "aàáảãạ ăằắẳẵặ âầấẩẫậ eèéẻẽẹ êềếểễệ iìíỉĩị oòóỏõọ ôồốổỗộ ơờớởỡợ uùúủũụ ưừứửữự yỳýỷỹỵ đ"
#: What each format is documented to change, column by column (docs/your-own-data.md):
#: KML holds dates as ISO text, MapInfo has no empty number (0), a Shapefile's field names
#: hold 10 bytes (the full names are in the side table written with it).
CHANGED = {
    ("kml", "decision_date"): lambda v: None if v is None else v.isoformat(),
    ("tab", "dien_tich"): lambda v: 0.0 if pd.isna(v) else v,
    ("mif", "dien_tich"): lambda v: 0.0 if pd.isna(v) else v,
}
RENAMED = {("shp", "decision_date"): "decision_d"}


@pytest.fixture
def office_layer(vn_layer) -> gpd.GeoDataFrame:
    """The round-trip layer with dates, a category and the whole alphabet in its names."""
    return vn_layer.assign(
        name=[ALPHABET, ALPHABET.upper(), "Đồ Sơn"],
        category=["industrial_park", "port_logistics", "urban"],
        decision_date=[dt.date(2024, 12, 30), dt.date(2025, 6, 16), None],
    )


@pytest.mark.parametrize("fmt", list(SUFFIXES))
def test_every_format_round_trip(tmp_path, office_layer, fmt):
    """
    Written and read back by zoneplan, every format keeps each value, date and Vietnamese
    string but for its documented limits; DXF, which has no attribute table, keeps the
    geometry, the category as the CAD layer and the name as the label.
    """
    out = write_layer(office_layer, tmp_path / f"lop{SUFFIXES[fmt][0]}", fmt)
    back = read_layer(out)
    grid = reproject(back, 9210)
    # MapInfo: VN-2000 through its spelled-out datum shift, TAB in integer coordinates
    mapinfo = fmt in {"tab", "mif"}
    ratio = grid.geometry.area.to_numpy() / office_layer.geometry.area.to_numpy()
    assert np.abs(ratio - 1).max() < (1e-6 if mapinfo else 1e-9)
    for got, want in zip(grid.geometry, office_layer.geometry, strict=True):
        assert got.hausdorff_distance(want) < (2e-3 if mapinfo else 1e-6)  # metres
    assert _holes(grid) == [1, 0, 0]
    columns = ["name", "category"] if fmt == "dxf" else [*ATTRS, "category", "decision_date"]
    for col in columns:
        change = CHANGED.get((fmt, col), lambda v: v)
        want = pd.Series([change(None if pd.isna(v) else v) for v in office_layer[col]])
        _same_values(want, back[RENAMED.get((fmt, col), col)])
    if fmt == "dxf":
        assert back["Layer"].tolist() == office_layer["category"].tolist()
    else:
        dates = back[RENAMED.get((fmt, "decision_date"), "decision_date")].tolist()
        assert [type(d) for d in dates[:2]] == [str if fmt == "kml" else dt.date] * 2


def test_shapefile_set_has_utf8_cpg_and_replaces_stale_parts(tmp_path, vn_layer):
    out = tmp_path / "khu.shp"
    (tmp_path / "khu.qix").write_bytes(b"old spatial index")
    write_layer(vn_layer, out)
    assert (tmp_path / "khu.cpg").read_text() == "UTF-8"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "khu.cpg",
        "khu.dbf",
        "khu.prj",
        "khu.shp",
        "khu.shx",
    ]


def test_shapefile_long_field_names_are_cut_and_logged(tmp_path, caplog):
    gdf = gpd.GeoDataFrame({"declared_area_ha": [1.5]}, geometry=[box(0, 0, 1, 1)], crs=9210)
    with caplog.at_level("INFO", logger="zoneplan"):
        back = read_layer(write_layer(gdf, tmp_path / "cut.shp"))
    assert back["declared_a"].tolist() == [1.5]
    assert "declared_area_ha" in caplog.text
    mapping = (tmp_path / "cut.names.csv").read_text(encoding="utf-8")
    assert "declared_a,declared_area_ha" in mapping


def test_failed_write_leaves_the_old_file_untouched(tmp_path, vn_layer):
    out = tmp_path / "khu.shp"
    write_layer(vn_layer, out)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    mixed = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), box(0, 0, 1, 1).exterior], crs=9210)
    with pytest.raises(OutputError, match=r"khu\.shp: cannot be written as shp"):
        write_layer(mixed, out)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    gpkg = tmp_path / "khu.gpkg"
    write_layer(vn_layer, gpkg)
    data = gpkg.read_bytes()
    with pytest.raises(CRSError, match="has no CRS"):
        write_layer(gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)]), gpkg)
    assert gpkg.read_bytes() == data
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize(
    ("path", "fmt", "pattern"),
    [
        ("a.kml", "gpkg", r"the suffix '\.kml' does not match --format gpkg"),
        ("a.txt", None, r"cannot tell the format"),
        ("a.gpkg", "svg", r"unknown format 'svg'"),
    ],
)
def test_format_errors(path, fmt, pattern):
    with pytest.raises(OutputError, match=pattern):
        format_for(path, fmt)


def test_kml_refuses_a_projected_crs(tmp_path, vn_layer):
    with pytest.raises(CRSError, match=r"kml is always WGS 84"):
        write_layer(vn_layer, tmp_path / "a.kml", crs="EPSG:9210")


def test_geopackage_with_several_layers(tmp_path, vn_layer):
    out = write_layers(
        {"cang": vn_layer.iloc[:1], "khu": vn_layer.iloc[1:].to_crs(4326)}, tmp_path / "two.gpkg"
    )
    assert read_layer(out, layer="cang")["ten"].tolist() == NAMES[:1]
    khu = read_layer(out, layer="khu")
    assert khu.crs.to_epsg() == 4326
    assert khu["ten"].tolist() == NAMES[1:]


# --- the command ------------------------------------------------------------------------------


@pytest.fixture
def catalog_dir(tmp_path, monkeypatch, vn_layer):
    folder = tmp_path / "geodata"
    folder.mkdir()
    reproject(vn_layer, 4326).to_file(folder / "functional.geojson", engine="pyogrio")
    entry = {
        "id": "functional",
        "file": "functional.geojson",
        "title_vi": "Khu chức năng",
        "title_en": "Functional areas",
        "group": "functional",
        "order": 1,
        "visible": True,
        "style": {},
    }
    (folder / "catalog.json").write_text(
        json.dumps({"layers": [entry]}, ensure_ascii=False), encoding="utf-8"
    )
    monkeypatch.setenv("ZONEPLAN_GEODATA", str(folder))
    return folder


def test_cli_export_catalog_layer_and_file(tmp_path, catalog_dir, vn_layer):
    own = tmp_path / "own.gpkg"
    write_layer(vn_layer, own)
    out = tmp_path / "out.gpkg"
    assert (
        main(["-q", "export", "functional", str(own), "--crs", "EPSG:9210", "--out", str(out)]) == 0
    )
    for layer in ("functional", "own"):
        back = read_layer(out, layer=layer)
        assert back.crs.to_epsg() == 9210
        assert back["ten"].tolist() == NAMES
        assert (
            np.abs(back.geometry.area.to_numpy() / vn_layer.geometry.area.to_numpy() - 1).max()
            < 1e-9
        )
    kml = tmp_path / "out.kml"
    assert main(["-q", "export", "functional", str(own), "--format", "kml", "--out", str(kml)]) == 0
    stacked = read_layer(kml)
    assert stacked["layer"].tolist() == ["functional"] * 3 + ["own"] * 3
    assert stacked["ten"].tolist() == NAMES * 2


def test_cli_export_errors_are_one_line(tmp_path, catalog_dir, capsys):
    out = tmp_path / "x.gpkg"
    assert main(["export", "nope", "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "zoneplan: error: nope: neither a file nor a catalog layer; "
        "give a file path or one of functional"
    ]
    bare = tmp_path / "bare.dxf"
    bare.write_text("0\nSECTION\n2\nENTITIES\n0\nENDSEC\n0\nEOF\n", encoding="ascii")
    assert (
        main(["export", "functional", "--out", str(tmp_path / "x.kml"), "--crs", "EPSG:9210"]) == 1
    )
    assert "kml is always WGS 84" in capsys.readouterr().err
    assert not out.exists()
