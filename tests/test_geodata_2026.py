"""
The 2025–2026 facts in the shipped layers: projects, communes and wards, the FTZ, the
port's two schemes, the coastal road, the CT.08 link, the general plan's review.

The expected values are typed here from the fact sheet's section 7 (with its sources),
independently of the generator; where the fact sheet is checked out beside the
repository, each expected figure is also looked up in its section 7 text, so a typo in
this file cannot pass. Geometry is measured on the WGS 84 ellipsoid with pyproj.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import pytest
from pyproj import Geod
from shapely.geometry import shape

from helpers import fact_sheet_text

ROOT = Path(__file__).resolve().parents[1]
GEODATA = ROOT / "geodata"
GEOD = Geod(ellps="WGS84")

#: Resolution 1669/NQ-UBTVQH15: the 10 units covering the zone, as published
#: (name, km², population, centroid lon/lat), and whether the general-plan review
#: lists each whole or in part.
UNITS = {
    "adm-nam-do-son": ("Nam Đồ Sơn", "ward", 21.00, 30372, (106.7446, 20.7253), "part"),
    "adm-kien-hai": ("Kiến Hải", "commune", 31.86, 44862, (106.7136, 20.7107), "part"),
    "adm-kien-hung": ("Kiến Hưng", "commune", 21.02, 28044, (106.6708, 20.7167), "part"),
    "adm-nghi-duong": ("Nghi Dương", "commune", 19.48, 25660, (106.6295, 20.7269), "part"),
    "adm-an-hung": ("An Hưng", "commune", 20.23, 25535, (106.5951, 20.7516), "part"),
    "adm-hung-thang": ("Hùng Thắng", "commune", 43.59, 26877, (106.6764, 20.6621), "whole"),
    "adm-chan-hung": ("Chấn Hưng", "commune", 32.11, 26092, (106.6352, 20.6459), "whole"),
    "adm-tien-minh": ("Tiên Minh", "commune", 36.48, 36236, (106.6038, 20.6953), "part"),
    "adm-nguyen-binh-khiem": (
        "Nguyễn Bỉnh Khiêm",
        "commune",
        26.37,
        24575,
        (106.5659, 20.6542),
        "part",
    ),
    "adm-vinh-am": ("Vĩnh Am", "commune", 27.34, 34562, (106.5318, 20.6336), "part"),
}

#: Investment projects: declared ha, communes (units above), status, events
#: (date, kind, decision number) oldest first, and the strings of the fact sheet.
PROJECTS: dict[str, dict[str, Any]] = {
    "prj-tan-trao-ip-1": {
        "ha": 226.79,
        "units": ("adm-kien-hung", "adm-nghi-duong"),
        "status": "under construction",
        "events": [
            ("2025-06-11", "investment approval", "1799/QĐ-UBND"),
            ("2025-09-26", "groundbreaking", ""),
        ],
        "facts": ("226.79 ha", "1799/QĐ-UBND, 11 Jun 2025", "26 Sep 2025", "4,059"),
    },
    "prj-hai-phong-lng": {
        "ha": 100,
        "units": ("adm-kien-hung",),
        "status": "under construction",
        "events": [("2025-09-26", "groundbreaking", "")],
        "facts": ("about **100 ha**", "4,800 MW", "178,000"),
        "capacity_mw": 4800,
    },
    "prj-ngu-phuc-ip-1": {
        "ha": 238,
        "units": ("adm-nghi-duong",),
        "status": "proposed",
        "events": [("2025", "proposed", "")],
        "facts": ("over **238 ha**", "proposed 2025", "5,670"),
    },
    "prj-tien-lang-1-ip": {
        "ha": 596.78,
        "units": ("adm-hung-thang",),
        "status": "under construction",
        "events": [("2026-01-15", "groundbreaking", "")],
        "facts": ("596.78 ha", "13,061", "15 Jan 2026"),
    },
    "prj-tien-lang-airport-ip-b": {
        "ha": 186.49,
        "units": ("adm-chan-hung",),
        "status": "under construction",
        "events": [("2026-01-15", "groundbreaking", "")],
        "facts": ("186.49 ha", "2,795.372", "15 Jan 2026"),
    },
}

#: A project must lie within this distance of the published centroid of one of its
#: communes. The units measure 19–44 km², 2.5–3.7 km from centre to edge on average.
NEAR_CENTROID_KM = 3.0


def _load(name: str) -> dict[str, Any]:
    return json.loads((GEODATA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def features() -> dict[str, dict[str, Any]]:
    cat = _load("catalog.json")
    out = {}
    for layer in cat["layers"]:
        for f in _load(layer["file"])["features"]:
            out[f["properties"]["id"]] = f
    return out


@pytest.fixture(scope="module")
def events() -> list[dict[str, str]]:
    with (GEODATA / "events.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def section7() -> str:
    text = fact_sheet_text()
    start = text.index("## 7. What changed in 2025")
    end = text.index("## 8.", start)
    return text[start:end]


def _events_of(events: list[dict[str, str]], fid: str) -> list[tuple[str, str, str]]:
    return [(e["date"], e["kind"], e["decision"]) for e in events if e["feature_id"] == fid]


def area_ha(geom: Any) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 10_000


def dist_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2] / 1000


# --- the expected values are the fact sheet's -------------------------------------------------


def test_expected_figures_are_in_section_7(section7: str) -> None:
    flat = section7.replace("\n", " ")
    for name, kind, km2, people, (lon, lat), _ in UNITS.values():
        row = next(line for line in section7.splitlines() if line.startswith(f"| {name} "))
        assert f"| {km2:.2f} | {people:,} | {lon:.4f}, {lat:.4f} |" in row, name
        assert ("(ward)" in row) == (kind == "ward")
    for fid, p in PROJECTS.items():
        for fact in p["facts"]:
            assert fact in flat, f"{fid}: {fact!r} not in section 7"
    for fact in (
        "compiled 30 Nov 2026",
        "**13 Oct 2025**",
        "**16 Oct**",
        "Resolution 226/2025/QH15",
        "4,394.5 ha and three phases",
        "**2,789 ha**",
        "15694/BXD-KHTC",
        "**stalled after 8 years** (7 Sep 2025)",
        "reported **29 Jan 2026**",
        "**132,632** (2025), about **195,000** (2035), about **350,000** (2050)",
        "**whole** Hùng Thắng and Chấn Hưng",
        "Resolution 1669/NQ-UBTVQH15 of 16 Jun 2025, in force 1 Jul 2025",
        "1,600 MW, then 3,200 MW",
        "to run by 2030",
        "C.E.O IP Development JSC",
    ):
        assert fact in flat, fact


# --- communes and wards ----------------------------------------------------------------------


def test_communes_are_points_at_the_published_centroids(
    features: dict[str, dict[str, Any]],
) -> None:
    units = {fid: f for fid, f in features.items() if fid.startswith("adm-")}
    assert set(units) == set(UNITS)
    for fid, (name, kind, km2, people, centre, in_zone) in UNITS.items():
        f = units[fid]
        p = f["properties"]
        assert f["geometry"] == {"type": "Point", "coordinates": list(centre)}, fid
        assert name in p["name_vi"]
        assert name in p["name_en"]
        assert p["category"] == kind
        assert p["area_km2"] == km2
        assert p["population"] == people
        assert p["in_zone"] == in_zone
        assert p["old_units"].strip()
        assert p["status"] == "in operation"
        assert p["as_of"] == "2025-07-01"
        # no invented boundary: the method says so and states the unit's reach
        assert "boundary is not published" in p["method"]
        assert f"{math.sqrt(km2 / math.pi):.1f} km" in p["method"]


def test_old_units_as_published(features: dict[str, dict[str, Any]]) -> None:
    old = {fid: features[fid]["properties"]["old_units"] for fid in UNITS}
    assert old["adm-an-hung"] == "An Thái, An Thọ, Chiến Thắng"
    assert old["adm-hung-thang"] == "Hùng Thắng, Vinh Quang"
    assert old["adm-chan-hung"] == "Nam Hưng, Bắc Hưng, Đông Hưng, Tây Hưng"
    assert old["adm-nam-do-son"] == "Minh Đức, Bàng La, Hợp Đức, Vạn Hương, Ngọc Xuyên"
    # the inferred part of Vĩnh Am's list is kept apart and said to be inferred
    assert "Cổ Am" not in old["adm-vinh-am"]
    assert "inferred" in features["adm-vinh-am"]["properties"]["old_units_note"]


def test_zone_names_its_current_units_beside_the_decisions_list(
    features: dict[str, dict[str, Any]],
) -> None:
    p = features["zone"]["properties"]
    for name, *_ in UNITS.values():
        assert name in p["communes_current_vi"]
        assert name in p["communes_current_en"]
    assert "Hùng Thắng, Chấn Hưng" in p["communes_current_vi"].split(";")[0]
    assert "Đoàn Xá" in p["communes_vi"]  # the decision's own list stays
    assert p["units_resolution"] == "1669/NQ-UBTVQH15"


def test_zone_carries_the_general_plan_review(features: dict[str, dict[str, Any]]) -> None:
    p = features["zone"]["properties"]
    assert p["general_plan_stage"] == "reviewed"
    assert (p["general_plan_horizon_short"], p["general_plan_horizon_long"]) == (2035, 2050)
    assert p["population_2025"] == 132632
    assert p["population_2035_planned"] == 195000
    assert p["population_2050_planned"] == 350000
    assert p["status"] == "planned"  # reviewed, not approved: the review changes no status
    assert p["as_of"] == "2026-02-20"


# --- investment projects ---------------------------------------------------------------------


@pytest.mark.parametrize("fid", sorted(PROJECTS))
def test_project_declared_area_status_and_events(
    fid: str, features: dict[str, dict[str, Any]], events: list[dict[str, str]]
) -> None:
    want = PROJECTS[fid]
    f = features[fid]
    p = f["properties"]
    assert p["declared_area_ha"] == want["ha"]
    assert p["status"] == want["status"]
    assert _events_of(events, fid) == want["events"]
    assert p["as_of"] == want["events"][-1][0]
    if "capacity_mw" in want:
        assert p["capacity_mw"] == want["capacity_mw"]
    # sized to the declared area (within 1%: coordinates are rounded to 1e-7 degrees)
    ha = area_ha(shape(f["geometry"]))
    assert abs(ha - want["ha"]) / want["ha"] < 0.01, f"{fid}: {ha:.2f} ha"
    assert "no site plan is published" in p["method"]
    for unit in want["units"]:
        assert UNITS[unit][0] in p["communes"]


def test_project_capital_investor_and_capacity(features: dict[str, dict[str, Any]]) -> None:
    # VND bn as published (section 7): about 4,059; over 178,000; over 5,670; 13,061; 2,795.372
    capital = {fid: features[fid]["properties"]["capital_vnd_bn"] for fid in PROJECTS}
    assert capital == {
        "prj-tan-trao-ip-1": 4059,
        "prj-hai-phong-lng": 178000,
        "prj-ngu-phuc-ip-1": 5670,
        "prj-tien-lang-1-ip": 13061,
        "prj-tien-lang-airport-ip-b": 2795.372,
    }
    lng = features["prj-hai-phong-lng"]["properties"]
    assert (lng["capacity_phases_mw"], lng["operation_target"]) == ("1,600 + 3,200", "2030")
    assert features["prj-tan-trao-ip-1"]["properties"]["decision"] == "1799/QĐ-UBND"
    assert "C.E.O" in features["prj-tien-lang-airport-ip-b"]["properties"]["investor"]
    assert features["prj-tien-lang-1-ip"]["properties"]["investor"] is None  # not published


def test_units_dated_by_resolution_1669(events: list[dict[str, str]]) -> None:
    for fid in UNITS:
        assert _events_of(events, fid) == [
            ("2025-06-16", "decision", "1669/NQ-UBTVQH15"),
            ("2025-07-01", "opened", "1669/NQ-UBTVQH15"),
        ], fid
    assert _events_of(events, "zone")[:2] == [
        ("2023-09", "proposed", ""),
        ("2024-12-04", "decision", "1511/QĐ-TTg"),
    ]


@pytest.mark.parametrize("fid", sorted(PROJECTS))
def test_project_lies_near_its_commune_and_in_the_zone(
    fid: str, features: dict[str, dict[str, Any]]
) -> None:
    g = shape(features[fid]["geometry"])
    c = (g.centroid.x, g.centroid.y)
    nearest = min(dist_km(c, UNITS[u][4]) for u in PROJECTS[fid]["units"])
    assert nearest <= NEAR_CENTROID_KM, f"{fid}: {nearest:.1f} km from its commune's centroid"
    zone = shape(features["zone"]["geometry"])
    assert area_ha(g.difference(zone)) < 0.01


def test_projects_lie_in_their_industrial_park_areas(features: dict[str, dict[str, Any]]) -> None:
    for fid in PROJECTS:
        p = features[fid]["properties"]
        park = shape(features[p["functional_area"]]["geometry"])
        g = shape(features[fid]["geometry"])
        assert area_ha(g.difference(park)) < 0.01, fid
    # the LNG plant is inside Tân Trào IP, beside phase 1 (not known to be inside it)
    lng = shape(features["prj-hai-phong-lng"]["geometry"])
    phase1 = shape(features["prj-tan-trao-ip-1"]["geometry"])
    assert area_ha(lng.intersection(phase1)) < 0.01


def test_tien_lang_1_park_is_in_hung_thang(features: dict[str, dict[str, Any]]) -> None:
    # The park was first drawn upstream in the Văn Úc corridor; the 2026 facts put it in
    # Hùng Thắng, and the park's area now holds the project.
    park = shape(features["fa-ip-tien-lang-1"]["geometry"])
    c = (park.centroid.x, park.centroid.y)
    assert dist_km(c, UNITS["adm-hung-thang"][4]) <= NEAR_CENTROID_KM
    assert features["fa-ip-tien-lang-1"]["properties"]["declared_area_ha"] == 596.78


# --- the FTZ, the port, the roads, the airport -----------------------------------------------


def test_ftz_decision_both_dates_kept(
    features: dict[str, dict[str, Any]], events: list[dict[str, str]]
) -> None:
    rows = [e for e in events if e["feature_id"] == "fa-ftz-1"]
    assert [(e["date"], e["decision"]) for e in rows] == [
        ("2025-10-13", "4068/QĐ-UBND"),
        ("2025-10-16", "4068/QĐ-UBND"),
    ]
    assert rows[0]["conflict"] == rows[1]["conflict"] != ""
    assert rows[0]["source_url"] != rows[1]["source_url"]
    p = features["fa-ftz-1"]["properties"]
    assert p["declared_area_ha"] == 2923
    assert p["ftz_total_area_ha_declared"] == 6292
    assert "226/2025/QH15" in p["legal_basis"]
    assert p["status"] == "planned"
    assert "13/10/2025" not in p["source"].replace("13 Oct 2025", "")  # no single date picked


def test_port_two_schemes_and_the_ministry_review(
    features: dict[str, dict[str, Any]], events: list[dict[str, str]]
) -> None:
    rows = {e["event_id"]: e for e in events if e["feature_id"] == "fa-port-logistics"}
    big, small = rows["port-scheme-vingroup"], rows["port-scheme-two-phases"]
    assert big["conflict"] == small["conflict"] == "port-scheme"
    assert "4,394.5 ha" in big["text_en"]
    assert "three phases" in big["text_en"]
    assert "2,789 ha" in small["text_en"]
    assert "two phases" in small["text_en"]
    assert (big["date"], small["date"]) == ("2025-08-04", "2026-01-25")
    review = rows["port-ministry-review"]
    assert (review["kind"], review["decision"]) == ("reviewed", "15694/BXD-KHTC")
    assert rows["port-plan-756"]["decision"] == "756/QĐ-BXD"
    assert rows["port-plan-756"]["date"] == "2025-06-05"
    p = features["fa-port-logistics"]["properties"]
    assert (p["area_total_ha_vingroup"], p["area_total_ha_reported_2026"]) == (4394.5, 2789)
    assert p["status"] == "planned"  # revisions and reviews leave the plan's status


def test_coastal_road_is_stalled(
    features: dict[str, dict[str, Any]], events: list[dict[str, str]]
) -> None:
    for fid in ("tr-coastal-road", "tr-bridge-van-uc", "tr-bridge-thai-binh"):
        assert features[fid]["properties"]["status"] == "stalled"
        assert [(d, k) for d, k, _ in _events_of(events, fid)] == [
            ("2017-05", "groundbreaking"),
            ("2025-09-07", "stalled"),
        ]
    assert features["tr-coastal-road"]["properties"]["ct08_shared_km"] == 31.8


def test_ct08_link_investment_policy(
    features: dict[str, dict[str, Any]], events: list[dict[str, str]]
) -> None:
    assert _events_of(events, "tr-ct08-link") == [("2026-01-29", "investment approval", "")]
    assert features["tr-ct08-link"]["properties"]["status"] == "approved"


def test_airport_stays_proposed(features: dict[str, dict[str, Any]]) -> None:
    for fid in ("fa-airport", "airport-site", "airport-runway"):
        p = features[fid]["properties"]
        assert p["status"] == "proposed"
        said = " ".join((p["method"], p["source"], p.get("notes", ""))).lower()
        assert "no official site" in said
    assert "2026-11-30" in features["fa-airport"]["properties"]["notes"]


def test_catalog_facts_date(features: dict[str, dict[str, Any]]) -> None:
    cat = _load("catalog.json")
    assert cat["facts_as_of"] == "2026-11-30"
    assert cat["events"] == "events.csv"
    newest = max(f["properties"]["as_of"] for f in features.values())
    assert newest <= cat["facts_as_of"]
