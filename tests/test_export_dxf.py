"""
DXF for CAD users: what the drawing holds, read independently with ezdxf (entities,
layers, units, properties, labels, ezdxf's auditor), and the round trip back through
zoneplan's reader; drawings made by other programs (ezdxf here) with nested closed
polylines and hatches.
"""

from __future__ import annotations

import logging
import subprocess

import ezdxf
import geopandas as gpd
import numpy as np
import pyogrio
import pyproj
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

from zoneplan import dxf
from zoneplan.cli import main
from zoneplan.crs import reproject
from zoneplan.errors import OutputError
from zoneplan.export import write_layer
from zoneplan.io import read_layer

#: Every vowel with every tone mark, and đ: the whole Vietnamese alphabet in one label.
ALPHABET = "aàáảãạ ăằắẳẵặ âầấẩẫậ eèéẻẽẹ êềếểễệ iìíỉĩị oòóỏõọ ôồốổỗộ ơờớởỡợ uùúủũụ ưừứửữự yỳýỷỹỵ đ"
NAMES = ["Khu công nghiệp Tiên Lãng", ALPHABET + "\n" + ALPHABET.upper(), "Đê {biển} 50% \\ ^I"]


@pytest.fixture
def layer() -> gpd.GeoDataFrame:
    """A polygon with a hole, a two-part multipolygon, a line and a point, in VN-2000."""
    holed = Polygon(
        [(606000, 2282000), (607000, 2282000), (607000, 2282500), (606000, 2282500)],
        [
            [(606100, 2282100), (606300, 2282100), (606300, 2282200), (606100, 2282200)],
            [(606500, 2282100), (606700, 2282100), (606700, 2282300)],
        ],
    )
    multi = MultiPolygon(
        [box(608000, 2281000, 608700, 2281400), box(609000.25, 2281000, 609300, 2281900.125)]
    )
    return gpd.GeoDataFrame(
        {
            "category": ["industrial_park", "port_logistics", "transport", "transport"],
            "name_vi": [*NAMES, None],
            "dien_tich": [50.0, 1.5, None, 0.0],
        },
        geometry=[
            holed,
            multi,
            LineString([(604000, 2280000), (605000.5, 2280700)]),
            Point(605500, 2280500),
        ],
        crs=9210,
    )


def _text(mtext) -> str:
    """What a CAD program shows of an MTEXT: ezdxf's plain text with \\U+XXXX decoded."""
    from ezdxf.lldxf.encoding import decode_dxf_unicode

    return decode_dxf_unicode(mtext.plain_text())


def _entities(doc, kind: str, layer: str | None = None) -> list:
    return [e for e in doc.modelspace().query(kind) if layer is None or e.dxf.layer == layer]


@pytest.mark.parametrize("hatch", [False, True])
def test_the_drawing_as_a_cad_program_reads_it(tmp_path, layer, hatch):
    out = write_layer(layer, tmp_path / "ban_ve.dxf", hatch=hatch)
    assert out.read_bytes().isascii()  # every character beyond ASCII as \U+XXXX
    doc = ezdxf.readfile(out)
    auditor = doc.audit()
    assert auditor.has_errors is False, [e.message for e in auditor.errors]
    assert doc.dxfversion == "AC1018"
    assert doc.header["$INSUNITS"] == 6  # metres
    assert doc.header["$MEASUREMENT"] == 1  # metric
    props = dict(doc.header.custom_vars.properties)
    assert props["EPSG"] == "9210"
    assert props["Coordinate system"] == pyproj.CRS(9210).name
    assert props["Units"] == "m"
    # one closed LWPOLYLINE per ring, on the layer of the feature's category
    closed = [e for e in _entities(doc, "LWPOLYLINE") if e.closed]
    assert sorted(e.dxf.layer for e in closed) == ["industrial_park"] * 3 + ["port_logistics"] * 2
    rings = sorted(
        round(Polygon(list(e.vertices())).area, 6)
        for e in closed
        if e.dxf.layer == "industrial_park"
    )
    assert rings == sorted([500_000.0, 20_000.0, 20_000.0])
    road = [e for e in _entities(doc, "LWPOLYLINE", "transport") if not e.closed]
    assert [list(e.vertices()) for e in road] == [[(604000, 2280000), (605000.5, 2280700)]]
    assert [tuple(e.dxf.location)[:2] for e in _entities(doc, "POINT")] == [(605500, 2280500)]
    # the names as MTEXT on the label layer, in a text style whose font has Vietnamese letters
    labels = _entities(doc, "MTEXT", dxf.LABEL_LAYER)
    assert [_text(m) for m in labels] == NAMES
    assert {m.dxf.style for m in labels} == {"ZONEPLAN"}
    assert doc.styles.get("ZONEPLAN").dxf.font == "arial.ttf"
    inside = [Point(m.dxf.insert.x, m.dxf.insert.y) for m in labels]
    assert inside[0].within(layer.geometry[0])
    assert inside[1].within(layer.geometry[1])
    note = _text(_entities(doc, "MTEXT", dxf.NOTE_LAYER)[0])
    assert "VN-2000 / TM-3 105-45 (EPSG:9210)" in note
    assert "Units: m" in note
    assert {doc.layers.get(n).color for n in ("industrial_park", "port_logistics")} != {7}
    hatches = _entities(doc, "HATCH")
    if hatch:
        assert (
            sorted(h.dxf.layer for h in hatches)
            == ["industrial_park-HATCH"] + ["port_logistics-HATCH"] * 2
        )
        assert sorted(len(h.paths) for h in hatches) == [1, 1, 3]  # the holes stay open
        assert all(h.dxf.solid_fill == 1 for h in hatches)
    else:
        assert hatches == []


def test_gdal_reads_the_drawing_as_qgis_does(tmp_path, layer):
    """GDAL's DXF driver (QGIS's reader), without zoneplan: every ring, fill and label."""
    out = write_layer(layer, tmp_path / "ban_ve.dxf", hatch=True)
    info = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-so", str(out)], capture_output=True, text=True, check=True
    )
    # 5 rings, 1 line, 1 point, 3 fills, 3 labels (the point has no name), the CRS note
    assert "Feature Count: 14" in info.stdout
    assert "ERROR" not in info.stderr
    assert "Warning" not in info.stderr
    raw = pyogrio.read_dataframe(out)
    rings = raw[raw["SubClasses"].str.contains("AcDbPolyline") & raw.geometry.is_closed]
    assert sorted(rings["Layer"]) == ["industrial_park"] * 3 + ["port_logistics"] * 2
    fills = raw[raw["SubClasses"].str.contains("AcDbHatch")]
    assert sorted(round(g.area, 6) for g in fills.geometry) == sorted(
        round(p.area, 6) for p in [layer.geometry[0], *layer.geometry[1].geoms]
    )
    labels = raw[raw["Layer"] == dxf.LABEL_LAYER]
    assert labels["Text"].tolist() == NAMES  # GDAL decodes the escapes as a CAD program does
    for text, point in zip(labels["Text"], labels.geometry, strict=True):
        owner = layer[layer["name_vi"] == text].geometry.iloc[0]
        assert point.within(owner)


@pytest.mark.parametrize("hatch", [False, True])
@pytest.mark.parametrize("engine", ["pyogrio", "fiona"])
def test_round_trip_keeps_every_polygon_hole_layer_and_name(tmp_path, layer, hatch, engine):
    out = write_layer(layer, tmp_path / "ban_ve.dxf", hatch=hatch)
    back = read_layer(out, engine=engine)  # the drawing states its CRS
    assert back.crs.to_epsg() == 9210
    assert back["category"].tolist() == layer["category"].tolist()
    assert back["Layer"].tolist() == layer["category"].tolist()
    assert back["name_vi"].tolist()[:3] == NAMES
    assert back["name_vi"].isna().tolist() == [False, False, False, True]
    assert back.geom_type.tolist() == ["Polygon", "MultiPolygon", "LineString", "Point"]
    for got, want in zip(back.geometry, layer.geometry, strict=True):
        assert got.equals(want)  # the coordinates are written in full
        assert got.equals_exact(want, 0) or got.normalize().equals_exact(want.normalize(), 0)
    assert [len(g.interiors) for g in back.geometry[:1]] == [2]


def test_attributes_a_drawing_cannot_hold_are_named(tmp_path, layer, caplog):
    with caplog.at_level(logging.WARNING, logger="zoneplan"):
        write_layer(layer, tmp_path / "ban_ve.dxf")
    assert (
        "ban_ve.dxf: a DXF drawing holds no attribute table (category is the CAD layer, "
        "name_vi the label); the column(s) dien_tich are not in it; keep them in a GeoPackage"
    ) in caplog.text


def test_layer_names_cad_refuses_are_renamed_and_said(tmp_path, caplog):
    gdf = gpd.GeoDataFrame(
        {"category": ["Đất ở: ODT/ONT", "ok"]},
        geometry=[box(0, 0, 10, 10), box(20, 0, 30, 10)],
        crs=9210,
    )
    with caplog.at_level(logging.WARNING, logger="zoneplan"):
        back = read_layer(write_layer(gdf, tmp_path / "l.dxf"))
    assert back["Layer"].tolist() == ["Đất ở_ ODT_ONT", "ok"]
    assert "the layer(s) 'Đất ở: ODT/ONT' were renamed" in caplog.text


def test_degrees_are_drawn_in_vn2000_metres(tmp_path):
    lonlat = gpd.GeoDataFrame(
        {"name": ["Ô 1"]}, geometry=[box(106.70, 20.60, 106.71, 20.61)], crs=4326
    )
    back = read_layer(write_layer(lonlat, tmp_path / "o.dxf"))
    assert back.crs.to_epsg() == 9210
    expected = reproject(lonlat, 9210).geometry.iloc[0]
    assert back.geometry.iloc[0].area == pytest.approx(expected.area, rel=1e-12)
    assert back["name"].tolist() == ["Ô 1"]
    assert back["Layer"].tolist() == ["o"]  # no category column: the layer's own name


def test_a_stated_crs_other_than_crs_is_said(tmp_path, layer, caplog):
    out = write_layer(layer, tmp_path / "ban_ve.dxf")
    with caplog.at_level(logging.WARNING, logger="zoneplan"):
        back = read_layer(out, crs="EPSG:9209")
    assert back.crs.to_epsg() == 9210
    assert "the file declares VN-2000 / TM-3 105-45; --crs EPSG:9209 is ignored" in caplog.text


def test_hatch_is_for_dxf_only(tmp_path, layer, capsys):
    src = tmp_path / "khu.gpkg"
    write_layer(layer.iloc[:2], src)
    out = tmp_path / "khu_out.gpkg"
    assert main(["export", str(src), "--out", str(out), "--hatch"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"zoneplan: error: {out}: --hatch fills polygons in DXF drawings only; write a .dxf"
    ]
    assert not out.exists()
    with pytest.raises(OutputError, match=r"a hatch is drawn in DXF drawings only"):
        write_layer(layer, out, hatch=True)
    dwg = tmp_path / "khu.dxf"
    assert main(["-q", "export", str(src), "--out", str(dwg), "--hatch"]) == 0
    assert len(_entities(ezdxf.readfile(dwg), "HATCH")) == 3  # one per polygon part


# --- drawings made by other programs ----------------------------------------------------------


def _square(x: float, y: float, d: float) -> list[tuple[float, float]]:
    return [(x, y), (x + d, y), (x + d, y + d), (x, y + d)]


def test_nested_closed_polylines_are_holes_and_stay_polygons(tmp_path, caplog):
    doc = ezdxf.new("R2000")
    msp = doc.modelspace()
    for pts, layer in [
        (_square(0, 0, 100), "THUA"),  # a parcel
        (_square(10, 10, 50), "THUA"),  # an enclave parcel inside it: a hole of it
        (_square(20, 20, 10), "THUA"),  # a parcel inside the enclave
        (_square(70, 70, 10), "AO"),  # another layer: a pond drawn over it, not a hole
        (_square(200, 0, 50), "THUA"),  # a parcel beside it
    ]:
        msp.add_lwpolyline(pts, close=True, dxfattribs={"layer": layer})
    msp.add_hatch(color=3, dxfattribs={"layer": "HATCH"}).paths.add_polyline_path(
        _square(200, 0, 50), is_closed=True
    )  # its fill: read once
    path = tmp_path / "cad.dxf"
    doc.saveas(path)
    with caplog.at_level(logging.INFO, logger="zoneplan"):
        gdf = read_layer(path, crs="EPSG:9210")
    parcels = gdf[gdf["Layer"] == "THUA"]
    # the faces QGIS's Polygonize makes of these rings: no parcel lost, none counted twice
    faces = shapely.polygonize(
        [shapely.LinearRing(_square(*s)) for s in ((0, 0, 100), (10, 10, 50), (20, 20, 10))]
    )
    want = sorted([*(round(g.area, 6) for g in faces.geoms), 2500.0])
    assert sorted(parcels.geometry.area.round(6).tolist()) == want == [100, 2400, 2500, 7500]
    assert sorted(len(g.interiors) for g in parcels.geometry) == [0, 0, 1, 1]
    assert parcels.geometry.union_all().area == pytest.approx(10_000 + 2500)
    assert gdf.loc[gdf["Layer"] == "AO"].geometry.area.tolist() == [100.0]
    assert len(gdf) == 5
    assert "2 closed polyline(s) lie inside another of the same layer" in caplog.text
    assert "1 HATCH fill(s) cover exactly a polygon drawn as polylines" in caplog.text


def test_a_hatch_alone_stays_a_polygon(tmp_path):
    doc = ezdxf.new("R2000")
    hatch = doc.modelspace().add_hatch(color=3, dxfattribs={"layer": "KHU"})
    hatch.paths.add_polyline_path(_square(0, 0, 100), is_closed=True, flags=1)
    hatch.paths.add_polyline_path(_square(10, 10, 10), is_closed=True, flags=16)
    path = tmp_path / "hatch.dxf"
    doc.saveas(path)
    gdf = read_layer(path, crs="EPSG:9210")
    assert gdf.geometry.area.tolist() == [pytest.approx(9_900.0)]
    assert np.array([len(g.interiors) for g in gdf.geometry]).tolist() == [1]
