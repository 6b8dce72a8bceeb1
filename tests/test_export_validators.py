"""
Exports checked by the real validators: KML against the OGC KML 2.2 XML schema (as
shipped by pykml, validated with lxml), for inputs whose ids are numbers, hold spaces
or repeat.
"""

from __future__ import annotations

import pathlib
import re

import geopandas as gpd
import pytest
from shapely.geometry import box

from zoneplan.export import write_layer
from zoneplan.io import read_layer


@pytest.fixture(scope="module")
def kml_schema():
    import pykml
    from lxml import etree

    xsd = pathlib.Path(pykml.__file__).parent / "schemas" / "ogckml22.xsd"
    return etree.XMLSchema(etree.parse(str(xsd)))


@pytest.mark.parametrize(
    ("ids", "layer"),
    [
        ([1, 1, 2], "khu"),  # numbers, repeated
        (
            ["a b", "a b", "Đồ Sơn/1"],
            "1 khu kinh tế",
        ),  # spaces, slashes, a name starting with a digit
        ([None, "x", "y"], "ranh_gioi"),
    ],
)
def test_kml_validates_against_the_ogc_schema(tmp_path, kml_schema, ids, layer):
    from lxml import etree

    gdf = gpd.GeoDataFrame(
        {
            "id": ids,
            "name": ["Cảng Nam Đồ Sơn", "Sân bay Tiên Lãng", "Khu phi thuế quan"],
            "ghi_chu": ["Đất ở", "Đất giao thông", None],
        },
        geometry=[box(106.70 + i / 100, 20.60, 106.705 + i / 100, 20.605) for i in range(3)],
        crs=4326,
    )
    out = write_layer(gdf, tmp_path / "out.kml", layer_name=layer)
    doc = etree.parse(str(out))
    assert kml_schema.validate(doc), kml_schema.error_log
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    marks = doc.findall(".//k:Placemark", ns)
    placemark_ids = [m.get("id") for m in marks]
    assert len(set(placemark_ids)) == 3
    assert [m.findtext("k:name", namespaces=ns) for m in marks] == gdf["name"].tolist()
    back = read_layer(out)
    assert back["name"].tolist() == gdf["name"].tolist()
    expected = [None if v is None else str(v) for v in ids]
    assert [None if v is None or v != v else v for v in back["id"]] == expected
    assert back["ghi_chu"].tolist()[:2] == ["Đất ở", "Đất giao thông"]


def test_kml_name_from_the_vietnamese_name_column(tmp_path, kml_schema):
    from lxml import etree

    gdf = gpd.GeoDataFrame(
        {"ten": ["Khu công nghiệp Tiên Thanh"]},
        geometry=[box(106.7, 20.6, 106.71, 20.61)],
        crs=4326,
    )
    out = write_layer(gdf, tmp_path / "ten.kml")
    doc = etree.parse(str(out))
    assert kml_schema.validate(doc), kml_schema.error_log
    name = doc.findtext(
        ".//{http://www.opengis.net/kml/2.2}Placemark/{http://www.opengis.net/kml/2.2}name"
    )
    assert name == "Khu công nghiệp Tiên Thanh"
    back = read_layer(out)  # the column, and the placemarks' <name> as `name`
    assert back["ten"].tolist() == ["Khu công nghiệp Tiên Thanh"]
    assert back["name"].tolist() == ["Khu công nghiệp Tiên Thanh"]


# --- dates stay dates; GeoPackage through GDAL's validate_gpkg ---------------------------------


def _validate_gpkg_script() -> pathlib.Path:
    """GDAL's validate_gpkg.py from the gdal-utils wheel (run with GDAL's own bindings)."""
    import importlib.util

    spec = importlib.util.find_spec("osgeo_utils")
    assert spec is not None, "gdal-utils is installed by make test (pip install --no-deps)"
    return pathlib.Path(spec.origin).parent / "samples" / "validate_gpkg.py"


@pytest.fixture
def dated(tmp_path):
    import datetime

    return gpd.GeoDataFrame(
        {
            "ten": ["Cảng Nam Đồ Sơn", "Khu phi thuế quan"],
            "ngay_qd": [datetime.date(2024, 12, 31), None],  # Decision 1511/QĐ-TTg
        },
        geometry=[box(606000, 2282000, 606500, 2282500), box(607000, 2282000, 607500, 2282500)],
        crs=9210,
    )


@pytest.mark.parametrize(
    ("fmt", "ogr_type"), [("gpkg", "Date"), ("shp", "Date"), ("geojson", "Date")]
)
def test_dates_are_written_as_dates(tmp_path, dated, fmt, ogr_type):
    import datetime
    import subprocess

    out = write_layer(dated, tmp_path / f"qd.{fmt}")
    info = subprocess.run(
        ["ogrinfo", "-so", "-al", str(out)], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(rf"ngay_qd: {ogr_type} \(", info), info
    back = read_layer(out)
    assert back["ngay_qd"].iloc[0] == datetime.date(2024, 12, 31)
    assert type(back["ngay_qd"].iloc[0]) is datetime.date
    assert back["ngay_qd"].isna().iloc[1]
    if fmt == "geojson":
        assert '"ngay_qd": "2024-12-31"' in out.read_text(encoding="utf-8")


def test_gpkg_passes_validate_gpkg_with_its_extra_checks(tmp_path, dated):
    import subprocess

    out = write_layer(dated, tmp_path / "qd.gpkg")
    result = subprocess.run(
        ["/usr/bin/python3", str(_validate_gpkg_script()), "--extra", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Error" not in result.stdout + result.stderr


# --- Shapefile limits: nothing cut silently, no raw library warning -----------------------------


def test_shapefile_limits_go_to_side_tables_without_raw_warnings(tmp_path):
    import csv
    import subprocess
    import sys

    long_text = "Đất thương mại, dịch vụ; " * 20  # about 560 bytes of UTF-8
    gdf = gpd.GeoDataFrame(
        {"ten_khu_dat_day_du": ["Khu A", "Khu B"], "mo_ta": [long_text, "ngắn"]},
        geometry=[box(606000, 2282000, 606500, 2282500), box(607000, 2282000, 607500, 2282500)],
        crs=9210,
    )
    source = tmp_path / "khu.gpkg"
    write_layer(gdf, source)
    out = tmp_path / "khu.shp"
    run = [sys.executable, "-W", "always", "-m", "zoneplan"]
    result = subprocess.run(
        [*run, "export", str(source), "--out", str(out)], capture_output=True, text=True, check=True
    )
    assert "Warning" not in result.stderr, result.stderr
    assert "khu.names.csv" in result.stderr
    assert "khu.fields.csv" in result.stderr
    with (tmp_path / "khu.names.csv").open(encoding="utf-8") as fh:
        assert list(csv.reader(fh))[1:] == [
            ["ten_khu_da", "ten_khu_dat_day_du"],
            ["mo_ta", "mo_ta"],
        ]
    with (tmp_path / "khu.fields.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["FID", "ten_khu_dat_day_du", "mo_ta"]
    assert rows[1] == ["0", "Khu A", long_text]
    back = read_layer(out)
    assert len(back["mo_ta"].iloc[0].encode()) <= 254  # what the .dbf itself holds
    quiet = subprocess.run(
        [*run, "-q", "export", str(source), "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert quiet.stderr == ""
