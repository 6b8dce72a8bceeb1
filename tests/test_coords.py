"""Marker coordinate tables: headers, numbers, several polygons, and the suspected mistakes."""

from __future__ import annotations

import json
import logging
import math
import unicodedata

import numpy as np
import pyproj
import pytest

from zoneplan.cli import main
from zoneplan.coords import read_marker_table
from zoneplan.errors import CRSError, InputError
from zoneplan.marker_table import normalise_header, parse_degrees, parse_number

GEOD = pyproj.Geod(ellps="WGS84")

# A 1000 m x 500 m rectangle near Nam Đồ Sơn in VN-2000 / TM-3 105°45': 50 ha exactly.
RECT = [
    ("M1", 2_282_500.0, 606_000.0),
    ("M2", 2_282_500.0, 607_000.0),
    ("M3", 2_282_000.0, 607_000.0),
    ("M4", 2_282_000.0, 606_000.0),
]


def vn(value: float, sep: str = " ") -> str:
    """Write metres as Vietnamese documents do: grouped thousands and a decimal comma."""
    whole, frac = f"{value:.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", sep)
    return f"{groups},{frac}"


def csv_table(tmp_path, rows, header=("Tên điểm", "X (m)", "Y (m)"), delim=";", name="moc.csv"):
    path = tmp_path / name
    lines = [delim.join(header)] + [delim.join(str(c) for c in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ellipsoidal_ha(points_en, crs="EPSG:9210"):
    """Independent reference: PROJ's own transformation (EPSG:6960) and a geodesic area."""
    tr = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    lon, lat = tr.transform([p[0] for p in points_en], [p[1] for p in points_en])
    area, _ = GEOD.polygon_area_perimeter(lon, lat)
    return abs(area) / 1e4


def test_known_rectangle_gives_its_area(tmp_path):
    path = csv_table(tmp_path, [(n, vn(x), vn(y)) for n, x, y in RECT])
    gdf = read_marker_table(path)
    assert gdf.crs.to_epsg() == 9210
    row = gdf.iloc[0]
    assert row["n_points"] == 4
    assert row["points"] == "M1, M2, M3, M4"
    assert row["area_ha_vn2000"] == pytest.approx(50.0, rel=1e-12)
    assert row["perimeter_m_vn2000"] == pytest.approx(3000.0, rel=1e-12)
    expected = ellipsoidal_ha([(y, x) for _, x, y in RECT])
    assert row["area_ha_ellipsoidal"] == pytest.approx(expected, rel=1e-6)
    assert row["area_ha_ellipsoidal"] != pytest.approx(50.0, rel=1e-5)  # TM-3 scale is visible


@pytest.mark.parametrize(
    "header",
    [
        ("Tên điểm", "X (m)", "Y (m)"),
        ("Số hiệu mốc", "Tọa độ X", "Tọa độ Y"),
        ("So hieu moc", "Toa do X (m)", "Toa do Y (m)"),
        ("TÊN MỐC", "X(m)", "Y(m)"),
        ("Point", "Northing", "Easting"),
        ("STT", "X", "Y"),
    ],
)
def test_headers_vietnamese_and_english(tmp_path, header):
    path = csv_table(tmp_path, [(n, x, y) for n, x, y in RECT], header=header, delim=",")
    gdf = read_marker_table(path)
    assert gdf.iloc[0]["area_ha_vn2000"] == pytest.approx(50.0, rel=1e-12)
    assert gdf.iloc[0]["points"] == "M1, M2, M3, M4"


def test_english_easting_first(tmp_path):
    path = csv_table(
        tmp_path,
        [(n, y, x) for n, x, y in RECT],
        header=("Name", "Easting", "Northing"),
        delim="\t",
    )
    assert read_marker_table(path).iloc[0]["area_ha_vn2000"] == pytest.approx(50.0, rel=1e-12)


def test_header_diacritics_are_normalised():
    assert normalise_header("Số hiệu mốc") == normalise_header("So hieu moc") == "so hieu moc"
    decomposed = unicodedata.normalize("NFD", "Tọa độ X (m)")
    assert normalise_header(decomposed) == "toa do x"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2 282 548,31", 2282548.31),
        ("2.282.548,31", 2282548.31),
        ("2,282,548.31", 2282548.31),
        ("2282548,31", 2282548.31),
        ("2282548.31", 2282548.31),
        ("2\u00a0282\u00a0548,31", 2282548.31),
        (606105.05, 606105.05),
        ("", None),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("20°35'50\"", 20 + 35 / 60 + 50 / 3600),
        ("20 35 50", 20 + 35 / 60 + 50 / 3600),
        ("106°45′12,5″ E", 106 + 45 / 60 + 12.5 / 3600),
        ("20°35.5'", 20 + 35.5 / 60),
        ("20,5973", 20.5973),
        ("20.5973 N", 20.5973),
        (106.75, 106.75),
    ],
)
def test_parse_degrees(text, value):
    assert parse_degrees(text) == pytest.approx(value, abs=1e-12)


@pytest.mark.parametrize("text", ["20°75'00\"", "abc", "20°35'50\" 12"])
def test_parse_degrees_refuses_nonsense(text):
    with pytest.raises(ValueError, match=r"."):
        parse_degrees(text)


def _split(value: float) -> tuple[int, int, float]:
    total = round(value * 3600, 4)
    d = int(total // 3600)
    m = int((total - d * 3600) // 60)
    return d, m, total - d * 3600 - m * 60


def _dms(value: float) -> str:
    d, m, s = _split(value)
    return f"{d}°{m:02d}'{s:06.3f}\""


@pytest.mark.parametrize("style", ["dms", "spaces", "decimal"])
def test_wgs84_degree_table(tmp_path, style):
    corners = [(106.70, 20.65), (106.72, 20.65), (106.72, 20.66), (106.70, 20.66)]

    def fmt(v):
        if style == "dms":
            return _dms(v)
        if style == "spaces":
            d, m, s = _split(v)
            return f"{d} {m} {s:.4f}".replace(".", ",")
        return f"{v:.6f}".replace(".", ",")

    rows = [(f"P{i}", fmt(lat), fmt(lon)) for i, (lon, lat) in enumerate(corners, 1)]
    path = csv_table(tmp_path, rows, header=("Tên điểm", "Vĩ độ", "Kinh độ"))
    gdf = read_marker_table(path)
    assert gdf.crs.to_epsg() == 4326
    ref, _ = GEOD.polygon_area_perimeter([c[0] for c in corners], [c[1] for c in corners])
    assert gdf.iloc[0]["area_ha_ellipsoidal"] == pytest.approx(abs(ref) / 1e4, rel=1e-7)


def test_degrees_in_x_y_columns(tmp_path):
    rows = [("A", 20.65, 106.70), ("B", 20.65, 106.72), ("C", 20.66, 106.72)]
    gdf = read_marker_table(csv_table(tmp_path, rows, header=("Điểm", "X", "Y")))
    assert gdf.crs.to_epsg() == 4326
    assert gdf.iloc[0]["n_points"] == 3


def test_several_polygons_by_column_in_xlsx_with_two_row_header(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["BẢNG TỌA ĐỘ MỐC GIỚI KHU ĐẤT"])
    ws.append([])
    ws.append(["Thửa", "Số hiệu mốc", "Tọa độ VN-2000", None])
    ws.append([None, None, "X (m)", "Y (m)"])
    ws.merge_cells("C3:D3")
    for n, x, y in RECT:
        ws.append(["Thửa 1", n, x, y])
    ws.append(["Thửa 1", "M1", RECT[0][1], RECT[0][2]])  # closing point repeats the first
    for n, x, y in RECT[:3]:
        ws.append(["Thửa 2", n.replace("M", "K"), x - 2000, y])
    path = tmp_path / "bang_toa_do.xlsx"
    book.save(path)
    gdf = read_marker_table(path)
    assert gdf["polygon"].tolist() == ["Thửa 1", "Thửa 2"]
    assert gdf["n_points"].tolist() == [4, 3]
    assert gdf["area_ha_vn2000"].tolist() == pytest.approx([50.0, 25.0], rel=1e-12)


def test_heading_rows_split_polygons(tmp_path):
    rows = [("Khu A", "", "")] + [(n, x, y) for n, x, y in RECT]
    rows += [("Khu B", "", "")] + [(n, x - 5000, y + 1000) for n, x, y in RECT]
    gdf = read_marker_table(csv_table(tmp_path, rows))
    assert gdf["polygon"].tolist() == ["Khu A", "Khu B"]
    assert gdf["area_ha_vn2000"].tolist() == pytest.approx([50.0, 50.0], rel=1e-12)


def test_cp1258_csv(tmp_path):
    path = tmp_path / "legacy.csv"
    text = "Ten diem;X (m);Y (m)\n" + "\n".join(f"Mốc {n};{x};{y}" for n, x, y in RECT)
    # Windows-1258 spells "ố" as "ô" + combining acute (0xEC).
    path.write_bytes(text.replace("ố", "ô\u0301").encode("cp1258"))
    gdf = read_marker_table(path)
    assert gdf.iloc[0]["points"] == "Mốc M1, Mốc M2, Mốc M3, Mốc M4"


# --- suspected mistakes ---------------------------------------------------------------------


def test_swapped_columns_are_named(tmp_path):
    path = csv_table(tmp_path, [(n, y, x) for n, x, y in RECT])
    with pytest.raises(
        InputError, match=r"moc\.csv: the coordinate columns look swapped.*--swap-xy"
    ):
        read_marker_table(path)
    gdf = read_marker_table(path, swap_xy=True)
    assert gdf.iloc[0]["area_ha_vn2000"] == pytest.approx(50.0, rel=1e-12)


def test_one_swapped_row_is_named(tmp_path):
    rows = [(n, x, y) for n, x, y in RECT]
    rows[2] = ("M3", RECT[2][2], RECT[2][1])
    with pytest.raises(InputError, match=r"row 4 \(point M3\):.*look swapped"):
        read_marker_table(csv_table(tmp_path, rows))


def test_swapped_latitude_longitude(tmp_path):
    rows = [("A", 106.70, 20.65), ("B", 106.72, 20.65), ("C", 106.72, 20.66)]
    path = csv_table(tmp_path, rows, header=("Điểm", "Vĩ độ", "Kinh độ"))
    with pytest.raises(InputError, match="look swapped"):
        read_marker_table(path)


def _table_in(tmp_path, crs, lon, lat, name="moc.csv"):
    """A 300 m square around lon/lat written in `crs` (computed with PROJ, independently)."""
    tr = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    e, n = tr.transform(lon, lat)
    square = [(e, n), (e + 300, n), (e + 300, n - 300), (e, n - 300)]
    return csv_table(
        tmp_path,
        [(f"M{i}", f"{y:.3f}", f"{x:.3f}") for i, (x, y) in enumerate(square, 1)],
        name=name,
    )


@pytest.mark.parametrize(
    ("written_in", "lon", "lat", "suspect"),
    [
        ("EPSG:3405", 106.77, 20.63, "EPSG:3405"),  # VN-2000 UTM 48N read as TM-3
        ("EPSG:5899", 106.77, 20.63, "EPSG:5899"),  # Quảng Ninh's 107°45' meridian
        ("EPSG:9210", 106.08, 20.95, "EPSG:9210"),  # Hai Phong meridian read as 105°30'
    ],
)
def test_wrong_meridian_is_suspected(tmp_path, written_in, lon, lat, suspect):
    path = _table_in(tmp_path, written_in, lon, lat)
    given = "EPSG:9209" if written_in == "EPSG:9210" else "EPSG:9210"
    with pytest.raises(
        InputError, match=rf"falls outside Hai Phong.*central meridian looks wrong.*--crs {suspect}"
    ):
        read_marker_table(path, crs=given)
    gdf = read_marker_table(path, crs=suspect)
    assert gdf.crs.to_epsg() == int(suspect.split(":")[1])
    assert gdf.geometry.area.iloc[0] == pytest.approx(90_000.0, rel=1e-9)


def test_hai_phong_meridian_in_former_hai_duong_gives_a_hint(tmp_path):
    gdf = read_marker_table(_table_in(tmp_path, "EPSG:9210", 106.30, 20.90))
    assert any("EPSG:9209" in w for w in gdf.attrs["warnings"])
    gdf = read_marker_table(
        _table_in(tmp_path, "EPSG:9209", 106.30, 20.90, "hd.csv"), crs="EPSG:9209"
    )
    assert gdf.attrs["warnings"] == []
    assert gdf.iloc[0]["vn2000_meridian"] == 105.5
    assert gdf.iloc[0]["area_ha_vn2000"] == pytest.approx(9.0, rel=1e-9)


def test_outside_hai_phong_without_a_better_crs(tmp_path):
    path = _table_in(tmp_path, "EPSG:9210", 105.80, 21.00)  # Hanoi
    with pytest.raises(InputError, match=r"falls outside Hai Phong .*check the CRS"):
        read_marker_table(path)
    assert len(read_marker_table(path, extent_check=False)) == 1


def test_crossing_boundary_names_the_points(tmp_path):
    rows = [RECT[0], RECT[2], RECT[1], RECT[3]]  # M3 and M2 in the wrong order: a bow tie
    with pytest.raises(
        InputError,
        match=(
            r"polygon '1' \(rows 2–5\) is not a valid polygon "
            r"\(self-intersection near points .*order"
        ),
    ):
        read_marker_table(csv_table(tmp_path, rows))


@pytest.mark.parametrize(
    ("rows", "pattern"),
    [
        (
            [RECT[0], RECT[1]],
            r"polygon '1' .* has 2 distinct point\(s\); a polygon needs at least 3",
        ),
        (
            [RECT[0], ("M2", "2282x500", 607000), RECT[2]],
            r"row 3 \(point M2\): cannot read the coordinate '2282x500'",
        ),
        ([RECT[0], ("M2", "", 607000), RECT[2]], r"row 3 \(point M2\): a coordinate is missing"),
        (
            [RECT[0], ("M2", "2282,5", 607000), RECT[2]],
            r"row 3 \(point M2\): X \(the northing\) 2282\.500 .* decimal separator",
        ),
    ],
)
def test_bad_rows_are_named(tmp_path, rows, pattern):
    with pytest.raises(InputError, match=pattern):
        read_marker_table(csv_table(tmp_path, rows))


def test_no_header_and_wrong_kind(tmp_path):
    path = csv_table(tmp_path, [(n, x, y) for n, x, y in RECT], header=("a", "b", "c"))
    with pytest.raises(InputError, match=r"no header row with X and Y .*'Tên điểm', 'X \(m\)'"):
        read_marker_table(path)
    good = csv_table(tmp_path, [(n, x, y) for n, x, y in RECT], name="good.csv")
    with pytest.raises(CRSError, match=r"the table is in metres but --crs EPSG:4326"):
        read_marker_table(good, crs="EPSG:4326")
    other = tmp_path / "table.ods"
    other.write_bytes(b"x")
    with pytest.raises(InputError, match=r"table\.ods: \.ods is not a coordinate table"):
        read_marker_table(other)


# --- the command ------------------------------------------------------------------------------


def test_cli_import_coords_writes_rfc7946(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    path = csv_table(tmp_path, [(n, vn(x), vn(y)) for n, x, y in RECT])
    out = tmp_path / "khu.geojson"
    assert main(["import-coords", str(path), "--crs", "EPSG:9210", "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert "crs" not in data
    feature = data["features"][0]
    assert feature["properties"]["area_ha_vn2000"] == pytest.approx(50.0, rel=1e-12)
    ring = np.array(feature["geometry"]["coordinates"][0])
    tr = pyproj.Transformer.from_crs("EPSG:9210", "EPSG:4326", always_xy=True)
    lon, lat = tr.transform([y for _, _, y in RECT], [x for _, x, _ in RECT])
    for x, y in zip(lon, lat, strict=True):
        assert np.min(np.hypot(ring[:, 0] - x, ring[:, 1] - y)) < 1e-7  # within 1 cm
    signed = sum(
        ring[i, 0] * ring[i + 1, 1] - ring[i + 1, 0] * ring[i, 1] for i in range(len(ring) - 1)
    )
    assert signed > 0  # counter-clockwise: RFC 7946 right-hand rule
    assert "50.0000 ha VN-2000" in caplog.text


def test_cli_import_coords_error_is_one_line_and_writes_nothing(tmp_path, capsys):
    path = csv_table(tmp_path, [(n, y, x) for n, x, y in RECT])
    out = tmp_path / "khu.geojson"
    assert main(["import-coords", str(path), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"zoneplan: error: {path}: the coordinate columns look swapped")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [path]


def test_cli_import_coords_to_geopackage_in_vn2000(tmp_path):
    import geopandas as gpd

    path = csv_table(tmp_path, [(n, x, y) for n, x, y in RECT])
    out = tmp_path / "khu.gpkg"
    assert main(["-q", "import-coords", str(path), "--out", str(out)]) == 0
    back = gpd.read_file(out)
    assert back.crs.to_epsg() == 9210
    assert math.isclose(back.geometry.area.iloc[0], 500_000.0, rel_tol=1e-12)
