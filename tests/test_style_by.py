"""Styling user layers by a column: classes, colours, legend counts and hectares, options."""

from __future__ import annotations

import builtins
from pathlib import Path

import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import pytest

from zoneplan import landuse
from zoneplan.areas import measure_features
from zoneplan.cli import main
from zoneplan.errors import InputError
from zoneplan.render import MapLayer, user_layer
from zoneplan.render.classify import QUALITATIVE, StyleBy, classify, ramp
from zoneplan.render.layers import LayerRegistry
from zoneplan.render.payload import map_payload
from zoneplan.synthetic import synthetic_parcels


@pytest.fixture(scope="module")
def parcels() -> gpd.GeoDataFrame:
    p = synthetic_parcels(600, seed=11, cadastral=True)
    p.loc[0:4, "land_use_code"] = "QQQ"
    p.loc[5:6, "land_use_code"] = None
    p["phase"] = np.where(np.arange(len(p)) % 3 == 0, "2026-2030", "after 2030")
    return p


def test_each_land_use_code_gets_its_colour_and_unknown_codes_the_fallback() -> None:
    codes = list(landuse.CODES)
    values = pd.Series([*codes, "QQQ", "qqq ", None])
    c = classify(values, StyleBy("lu"))
    assert c.kind == "landuse"
    fills = {cls.code: cls.fill for cls in c.classes if cls.key is not None}
    for code in codes:
        rgb = landuse.CODES[code].rgb
        expected = landuse.UNKNOWN_HEX if rgb is None else "#{:02X}{:02X}{:02X}".format(*rgb)
        assert fills[code] == expected, code
    # every feature's class carries its value's colour
    for value, index in zip(values, c.index, strict=True):
        cls = c.classes[index]
        if pd.isna(value):
            assert cls.key is None
            assert cls.fill == landuse.UNKNOWN_HEX
        else:
            assert cls.key == value
    unknown = [cls for cls in c.classes if not cls.known]
    assert {cls.key for cls in unknown} == {"QQQ", "qqq ", None}
    assert [cls.code for cls in unknown] == ["QQQ", "QQQ", None]
    assert all(cls.fill == landuse.UNKNOWN_HEX for cls in unknown)
    assert landuse.UNKNOWN_HEX not in {landuse.CODES[k].hex for k in codes}
    # the legend order is the statistics order, unknown values last
    known_order = [cls.code for cls in c.classes if cls.known]
    assert known_order == codes


def test_other_text_gets_the_colour_blind_safe_palette() -> None:
    values = pd.Series(["b", "a", "c", "a", None])
    c = classify(values, StyleBy("x"))
    assert c.kind == "categorical"
    assert [cls.key for cls in c.classes] == ["a", "b", "c", None]
    assert [cls.fill for cls in c.classes[:3]] == list(QUALITATIVE[:3])
    assert c.index.tolist() == [1, 0, 2, 0, 3]
    forced = classify(pd.Series(["ONT", "x", "y", "z"]), StyleBy("x", palette="landuse"))
    assert forced.kind == "landuse"
    assert classify(pd.Series(["ONT", "LUC"]), StyleBy("x", palette="qualitative")).kind == (
        "categorical"
    )


@pytest.mark.parametrize(
    ("scheme", "make"),
    [
        ("quantiles", lambda y: mapclassify.Quantiles(y, k=5)),
        ("equal_interval", lambda y: mapclassify.EqualInterval(y, k=5)),
        ("fisher_jenks", lambda y: mapclassify.FisherJenks(y, k=5)),
        ("user_defined", lambda y: mapclassify.UserDefined(y, bins=[300.0, 600.0, 900.0])),
    ],
)
def test_numeric_classes_are_mapclassify_breaks(scheme: str, make, parcels) -> None:
    values = parcels["declared_area_m2"].iloc[:300]  # Fisher-Jenks classifies 300 exactly
    y = values.to_numpy(dtype=float)
    breaks = (300.0, 600.0, 900.0) if scheme == "user_defined" else None
    c = classify(values, StyleBy("a", scheme=scheme, breaks=breaks))
    reference = make(y)
    assert c.kind == "numeric"
    np.testing.assert_array_equal(c.bins, reference.bins)
    np.testing.assert_array_equal(c.index, reference.yb)
    assert [cls.fill for cls in c.classes] == ramp("YlOrRd", len(reference.bins))
    assert [cls.bounds[1] for cls in c.classes] == list(reference.bins)


def test_numbers_with_missing_values_get_a_no_value_class() -> None:
    values = pd.Series([1.0, 2.0, np.nan, 4.0, 8.0, 9.5, 3.3])
    c = classify(values, StyleBy("v", k=3, cmap="Blues"))
    assert c.classes[-1].key is None
    assert c.index[2] == len(c.classes) - 1
    assert c.classes[0].fill == ramp("Blues", 3)[0]


def test_text_is_categorical_whatever_the_scheme_and_bad_options_are_refused() -> None:
    assert classify(pd.Series(["a", "b"]), StyleBy("x", scheme="quantiles")).kind == "categorical"
    few = pd.Series([1, 2, 2, 3])
    assert classify(few, StyleBy("x")).kind == "categorical"
    assert classify(few, StyleBy("x", scheme="equal_interval", k=2)).kind == "numeric"
    with pytest.raises(InputError, match="user_defined scheme needs breaks"):
        StyleBy("x", scheme="user_defined")
    with pytest.raises(InputError, match="unknown --cmap"):
        ramp("NoSuchRamp", 3)


def test_a_missing_mapclassify_says_how_to_install_it(monkeypatch) -> None:
    real = builtins.__import__

    def fake(name, *args, **kwargs):
        if name == "mapclassify":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(InputError, match=r"pip install 'zoneplan\[classify\]'"):
        classify(pd.Series([1.0, 2.0, 3.0, 4.5]), StyleBy("v", scheme="quantiles"))


def _legend(layers: list[MapLayer]) -> tuple[dict, dict]:
    payload = map_payload(layers, "vi", [])
    return payload, dict(enumerate(payload["categories"]))


def test_legend_counts_and_hectares_equal_python(parcels) -> None:
    layer = MapLayer("p.gpkg", "p", "p", "user", parcels, style_by=StyleBy("land_use_code"))
    payload, cats = _legend([layer])
    row = payload["layers"][0]
    stats = pd.DataFrame(row["thematic"]["stats"], columns=["cat", "phase", "n", "ha"])
    # independent: group the measured areas by the value and phase in pandas
    measured = measure_features(parcels)["area_ha_vn2000"]
    frame = pd.DataFrame(
        {
            "code": parcels["land_use_code"].fillna("<none>"),
            "phase": parcels["phase"],
            "ha": measured,
        }
    )
    expected = frame.groupby(["code", "phase"])["ha"].agg(["size", "sum"])
    phases = [p["key"] for p in payload["phases"]]
    got = {}
    for r in stats.itertuples():
        cat = cats[r.cat]
        code = "<none>" if cat["label"] == "Không có giá trị" else cat["label"].split(" · ")[0]
        got[code, phases[r.phase]] = (r.n, r.ha)
    assert set(got) == set(expected.index)
    for key, (n, ha) in got.items():
        assert n == expected.loc[key, "size"]
        assert ha == pytest.approx(expected.loc[key, "sum"], rel=1e-12)
    # every feature of the GeoJSON path has its class's category
    features = row["data"]["features"]
    labels = [cats[f["zp"]["cat"]]["label"].split(" · ")[0] for f in features]
    assert labels[:3] == ["QQQ", "QQQ", "QQQ"]
    assert labels[10] == parcels.loc[10, "land_use_code"]
    ont = next(c for c in cats.values() if c["label"].startswith("ONT · "))
    assert ont["style"]["fill"] == "#FFD0FF"
    assert ont["alt"] == "Rural residential"
    assert ont["legend_group"] == "p · land_use_code"
    unknown = next(c for c in cats.values() if c["label"].startswith("QQQ · "))
    assert unknown["style"]["fill"] == landuse.UNKNOWN_HEX
    assert unknown["known"] is False


def test_big_layer_blocks_carry_the_class_of_each_feature(parcels) -> None:
    from zoneplan.render.biglayer import BigLayerBlock

    small = MapLayer("p.gpkg", "p", "p", "user", parcels, style_by=StyleBy("land_use_code"))
    big = MapLayer("p.gpkg", "p", "p", "user", parcels, style_by=StyleBy("land_use_code"), big=True)
    blocks: list[tuple[str, BigLayerBlock]] = []
    a = map_payload([small], "vi", [])
    b = map_payload([big], "vi", blocks)
    assert a["categories"] == b["categories"]
    assert a["layers"][0]["thematic"] == b["layers"][0]["thematic"]
    import gzip

    header = b["layers"][0]["big"]
    raw = gzip.decompress(blocks[0][1].data)
    part = header["parts"]["cat"]
    dtype = {"u8": np.uint8, "u16": np.uint16}[part["type"]]
    data = np.frombuffer(raw, dtype=np.uint8, count=part["bytes"], offset=part["offset"])
    if part["shuffle"] and dtype != np.uint8:
        data = data.reshape(np.dtype(dtype).itemsize, -1).T.copy()
    cats = data.view(dtype).ravel()
    expected = [f["zp"]["cat"] for f in a["layers"][0]["data"]["features"]]
    assert cats.tolist() == expected


def test_two_layers_styled_by_different_columns(tmp_path: Path, parcels) -> None:
    a = tmp_path / "a.gpkg"
    b = tmp_path / "b.gpkg"
    parcels.iloc[:200].to_file(a)
    parcels.iloc[200:400].to_file(b)
    out = tmp_path / "m.html"
    args = ["-q", "build", "--out", str(out), "--layer", str(a), "--layer", str(b)]
    args += ["--style-by", "a.gpkg=land_use_code", "--style-by", "b.gpkg=declared_area_m2"]
    args += ["--scheme", "equal_interval", "--k", "4", "--cmap", "Greens"]
    args += ["--label-by", "so_thua", "--search-by", "so_to,so_thua"]
    assert main(args) == 0
    html = out.read_text(encoding="utf-8")
    assert '"column":"land_use_code","kind":"landuse"' in html
    assert '"column":"declared_area_m2","kind":"numeric"' in html
    assert html.count('"label_by":["so_thua"]') == 2
    assert html.count('"search_by":["so_to","so_thua"]') == 2
    for colour in ramp("Greens", 4):
        assert colour in html


def test_style_options_are_checked(tmp_path: Path, parcels, capsys) -> None:
    path = tmp_path / "p.gpkg"
    parcels.iloc[:50].to_file(path)
    out = str(tmp_path / "m.html")
    base = ["build", "--out", out, "--layer", str(path)]
    assert main([*base, "--style-by", "nope"]) == 1
    assert "no layer file has the column(s) nope" in capsys.readouterr().err
    assert main([*base, "--style-by", "x.gpkg=land_use"]) == 1
    assert "no layer file is named x.gpkg" in capsys.readouterr().err
    assert main([*base, "--label-by", "p.gpkg=nope"]) == 1
    assert "p.gpkg has no column 'nope' for --label-by" in capsys.readouterr().err
    assert main([*base, "--style-by", "so_thua", "--scheme", "quantiles", "--k", "1"]) == 1
    assert "between 2 and 20 classes" in capsys.readouterr().err
    assert main([*base, "--style-by", "so_thua", "--breaks", "3,2"]) == 1
    assert "increasing numbers" in capsys.readouterr().err
    assert main(["build", "--out", out, "--style-by", "land_use"]) == 1
    assert "add --layer FILE" in capsys.readouterr().err
    assert not Path(out).exists()


def test_python_api_takes_the_same_options(tmp_path: Path, parcels) -> None:
    path = tmp_path / "p.gpkg"
    parcels.iloc[:100].to_file(path)
    layer = user_layer(
        path,
        style_by=StyleBy("declared_area_m2", scheme="quantiles", k=4, cmap="Blues"),
        label_by="so_thua",
        search_by="so_to,so_thua",
    )
    assert layer.search_by == ("so_to", "so_thua")
    payload = map_payload([layer], "en", [])
    assert payload["layers"][0]["thematic"]["kind"] == "numeric"
    lp = payload["layers"][0]["data"]["features"][0]["zp"]["lp"]
    assert parcels.iloc[0].geometry.contains(gpd.points_from_xy([lp[0]], [lp[1]])[0])
    with pytest.raises(InputError, match="no column 'nope' for --style-by"):
        user_layer(path, style_by="nope")


def test_registry_keeps_catalog_categories_first() -> None:
    registry = LayerRegistry("vi")
    n = len(registry.cat_rows)
    index = registry.add_class(("class", "a", "c", "0"), "x", {"fill": "#000000"}, alt="y")
    assert index == n
    assert registry.add_class(("class", "a", "c", "0"), "x", {}) == n


@pytest.fixture
def zone_catalog(tmp_path: Path, geodata: Path):
    """A catalog of the zone layer only (and its events): cheap sheets."""
    import json
    import shutil

    from zoneplan.catalog import load_catalog

    data = json.loads((geodata / "catalog.json").read_text(encoding="utf-8"))
    data["layers"] = [entry for entry in data["layers"] if entry["id"] == "zone"]
    (tmp_path / "catalog.json").write_text(json.dumps(data), encoding="utf-8")
    for name in ("zone.geojson", data.get("events")):
        if name:
            shutil.copy(geodata / name, tmp_path / name)
    return load_catalog(tmp_path)


def test_print_sheets_draw_the_classes_and_list_them(parcels, zone_catalog) -> None:
    from matplotlib.colors import to_rgba

    from zoneplan.figure import make_figure, sheet_info

    few = parcels.iloc[:60].copy()
    few["land_use_code"] = ["ONT", "LUC", "QQQ"] * 20
    layer = MapLayer("thua.gpkg", "thua", "thua", "user", few, style_by=StyleBy("land_use_code"))
    fig = make_figure("thua.gpkg", layers=[layer], dpi=72, catalog=zone_catalog)
    legend = sheet_info(fig).legend
    # each class with the count and VN-2000 ha of its parcels in the frame (all of them here)
    ha = measure_features(few)["area_ha_vn2000"].groupby(few["land_use_code"].to_numpy()).sum()
    text = {code: f"{ha[code]:.1f}".rstrip("0").rstrip(".") for code in ("LUC", "ONT", "QQQ")}
    size = {code: f"20 · {t.replace('.', ',')} ha" for code, t in text.items()}
    # the classes, then the status key of the zone (planned), as the viewer's legend ends
    assert list(legend[-5:]) == [
        f"LUC · Đất chuyên trồng lúa ({size['LUC']})",
        f"ONT · Đất ở tại nông thôn ({size['ONT']})",
        f"QQQ · Mã không có trong bảng ({size['QQQ']})",
        "Hiện trạng",
        "Quy hoạch",
    ]
    faces = set()
    for ax in fig.axes:
        for coll in ax.collections:
            faces |= {tuple(np.round(c, 3)) for c in coll.get_facecolors()}
    for code in ("ONT", "LUC"):
        assert tuple(np.round(to_rgba(landuse.CODES[code].hex, 0.8), 3)) in faces
    assert tuple(np.round(to_rgba(landuse.UNKNOWN_HEX, 0.8), 3)) in faces


def test_print_sheets_draw_the_statuses_of_a_styled_layer_as_the_viewer(parcels, zone_catalog):
    from matplotlib.colors import to_rgba

    from zoneplan.figure import make_figure, sheet_info

    few = parcels.iloc[:12].copy()
    few["land_use_code"] = "ONT"
    few["status"] = ["proposed", None, "under construction"] * 4
    layer = MapLayer("thua.gpkg", "thua", "thua", "user", few, style_by=StyleBy("land_use_code"))
    fig = make_figure("thua.gpkg", layers=[layer], dpi=72, catalog=zone_catalog)
    # the viewer's statusStyle on the class style (0.6 px outline, fill at 0.8), an A4 sheet
    # drawing 0.5 pt a pixel: proposed dotted "2 5" and its fill at 0.8 × 0.45; under
    # construction solid, 2.5 px thicker, its fill at 0.8 × 1.2 capped at 0.9; none as the class
    ont = landuse.CODES["ONT"].hex
    drawn = {}
    for coll in fig.axes[0].collections:
        for face in coll.get_facecolors():
            (_, dashes), width = coll.get_linestyle()[0], coll.get_linewidth()[0]
            drawn[tuple(np.round(face, 3))] = (tuple(dashes or ()), round(float(width), 3))
    expected = {0.36: ((1.0, 2.5), 0.3), 0.8: ((), 0.3), 0.9: ((), 1.55)}
    for alpha, style in expected.items():
        assert drawn[tuple(np.round(to_rgba(ont, alpha), 3))] == style
    # the status key lists the parcels' statuses and the zone's, in the schema's order
    key = ["Hiện trạng", "Đề xuất", "Quy hoạch", "Đang xây dựng"]
    assert list(sheet_info(fig).legend[-4:]) == key


def test_print_sheets_label_parcels_that_fit_without_overlap(
    parcels, zone_catalog, tmp_path, capsys
) -> None:
    import shapely

    from zoneplan.crs import to_vn2000
    from zoneplan.figure import make_figure, sheet_info
    from zoneplan.figure.features import LABEL_GID

    layer = MapLayer("thua.gpkg", "thua", "thua", "user", parcels, label_by="so_thua,land_use_code")
    grid = np.asarray(to_vn2000(parcels), dtype=object)
    lon, lat = parcels.geometry.iloc[300].representative_point().coords[0]
    box = (lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01)

    near = make_figure(box, layers=[layer], scale=25000, dpi=72, catalog=zone_catalog)
    labels = [t for t in near.axes[0].texts if t.get_gid() == LABEL_GID]
    assert sheet_info(near).labels == len(labels) > 10
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(near).get_renderer()
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i, a in enumerate(boxes):  # never overlapping
        assert not any(a.overlaps(b) for b in boxes[i + 1 :])
    to_data = near.axes[0].transData.inverted()
    for label, extent in zip(labels, boxes, strict=True):
        (x0, y0), (x1, y1) = to_data.transform([(extent.x0, extent.y0), (extent.x1, extent.y1)])
        # the label's parcel holds its anchor, and the text's box fits the parcel's box
        hits = shapely.contains_xy(grid, *label.get_position()).nonzero()[0]
        assert len(hits) == 1
        parcel = grid[hits[0]]
        # one line a column: the parcel number over the land-use code (none when missing)
        row = parcels.iloc[hits[0]]
        lines = [str(row["so_thua"])] + ([row["land_use_code"]] if row["land_use_code"] else [])
        assert label.get_text().split("\n") == lines
        px0, py0, px1, py1 = parcel.bounds
        assert px0 <= x0
        assert x1 <= px1
        assert py0 <= y0
        assert y1 <= py1

    # the labels are text, in the sheet's one regular face: the PDF gives each label's lines
    # back from the characters inside its box (a PDF point is 72/dpi pixels), all in
    # DejaVu Sans, and embeds no other face (a bold one was a second font to subset)
    import pdfplumber
    from pdfminer.pdftypes import resolve1

    from zoneplan.figure import save_figure

    save_figure(near, tmp_path / "labels.pdf")
    with pdfplumber.open(tmp_path / "labels.pdf") as pdf:
        page = pdf.pages[0]
        chars, height = page.chars, float(page.height)
        embedded = {
            resolve1(font)["BaseFont"].name.split("+")[-1]
            for font in resolve1(page.page_obj.resources["Font"]).values()
        }
    pt = 72 / near.dpi
    for label, box in zip(labels, boxes, strict=True):
        inside = sorted(
            (
                c
                for c in chars
                if box.x0 * pt < (c["x0"] + c["x1"]) / 2 < box.x1 * pt
                and box.y0 * pt < height - (c["top"] + c["bottom"]) / 2 < box.y1 * pt
            ),
            key=lambda c: (round(c["top"]), c["x0"]),
        )
        rows: dict[int, str] = {}
        for c in inside:
            rows[round(c["top"])] = rows.get(round(c["top"]), "") + c["text"]
        assert list(rows.values()) == label.get_text().split("\n")
        assert {c["fontname"].split("+")[-1] for c in inside} == {"DejaVuSans"}
    assert embedded == {"DejaVuSans"}
    # and an SVG keeps them as text elements, a line each
    import xml.etree.ElementTree as ET

    save_figure(near, tmp_path / "labels.svg")
    svg = "{http://www.w3.org/2000/svg}"
    groups = [
        g for g in ET.parse(tmp_path / "labels.svg").iter(f"{svg}g") if g.get("id") == LABEL_GID
    ]
    texts = ["\n".join("".join(t.itertext()) for t in g.iter(f"{svg}text")) for g in groups]
    assert texts == [label.get_text() for label in labels]
    assert main(["figure", "--label-by", "so_thua", "--out", str(tmp_path / "x.pdf")]) == 1
    assert "style your --layer files: add --layer FILE" in capsys.readouterr().err
    far = make_figure("zone", layers=[layer], scale=500000, dpi=72, catalog=zone_catalog)
    assert sheet_info(far).labels == 0  # parcels too small at 1:500,000 for their numbers
