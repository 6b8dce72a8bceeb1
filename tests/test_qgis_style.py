"""The style travels with the data: QGIS's layer_styles table in exported GeoPackages."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from PIL import Image

from zoneplan.cli import main
from zoneplan.qgis_style import read_layer_styles
from zoneplan.render import MapLayer
from zoneplan.render.classify import StyleBy, classify
from zoneplan.render.payload import map_payload
from zoneplan.render.style import CATEGORY_STYLES
from zoneplan.synthetic import synthetic_parcels

SYSTEM_PYTHON = "/usr/bin/python3"
SLD = {"se": "http://www.opengis.net/se", "ogc": "http://www.opengis.net/ogc"}


@pytest.fixture(scope="module")
def parcels() -> gpd.GeoDataFrame:
    p = synthetic_parcels(400, seed=23, cadastral=True)
    p.loc[0, "land_use_code"] = "QQQ"
    p.loc[1, "land_use_code"] = None
    return p


@pytest.fixture(scope="module")
def exported(parcels, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gpkg")
    src = folder / "thua.gpkg"
    parcels.to_file(src)
    out = folder / "styled.gpkg"
    args = ["-q", "export", str(src), "zone", "functional_areas", "transport"]
    args += [
        "--style-by",
        "thua.gpkg=land_use_code",
        "--label-by",
        "thua.gpkg=so_thua,land_use_code",
    ]
    assert main([*args, "--out", str(out)]) == 0
    return out


def _hex_rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    parts = [str(int(h[i : i + 2], 16)) for i in (0, 2, 4)]
    return ",".join([*parts, str(round(255 * alpha))])


def _qml_categories(qml: str) -> list[tuple[str, str, str]]:
    root = ET.fromstring(qml.split("\n", 1)[1])
    colours = {}
    for symbol in root.iter("symbol"):
        layer = symbol.find("layer")
        props = {p.get("k"): p.get("v") for p in layer.iter("prop")}
        colours[symbol.get("name")] = props.get("color") or props.get("line_color")
    return [
        (c.get("value"), c.get("label"), colours[c.get("symbol")]) for c in root.iter("category")
    ]


def test_the_table_is_qgis_layer_styles_registered_in_the_geopackage(exported) -> None:
    with sqlite3.connect(exported) as con:
        kinds = dict(con.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
        columns = [r[1] for r in con.execute("PRAGMA table_info(layer_styles)")]
    assert kinds["layer_styles"] == "attributes"
    for name in ("thua", "zone", "functional_areas", "transport"):
        assert kinds[name] == "features"
    assert columns == [
        "id",
        "f_table_catalog",
        "f_table_schema",
        "f_table_name",
        "f_geometry_column",
        "styleName",
        "styleQML",
        "styleSLD",
        "useAsDefault",
        "description",
        "owner",
        "ui",
        "update_time",
    ]
    styles = read_layer_styles(exported)
    assert sorted(styles["f_table_name"]) == ["functional_areas", "thua", "transport", "zone"]
    assert set(styles["useAsDefault"]) == {1}
    geometry = pyogrio.read_info(exported, layer="thua")["geometry_name"]
    assert set(styles["f_geometry_column"]) == {geometry}
    # the data itself is untouched
    back = gpd.read_file(exported, layer="thua")
    assert len(back) == 400


def test_qml_and_sld_match_the_legend_of_the_map(exported, parcels) -> None:
    styles = read_layer_styles(exported).set_index("f_table_name")
    layer = MapLayer(
        "thua.gpkg", "thua", "thua", "user", parcels, style_by=StyleBy("land_use_code")
    )
    legend = [c for c in map_payload([layer], "vi", [])["categories"] if c.get("legend_group")]
    cats = _qml_categories(styles.loc["thua", "styleQML"])
    assert len(cats) == len(legend)
    for (value, label, colour), entry in zip(cats, legend, strict=True):
        code = entry["label"].split(" · ")[0]
        assert label.startswith(entry["label"])
        assert colour == _hex_rgba(entry["style"]["fill"], entry["style"]["fill_opacity"])
        if entry["label"] == "Không có giá trị":
            assert value == ""  # QGIS's class of all other values (and NULL)
        else:
            assert value == code
    root = ET.fromstring(styles.loc["thua", "styleQML"].split("\n", 1)[1])
    assert root.get("labelsEnabled") == "1"
    # two columns: an expression of one line each, as QGIS writes it
    text_style = root.find("labeling/settings/text-style")
    assert text_style.get("isExpression") == "1"
    assert text_style.get("fieldName") == 'concat("so_thua", \'\\n\', "land_use_code")'
    assert root.find("labeling/settings/placement").get("fitInPolygonOnly") == "1"
    assert root.find("labeling/settings/rendering").get("displayAll") == "0"
    sld = ET.fromstring(styles.loc["thua", "styleSLD"])
    rules = sld.findall(".//se:Rule", SLD)
    assert len(rules) == len(legend) + 1  # and the labels
    label = rules[-1].find(".//se:Label", SLD)
    assert [p.text for p in label.findall("ogc:PropertyName", SLD)] == ["so_thua", "land_use_code"]
    assert label.find("ogc:PropertyName", SLD).tail == "\n"
    for rule, entry in zip(rules[:-1], legend, strict=True):
        fill = rule.find(".//se:Fill/se:SvgParameter[@name='fill']", SLD).text
        assert fill == entry["style"]["fill"]
        literal = rule.find(".//ogc:Literal", SLD)
        if literal is not None:
            assert literal.text == entry["label"].split(" · ")[0]
        else:
            assert rule.find(".//ogc:PropertyIsNull", SLD) is not None


def test_shipped_layers_carry_their_category_colours(exported) -> None:
    styles = read_layer_styles(exported).set_index("f_table_name")
    functional = gpd.read_file(exported, layer="functional_areas")
    cats = _qml_categories(styles.loc["functional_areas", "styleQML"])
    assert {c[0] for c in cats} == set(functional["category"])
    for value, _, colour in cats:
        st = CATEGORY_STYLES[value]
        assert colour == _hex_rgba(st.fill, st.fill_opacity)
    road = {c[0]: c[2] for c in _qml_categories(styles.loc["transport", "styleQML"])}
    assert road["road"] == _hex_rgba(CATEGORY_STYLES["road"].color, 1.0)  # a line: its stroke


def test_graduated_styles_carry_the_mapclassify_breaks(parcels, tmp_path) -> None:
    src = tmp_path / "thua.gpkg"
    parcels.to_file(src)
    out = tmp_path / "g.gpkg"
    args = ["-q", "export", str(src), "--style-by", "declared_area_m2", "--scheme"]
    assert main([*args, "equal_interval", "--k", "4", "--out", str(out)]) == 0
    qml = read_layer_styles(out)["styleQML"][0]
    root = ET.fromstring(qml.split("\n", 1)[1])
    assert root.find("renderer-v2").get("type") == "graduatedSymbol"
    uppers = [float(r.get("upper")) for r in root.iter("range")]
    reference = classify(parcels["declared_area_m2"], StyleBy("d", scheme="equal_interval", k=4))
    np.testing.assert_array_equal(uppers, reference.bins)


def test_styles_need_a_geopackage(parcels, tmp_path, capsys) -> None:
    src = tmp_path / "thua.gpkg"
    parcels.iloc[:10].to_file(src)
    out = tmp_path / "x.geojson"
    assert main(["export", str(src), "--style-by", "land_use_code", "--out", str(out)]) == 1
    assert "GeoPackage files only" in capsys.readouterr().err
    assert not out.exists()


def _qgis() -> bool:
    if not Path(SYSTEM_PYTHON).exists():
        return False
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, check=False
    )
    return probe.returncode == 0


def test_qgis_opens_the_file_styled_and_draws_the_colours(exported, parcels, tmp_path) -> None:
    if not _qgis():
        if os.environ.get("CI"):
            pytest.fail("QGIS's Python bindings are missing: .ci/run installs python3-qgis")
        pytest.skip("QGIS (python3-qgis) is not installed")
    frame = gpd.read_file(exported, layer="thua")
    some = frame.iloc[[0, 2, 50, 120]]
    xmin, ymin, xmax, ymax = some.total_bounds
    pad = 0.002
    box = [xmin - pad, ymin - pad, xmax + pad, ymax + pad]
    png = tmp_path / "qgis.png"
    script = Path(__file__).with_name("qgis_render.py")
    run = subprocess.run(
        [SYSTEM_PYTHON, str(script), str(exported), "thua", str(png), "800", "800"]
        + [str(float(v)) for v in box],
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    info = json.loads(run.stdout.strip().splitlines()[-1])
    assert info["type"] == "categorizedSymbol"
    assert info["attr"] == "land_use_code"
    assert info["labels"] is True
    first = frame.iloc[0]  # QGIS's label: the parcel number over the land-use code
    assert info["first_label"] == f"{first['so_thua']}\n{first['land_use_code']}"
    legend = _qml_categories(
        read_layer_styles(exported).set_index("f_table_name").loc["thua", "styleQML"]
    )
    assert [c[0] for c in info["categories"]] == [c[0] for c in legend]
    image = Image.open(png).convert("RGB")
    x0, y0, x1, y1 = info["extent"]
    checked = 0
    for row in range(len(frame)):
        geom = frame.geometry.iloc[row]
        if not shapely.intersects(geom, shapely.box(*box)):
            continue
        # a point inside the parcel between its middle (where its label is) and a corner
        middle = shapely.point_on_surface(geom)
        corner = shapely.Point(shapely.get_coordinates(geom)[0])
        point = shapely.Point(
            middle.x + 0.8 * (corner.x - middle.x), middle.y + 0.8 * (corner.y - middle.y)
        )
        if not geom.buffer(-0.0001).contains(point):
            continue
        px = (point.x - x0) / (x1 - x0) * image.width
        py = (y1 - point.y) / (y1 - y0) * image.height
        if not (5 <= px < image.width - 5 and 5 <= py < image.height - 5):
            continue
        code = frame.loc[row, "land_use_code"]
        colour = next(c[2] for c in legend if c[0] == ("" if pd.isna(code) else code))
        r, g, b, a = (int(v) for v in colour.split(","))
        expected = [round(a / 255 * c + (1 - a / 255) * 255) for c in (r, g, b)]
        got = image.getpixel((int(px), int(py)))
        assert np.abs(np.array(got) - expected).max() <= 4, (row, code, got, expected)
        checked += 1
    assert checked >= 4
    assert shutil.which(SYSTEM_PYTHON)
