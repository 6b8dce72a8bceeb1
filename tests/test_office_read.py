"""
Files as they travel between offices: Shapefiles whose parts disagree, a coastline of
two million vertices, and layers given as devices, pipes or sockets.

Every fixture is made here (GDAL through pyogrio, numpy); no third-party data.
"""

from __future__ import annotations

import zipfile

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from zoneplan.crs import reproject
from zoneplan.errors import CRSError, InputError
from zoneplan.export import write_layer
from zoneplan.io import input_limit, read_layer
from zoneplan.legacy_text import encode, encode_cp1258


@pytest.fixture
def parcels(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"so_thua": list(range(1, 6)), "ten": [f"Thửa {i}" for i in range(1, 6)]},
        geometry=[box(606000 + i * 100, 2282000, 606050 + i * 100, 2282050) for i in range(5)],
        crs=9210,
    )
    path = tmp_path / "thua.shp"
    gdf.to_file(path, engine="pyogrio")
    return path


def _dbf_layout(path):
    data = path.with_suffix(".dbf").read_bytes()
    head_len = int.from_bytes(data[8:10], "little")
    rec_len = int.from_bytes(data[10:12], "little")
    return data, head_len, rec_len


def test_a_whole_set_reads(parcels):
    assert read_layer(parcels)["so_thua"].tolist() == [1, 2, 3, 4, 5]


def test_truncated_dbf_is_refused_with_the_counts(parcels):
    data, head_len, rec_len = _dbf_layout(parcels)
    parcels.with_suffix(".dbf").write_bytes(data[: head_len + 3 * rec_len + 7])  # cut mid-record
    with pytest.raises(InputError) as err:
        read_layer(parcels)
    msg = str(err.value)
    assert "thua.shp: the .dbf file is truncated" in msg
    assert "the .shp holds 5 shape(s), the .shx indexes 5, the .dbf declares 5 record(s)" in msg
    assert "but holds 3" in msg
    assert "copy the .dbf again" in msg


def test_dbf_from_another_export_is_refused(parcels, tmp_path):
    other = tmp_path / "other.shp"
    gpd.read_file(parcels).head(4).to_file(other, engine="pyogrio")
    parcels.with_suffix(".dbf").write_bytes(other.with_suffix(".dbf").read_bytes())
    with pytest.raises(InputError, match=r"the Shapefile disagree \(the \.shp holds 5"):
        read_layer(parcels)


def test_shx_from_another_export_is_refused(parcels, tmp_path):
    other = tmp_path / "other.shp"
    gpd.read_file(parcels).head(3).to_file(other, engine="pyogrio")
    parcels.with_suffix(".shx").write_bytes(other.with_suffix(".shx").read_bytes())
    with pytest.raises(InputError, match=r"the \.shx indexes 3"):
        read_layer(parcels)


def test_truncated_shp_is_refused(parcels):
    data = parcels.read_bytes()
    parcels.write_bytes(data[:-20])
    with pytest.raises(InputError, match=r"the \.shp file is truncated \(the \.shp holds 4"):
        read_layer(parcels)


@pytest.mark.parametrize("part", [".shx", ".dbf"])
def test_missing_part_is_named(parcels, part):
    parcels.with_suffix(part).unlink()
    with pytest.raises(InputError, match=rf"the \{part} file .* is missing beside the \.shp"):
        read_layer(parcels)


def test_truncated_dbf_inside_a_zip(parcels, tmp_path):
    data, head_len, rec_len = _dbf_layout(parcels)
    archive = tmp_path / "thua.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in (".shp", ".shx", ".prj"):
            zf.write(parcels.with_suffix(part), f"thua{part}")
        zf.writestr("thua.dbf", data[: head_len + 2 * rec_len])
    with pytest.raises(InputError, match=r"thua\.zip: the \.dbf file is truncated"):
        read_layer(archive)


def test_source_files_are_not_modified(parcels):
    data, head_len, rec_len = _dbf_layout(parcels)
    parcels.with_suffix(".dbf").write_bytes(data[: head_len + rec_len])
    before = {p.name: p.read_bytes() for p in parcels.parent.iterdir()}
    with pytest.raises(InputError):
        read_layer(parcels)
    assert {p.name: p.read_bytes() for p in parcels.parent.iterdir()} == before


# --- a very large single geometry --------------------------------------------------------------


@pytest.mark.slow
def test_a_two_million_vertex_coastline_is_read(tmp_path):
    """One polygon of 2,000,000 vertices (about 80 MB): GDAL's per-object limit refuses it."""
    n = 2_000_000
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    wobble = 1 + 0.01 * np.sin(50 * t)
    x = 106.7 + 0.2 * np.cos(t) * wobble
    y = 20.7 + 0.2 * np.sin(t) * wobble
    ring = np.column_stack([np.append(x, x[0]), np.append(y, y[0])])
    coords = ",".join(f"[{a!r},{b!r}]" for a, b in ring.tolist())
    path = tmp_path / "bo_bien.geojson"
    path.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature",'
        '"properties":{"ten":"Đường bờ biển"},'
        f'"geometry":{{"type":"Polygon","coordinates":[[{coords}]]}}}}]}}',
        encoding="utf-8",
    )
    size_mb = path.stat().st_size / 1e6
    assert size_mb > 60
    gdf = read_layer(path)
    coastline = gdf.geometry.iloc[0]
    assert len(coastline.exterior.coords) == n + 1
    assert np.array_equal(np.asarray(coastline.exterior.coords), ring)
    assert gdf["ten"].iloc[0] == "Đường bờ biển"
    with input_limit(size_mb / 2), pytest.raises(InputError, match="more than the"):
        read_layer(path)  # the file-size limit still holds


# --- MicroStation DGN V7, written by GDAL's own DGN writer ------------------------------------

#: Made with GDAL's Python bindings (osgeo, Debian's python3-gdal): pyogrio cannot set the
#: DGN writer's Level field or a text element's LABEL style.
_MAKE_DGN = """
import sys
from osgeo import gdal, ogr
gdal.UseExceptions()
ds = ogr.GetDriverByName("DGN").CreateDataSource(sys.argv[1], options=[
    "MASTER_UNIT_NAME=m", "SUB_UNIT_NAME=cm", "SUB_UNITS_PER_MASTER_UNIT=100",
    "UOR_PER_SUB_UNIT=1"])
layer = ds.CreateLayer("elements")
for line in sys.stdin.read().splitlines():
    level, wkt, text = line.split("|")
    f = ogr.Feature(layer.GetLayerDefn())
    f.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
    f.SetField("Level", int(level))
    if text:
        f.SetStyleString('LABEL(t:"%s",s:2g)' % text)
    layer.CreateFeature(f)
ds = None
"""


def _square(x, y, size=100):
    return f"POLYGON(({x} {y},{x + size} {y},{x + size} {y + size},{x} {y + size},{x} {y}))"


def make_dgn(path, elements, legacy: dict[str, bytes] | None = None):
    """
    A DGN V7 sheet from (level, wkt, text) by GDAL's writer; each placeholder text in
    `legacy` is then replaced by its bytes of the same length, as MicroStation stores
    .VnTime text (GDAL's writer takes UTF-8 only).
    """
    import subprocess

    lines = "\n".join(f"{lv}|{wkt}|{text}" for lv, wkt, text in elements)
    subprocess.run(
        ["/usr/bin/python3", "-c", _MAKE_DGN, str(path)], input=lines, text=True, check=True
    )
    data = path.read_bytes()
    for placeholder, raw in (legacy or {}).items():
        assert len(placeholder) == len(raw)
        assert data.count(placeholder.encode()) == 1
        data = data.replace(placeholder.encode(), raw)
    path.write_bytes(data)
    return path


def test_cadastral_dgn_sheet_with_tcvn3_labels(tmp_path):
    names = ["Thửa 12", "Đất ở"]
    legacy = [encode(n, "tcvn3") for n in names]
    placeholders = [f"L{i}".ljust(len(b), "X") for i, b in enumerate(legacy)]
    raw = dict(zip(placeholders, legacy, strict=True))
    path = make_dgn(
        tmp_path / "to_ban_do.dgn",
        [
            (5, _square(606000, 2282000), ""),
            (5, _square(606200, 2282000), ""),
            (7, "LINESTRING(606000 2281900,606400 2281900)", ""),
            (9, "POINT(606050 2282050)", placeholders[0]),
            (9, "POINT(606250 2282050)", placeholders[1]),
            (9, "POINT(606500 2282500)", "Ghi chu"),
        ],
        raw,
    )
    with pytest.raises(CRSError, match=r"to_ban_do\.dgn: the file has no CRS.*EPSG:9210"):
        read_layer(path)
    gdf = read_layer(path, crs="EPSG:9210")
    assert gdf.geom_type.tolist() == ["Polygon", "Polygon", "LineString", "Point"]
    assert gdf["Layer"].tolist() == [5, 5, 7, 9]
    assert gdf["label"].iloc[:2].tolist() == names
    assert gdf["label"].iloc[3] == "Ghi chu"
    assert gdf.geometry.iloc[0].area == pytest.approx(10_000.0)
    (conv,) = gdf.attrs["text_conversions"]
    assert (conv.column, conv.encoding) == ("Text", "tcvn3")


def test_dgn_v8_is_refused_with_the_conversion_advice(tmp_path):
    path = tmp_path / "v8.dgn"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504))  # an OLE container
    with pytest.raises(
        InputError, match=r"v8\.dgn: a MicroStation DGN V8 drawing.*DXF or as DGN V7"
    ):
        read_layer(path, crs="EPSG:9210")


# --- MapInfo TAB and MIF/MID --------------------------------------------------------------------


NAMES_MI = ["Khu công nghiệp Tiên Lãng", "Cảng Nam Đồ Sơn", "Đường ven biển ở Kiến Thụy"]


@pytest.fixture
def mapinfo_mif(tmp_path):
    """A MIF/MID pair written by GDAL (charset UTF-8, VN-2000 with its datum shift)."""
    gdf = gpd.GeoDataFrame(
        {"ten": NAMES_MI, "so": [1, 2, 3]},
        geometry=[box(606000 + i * 100, 2282000, 606050 + i * 100, 2282050) for i in range(3)],
        crs=9210,
    )
    path = tmp_path / "khu.mif"
    write_layer(gdf, path)
    return gdf, path


def _recharset(path, charset: str, encoder) -> None:
    """Re-save a GDAL-written MIF/MID in another charset, as MapInfo would save it."""
    mif = path.read_text(encoding="ascii")
    path.write_text(mif.replace('Charset "UTF-8"', f'Charset "{charset}"'), encoding="ascii")
    mid = path.with_suffix(".mid")
    mid.write_bytes(encoder(mid.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("charset", "encoder", "enc"),
    [
        ("WindowsVietnamese", encode_cp1258, "cp1258"),
        ("Neutral", lambda t: encode(t, "tcvn3"), "tcvn3"),
        ("Neutral", lambda t: encode(t, "vni"), "vni"),
    ],
)
def test_mapinfo_charsets(mapinfo_mif, charset, encoder, enc):
    _, path = mapinfo_mif
    _recharset(path, charset, encoder)
    back = read_layer(path)
    assert back["ten"].tolist() == NAMES_MI
    assert [c.encoding for c in back.attrs["text_conversions"]] == [enc]


@pytest.mark.parametrize("fmt", ["tab", "mif"])
def test_mapinfo_round_trip_keeps_values_and_vn2000_positions(mapinfo_mif, tmp_path, fmt):
    gdf, _ = mapinfo_mif
    out = write_layer(gdf, tmp_path / f"out.{fmt}")
    back = read_layer(out)
    assert back["ten"].tolist() == NAMES_MI
    assert back["so"].tolist() == [1, 2, 3]
    assert "+towgs84=-191.90441429" in back.crs.to_proj4()  # the datum shift is in the file
    grid = reproject(back, 9210)
    for a, b in zip(grid.geometry, gdf.geometry, strict=True):
        assert a.hausdorff_distance(b) < 0.002  # metres
        assert a.area == pytest.approx(b.area, rel=1e-6)


def test_export_tab_from_the_cli(mapinfo_mif, tmp_path):
    from zoneplan.cli import main

    _, path = mapinfo_mif
    out = tmp_path / "cli.tab"
    assert main(["-q", "export", str(path), "--format", "tab", "--out", str(out)]) == 0
    assert {p.suffix for p in tmp_path.glob("cli.*")} >= {".tab", ".dat", ".map", ".id"}
    assert read_layer(out)["ten"].tolist() == NAMES_MI
