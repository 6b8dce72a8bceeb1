"""
Reading the planners' formats: KML/KMZ, DXF, GeoParquet, GeoPackage layers, legacy .dbf
text; and each claimed format through `zoneplan build --layer` to the map.
"""

from __future__ import annotations

import json
import re
import unicodedata
import zipfile

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

from zoneplan.cli import main
from zoneplan.errors import CRSError
from zoneplan.io import read_layer
from zoneplan.validate import load_user_layer

ENGINES = ["pyogrio", "fiona"]
NAMES = ["Khu công nghiệp Tiên Lãng", "Cảng Nam Đồ Sơn", "Đường ven biển"]
TONES = "\u0300\u0301\u0303\u0309\u0323"
SQUARE = [(606000, 2282500), (607000, 2282500), (607000, 2282000), (606000, 2282000)]


def cp1258(text: str) -> bytes:
    """Windows-1258 bytes made without GDAL: base letters precomposed, tone marks combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in TONES)
        out.append(
            unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES)) + tones
        )
    return "".join(out).encode("cp1258")


@pytest.fixture
def sample() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"ten": NAMES, "dien_tich": [120.5, 793.0, None]},
        geometry=[
            box(606000, 2282000, 607000, 2282500),
            box(608000, 2282000, 609000, 2283000),
            box(610000, 2282000, 610500, 2282100),
        ],
        crs=9210,
    )


# --- Shapefile text encodings -----------------------------------------------------------------


def _write_legacy_shapefile(sample, path, cpg: str | None):
    """A Shapefile whose .dbf holds Windows-1258 bytes (written byte for byte through Latin-1)."""
    legacy = sample.copy()
    legacy["ten"] = [cp1258(n).decode("latin-1") for n in NAMES]
    legacy.to_file(path, engine="pyogrio", encoding="ISO-8859-1")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    if cpg is not None:
        path.with_suffix(".cpg").write_text(cpg, encoding="ascii")
    assert cp1258(NAMES[0]) in path.with_suffix(".dbf").read_bytes()


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("cpg", [None, "1258", "CP1258"])
def test_cp1258_dbf_becomes_unicode(tmp_path, sample, engine, cpg):
    path = tmp_path / "legacy.shp"
    _write_legacy_shapefile(sample, path, cpg)
    gdf = read_layer(path, engine=engine)
    assert gdf["ten"].tolist() == NAMES
    assert all(unicodedata.is_normalized("NFC", n) for n in gdf["ten"])


@pytest.mark.parametrize("engine", ENGINES)
def test_utf8_dbf_without_cpg(tmp_path, sample, engine):
    path = tmp_path / "nocpg.shp"
    sample.to_file(path, engine="pyogrio", encoding="UTF-8")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    assert read_layer(path, engine=engine)["ten"].tolist() == NAMES


def test_zipped_legacy_shapefile(tmp_path, sample):
    path = tmp_path / "legacy.shp"
    _write_legacy_shapefile(sample, path, None)
    archive = tmp_path / "legacy.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in tmp_path.glob("legacy.*"):
            if part != archive:
                zf.write(part, part.name)
    gdf = read_layer(archive)
    assert gdf["ten"].tolist() == NAMES
    assert gdf.crs.to_epsg() == 9210


def test_shapefile_without_prj_suggests_hai_phong_crs(tmp_path, sample):
    path = tmp_path / "noprj.shp"
    sample.to_file(path, engine="pyogrio")
    path.with_suffix(".prj").unlink()
    with pytest.raises(
        CRSError, match=r"noprj\.shp: the file has no CRS.*105°45'.*EPSG:9210.*EPSG:9209.*--crs"
    ):
        read_layer(path)
    gdf = load_user_layer(path, crs="EPSG:9210")
    assert gdf.geometry.area.tolist() == pytest.approx(sample.geometry.area.tolist(), rel=1e-12)


# --- KML and KMZ ------------------------------------------------------------------------------

KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Khu kinh tế</name>
<Folder><name>Cảng</name>
 <Placemark><name>Cảng Nam Đồ Sơn</name>
  <Polygon><outerBoundaryIs><LinearRing><coordinates>
   106.7635,20.6141,0 106.8307,20.6141,0 106.8307,20.6487,0 106.7635,20.6487,0 106.7635,20.6141,0
  </coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
</Folder>
<Folder><name>Khu chức năng</name>
 <Placemark><name>Khu thương mại tự do</name>
  <Polygon><outerBoundaryIs><LinearRing><coordinates>
   106.62,20.62 106.71,20.62 106.71,20.68 106.62,20.68 106.62,20.62
  </coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
</Folder></Document></kml>
"""


def test_google_earth_kml_folders_are_stacked(tmp_path):
    path = tmp_path / "khu.kml"
    path.write_text(KML, encoding="utf-8")
    gdf = read_layer(path)
    assert gdf.crs.to_epsg() == 4326
    assert gdf["name"].tolist() == ["Cảng Nam Đồ Sơn", "Khu thương mại tự do"]
    assert gdf["folder"].tolist() == ["Cảng", "Khu chức năng"]
    assert gdf.geometry.iloc[0].bounds == pytest.approx((106.7635, 20.6141, 106.8307, 20.6487))
    assert not {"tessellate", "extrude", "visibility", "drawOrder", "icon"} & set(gdf.columns)
    one = read_layer(path, layer="Cảng")
    assert one["name"].tolist() == ["Cảng Nam Đồ Sơn"]


@pytest.mark.parametrize("engine", ENGINES)
def test_kmz(tmp_path, engine):
    path = tmp_path / "khu.kmz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("doc.kml", KML.encode("utf-8"))
    gdf = read_layer(path, engine=engine)  # KML is read with pyogrio whichever engine is asked
    assert gdf["name"].tolist() == ["Cảng Nam Đồ Sơn", "Khu thương mại tự do"]


# --- DXF --------------------------------------------------------------------------------------


def dxf_text(entities: list[str], codepage: str = "ANSI_1252") -> str:
    """A minimal AutoCAD 2000 DXF with the given entity group codes."""
    head = [
        "0",
        "SECTION",
        "2",
        "HEADER",
        "9",
        "$ACADVER",
        "1",
        "AC1015",
        "9",
        "$DWGCODEPAGE",
        "3",
        codepage,
        "0",
        "ENDSEC",
        "0",
        "SECTION",
        "2",
        "ENTITIES",
    ]
    return "\n".join([*head, *entities, "0", "ENDSEC", "0", "EOF"]) + "\n"


def lwpolyline(layer: str, points, *, closed: bool = True) -> list[str]:
    codes = ["0", "LWPOLYLINE", "8", layer, "90", str(len(points)), "70", "1" if closed else "0"]
    for x, y in points:
        codes += ["10", f"{x:.3f}", "20", f"{y:.3f}"]
    return codes


@pytest.mark.parametrize("engine", ENGINES)
def test_dxf_closed_polylines_become_polygons(tmp_path, engine):
    path = tmp_path / "ranh_gioi.dxf"
    entities = lwpolyline("Khu c\\U+00F4ng nghi\\U+1EC7p", SQUARE)
    entities += lwpolyline("Ranh gioi", [(606000, 2282000), (606500, 2282700)], closed=False)
    path.write_text(dxf_text(entities), encoding="ascii")
    with pytest.raises(CRSError, match=r"ranh_gioi\.dxf: the file has no CRS.*--crs"):
        read_layer(path, engine=engine)
    gdf = read_layer(path, crs="EPSG:9210", engine=engine)
    assert gdf.geom_type.tolist() == ["Polygon", "LineString"]
    assert gdf["Layer"].tolist() == ["Khu công nghiệp", "Ranh gioi"]
    assert gdf.geometry.iloc[0].area == pytest.approx(500_000.0, rel=1e-12)
    assert not gdf.geometry.has_z.any()


@pytest.mark.parametrize("engine", ENGINES)
def test_dxf_in_vietnamese_code_page(tmp_path, engine):
    path = tmp_path / "cp1258.dxf"
    path.write_bytes(cp1258(dxf_text(lwpolyline(NAMES[0], SQUARE), codepage="ANSI_1258")))
    gdf = read_layer(path, crs="EPSG:9210", engine=engine)
    assert gdf["Layer"].tolist() == [NAMES[0]]


def test_dxf_with_utf8_text_under_a_western_code_page(tmp_path):
    path = tmp_path / "utf8.dxf"
    path.write_text(dxf_text(lwpolyline(NAMES[1], SQUARE)), encoding="utf-8")
    assert read_layer(path, crs="EPSG:9210")["Layer"].tolist() == [NAMES[1]]


# --- GeoParquet and GeoPackage layers -----------------------------------------------------------


def test_geoparquet(tmp_path, sample):
    path = tmp_path / "khu.parquet"
    sample.to_parquet(path)
    gdf = read_layer(path)
    assert gdf.crs.to_epsg() == 9210
    assert gdf["ten"].tolist() == NAMES
    assert gdf.geometry.geom_equals_exact(sample.geometry, 0).all()


@pytest.mark.parametrize("engine", ENGINES)
def test_geopackage_any_layer(tmp_path, sample, engine):
    path = tmp_path / "nhieu_lop.gpkg"
    sample.iloc[:1].to_file(path, layer="cang", engine="pyogrio")
    sample.iloc[1:].to_crs(4326).to_file(path, layer="khu_chuc_nang", engine="pyogrio")
    gdf = read_layer(path, layer="khu_chuc_nang", engine=engine)
    assert gdf["ten"].tolist() == NAMES[1:]
    assert gdf.crs.to_epsg() == 4326
    assert read_layer(path, layer="cang", engine=engine)["ten"].tolist() == NAMES[:1]


def test_polygon_with_hole_from_geojson_survives(tmp_path):
    shell = [(106.70, 20.60), (106.72, 20.60), (106.72, 20.62), (106.70, 20.62)]
    hole = [(106.705, 20.605), (106.71, 20.605), (106.71, 20.61)]
    gdf = gpd.GeoDataFrame({"ten": ["Có lỗ"]}, geometry=[Polygon(shell, [hole])], crs=4326)
    path = tmp_path / "hole.geojson"
    gdf.to_file(path, engine="pyogrio")
    back = read_layer(path)
    assert back.geometry.iloc[0].equals(gdf.geometry.iloc[0])


# --- every format the map claims, through `zoneplan build --layer` ----------------------------


def _write_format(fmt: str, sample: gpd.GeoDataFrame, folder) -> tuple[object, list[str]]:
    """Write the sample (or, for KML/KMZ/DXF, their own shapes) as `fmt`; extra CLI args."""
    if fmt == "GeoJSON":
        path = folder / "khu.geojson"
        sample.to_crs(4326).to_file(path, driver="GeoJSON")
    elif fmt == "GeoPackage":
        path = folder / "khu.gpkg"
        sample.to_file(path, driver="GPKG")
    elif fmt == "Shapefile":
        path = folder / "khu.shp"
        sample.to_file(path, engine="pyogrio")
    elif fmt == "zipped Shapefile":
        sample.to_file(folder / "khu.shp", engine="pyogrio")
        path = folder / "khu.zip"
        with zipfile.ZipFile(path, "w") as zf:
            for part in folder.glob("khu.*"):
                if part != path:
                    zf.write(part, part.name)
    elif fmt == "GeoParquet":
        path = folder / "khu.parquet"
        sample.to_parquet(path)
    elif fmt == "KML":
        path = folder / "khu.kml"
        path.write_text(KML, encoding="utf-8")
    elif fmt == "KMZ":
        path = folder / "khu.kmz"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("doc.kml", KML.encode("utf-8"))
    else:  # DXF: no CRS in the file
        path = folder / "khu.dxf"
        path.write_text(dxf_text(lwpolyline(NAMES[0], SQUARE)), encoding="utf-8")
        return path, ["--crs", "EPSG:9210"]
    return path, []


KML_FRAME = gpd.GeoDataFrame(
    {"name": ["Cảng Nam Đồ Sơn", "Khu thương mại tự do"]},
    geometry=[box(106.7635, 20.6141, 106.8307, 20.6487), box(106.62, 20.62, 106.71, 20.68)],
    crs=4326,
)


@pytest.mark.parametrize(
    "fmt",
    [
        "GeoJSON",
        "GeoPackage",
        "Shapefile",
        "zipped Shapefile",
        "GeoParquet",
        "KML",
        "KMZ",
        "DXF",
    ],
)
def test_every_claimed_format_reaches_the_map(tmp_path, sample, fmt):
    path, extra = _write_format(fmt, sample, tmp_path)
    out = tmp_path / "map.html"
    assert main(["-q", "build", "--layer", str(path), *extra, "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    data = json.loads(
        re.search(
            r'<script type="application/json" id="zoneplan-data">(.*?)</script>', html, re.S
        ).group(1)
    )
    features = data["layers"][-1]["data"]["features"]
    if fmt in {"KML", "KMZ"}:
        expected = KML_FRAME
        names = expected["name"].tolist()
    elif fmt == "DXF":
        expected = gpd.GeoDataFrame(geometry=[Polygon(SQUARE)], crs=9210)
        names = [NAMES[0]]
    else:
        expected, names = sample, NAMES
    assert [f["zp"]["names"][0] for f in features] == names
    # areas in hectares on the VN-2000 plane, against geopandas' own reprojection
    planar_ha = (expected.to_crs(9210).area / 10_000).tolist()
    assert [f["zp"]["area_ha"] for f in features] == pytest.approx(planar_ha, rel=1e-5)
