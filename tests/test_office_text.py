"""
Legacy Vietnamese text as offices hand it over: TCVN3 (ABC) and VNI text in .dbf, CSV,
XLSX and DXF files, and Excel's table exports (UTF-8 with and without BOM, UTF-16,
Windows-1258); each conversion is reported, and ``--text-encoding`` overrides detection.

Every fixture is made here by the real writers (GDAL through pyogrio, openpyxl, ezdxf).
"""

from __future__ import annotations

import logging

import geopandas as gpd
import pytest
from shapely.geometry import box

from test_cli_validate import run_cli
from test_formats_read import cp1258
from zoneplan.coords import read_marker_table, read_table_rows
from zoneplan.errors import InputError
from zoneplan.io import read_layer
from zoneplan.legacy_text import encode, text_encoding

NAMES = ["Khu công nghiệp Tiên Lãng", "Cảng Nam Đồ Sơn", "Đường ven biển", "Thửa đất số 12"]


def _legacy(text: str, enc: str) -> bytes:
    return cp1258(text) if enc == "cp1258" else encode(text, enc)


@pytest.fixture
def parcels() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"ten": NAMES, "so_thua": [1, 2, 3, 4]},
        geometry=[box(606000 + i * 1000, 2282000, 606500 + i * 1000, 2282500) for i in range(4)],
        crs=9210,
    )


def _write_dbf(parcels, path, enc: str, cpg: str | None):
    """A Shapefile whose .dbf holds `enc` bytes, written byte for byte by GDAL (as Latin-1)."""
    legacy = parcels.copy()
    legacy["ten"] = [_legacy(n, enc).decode("latin-1") for n in NAMES]
    legacy.to_file(path, engine="pyogrio", encoding="ISO-8859-1")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    if cpg is not None:
        path.with_suffix(".cpg").write_text(cpg, encoding="ascii")
    assert _legacy(NAMES[0], enc) in path.with_suffix(".dbf").read_bytes()


# --- .dbf -------------------------------------------------------------------------------------


@pytest.mark.parametrize("enc", ["tcvn3", "vni"])
@pytest.mark.parametrize("cpg", [None, "1252", "ISO-8859-1"])
def test_legacy_dbf_is_detected_and_reported(tmp_path, parcels, enc, cpg, caplog):
    path = tmp_path / "thua.shp"
    _write_dbf(parcels, path, enc, cpg)
    with caplog.at_level(logging.INFO, logger="zoneplan"):
        gdf = read_layer(path)
    assert gdf["ten"].tolist() == NAMES
    (conv,) = gdf.attrs["text_conversions"]
    assert (conv.column, conv.encoding, conv.n_values) == ("ten", enc, 4)
    assert conv.after == NAMES[0]
    assert conv.before == _legacy(NAMES[0], enc).decode("cp1252" if cpg == "1252" else "latin-1")
    assert f"column 'ten': 4 value(s) converted from {'TCVN3' if enc == 'tcvn3' else 'VNI'}" in (
        caplog.text
    )


@pytest.mark.parametrize(("cpg", "enc"), [("1258", "tcvn3"), ("UTF-8", "vni")])
def test_cpg_that_contradicts_the_bytes_is_reported(tmp_path, parcels, cpg, enc, caplog):
    path = tmp_path / "sai_cpg.shp"
    _write_dbf(parcels, path, enc, cpg)
    with caplog.at_level(logging.INFO, logger="zoneplan"):
        gdf = read_layer(path)
    assert gdf["ten"].tolist() == NAMES
    assert f"the .cpg says {cpg} but column 'ten' holds" in caplog.text


def test_cp1258_dbf_still_read_and_now_reported(tmp_path, parcels):
    path = tmp_path / "cp1258.shp"
    _write_dbf(parcels, path, "cp1258", None)
    gdf = read_layer(path)
    assert gdf["ten"].tolist() == NAMES
    assert [c.encoding for c in gdf.attrs["text_conversions"]] == ["cp1258"]


def test_unicode_dbf_is_never_touched(tmp_path, parcels):
    path = tmp_path / "utf8.shp"
    parcels.to_file(path, engine="pyogrio", encoding="UTF-8")
    gdf = read_layer(path)
    assert gdf["ten"].tolist() == NAMES
    assert gdf.attrs["text_conversions"] == []


def test_text_encoding_option_overrides_detection(tmp_path, parcels):
    path = tmp_path / "vni.shp"
    _write_dbf(parcels, path, "vni", None)
    assert read_layer(path, text_encoding="vni")["ten"].tolist() == NAMES
    wrong = read_layer(path, text_encoding="tcvn3")["ten"].tolist()
    assert wrong != NAMES, "a forced encoding is applied as asked"
    with pytest.raises(InputError, match=r"vni\.dbf|vni\.shp: column 'ten' holds text that is not"):
        read_layer(path, text_encoding="utf-8")


def test_cli_reports_conversions_and_quiet_silences_them(tmp_path, parcels):
    path = tmp_path / "tcvn3.shp"
    _write_dbf(parcels, path, "tcvn3", None)
    out = tmp_path / "out.gpkg"
    result = run_cli("export", str(path), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "column 'ten': 4 value(s) converted from TCVN3 (ABC) to Unicode" in result.stderr
    assert gpd.read_file(out)["ten"].tolist() == NAMES
    quiet = run_cli("-q", "export", str(path), "--out", str(out))
    assert (quiet.returncode, quiet.stderr) == (0, "")
    refused = run_cli("validate", str(path), "--text-encoding", "utf-8")
    assert refused.returncode == 1
    assert "holds text that is not UTF-8" in refused.stderr
    assert "Traceback" not in refused.stderr


# --- CSV and XLSX -----------------------------------------------------------------------------

TABLE = [
    ["Tên điểm", "X (m)", "Y (m)"],
    ["Mốc 1", "2282000", "606000"],
    ["Mốc 2", "2282000", "607000"],
    ["Điểm 3", "2281000", "607000"],
    ["Mốc 4", "2281000", "606000"],
]


def _table_text(delim: str) -> str:
    return "\r\n".join(delim.join(r) for r in TABLE) + "\r\n"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf8", _table_text(",").encode("utf-8")),
        ("utf8_bom", _table_text(";").encode("utf-8-sig")),
        ("utf16_unicode_text", _table_text("\t").encode("utf-16")),  # Excel "Unicode text"
        ("utf16le_no_bom", _table_text("\t").encode("utf-16-le")),
        ("cp1258", cp1258(_table_text(";"))),
        ("tcvn3", encode(_table_text(","), "tcvn3")),
        ("vni", encode(_table_text("\t"), "vni")),
        ("tcvn3_saved_as_utf8", encode(_table_text(","), "tcvn3").decode("cp1252").encode()),
    ],
)
def test_marker_tables_from_excel(tmp_path, name, data):
    path = tmp_path / f"{name}.csv"
    path.write_bytes(data)
    rows = [r for r in read_table_rows(path) if r]
    assert rows == TABLE
    gdf = read_marker_table(path, crs="EPSG:9210")
    assert gdf["points"].iloc[0] == "Mốc 1, Mốc 2, Điểm 3, Mốc 4"


def test_xlsx_with_tcvn3_cells(tmp_path, caplog):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in TABLE:  # as Excel holds text typed in a .VnTime font: Windows-1252 characters
        sheet.append([encode(c, "tcvn3").decode("cp1252") for c in row])
    path = tmp_path / "bang.xlsx"
    book.save(path)
    with caplog.at_level(logging.INFO, logger="zoneplan"):
        rows = read_table_rows(path)
    assert rows == TABLE
    assert "column 1: 5 value(s) converted from TCVN3 (ABC)" in caplog.text


def test_csv_text_encoding_utf8_refuses_legacy_bytes(tmp_path):
    path = tmp_path / "vni.csv"
    path.write_bytes(encode(_table_text(","), "vni"))
    with text_encoding("utf-8"), pytest.raises(InputError, match=r"vni\.csv: not UTF-8 text"):
        read_table_rows(path)
    with text_encoding("vni"):
        assert [r for r in read_table_rows(path) if r] == TABLE


# --- DXF --------------------------------------------------------------------------------------


@pytest.mark.parametrize("enc", ["tcvn3", "vni"])
def test_dxf_with_legacy_layer_names_and_text(tmp_path, enc):
    """A drawing made by ezdxf in code page ANSI_1252 holding .VnTime / VNI-Times text."""
    import ezdxf

    doc = ezdxf.new("R2000")
    msp = doc.modelspace()
    shown = [encode(n, enc).decode("cp1252") for n in NAMES[:2]]
    for i, name in enumerate(shown):
        doc.layers.add(name)
        x = 606000 + i * 1000
        pts = [(x, 2282000), (x + 500, 2282000), (x + 500, 2282500), (x, 2282500)]
        msp.add_lwpolyline(pts, close=True, dxfattribs={"layer": name})
        msp.add_text(name, dxfattribs={"layer": "NHAN", "insert": (x + 100, 2282200)})
    path = tmp_path / f"{enc}.dxf"
    doc.saveas(path)
    assert encode(NAMES[0], enc) in path.read_bytes()
    gdf = read_layer(path, crs="EPSG:9210")
    polys = gdf[gdf.geom_type == "Polygon"]
    assert polys["Layer"].tolist() == NAMES[:2]
    assert gdf.loc[gdf.geom_type == "Point", "Text"].tolist() == NAMES[:2]
    assert {c.column for c in gdf.attrs["text_conversions"]} == {"Layer", "Text"}
