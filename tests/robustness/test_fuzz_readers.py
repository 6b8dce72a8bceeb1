"""
Fuzzing the office-format readers with hypothesis: damaged DXF, DGN, MapInfo and
Shapefile files and Excel-exported tables are read or refused with zoneplan's own
error, never another exception.

Each file starts as a valid one made by the real writer (ezdxf, zoneplan's DXF export,
GDAL's DGN, MapInfo and Shapefile drivers, Python's csv in Excel's encodings) and is
then damaged: bytes overwritten, cut, or repeated, as a bad copy or an e-mail gateway
would.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Polygon, box

from zoneplan.coords import read_marker_table
from zoneplan.errors import ZoneplanError
from zoneplan.export import write_layer
from zoneplan.io import read_layer
from zoneplan.legacy_text import encode, encode_cp1258

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

#: A few features with Vietnamese text in VN-2000, the source of every valid file.
LAYER = gpd.GeoDataFrame(
    {
        "category": ["industrial_park", "transport"],
        "ten": ["Khu công nghiệp Tiên Lãng", "Đường ven biển"],
    },
    geometry=[
        Polygon(
            [(606000, 2282000), (607000, 2282000), (607000, 2282500), (606000, 2282500)],
            [[(606100, 2282100), (606300, 2282100), (606300, 2282200), (606100, 2282200)]],
        ),
        LineString([(604000, 2280000), (605000, 2280700)]),
    ],
    crs=9210,
)


@st.composite
def damage(draw, size: int) -> list[tuple[str, int, bytes]]:
    """A few edits of a file of `size` bytes: overwrite, cut at, or repeat a run."""
    edits = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["overwrite", "cut", "repeat"]))
        at = draw(st.integers(min_value=0, max_value=max(size - 1, 0)))
        data = draw(st.binary(min_size=1, max_size=16))
        edits.append((kind, at, data))
    return edits


def apply(data: bytes, edits: list[tuple[str, int, bytes]]) -> bytes:
    for kind, at, chunk in edits:
        at = min(at, len(data))
        if kind == "overwrite":
            data = data[:at] + chunk + data[at + len(chunk) :]
        elif kind == "cut":
            data = data[:at]
        else:
            data = data[:at] + data[at : at + 64] * 3 + data[at + 64 :]
    return data


def read_or_refuse(path: Path, reader=read_layer) -> None:
    """
    Reading either gives a GeoDataFrame or raises a ZoneplanError whose one-line message
    starts with the file.
    """
    message = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # GDAL's notes on damaged files are not the point
            gdf = reader(path, crs="EPSG:9210")
    except ZoneplanError as err:
        message = str(err)
    if message is None:
        assert isinstance(gdf, gpd.GeoDataFrame)
    else:
        assert "\n" not in message
        assert message.startswith(f"{path}")


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    """Valid files of each format, as {suffix: bytes} per format."""
    import ezdxf

    folder = tmp_path_factory.mktemp("sources")
    out: dict[str, dict[str, bytes]] = {}
    write_layer(LAYER, folder / "zoneplan.dxf", hatch=True)
    out["zoneplan.dxf"] = {".dxf": (folder / "zoneplan.dxf").read_bytes()}
    doc = ezdxf.new("R2000")
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (100, 0), (100, 100), (0, 100)], close=True)
    msp.add_lwpolyline([(10, 10), (20, 10), (20, 20)], close=True)
    msp.add_text("Th\\U+1EED a 12", dxfattribs={"insert": (50, 50)})
    doc.saveas(folder / "cad.dxf")
    out["cad.dxf"] = {".dxf": (folder / "cad.dxf").read_bytes()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pyogrio: DGN V7 has no CRS
        gpd.GeoDataFrame(geometry=[box(606000, 2282000, 606100, 2282100)]).to_file(
            folder / "sheet.dgn", driver="DGN", engine="pyogrio"
        )
    out["sheet.dgn"] = {".dgn": (folder / "sheet.dgn").read_bytes()}
    for name, suffixes in (("layer.mif", (".mif", ".mid")), ("layer.shp", (".shp", ".shx"))):
        path = folder / name
        (LAYER.iloc[:1] if name.endswith(".shp") else LAYER).to_file(path)
        parts = {s: path.with_suffix(s).read_bytes() for s in suffixes}
        if name.endswith(".shp"):
            parts[".dbf"] = _legacy_dbf(folder)
        out[name] = parts
    return out


def _legacy_dbf(folder: Path) -> bytes:
    """A .dbf whose text is TCVN3 bytes, as offices' shapefiles hold it."""
    legacy = encode(LAYER["ten"][0], "tcvn3")
    placeholder = b"Q" * len(legacy)
    path = folder / "tcvn3.shp"
    LAYER.iloc[:1].assign(ten=placeholder.decode()).to_file(path)
    return path.with_suffix(".dbf").read_bytes().replace(placeholder, legacy)


@pytest.mark.parametrize(
    ("name", "damaged"),
    [
        ("zoneplan.dxf", ".dxf"),
        ("cad.dxf", ".dxf"),
        ("sheet.dgn", ".dgn"),
        ("layer.mif", ".mif"),
        ("layer.mif", ".mid"),
        ("layer.shp", ".shp"),
        ("layer.shp", ".shx"),
        ("layer.shp", ".dbf"),
    ],
)
@FUZZ
@given(data=st.data())
def test_damaged_files_are_read_or_refused(tmp_path, sources, name, damaged, data):
    parts = sources[name]
    edits = data.draw(damage(len(parts[damaged])))
    folder = tmp_path / str(abs(hash(repr(edits))))
    folder.mkdir()
    for suffix, content in parts.items():
        body = apply(content, edits) if suffix == damaged else content
        (folder / name).with_suffix(suffix).write_bytes(body)
    read_or_refuse(folder / name)


#: A marker table as Excel saves it: header and rows, in each of its encodings.
TABLE = "Tên điểm,X (m),Y (m)\nM1,2282000,606000\nM2,2282000,606100\nM3,2282100,606100\n"
TABLE_BYTES = {
    "utf-8-sig": TABLE.encode("utf-8-sig"),
    "utf-16": TABLE.replace(",", "\t").encode("utf-16"),
    "cp1258": encode_cp1258(TABLE),
    "tcvn3": encode(TABLE, "tcvn3"),
    "vni": encode(TABLE, "vni"),
}


@pytest.mark.parametrize("encoding", sorted(TABLE_BYTES))
@FUZZ
@given(data=st.data())
def test_damaged_tables_are_read_or_refused(tmp_path, encoding, data):
    raw = TABLE_BYTES[encoding]
    body = apply(raw, data.draw(damage(len(raw))))
    path = tmp_path / f"moc_{abs(hash(body))}.csv"
    path.write_bytes(body)
    read_or_refuse(path, read_marker_table)


def test_a_table_with_cr_line_ends_is_read(tmp_path):
    """Found by the fuzzer: lines ended by CR alone (old Mac exports) split the table."""
    path = tmp_path / "moc_cr.csv"
    path.write_bytes(TABLE.replace("\n", "\r").encode("utf-8"))
    gdf = read_marker_table(path, crs="EPSG:9210")
    assert gdf["points"].tolist() == ["M1, M2, M3"]
    assert gdf["area_ha_vn2000"].tolist() == [pytest.approx(100 * 100 / 2 / 10_000)]
