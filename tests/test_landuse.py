"""Land-use codes, their colours, and land statistics by code (`zoneplan.landuse`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely
from shapely import box

from helpers import fact_sheet_text
from zoneplan import landuse
from zoneplan.areas import measure_features
from zoneplan.cli import main
from zoneplan.crs import vn2000_tm3_crs
from zoneplan.synthetic import synthetic_parcels


def _facts_section_8() -> str:
    text = fact_sheet_text()
    start = text.index("## 8.")
    return text[start:]


def _fact_colours() -> dict[str, list[tuple[int, int, int]]]:
    """Code -> the RGB value(s) of the fact sheet's table, read independently of the module."""
    out: dict[str, list[tuple[int, int, int]]] = {}
    for line in _facts_section_8().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not re.match(r"^[A-Z]{3}", cells[0]):
            continue
        codes = re.findall(r"\b[A-Z]{3}\b", cells[0])
        rgbs = [tuple(int(v) for v in m) for m in re.findall(r"(\d+),(\d+),(\d+)", cells[3])]
        if len(rgbs) == len(codes) and " / " in cells[3]:  # RSX / RPH / RDD: one each
            for code, rgb in zip(codes, rgbs, strict=True):
                out[code] = [rgb]
        else:
            for code in codes:
                out[code] = rgbs
    return out


def test_every_code_of_the_fact_sheet_gets_its_rgb() -> None:
    facts = _fact_colours()
    assert len(facts) >= 60
    for code, rgbs in facts.items():
        known = landuse.CODES[code]
        if len(rgbs) == 1:
            assert known.rgb == rgbs[0], code
            assert known.alt_rgb is None, code
        else:  # a conflict: one drawn, the other kept, and the reason documented
            assert [known.rgb, known.alt_rgb] == rgbs, code
            assert code in landuse.CONFLICTS, code


def test_conflicts_keep_both_values_in_the_colour_table() -> None:
    table = landuse.land_use_colors().set_index("code")
    assert table.loc["TON", "hex"] == "#FFAAA0"
    assert table.loc["TON", "alt_hex"] == "#FAAAA0"
    assert table.loc["MNC", "alt_hex"] == "#A0FFFF"
    assert "SON" in table.loc["MNC", "note"]


def test_the_fallback_colour_is_no_code_colour() -> None:
    colours = {c.rgb for c in landuse.CODES.values()} | {c.alt_rgb for c in landuse.CODES.values()}
    assert landuse.UNKNOWN_RGB not in colours


def test_grouping_follows_the_fact_sheet() -> None:
    section = _facts_section_8()
    grouping = section[section.index("Grouping used by land statistics") :].split("\n")[0]
    parent = {c.code: c.parent for c in landuse.CODES.values()}

    def under(code: str, group: str) -> bool:
        while code is not None:
            if code == group:
                return True
            code = parent[code]
        return False

    nnp = grouping[grouping.index("NNP =") : grouping.index("PNN")]
    for code in re.findall(r"\b[A-Z]{3}\b", nnp):
        assert under(code, "NNP"), code
    pnn = grouping[grouping.index("PNN") : grouping.index("CSD =")]
    for code in set(re.findall(r"\b[A-Z]{3}\b", pnn)) - {"PNN"}:
        assert under(code, "PNN"), code
    csd = grouping[grouping.index("CSD =") :].split(".")[0]
    for code in re.findall(r"\b[A-Z]{3}\b", csd):
        assert under(code, "CSD"), code


# ----------------------------------------------------------------- statistics

#: (code, width m, height m) of a hand-made VN-2000 layer: every area is exact on the grid.
HAND = [
    ("LUC", 100, 100),  # 1 ha
    ("luc", 100, 100),  # 1 ha, lower case
    ("ONT", 50, 100),  # 0.5
    ("SKK", 150, 100),  # 1.5
    ("OTC", 30, 100),  # 0.3, the group code itself
    ("BCS", 50, 50),  # 0.25
    ("XYZ", 10, 100),  # 0.1, unknown
    (None, 20, 100),  # 0.2, no code
]


@pytest.fixture(scope="module")
def hand_layer() -> gpd.GeoDataFrame:
    x0, y0 = 590_000.0, 2_290_000.0
    geoms, x = [], x0
    for _, w, h in HAND:
        geoms.append(box(x, y0, x + w, y0 + h))
        x += w + 10
    return gpd.GeoDataFrame(
        {"lu": [c for c, _, _ in HAND]}, geometry=geoms, crs=vn2000_tm3_crs(105.75)
    )


def test_hand_computed_statistics(hand_layer: gpd.GeoDataFrame) -> None:
    t = landuse.area_by_column(hand_layer, "lu", statistics=True)
    by = {(r.code, r.kind): r for r in t.itertuples()}
    ha = {k: r.area_ha_vn2000 for k, r in by.items()}
    assert ha["LUC", "code"] == pytest.approx(2.0, abs=1e-9)
    assert ha["LUA", "group"] == pytest.approx(2.0, abs=1e-9)
    assert ha["NNP", "section"] == pytest.approx(2.0, abs=1e-9)
    assert ha["OTC", "group"] == pytest.approx(0.8, abs=1e-9)
    assert ha["OTC", "unsubdivided"] == pytest.approx(0.3, abs=1e-9)
    assert ha["CSK", "group"] == pytest.approx(1.5, abs=1e-9)
    assert ha["PNN", "section"] == pytest.approx(2.3, abs=1e-9)
    assert ha["CSD", "section"] == pytest.approx(0.25, abs=1e-9)
    assert ha["XYZ", "unknown"] == pytest.approx(0.1, abs=1e-9)
    assert ha["(trống)", "unknown"] == pytest.approx(0.2, abs=1e-9)
    assert ha["UNKNOWN", "section"] == pytest.approx(0.3, abs=1e-9)
    assert ha["TOTAL", "total"] == pytest.approx(4.85, abs=1e-9)
    assert by["LUC", "code"].n_features == 2
    assert by["TOTAL", "total"].n_features == len(HAND)
    assert by["LUC", "code"].row == "1.1.1"
    assert by["ONT", "code"].name_en == "Rural residential"
    # codes without parcels are listed with zeros, as the official tables list them
    assert by["RPH", "code"].n_features == 0
    assert by["NNP", "section"].share_pct == pytest.approx(100 * 2.0 / 4.85)


def _check_adds_up(t: pd.DataFrame) -> None:
    rows = t.reset_index(drop=True)
    for i, r in rows.iterrows():
        if r.kind not in ("section", "group"):
            continue
        kids = []
        for j in range(i + 1, len(rows)):
            if rows.loc[j, "level"] <= r.level and rows.loc[j, "kind"] != "unsubdivided":
                break
            if rows.loc[j, "level"] == r.level + 1:
                kids.append(j)
        if not kids:
            continue
        for col in ("n_features", "area_ha_vn2000", "area_ha_ellipsoidal"):
            assert rows.loc[kids, col].sum() == pytest.approx(r[col], rel=1e-12, abs=1e-9), (
                r.code,
                col,
            )
    sections = rows[(rows.level == 0) & (rows.kind == "section")]
    total = rows[rows.kind == "total"].iloc[0]
    for col in ("n_features", "area_ha_vn2000", "area_ha_ellipsoidal"):
        assert sections[col].sum() == pytest.approx(total[col], rel=1e-12)


def test_subtotals_add_up_and_the_total_is_the_whole_layer() -> None:
    parcels = synthetic_parcels(3000, seed=7, cadastral=True)
    parcels.loc[:9, "land_use_code"] = "ZZZ"
    parcels.loc[10:14, "land_use_code"] = None
    t = landuse.area_by_column(parcels, "land_use_code", statistics=True)
    _check_adds_up(t)
    measured = measure_features(parcels)
    total = t[t.kind == "total"].iloc[0]
    assert total.n_features == len(parcels)
    assert total.area_ha_vn2000 == pytest.approx(measured["area_ha_vn2000"].sum(), rel=1e-12)
    assert total.area_ha_ellipsoidal == pytest.approx(
        measured["area_ha_ellipsoidal"].sum(), rel=1e-12
    )
    unknown = t[t.kind == "unknown"].set_index("code")
    assert unknown.loc["ZZZ", "n_features"] == 10
    assert unknown.loc["(trống)", "n_features"] == 5
    # each code's row against a plain pandas group-by of the measured areas
    frame = pd.concat([parcels[["land_use_code"]], measured], axis=1)
    sums = frame.groupby("land_use_code")["area_ha_vn2000"].sum()
    codes = t[t.kind.isin(["code", "group"])].set_index("code")["area_ha_vn2000"]
    for code, ha in sums.items():
        if code in landuse.CODES:
            assert codes[code] == pytest.approx(ha, rel=1e-12)


def test_by_column_counts_and_sums_per_value(hand_layer: gpd.GeoDataFrame) -> None:
    t = landuse.area_by_column(hand_layer, "lu")
    assert list(t.columns) == [
        "lu",
        "name_vi",
        "name_en",
        "n_features",
        "area_ha_vn2000",
        "area_ha_ellipsoidal",
        "share_pct",
    ]
    rows = {r.lu: r for r in t.itertuples()}
    assert rows["LUC"].area_ha_vn2000 == pytest.approx(1.0)  # "luc" is its own value here
    assert rows[None].area_ha_vn2000 == pytest.approx(0.2)
    assert rows["XYZ"].name_vi == ""
    assert t["share_pct"].sum() == pytest.approx(100.0)


def test_missing_column_is_refused_with_the_columns(hand_layer: gpd.GeoDataFrame) -> None:
    from zoneplan.errors import InputError

    with pytest.raises(InputError, match=r"no column 'land_use'.*lu"):
        landuse.area_by_column(hand_layer, "land_use")


@pytest.fixture(scope="module")
def parcel_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lu") / "parcels.gpkg"
    parcels = synthetic_parcels(400, seed=3, cadastral=True)
    parcels.loc[0, "land_use_code"] = "QQQ"
    parcels.to_file(path, driver="GPKG")
    return path


def test_cli_land_statistics_in_every_format(parcel_file: Path, tmp_path: Path, capsys) -> None:
    args = ["-q", "areas", "--layer", str(parcel_file), "--by", "land_use_code"]
    args += ["--land-statistics"]
    assert main([*args, "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records[0]["code"] == "TOTAL"
    assert records[0]["n_features"] == 400
    qqq = [r for r in records if r["code"] == "QQQ"]
    assert [(r["kind"], r["n_features"]) for r in qqq] == [("unknown", 1)]
    out = tmp_path / "stats.xlsx"
    assert main([*args, "--out", str(out)]) == 0
    sheet = openpyxl.load_workbook(out).active
    assert sheet.title == "land statistics"
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == list(landuse.STATISTICS_COLUMNS)
    assert len(values) == len(records) + 1
    assert values[2][1] == "LUA" or values[1][1] == "TOTAL"
    # formatted as land statistics tables are: sections and groups bold, names indented by
    # level, unknown codes in italics, hectares to two decimals; the cells keep every digit
    cols = list(landuse.STATISTICS_COLUMNS)
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    for code, bold, indent in (("TOTAL", True, 0), ("NNP", True, 0), ("LUA", True, 1)):
        assert rows[code][cols.index("name_vi")].font.b is bold
        assert rows[code][cols.index("name_vi")].alignment.indent == indent
    luc = rows["LUC"]
    assert not luc[cols.index("name_vi")].font.b
    assert luc[cols.index("name_en")].alignment.indent == 2
    assert rows["QQQ"][cols.index("code")].font.i
    area = luc[cols.index("area_ha_vn2000")]
    assert area.number_format == "#,##0.00"
    luc_json = next(r for r in records if r["code"] == "LUC")
    assert area.value == pytest.approx(luc_json["area_ha_vn2000"], rel=1e-12)
    for fmt, marker in (("csv", "Nhóm đất nông nghiệp"), ("md", "| NNP |"), ("table", "TOTAL")):
        assert main([*args, "--format", fmt]) == 0
        assert marker in capsys.readouterr().out


def test_cli_by_a_builtin_table_refuses_land_statistics(capsys) -> None:
    assert main(["areas", "--by", "layer", "--land-statistics"]) == 1
    assert "--land-statistics and --within go with --by COLUMN" in capsys.readouterr().err


def test_cli_by_column_needs_a_layer(capsys) -> None:
    assert main(["areas", "--by", "land_use"]) == 1
    assert "--layer parcels.gpkg --by land_use" in capsys.readouterr().err


def test_land_statistics_within_functional_areas(parcel_file: Path, capsys) -> None:
    from zoneplan.io import load_catalog_layers

    args = ["-q", "areas", "--layer", str(parcel_file), "--by", "land_use_code"]
    assert main([*args, "--land-statistics", "--within", "functional", "--format", "json"]) == 0
    t = pd.DataFrame(json.loads(capsys.readouterr().out))
    parcels = gpd.read_file(parcel_file)
    functional = load_catalog_layers(["functional_areas"])["functional_areas"]
    grid = parcels.to_crs(vn2000_tm3_crs(105.75))  # independent: GeoPandas' own transform
    areas = functional.to_crs(grid.crs)
    checked = 0
    for fid, part in t.groupby("functional_id", sort=False):
        _check_adds_up(part)
        shape = shapely.union_all(areas.loc[areas["id"] == fid].geometry.values)
        cut = shapely.area(shapely.intersection(grid.geometry.values, shape)) / 1e4
        total = part[part.kind == "total"].iloc[0]
        if cut.sum() > 1.0:
            assert total.area_ha_vn2000 == pytest.approx(cut.sum(), rel=1e-4)
            checked += 1
    assert checked >= 1
    assert "unassigned" in set(t["functional_category"])
    whole = measure_features(parcels)["area_ha_vn2000"].sum()
    assert t[t.kind == "total"]["area_ha_vn2000"].sum() >= whole * (1 - 1e-9)
    assert np.isfinite(t["area_ha_ellipsoidal"]).all()


def test_the_docs_list_the_table_of_the_module() -> None:
    from zoneplan.tables import to_markdown

    docs = Path(__file__).resolve().parents[1] / "docs" / "land-use.md"
    assert to_markdown(landuse.land_use_colors()) in docs.read_text(encoding="utf-8")


def test_synthetic_cadastral_columns() -> None:
    plain = synthetic_parcels(600, seed=5)
    parcels = synthetic_parcels(600, seed=5, cadastral=True)
    assert list(plain["land_use"]) == list(parcels["land_use"])  # the classes do not change
    assert set(parcels["land_use_code"]) <= set(landuse.CODES)
    residential = parcels.loc[parcels["land_use"] == "residential", "land_use_code"]
    assert set(residential) <= {"ONT", "ODT"}
    assert parcels[["so_to", "so_thua"]].drop_duplicates().shape[0] == 600
    assert (parcels.loc[500, "so_to"], parcels.loc[500, "so_thua"]) == (2, 1)
