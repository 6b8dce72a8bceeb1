"""
Vietnamese land-use codes: their names, map colours and the land-statistics grouping.

The codes (mã loại đất) are those of the land-use map regulations (QĐ 23/2007,
Circular 28/2014, Circular 27/2018; revised under the 2024 Land Law by Circular
08/2024/TT-BTNMT). Their fill colours are the values on which two unrelated public
code bases agree (an Esri Vietnam urban-planning application and an OpenLayers WebGIS
palette; five codes match a third project), since the regulations' own symbol tables
were not found in readable form. Two codes have conflicting colours in those
sources; both values are kept in `LandUseCode.alt_rgb` with the reason for the one
drawn (`CONFLICTS`). Circular 25/2014 (cadastral maps) sets line colours only.

The grouping follows land inventory tables (kiểm kê / thống kê đất đai): NNP
(agricultural) = LUA (LUC + LUK + LUN) + HNK + CLN + LNP (RSX + RPH + RDD) + NTS +
LMU + NKH (+ CNT from 2024); PNN (non-agricultural) = OTC (ONT + ODT) + CDG (TSC, CQP,
CAN, DSN services, CSK business) + public-purpose land (DGT, DTL, DNL, DBV ...) + TON
+ TIN + NTD + SON + MNC + PNK; CSD (unused) = BCS + DCS + NCS. Coastal water (MVB,
MVT, MVR, MVK) has colours but no place in those three groups: it is a section of its
own. `land_statistics` builds that table from a parcel layer; codes the table does
not know are listed in a section of their own, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, cast

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from collections.abc import Iterable

    import geopandas as gpd

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class LandUseCode:
    """
    One land-use code.

    Parameters
    ----------
    code
        The code, upper case (``"ONT"``).
    name_vi, name_en
        Its name in Vietnamese and English.
    parent
        The code of its group in the statistics (None for the top sections).
    rgb
        The fill colour drawn, or None where the sources give none.
    alt_rgb
        The other colour where the sources conflict.
    """

    code: str
    name_vi: str
    name_en: str
    parent: str | None
    rgb: RGB | None = None
    alt_rgb: RGB | None = None

    @property
    def hex(self) -> str | None:
        """The fill colour as ``#rrggbb``, or None."""
        return None if self.rgb is None else rgb_hex(self.rgb)


def rgb_hex(rgb: RGB) -> str:
    """
    Return an RGB triple as ``#RRGGBB``.

    Examples
    --------
    >>> rgb_hex((255, 170, 50))
    '#FFAA32'
    """
    return "#{:02X}{:02X}{:02X}".format(*rgb)


_PUBLIC: Final[RGB] = (255, 170, 160)
_BUSINESS: Final[RGB] = (250, 170, 160)
_GROUP_CDG: Final[RGB] = (255, 160, 170)
_UNUSED: Final[RGB] = (255, 255, 254)
_SEA: Final[RGB] = (180, 255, 255)

# (code, Vietnamese, English, parent, rgb[, alt_rgb]); in the order of the statistics table
_TABLE: Final[tuple[tuple[Any, ...], ...]] = (
    ("NNP", "Nhóm đất nông nghiệp", "Agricultural land", None, (255, 255, 100)),
    ("LUA", "Đất trồng lúa", "Rice land", "NNP", (255, 252, 130)),
    ("LUC", "Đất chuyên trồng lúa", "Specialised (wet) rice land", "LUA", (255, 252, 140)),
    ("LUK", "Đất trồng lúa còn lại", "Other rice land", "LUA", (255, 252, 150)),
    ("LUN", "Đất trồng lúa nương", "Upland rice land", "LUA", (255, 252, 180)),
    ("HNK", "Đất trồng cây hằng năm khác", "Other annual crops", "NNP", (255, 240, 180)),
    ("BHK", "Đất bằng trồng cây hằng năm khác", "Other annual crops, flat", "HNK", (255, 240, 180)),
    (
        "NHK",
        "Đất nương rẫy trồng cây hằng năm khác",
        "Other annual crops, shifting",
        "HNK",
        (255, 240, 180),
    ),
    ("CLN", "Đất trồng cây lâu năm", "Perennial crops", "NNP", (255, 210, 160)),
    ("LNP", "Đất lâm nghiệp", "Forestry land", "NNP", (170, 255, 50)),
    ("RSX", "Đất rừng sản xuất", "Production forest", "LNP", (180, 255, 180)),
    ("RPH", "Đất rừng phòng hộ", "Protection forest", "LNP", (190, 255, 30)),
    ("RDD", "Đất rừng đặc dụng", "Special-use forest", "LNP", (110, 255, 100)),
    ("NTS", "Đất nuôi trồng thủy sản", "Aquaculture", "NNP", (170, 255, 255)),
    ("LMU", "Đất làm muối", "Salt-making", "NNP", _UNUSED),
    ("NKH", "Đất nông nghiệp khác", "Other agricultural land", "NNP", (245, 255, 180)),
    ("CNT", "Đất chăn nuôi tập trung", "Concentrated livestock (2024)", "NNP", (230, 230, 130)),
    ("PNN", "Nhóm đất phi nông nghiệp", "Non-agricultural land", None, None),
    ("OTC", "Đất ở", "Residential land", "PNN", (255, 180, 255)),
    ("ONT", "Đất ở tại nông thôn", "Rural residential", "OTC", (255, 208, 255)),
    ("ODT", "Đất ở tại đô thị", "Urban residential", "OTC", (255, 160, 255)),
    ("CDG", "Đất chuyên dùng", "Special-use land", "PNN", _GROUP_CDG),
    ("TSC", "Đất xây dựng trụ sở cơ quan", "Government offices", "CDG", _PUBLIC),
    ("CQP", "Đất quốc phòng", "Defence", "CDG", (255, 100, 80)),
    ("CAN", "Đất an ninh", "Security", "CDG", (255, 80, 70)),
    ("DSN", "Đất xây dựng công trình sự nghiệp", "Public service facilities", "CDG", _GROUP_CDG),
    (
        "DTS",
        "Đất xây dựng trụ sở của tổ chức sự nghiệp",
        "Offices of public service bodies",
        "DSN",
        _BUSINESS,
    ),
    ("DVH", "Đất xây dựng cơ sở văn hóa", "Culture", "DSN", _PUBLIC),
    ("DXH", "Đất xây dựng cơ sở dịch vụ xã hội", "Social services", "DSN", _PUBLIC),
    ("DYT", "Đất xây dựng cơ sở y tế", "Health", "DSN", _PUBLIC),
    ("DGD", "Đất xây dựng cơ sở giáo dục và đào tạo", "Education and training", "DSN", _PUBLIC),
    ("DTT", "Đất xây dựng cơ sở thể dục thể thao", "Sport", "DSN", _PUBLIC),
    ("DKH", "Đất xây dựng cơ sở khoa học và công nghệ", "Science and technology", "DSN", _PUBLIC),
    ("DNG", "Đất xây dựng cơ sở ngoại giao", "Foreign affairs", "DSN", _PUBLIC),
    ("DSK", "Đất xây dựng công trình sự nghiệp khác", "Other public services", "DSN", _PUBLIC),
    (
        "CSK",
        "Đất sản xuất, kinh doanh phi nông nghiệp",
        "Non-agricultural business",
        "CDG",
        _GROUP_CDG,
    ),
    ("SKK", "Đất khu công nghiệp", "Industrial park", "CSK", _BUSINESS),
    ("SKN", "Đất cụm công nghiệp", "Industrial cluster", "CSK", _BUSINESS),
    ("SKT", "Đất khu chế xuất", "Export processing zone", "CSK", _BUSINESS),
    ("TMD", "Đất thương mại, dịch vụ", "Commerce and services", "CSK", _BUSINESS),
    ("SKC", "Đất cơ sở sản xuất phi nông nghiệp", "Non-agricultural production", "CSK", _BUSINESS),
    ("SKS", "Đất sử dụng cho hoạt động khoáng sản", "Mining", "CSK", (205, 170, 205)),
    (
        "SKX",
        "Đất sản xuất vật liệu xây dựng, làm đồ gốm",
        "Building materials, pottery",
        "CSK",
        (205, 170, 205),
    ),
    (
        "CCC",
        "Đất sử dụng vào mục đích công cộng",
        "Public-purpose land (infrastructure)",
        "PNN",
        None,
    ),
    ("DGT", "Đất giao thông", "Transport", "CCC", (255, 170, 50)),
    ("DTL", "Đất thủy lợi", "Irrigation", "CCC", (170, 255, 255)),
    ("DNL", "Đất công trình năng lượng", "Energy", "CCC", _PUBLIC),
    ("DBV", "Đất công trình bưu chính, viễn thông", "Post and telecommunications", "CCC", _PUBLIC),
    ("DCH", "Đất chợ", "Markets", "CCC", _PUBLIC),
    ("DDT", "Đất có di tích lịch sử - văn hóa", "Historical and cultural heritage", "CCC", _PUBLIC),
    ("DDL", "Đất danh lam thắng cảnh", "Scenic sites", "CCC", _PUBLIC),
    ("DSH", "Đất sinh hoạt cộng đồng", "Community activities", "CCC", _PUBLIC),
    ("DKV", "Đất khu vui chơi, giải trí công cộng", "Public recreation", "CCC", _PUBLIC),
    ("DRA", "Đất bãi thải, xử lý chất thải", "Waste dumps and treatment", "CCC", (205, 170, 205)),
    ("TON", "Đất cơ sở tôn giáo", "Religious facilities", "PNN", _PUBLIC, _BUSINESS),
    ("TIN", "Đất cơ sở tín ngưỡng", "Belief facilities", "PNN", _PUBLIC),
    (
        "NTD",
        "Đất nghĩa trang, nhà tang lễ, cơ sở hỏa táng",
        "Cemeteries and funeral facilities",
        "PNN",
        (210, 210, 210),
    ),
    (
        "SON",
        "Đất sông, ngòi, kênh, rạch, suối",
        "Rivers, canals and streams",
        "PNN",
        (160, 255, 255),
    ),
    (
        "MNC",
        "Đất có mặt nước chuyên dùng",
        "Special-use water surface",
        "PNN",
        _SEA,
        (160, 255, 255),
    ),
    ("PNK", "Đất phi nông nghiệp khác", "Other non-agricultural land", "PNN", _PUBLIC),
    ("CSD", "Nhóm đất chưa sử dụng", "Unused land", None, _UNUSED),
    ("BCS", "Đất bằng chưa sử dụng", "Unused flat land", "CSD", _UNUSED),
    ("DCS", "Đất đồi núi chưa sử dụng", "Unused hilly land", "CSD", _UNUSED),
    ("NCS", "Núi đá không có rừng cây", "Bare rocky mountain", "CSD", (230, 230, 200)),
    ("MVB", "Đất có mặt nước ven biển", "Coastal water surface", None, _SEA),
    ("MVT", "Đất mặt nước ven biển nuôi trồng thủy sản", "Coastal water, aquaculture", "MVB", _SEA),
    ("MVR", "Đất mặt nước ven biển có rừng", "Coastal water with forest", "MVB", _SEA),
    ("MVK", "Đất mặt nước ven biển có mục đích khác", "Coastal water, other uses", "MVB", _SEA),
)

#: Every land-use code the map and the statistics know, in the order of the statistics.
CODES: Final[dict[str, LandUseCode]] = {
    row[0]: LandUseCode(
        row[0], row[1], row[2], row[3], row[4], alt_rgb=row[5] if len(row) > 5 else None
    )
    for row in _TABLE
}

#: Where the sources give two colours: the one drawn, the other one, and why.
CONFLICTS: Final[dict[str, str]] = {
    "TON": "255,170,160 drawn (the public and institutional colour, as TIN, beliefs); "
    "the other source gives 250,170,160 (the business colour)",
    "MNC": "180,255,255 drawn (as coastal water, so that it stays apart from SON, rivers, "
    "at 160,255,255); the other source gives 160,255,255",
}

#: The top sections of the statistics table, in order.
SECTIONS: Final[tuple[str, ...]] = ("NNP", "PNN", "CSD", "MVB")

#: Fill of values that are not land-use codes the table knows: a mid grey that no code has.
UNKNOWN_RGB: Final[RGB] = (128, 128, 128)
UNKNOWN_HEX: Final[str] = rgb_hex(UNKNOWN_RGB)


def normalise_code(value: object) -> str | None:
    """
    Return a value as a land-use code key: stripped, upper case; None for missing values.

    Examples
    --------
    >>> normalise_code(" ont "), normalise_code(None), normalise_code(float("nan"))
    ('ONT', None, None)
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    if value is pd.NA:
        return None
    text = str(value).strip().upper()
    return text or None


def lookup(value: object) -> LandUseCode | None:
    """
    Return the land-use code of a value, or None when the table does not know it.

    Examples
    --------
    >>> lookup("luc").name_en, lookup("XYZ")
    ('Specialised (wet) rice land', None)
    """
    key = normalise_code(value)
    return CODES.get(key) if key else None


def looks_like_codes(values: Iterable[object]) -> bool:
    """
    Tell whether the distinct values of a column are land-use codes.

    True when at least half of the distinct non-missing values are codes the table
    knows (a layer with a few odd codes is still coloured as a land-use map; the odd
    ones get the fallback colour).

    Examples
    --------
    >>> looks_like_codes(["ONT", "LUC", "XYZ", None]), looks_like_codes(["house", "rice"])
    (True, False)
    """
    distinct = {normalise_code(v) for v in values} - {None}
    if not distinct:
        return False
    known = sum(1 for v in distinct if v in CODES)
    return 2 * known >= len(distinct)


def land_use_colors() -> pd.DataFrame:
    """
    Return the colour table: one row per code, with names, group, RGB and conflicts.

    Examples
    --------
    >>> t = land_use_colors()
    >>> t.set_index("code").loc["DGT", "hex"]
    '#FFAA32'
    """
    rows = [
        {
            "code": c.code,
            "name_vi": c.name_vi,
            "name_en": c.name_en,
            "group": c.parent or "",
            "hex": c.hex or "",
            "alt_hex": rgb_hex(c.alt_rgb) if c.alt_rgb else "",
            "note": CONFLICTS.get(c.code, ""),
        }
        for c in CODES.values()
    ]
    return pd.DataFrame(rows)


# ----------------------------------------------------------------- statistics

#: Columns of `land_statistics`.
STATISTICS_COLUMNS: Final[tuple[str, ...]] = (
    "row",
    "code",
    "name_vi",
    "name_en",
    "level",
    "kind",
    "n_features",
    "area_ha_vn2000",
    "area_ha_ellipsoidal",
    "share_pct",
)

_MISSING_KEY: Final = "(trống)"

#: Number formats of the statistics in Excel: hectares to two decimals as land
#: statistics print them, shares to two, counts whole (the cells keep every digit).
_XLSX_NUMBERS: Final[dict[str, str]] = {
    "n_features": "#,##0",
    "area_ha_vn2000": "#,##0.00",
    "area_ha_ellipsoidal": "#,##0.00",
    "share_pct": "0.00",
}


def format_statistics_sheet(sheet: Any, table: pd.DataFrame) -> None:
    """
    Format an Excel sheet holding `land_statistics` the way land statistics tables look.

    The header, the total and the sections (NNP, PNN, CSD ...) in bold, the total and
    the sections shaded, the groups (LUA, OTC ...) in bold, each name indented by its
    level, the codes unknown to the table in italics, hectares to two decimals. Pass it
    as ``xlsx_format`` to `zoneplan.tables.write_table`; the values are not changed.
    """
    from openpyxl.styles import Alignment, Font, PatternFill

    columns = list(table.columns)
    bold = Font(bold=True)
    shade = PatternFill("solid", start_color="FFE8E8E8", end_color="FFE8E8E8")
    for cell in sheet[1]:
        cell.font = bold
    kinds = table["kind"].tolist() if "kind" in columns else [None] * len(table)
    levels = table["level"].tolist() if "level" in columns else [0] * len(table)
    for r, (kind, level) in enumerate(zip(kinds, levels, strict=True), start=2):
        row = sheet[r]
        for name, cell in zip(columns, row, strict=False):
            if name in _XLSX_NUMBERS:
                cell.number_format = _XLSX_NUMBERS[name]
            if name in ("name_vi", "name_en") and isinstance(level, int | np.integer):
                cell.alignment = Alignment(indent=int(level))
            if kind in ("total", "section", "group"):
                cell.font = bold
            elif kind == "unknown":
                cell.font = Font(italic=True)
            if kind in ("total", "section"):
                cell.fill = shade


def _children() -> dict[str | None, list[str]]:
    out: dict[str | None, list[str]] = {}
    for c in CODES.values():
        out.setdefault(c.parent, []).append(c.code)
    return out


def value_sums(layer: gpd.GeoDataFrame, column: str, *, meridian: float = 105.75) -> pd.DataFrame:
    """
    Count and sum the measured areas of a layer per value of one column.

    Parameters
    ----------
    layer
        A layer with a CRS.
    column
        The column to group by; missing values form a group of their own.
    meridian
        Central meridian of the VN-2000 TM-3 zone.

    Returns
    -------
    sums
        `group_sums` of the layer's features, measured by
        `zoneplan.areas.measure_features`.

    Raises
    ------
    InputError
        If the layer has no such column.
    """
    from zoneplan.areas import measure_features

    require_column(layer, column)
    measured = measure_features(layer, meridian=meridian)
    frame = pd.DataFrame({column: layer[column].to_numpy(dtype=object)}, index=layer.index)
    return group_sums(pd.concat([frame, measured], axis=1), column)


def require_column(frame: pd.DataFrame, column: str) -> None:
    """Refuse a layer without `column`, naming the layer and its columns."""
    from zoneplan.errors import InputError

    if column in frame.columns:
        return
    name = frame.attrs.get("layer_id") or frame.attrs.get("source_path") or "the layer"
    geometry = getattr(frame, "_geometry_column_name", None)
    cols = ", ".join(str(c) for c in frame.columns if c != geometry)
    msg = f"{name} has no column {column!r}; give --by one of its columns: {cols}"
    raise InputError(msg)


def group_sums(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """
    Count the rows and sum their areas per value of `column`.

    Parameters
    ----------
    frame
        Rows with `column`, ``area_ha_vn2000`` and ``area_ha_ellipsoidal`` (NaN
        counts as 0 ha: points and lines have no area).
    column
        The column to group by; missing values form one group of their own.

    Returns
    -------
    sums
        One row per value, in order of first appearance: the value (column
        `column`, None for missing), ``n_features``, ``area_ha_vn2000``,
        ``area_ha_ellipsoidal``.

    Examples
    --------
    >>> f = pd.DataFrame({"lu": ["ONT", None, "ONT"], "area_ha_vn2000": [1.0, 2.0, 0.5],
    ...                   "area_ha_ellipsoidal": [1.0, 2.0, float("nan")]})
    >>> group_sums(f, "lu").values.tolist()
    [['ONT', 2, 1.5, 1.0], [None, 1, 2.0, 2.0]]
    """
    codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
    codes = np.where(codes < 0, len(uniques), codes)
    values = [*(v.item() if isinstance(v, np.generic) else v for v in uniques), None]
    size = len(values)
    vn = frame["area_ha_vn2000"].fillna(0.0).to_numpy(dtype=float)
    ell = frame["area_ha_ellipsoidal"].fillna(0.0).to_numpy(dtype=float)
    out = pd.DataFrame(
        {
            column: pd.Series(values, dtype=object),
            "n_features": np.bincount(codes, minlength=size),
            "area_ha_vn2000": np.bincount(codes, vn, minlength=size),
            "area_ha_ellipsoidal": np.bincount(codes, ell, minlength=size),
        }
    )
    return out[out["n_features"] > 0].reset_index(drop=True)


def land_statistics(sums: pd.DataFrame, column: str) -> pd.DataFrame:
    """
    Arrange per-code sums the way land inventory tables do.

    Parameters
    ----------
    sums
        `value_sums` of a land-use code column.
    column
        The name of the code column in `sums`.

    Returns
    -------
    table
        One row per code of `CODES`, in the order of the official tables, each
        group's row the sum of its members (a parcel coded with a group code itself
        counts in a "not subdivided" row under it, so subtotals still add up), then
        a section of the values the table does not know (each listed with its
        count and area; missing values as ``(trống)``) and the total. Columns
        `STATISTICS_COLUMNS`: ``row`` (``1``, ``1.1``, ``1.1.1``...), ``code``,
        ``name_vi``, ``name_en``, ``level`` (0 for the total and the sections),
        ``kind`` (``total``, ``section``, ``group``, ``code``, ``unsubdivided``,
        ``unknown``), ``n_features``, both areas and ``share_pct`` of the total
        VN-2000 area.

    Examples
    --------
    >>> s = pd.DataFrame({"lu": ["LUC", "ONT", "xx"], "n_features": [1, 2, 1],
    ...                   "area_ha_vn2000": [1.0, 2.0, 0.5],
    ...                   "area_ha_ellipsoidal": [1.0, 2.0, 0.5]})
    >>> t = land_statistics(s, "lu").set_index("code")
    >>> float(t.loc["NNP", "area_ha_vn2000"]), float(t.loc["OTC", "area_ha_vn2000"])
    (1.0, 2.0)
    >>> float(t.loc["TOTAL", "area_ha_vn2000"]), int(t.loc["XX", "n_features"])
    (3.5, 1)
    """
    direct: dict[str, np.ndarray] = {}
    unknown: dict[str, np.ndarray] = {}
    for value, n, vn, ell in zip(
        sums[column],
        sums["n_features"],
        sums["area_ha_vn2000"],
        sums["area_ha_ellipsoidal"],
        strict=True,
    ):
        key = normalise_code(value)
        target = direct if key in CODES else unknown
        label = key if key is not None else _MISSING_KEY
        target[label] = target.get(label, np.zeros(3)) + np.array([n, vn, ell], dtype=float)
    children = _children()
    totals: dict[str, np.ndarray] = {}

    def total(code: str) -> np.ndarray:
        acc = direct.get(code, np.zeros(3)).copy()
        for child in children.get(code, []):
            acc += total(child)
        totals[code] = acc
        return acc

    for section in SECTIONS:
        total(section)
    rows: list[dict[str, Any]] = []

    def add(row: str, code: str, vi: str, en: str, level: int, kind: str, v: np.ndarray) -> None:
        rows.append(
            {
                "row": row,
                "code": code,
                "name_vi": vi,
                "name_en": en,
                "level": level,
                "kind": kind,
                "n_features": int(v[0]),
                "area_ha_vn2000": float(v[1]),
                "area_ha_ellipsoidal": float(v[2]),
            }
        )

    def walk(code: str, number: str, level: int) -> None:
        c = CODES[code]
        kids = children.get(code, [])
        kind = "section" if level == 0 else ("group" if kids else "code")
        add(number, code, c.name_vi, c.name_en, level, kind, totals[code])
        k = 0
        if kids and code in direct:
            k += 1
            add(
                f"{number}.{k}",
                code,
                f"{c.name_vi} (chưa phân loại chi tiết)",
                f"{c.name_en} (not subdivided)",
                level + 1,
                "unsubdivided",
                direct[code],
            )
        for kid in kids:
            k += 1
            walk(kid, f"{number}.{k}", level + 1)

    grand = sum((totals[s] for s in SECTIONS), np.zeros(3)) + sum(unknown.values(), np.zeros(3))
    add("", "TOTAL", "Tổng diện tích", "Total area", 0, "total", grand)
    for i, section in enumerate(SECTIONS, start=1):
        walk(section, str(i), 0)
    number = str(len(SECTIONS) + 1)
    add(
        number,
        "UNKNOWN",
        "Mã không có trong bảng",
        "Codes not in the table",
        0,
        "section",
        sum(unknown.values(), np.zeros(3)),
    )
    for k, code in enumerate(sorted(unknown), start=1):
        vi = "Không có mã" if code == _MISSING_KEY else f"Mã {code}"
        en = "No code" if code == _MISSING_KEY else f"Code {code}"
        add(f"{number}.{k}", code, vi, en, 1, "unknown", unknown[code])
    out = pd.DataFrame(rows)
    whole = grand[1]
    out["share_pct"] = 100.0 * out["area_ha_vn2000"] / whole if whole > 0 else np.nan
    return out[list(STATISTICS_COLUMNS)]


def code_names(values: Iterable[object]) -> tuple[list[str], list[str]]:
    """Return the Vietnamese and English names of values that are codes ("" for others)."""
    found = [lookup(v) for v in values]
    return [c.name_vi if c else "" for c in found], [c.name_en if c else "" for c in found]


def _by_value(sums: pd.DataFrame, column: str, statistics: bool) -> pd.DataFrame:
    """One `group_sums` table as `--by COLUMN` gives it, or arranged by `land_statistics`."""
    if statistics:
        return land_statistics(sums, column)
    out = sums.copy()
    if looks_like_codes(out[column]):
        vi, en = code_names(out[column])
        out.insert(1, "name_vi", vi)
        out.insert(2, "name_en", en)
    whole = out["area_ha_vn2000"].sum()
    out["share_pct"] = 100.0 * out["area_ha_vn2000"] / whole if whole > 0 else np.nan
    return out


def area_by_column(
    layers: gpd.GeoDataFrame | dict[str, gpd.GeoDataFrame],
    column: str,
    *,
    statistics: bool = False,
    within: str | None = None,
    functional: gpd.GeoDataFrame | None = None,
    meridian: float = 105.75,
    progress: bool = False,
    workers: int | None = None,
) -> pd.DataFrame:
    """
    Count features and sum their areas per value of a column, over one or more layers.

    Parameters
    ----------
    layers
        A layer, or layer id → layer; the features of all are counted together.
    column
        The column to group by (a land-use code column for `statistics`).
    statistics
        Arrange the rows as a land inventory table (`land_statistics`).
    within
        None for the whole layers; ``"functional"`` for one table per functional
        area: parcels are cut by the areas (`zoneplan.overlay.functional_pieces`),
        the part in no area reported as ``unassigned``.
    functional
        The functional areas for ``within="functional"``; the shipped
        ``functional_areas`` layer when None.
    meridian
        Central meridian of the VN-2000 TM-3 zone.
    progress, workers
        Progress bars and threads of the measuring and cutting.

    Returns
    -------
    table
        `group_sums` per value (with ``name_vi``/``name_en`` when the values are
        land-use codes, and ``share_pct``) or the `land_statistics` table; per
        functional area, the same tables one after the other, after
        ``functional_id`` and ``functional_category`` columns.

    Raises
    ------
    InputError
        If a layer has no such column.
    """
    from zoneplan.areas import measure_features

    frames = {"layer": layers} if not isinstance(layers, dict) else layers
    for gdf in frames.values():
        require_column(gdf, column)
    if within not in (None, "functional"):
        msg = f"cannot tabulate within {within!r}; use None or 'functional'"
        raise ValueError(msg)
    if within is None:
        parts = []
        for gdf in frames.values():
            measured = measure_features(gdf, meridian=meridian, progress=progress, workers=workers)
            values = pd.DataFrame({column: gdf[column].to_numpy(dtype=object)}, index=gdf.index)
            parts.append(pd.concat([values, measured], axis=1))
        return _by_value(
            group_sums(pd.concat(parts, ignore_index=True), column), column, statistics
        )
    from zoneplan.overlay import functional_pieces

    pieces = []
    for gdf in frames.values():
        cut = functional_pieces(
            gdf[[column, gdf.geometry.name]],
            functional,
            meridian=meridian,
            progress=progress,
            workers=workers,
        )
        pieces.append(cut)
    table = pd.concat(pieces, ignore_index=True)
    key = "parcel_" + column if "parcel_" + column in table.columns else column
    table["functional_id"] = table["functional_id"].astype(object)
    out = []
    groups = table.groupby(["functional_id", "functional_category"], sort=False, dropna=False)
    for group, part in groups:
        fid, category = cast("tuple[Any, Any]", group)  # the two grouping columns
        one = _by_value(group_sums(part.rename(columns={key: column}), column), column, statistics)
        one.insert(0, "functional_category", category)
        one.insert(0, "functional_id", None if pd.isna(fid) else fid)
        out.append(one)
    return pd.concat(out, ignore_index=True)
