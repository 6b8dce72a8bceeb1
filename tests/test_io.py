"""Reading layers with both engines, in GeoJSON, GeoPackage and Shapefile."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

from zoneplan.catalog import load_catalog
from zoneplan.crs import suggest_crs
from zoneplan.errors import CRSError, InputError
from zoneplan.io import concat_layers, load_catalog_layers, read_layer

ENGINES = ["pyogrio", "fiona"]


@pytest.fixture
def sample() -> gpd.GeoDataFrame:
    """Two polygons with Vietnamese names, in WGS 84."""
    return gpd.GeoDataFrame(
        {
            "id": ["a", "b"],
            "name_vi": ["Khu công nghiệp Tiên Lãng 1", "Cảng Nam Đồ Sơn"],
            "area_ha": [120.5, None],
        },
        geometry=[box(106.60, 20.62, 106.62, 20.64), box(106.76, 20.62, 106.78, 20.64)],
        crs=4326,
    )


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("suffix", "driver"), [(".geojson", "GeoJSON"), (".gpkg", "GPKG"), (".shp", None)]
)
def test_read_layer_round_trip(tmp_path, sample, engine, suffix, driver):
    path = tmp_path / f"sample{suffix}"
    sample.to_file(path, driver=driver, engine="pyogrio")
    gdf = read_layer(path, engine=engine)
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf["name_vi"]) == list(sample["name_vi"])
    assert gdf.geometry.normalize().geom_equals_exact(sample.geometry.normalize(), 1e-9).all()
    assert gdf.attrs["source_path"] == str(path)
    assert gdf.attrs["layer_id"] == "sample"


@pytest.mark.parametrize("engine", ENGINES)
def test_read_zipped_shapefile(tmp_path, sample, engine):
    shp = tmp_path / "parcels.shp"
    sample.to_crs(9210).to_file(shp, engine="pyogrio")
    archive = tmp_path / "parcels.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in tmp_path.glob("parcels.*"):
            if part != archive:
                zf.write(part, part.name)
    gdf = read_layer(archive, engine=engine)
    assert gdf.crs.to_epsg() == 9210
    assert list(gdf["name_vi"]) == list(sample["name_vi"])


def test_read_vn2000_geopackage_keeps_its_crs(tmp_path, sample):
    path = tmp_path / "vn2000.gpkg"
    sample.to_crs(9210).to_file(path, engine="pyogrio")
    gdf = read_layer(path)
    assert gdf.crs.to_epsg() == 9210
    back = gdf.to_crs(4326)
    assert back.geometry.geom_equals_exact(sample.geometry, tolerance=1e-7).all()


def test_shapefile_without_prj_is_refused_with_a_suggestion(tmp_path, sample):
    path = tmp_path / "noprj.shp"
    sample.to_crs(9210).to_file(path, engine="pyogrio")
    path.with_suffix(".prj").unlink()
    with pytest.raises(CRSError, match=r"noprj\.shp: the file has no CRS.*EPSG:9210.*--crs"):
        read_layer(path)
    gdf = read_layer(path, crs="EPSG:9210")
    assert gdf.crs.to_epsg() == 9210


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (None, r"no such file"),
        (b"", r"the file is empty"),
        (b'{"type": "FeatureCollection", "features": [', r"not valid JSON at line 1 .*truncated"),
        (b"\xff\xfe\x00garbage", r"not UTF-8 text \(byte 0xff at offset 0\)"),
        (
            b'{"type": "Feature", "geometry": {"type": "Point", "coordinates": [NaN, 1]}}',
            r"not valid JSON",
        ),
    ],
)
def test_read_layer_errors_name_the_file(tmp_path, content, pattern):
    path = tmp_path / "bad.geojson"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=rf"^{tmp_path}/bad\.geojson: {pattern}"):
        read_layer(path)


def test_folder_and_random_bytes(tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        read_layer(tmp_path)
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(InputError, match=r"junk\.gpkg: cannot be read as a GeoPackage file"):
        read_layer(junk)


@pytest.mark.parametrize(
    ("geom", "expected"),
    [
        (box(106.6, 20.6, 106.7, 20.7), "EPSG:4326"),
        (box(606000, 2282000, 607000, 2283000), "EPSG:9210"),
        (box(680000, 2282000, 681000, 2283000), "UTM zone 48N"),
        (box(2282000, 606000, 2283000, 607000), "swapped"),
        (box(1e7, 1e7, 2e7, 2e7), None),
    ],
)
def test_suggest_crs_from_magnitudes(geom, expected):
    guess = suggest_crs(gpd.GeoSeries([geom]))
    if expected is None:
        assert guess is None
    else:
        assert expected in guess


@pytest.mark.parametrize("engine", ENGINES)
def test_load_catalog_layers(engine):
    catalog = load_catalog()
    layers = load_catalog_layers(engine=engine)
    assert list(layers) == [e.id for e in sorted(catalog.layers, key=lambda e: e.order)]
    for layer_id, gdf in layers.items():
        assert gdf.crs.to_epsg() == 4326
        assert len(gdf) > 0
        assert gdf.attrs["layer_id"] == layer_id
        assert gdf.attrs["title_vi"] == catalog[layer_id].title_vi
    zone = layers["zone"]
    assert zone.iloc[0]["declared_area_ha"] == 20000
    stacked = concat_layers(layers)
    assert len(stacked) == sum(len(g) for g in layers.values())
    assert set(stacked["layer"]) == set(layers)


def test_unknown_layer_id():
    with pytest.raises(InputError, match="no layer 'nope' in the catalog; known layers: zone"):
        load_catalog_layers(["nope"])


def test_vietnamese_text_survives_both_engines(tmp_path):
    names = ["Đồ Sơn", "Tiên Lãng", "Vĩnh Bảo", "Kiến Thụy", "Hòa Bình"]
    gdf = gpd.GeoDataFrame(
        {"name_vi": names},
        geometry=[
            Polygon([(106 + i / 10, 20.6), (106.05 + i / 10, 20.6), (106 + i / 10, 20.65)])
            for i in range(5)
        ],
        crs=4326,
    )
    path = tmp_path / "names.gpkg"
    gdf.to_file(path, engine="pyogrio")
    for engine in ENGINES:
        assert list(read_layer(path, engine=engine)["name_vi"]) == names
