"""
Write zoneplan's indicative GeoJSON layers (geodata/*.geojson) and geodata/catalog.json.

Every vertex below was picked by hand from published facts: the limits quoted from
Decision 1511/QĐ-TTg, the communes it lists, hectare figures reported in the press,
and figures and coordinates derived from the Hai Phong seaport planning data
(berth blocks, turning basins, channel). No third-party geometry file is copied.
The shapes are indicative: they show where things are and roughly how big they
are, not where their legal boundaries run.

The output is deterministic: run ``python tools/digitize_geodata.py`` from the
repository root (or pass the output folder) and commit the result together with
this script. ``--check`` prints the measured areas and lengths without writing.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import sys
from pathlib import Path
from typing import Any

import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, mapping
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from zoneplan.events import Event, EventDate, EventLog, events_text

GEOD = Geod(ellps="WGS84")
DECIMALS = 7
ROOT = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------------------
# Sources (URLs as listed in the project's fact sheet)
# --------------------------------------------------------------------------------------

URL_DECISION = "https://nhipsongkinhdoanh.vn/thanh-lap-khu-kinh-te-ven-bien-rong-20-000-ha-o-hai-phong-13920.htm"
URL_COMMUNES = "https://giadinhonline.vn/thanh-lap-khu-kinh-te-ven-bien-phia-nam-hai-phong-quy-mo-20000-ha-d203376.html"
URL_RECLAIMED = "https://vietnamnews.vn/economy/1688395/hai-phong-to-build-a-southern-coastal-economic-zone.html"
URL_IPS = "https://www.vietnam.vn/de/hai-phong-de-xuat-lap-khu-kinh-te-ven-bien-rong-20-000-ha"
URL_IP_TOTAL = "https://xevathethao.vn/?p=958544"
URL_GREEN = "https://haiphong24h.org/hai-phong-muon-xay-dung-khu-kinh-te-xanh-dau-tien-cua-viet-nam-a147937.html"
URL_FTZ = "https://thoibaotaichinhvietnam.vn/hai-phong-thanh-lap-khu-thuong-mai-tu-do-quy-mo-khoang-6292-ha-185189.html"
URL_PORT_PLAN = "https://thuvienphapluat.vn/bulletin/document.aspx?bid=d1d9bae9-e2b1-4a49-a254-76619c0f7aa1&key=c8iaxJ62e7Zt5kPur%2Bw6bQ%3D%3D"
URL_VINGROUP = "https://vnexpress.net/ty-phu-pham-nhat-vuong-se-lam-khu-ben-cang-logistics-hon-4-300-ha-o-hai-phong-4963244.html"
URL_AIRPORT = "https://cafef.vn/san-bay-tien-lang.html"
URL_COASTAL_ROAD = "http://cand.com.vn/Giao-thong/Hai-Phong-quyet-dinh-nang-cap-duong-ven-bien-tu-duong-cap-3-len-cap-2-dong-bang-535126/"
URL_CT08 = "https://dantri.com.vn/thoi-su/hai-phong-dau-tu-hon-4300-ty-dong-lam-duong-noi-cao-toc-voi-ven-bien-20260129165805747.htm"
URL_LANG_AM = (
    "https://plo.vn/do-thi/du-an-duong-hon-1300-ti-dong-o-hai-phong-bi-treo-von-1031584.html"
)
URL_CATBI_AIP = "https://www.vnaic.vn/images/stories/vnaic.vn/SanPhamDichVu/AIPVietNam/AIP/2023-07-15/html/eAIP/VV-AD-2.VVCI-en-GB.html"
URL_LACH_HUYEN = "http://vms-north.com.vn/thong-bao-hang-hai-247/hai-phong-253/ve-thong-so-ky-thuat-cua-vung-nuoc-truoc-ben-container-so-3-thuoc-cang-cua-ngo-quoc-te-hai-phong-11995-2.html"
URL_DOSON = "https://uhmbooking.com/en/travel-news/discover-the-dau-island-lighthouse-the-lamp-lights-among-the-middle-of-the-sea"
URL_VAN_UC_MOUTH = "https://mactrieu.vn/xa-doan-xa"

# Section 7 of the fact sheet: what changed in 2025-2026.
URL_ZONE_PROPOSAL = "https://cafef.vn/hai-phong-sap-co-khu-kinh-te-ven-bien-moi-rong-20000-ha-188230912142758602.chn"
URL_GENERAL_PLAN = "https://news.laodong.vn/kinh-doanh/hai-phong-thong-qua-quy-hoach-chung-khu-kinh-te-ven-bien-phia-nam-den-nam-2050-1617455.ldo"
URL_INVESTMENT_FORECAST = (
    "https://vneconomy.vn/mien-dat-hua-nam-hai-phong-khong-gian-tang-truong-moi.htm"
)
URL_RESOLUTION_1669 = "https://datafiles.chinhphu.vn/cpp/files/vbpq/2025/6/1669-nq.signed.pdf"
URL_TAN_TRAO = "https://cafef.vn/chua-day-1-thang-nua-vinhomes-cua-ty-phu-pham-nhat-vuong-se-khoi-cong-khu-cong-nghiep-hon-4000-ty-tai-hai-phong-18825091416535223.chn"
URL_TAN_TRAO_LNG = "https://vietnamnews.vn/economy/1726097/vingroup-breaks-ground-on-tan-trao-ip-and-hai-phong-lng-plant.html"
URL_NGU_PHUC = (
    "https://vneconomy.vn/vingroup-se-dau-tu-2-khu-cong-nghiep-hon-9-600-ty-dong-tai-hai-phong.htm"
)
URL_TIEN_LANG_1 = "https://dantri.com.vn/thoi-su/hai-phong-khoi-cong-3-du-an-chao-mung-dai-hoi-xiv-cua-dang-20260115151654584.htm"
URL_CEO_ZONE_B = "https://en.vietstock.vn/2026/01/ceo-group-breaks-ground-on-first-industrial-park-in-haiphong-free-trade-zone-973-628183.htm"
URL_CEO_ZONE_B_VI = "https://hangthat.thuonghieucongluan.com.vn/khoi-cong-du-a-n-khu-cong-nghiep-san-bay-tien-lang-a285943.html"
URL_FTZ_VNS = "https://vietnamnews.vn/economy/1727423/hai-phong-approves-plan-to-establish-6-300ha-free-trade-zone.html"
URL_FTZ_ROADMAP = "https://news.laodong.vn/kinh-doanh/lo-trinh-trien-khai-khu-thuong-mai-tu-do-gan-6300-ha-o-hai-phong-1579627.ldo"
URL_PORT_VINGROUP_FILING = "https://www.vietnam.vn/en/vingroup-du-dinh-dau-tu-khu-ben-cang-logistics-hon-14-ty-usd-tai-hai-phong"
URL_PORT_MINISTRY = "https://cafef.vn/vingroup-xay-sieu-cang-14-ty-usd-nam-do-son-cong-suat-vuot-cang-to-thu-2-the-gioi-lon-hon-tong-luong-hang-ca-nuoc-hien-tai-bo-xay-dung-ra-van-ban-moi-188251230085652564.chn"
URL_PORT_TWO_PHASES = (
    "https://mplogistics.vn/2026/01/25/nam-do-son-port-a-new-logistics-gateway-for-northern-vietnam"
)
URL_ROAD_STALLED = "https://amp.vtcnews.vn/duong-bo-ven-bien-qua-hai-phong-3-700-ty-dong-dap-chieu-sau-8-nam-khoi-cong-ar962810.html"
URL_AIRPORT_2021 = "https://soha.vn/hai-phong-de-xuat-quy-hoach-san-bay-so-2-vung-thu-do-dat-tien-lang-lieu-co-tang-vu-vu-gap-10-lan-nhu-hon-quan-binh-phuoc-20210309170940366.htm"
URL_AIRPORT_2022 = "https://tvphapluat.vn/video/thu-tuong-dong-y-nghien-cuu-xay-san-bay-quoc-te-thu-2-o-hai-phong-59755/"

#: The date the fact base was last compiled (section 7 of the fact sheet).
FACTS_AS_OF = "2026-11-30"

SRC_DECISION = (
    "Quyết định 1511/QĐ-TTg ngày 4/12/2024 thành lập Khu kinh tế ven biển phía Nam Hải Phòng "
    "(20.000 ha; giới hạn 20°35'50\"–20°45'35\" B, 106°32'08\"–106°49'15\" Đ; 22 xã, phường), "
    "as reported by the press"
)
SRC_PORT_PLAN = (
    "Hai Phong seaport detailed plan 2021–2030/2050 (Quyết định 756/QĐ-BXD, 5/6/2025) and the "
    "published port-planning GIS data (2023 export): Nam Đồ Sơn port zone figures"
)

# --------------------------------------------------------------------------------------
# Geometry helpers
# --------------------------------------------------------------------------------------


@functools.cache
def _local(lon0: float, lat0: float) -> tuple[Transformer, Transformer]:
    """Forward and inverse transformers of an azimuthal equidistant projection at a point."""
    aeqd = f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +ellps=WGS84 +units=m"
    fwd = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    inv = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)
    return fwd, inv


def to_metres(geom: BaseGeometry, lon0: float, lat0: float) -> BaseGeometry:
    fwd, _ = _local(lon0, lat0)
    return shapely.transform(geom, lambda x, y: fwd.transform(x, y), interleaved=False)


def to_lonlat(geom: BaseGeometry, lon0: float, lat0: float) -> BaseGeometry:
    _, inv = _local(lon0, lat0)
    return shapely.transform(geom, lambda x, y: inv.transform(x, y), interleaved=False)


def area_ha(geom: BaseGeometry) -> float:
    """Ellipsoidal area in hectares (sign-independent)."""
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 10_000


def length_km(geom: BaseGeometry) -> float:
    return GEOD.geometry_length(geom) / 1000


def rectangle(lon: float, lat: float, length_m: float, width_m: float, bearing: float) -> Polygon:
    """A rectangle centred at (lon, lat), its long axis along ``bearing`` (degrees from north)."""
    b = math.radians(bearing)
    ax, ay = math.sin(b), math.cos(b)  # along
    px, py = ay, -ax  # perpendicular, to the right
    hl, hw = length_m / 2, width_m / 2
    corners = [
        (-hl * ax - hw * px, -hl * ay - hw * py),
        (hl * ax - hw * px, hl * ay - hw * py),
        (hl * ax + hw * px, hl * ay + hw * py),
        (-hl * ax + hw * px, -hl * ay + hw * py),
    ]
    return to_lonlat(Polygon(corners), lon, lat)


def circle(lon: float, lat: float, radius_m: float, n: int = 72) -> Polygon:
    """A geodesic circle drawn as an ``n``-gon whose area equals the circle's."""
    # Scale the vertex radius so that the polygon's area equals pi r^2.
    k = math.sqrt(2 * math.pi / (n * math.sin(2 * math.pi / n)))
    pts = []
    for i in range(n):
        az = 360.0 * i / n
        x, y, _ = GEOD.fwd(lon, lat, az, radius_m * k)
        pts.append((x, y))
    return Polygon(pts)


def corridor(coords: list[tuple[float, float]], width_m: float) -> Polygon:
    """A polygon ``width_m`` wide along a centreline, with flat ends and mitred bends."""
    line = LineString(coords)
    c = line.centroid
    m = to_metres(line, c.x, c.y)
    poly = m.buffer(width_m / 2, cap_style="flat", join_style="mitre")
    return to_lonlat(poly, c.x, c.y)


def extend_to_length(
    coords: list[tuple[float, float]], total_km: float
) -> list[tuple[float, float]]:
    """Extend the last segment of a line along its bearing until the line is ``total_km`` long."""
    drawn = length_km(LineString(coords))
    (lon1, lat1), (lon2, lat2) = coords[-2], coords[-1]
    az, _, _ = GEOD.inv(lon1, lat1, lon2, lat2)
    lon3, lat3, _ = GEOD.fwd(lon2, lat2, az, (total_km - drawn) * 1000)
    return [*coords[:-1], (lon3, lat3)]


def _round_coords(obj: Any) -> Any:
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), DECIMALS) for v in obj]
        return [_round_coords(o) for o in obj]
    return obj


def _clean_polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Keep the polygonal parts (drop slivers < 0.5 ha) and orient rings per RFC 7946."""
    parts = []
    if isinstance(geom, Polygon):
        parts = [geom]
    elif hasattr(geom, "geoms"):
        for g in geom.geoms:
            if isinstance(g, Polygon):
                parts.append(g)
            elif isinstance(g, MultiPolygon):
                parts.extend(g.geoms)
    parts = [orient(p, 1.0) for p in parts if area_ha(p) >= 0.5]
    if not parts:
        msg = "empty polygon after clipping"
        raise ValueError(msg)
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def geometry_json(geom: BaseGeometry) -> dict[str, Any]:
    if isinstance(geom, (Polygon, MultiPolygon)):
        geom = _clean_polygonal(geom)
    g = mapping(geom)
    return {"type": g["type"], "coordinates": _round_coords(g["coordinates"])}


def feature(props: dict[str, Any], geom: BaseGeometry) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": geometry_json(geom)}


def props(
    id_: str,
    name_vi: str,
    name_en: str,
    *,
    category: str,
    phase: str,
    declared_area_ha: float | None,
    source: str,
    source_url: str,
    accuracy_m: float,
    method: str,
    status: str | None = None,
    as_of: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """
    A feature's properties, figures by keyword.

    ``status`` and ``as_of`` are filled in from the feature's events by `date_features`:
    pass ``status="existing"`` only for an undated context feature (no events), and
    ``as_of`` for such a feature, or for one whose latest dated fact is not an event.
    """
    p: dict[str, Any] = {
        "id": id_,
        "name_vi": name_vi,
        "name_en": name_en,
        "category": category,
        "status": status,
        "phase": phase,
        "as_of": as_of,
        "declared_area_ha": declared_area_ha,
        "source": source,
        "source_url": source_url,
        "accuracy_m": accuracy_m,
        "method": method,
    }
    p.update(extra)
    return p


# --------------------------------------------------------------------------------------
# Reference lines (context layer; also used to place other features)
# --------------------------------------------------------------------------------------

#: Văn Úc river centreline, from An Lão down to the Nam Đồ Sơn sea mouth (≈106.715, 20.668).
VAN_UC = [
    (106.545, 20.785),
    (106.560, 20.762),
    (106.575, 20.748),
    (106.590, 20.741),
    (106.610, 20.736),
    (106.632, 20.729),
    (106.652, 20.718),
    (106.672, 20.703),
    (106.688, 20.692),
    (106.700, 20.683),
    (106.709, 20.675),
    (106.715, 20.668),
    (106.722, 20.660),
]
#: Thái Bình river centreline, between Vĩnh Bảo and Tiên Lãng, to its mouth (≈106.64, 20.61).
THAI_BINH = [
    (106.485, 20.790),
    (106.505, 20.760),
    (106.525, 20.733),
    (106.545, 20.708),
    (106.562, 20.688),
    (106.575, 20.668),
    (106.585, 20.651),
    (106.597, 20.635),
    (106.612, 20.625),
    (106.628, 20.616),
    (106.645, 20.608),
]
#: Present shoreline: Tiên Lãng (Thái Bình mouth → Văn Úc mouth), then Kiến Thụy / Đồ Sơn.
COAST_TIEN_LANG = [
    (106.645, 20.608),
    (106.660, 20.606),
    (106.676, 20.612),
    (106.692, 20.628),
    (106.705, 20.648),
    (106.713, 20.663),
]
COAST_DO_SON = [
    (106.719, 20.671),
    (106.735, 20.681),
    (106.752, 20.690),
    (106.766, 20.696),
    (106.780, 20.692),
    (106.795, 20.682),
    (106.808, 20.672),
    (106.817, 20.666),
]

#: Coastal road waypoints, Quý Kim junction (road 353) → Thái Bình river bridge.
COASTAL_ROAD = [
    (106.7350, 20.7450),  # Quý Kim T-junction, road 353 / Phạm Văn Đồng
    (106.7330, 20.7360),
    (106.7290, 20.7270),
    (106.7250, 20.7150),
    (106.7120, 20.6950),  # Đại Hợp
    (106.7000, 20.6830),  # Văn Úc bridge
    (106.6920, 20.6700),
    (106.6800, 20.6650),
    (106.6680, 20.6590),
    (106.6550, 20.6450),
    (106.6420, 20.6400),
    (106.6300, 20.6300),
    (106.6150, 20.6240),  # Thái Bình river bridge
]

#: CT.08 link: Hà Nội–Hải Phòng expressway → coastal-road interchange (7.55 km published).
CT08_LINK = [
    (106.7085, 20.7925),  # Hà Nội–Hải Phòng expressway interchange (Dương Kinh / Kiến Minh)
    (106.7150, 20.7700),
    (106.7230, 20.7480),
    (106.7290, 20.7270),  # diamond interchange on the coastal road (Kiến Hải / Nam Đồ Sơn)
]

# --------------------------------------------------------------------------------------
# 1. The zone
# --------------------------------------------------------------------------------------

LIMITS = {"south": 20.5972, "north": 20.7597, "west": 106.5356, "east": 106.8208}

# Hand-picked outline, clockwise from the western tip (oriented CCW on output).
# It follows the communes listed in the decision: the Vĩnh Bảo communes west of the
# Thái Bình river (Cổ Am, Vĩnh Tiến, Trấn Dương, Hòa Bình); southern Tiên Lãng between the
# two rivers (Vinh Quang, Hùng Thắng, Đông/Tây/Nam/Bắc Hưng, parts of Tiên Thắng and Tiên
# Minh); the lower Văn Úc corridor on both banks from An Thọ / Chiến Thắng down to the mouth
# (Ngũ Phúc, Kiến Quốc, Kiến Hưng, Tân Trào, Đại Hợp, Tú Sơn, Đoàn Xá); part of Bàng La; and
# the reclamation in front of the coast out to the Nam Đồ Sơn port platform.
ZONE_RING: list[tuple[float, float]] = [
    (106.5358, 20.6580),  # western limit, Vĩnh Bảo (Cổ Am / Vĩnh Tiến)
    (106.5400, 20.6680),
    (106.5500, 20.6740),  # Trấn Dương / Hòa Bình
    (106.5640, 20.6750),  # Thái Bình river, crossing to Tiên Lãng
    (106.5760, 20.6620),  # part of Tiên Minh / Tiên Thắng
    (106.6000, 20.6590),
    (106.6250, 20.6625),
    (106.6420, 20.6720),
    (106.6480, 20.6900),
    (106.6440, 20.7030),  # south bank of the Văn Úc corridor
    (106.6300, 20.7125),
    (106.6100, 20.7195),
    (106.5900, 20.7250),
    (106.5760, 20.7310),
    (106.5690, 20.7430),  # upstream end of the corridor, across the Văn Úc
    (106.5710, 20.7555),
    (106.5800, 20.7595),  # An Thọ / Chiến Thắng (northern limit)
    (106.5960, 20.7595),
    (106.6120, 20.7485),  # Kiến Quốc
    (106.6300, 20.7420),  # Ngũ Phúc
    (106.6500, 20.7330),  # Kiến Hưng
    (106.6680, 20.7230),  # Tân Trào
    (106.6850, 20.7150),  # Đại Hợp
    (106.7020, 20.7075),  # Tú Sơn / Đoàn Xá
    (106.7180, 20.6980),
    (106.7350, 20.6900),  # Bàng La
    (106.7500, 20.6840),
    (106.7600, 20.6790),
    (106.7680, 20.6690),  # reclamation south-west of the Đồ Sơn peninsula
    (106.7820, 20.6590),
    (106.7950, 20.6545),
    (106.8205, 20.6525),  # reclamation reaching the eastern limit
    (106.8205, 20.6160),
    (106.7900, 20.6140),
    (106.7650, 20.6170),
    (106.7560, 20.6230),  # west edge of the port platform (Văn Úc channel)
    (106.7560, 20.6470),
    (106.7400, 20.6520),
    (106.7220, 20.6540),
    (106.7140, 20.6470),  # tidal flats off the Văn Úc mouth (Vinh Quang)
    (106.7000, 20.6320),
    (106.6860, 20.6160),
    (106.6680, 20.5975),  # Tiên Lãng tidal flats (southern limit)
    (106.6520, 20.5985),
    (106.6400, 20.6070),  # Thái Bình river mouth
    (106.6220, 20.6180),
    (106.6050, 20.6280),
    (106.5960, 20.6330),  # Hóa / Thái Bình confluence, south-east tip of Vĩnh Bảo
    (106.5800, 20.6400),
    (106.5600, 20.6470),
]


def zone_geometry() -> Polygon:
    return orient(Polygon(ZONE_RING), 1.0)


# --------------------------------------------------------------------------------------
# 2. Functional areas (drawn, then clipped to the zone and to the areas drawn before them)
# --------------------------------------------------------------------------------------

#: Back-of-port land of Nam Đồ Sơn (port plan: 2,464 ha within 106.698–106.780 E, 20.633–20.719 N):
#: Đoàn Xá / Đại Hợp / Bàng La east of the Văn Úc mouth and the flats in front of them.
PORT_LOGISTICS = [
    (106.7000, 20.6935),
    (106.7020, 20.7075),
    (106.7180, 20.6980),
    (106.7350, 20.6900),
    (106.7500, 20.6840),
    (106.7600, 20.6790),
    (106.7680, 20.6690),
    (106.7820, 20.6590),
    (106.7560, 20.6525),
    (106.7560, 20.6470),
    (106.7400, 20.6520),
    (106.7220, 20.6540),
    (106.7150, 20.6640),
    (106.7080, 20.6760),
]
#: Reclaimed port platform: berths, quays and yards south of the Đồ Sơn peninsula.
RECLAIMED = [
    (106.7560, 20.6230),
    (106.7650, 20.6170),
    (106.7900, 20.6140),
    (106.8205, 20.6160),
    (106.8205, 20.6525),
    (106.7950, 20.6545),
    (106.7820, 20.6590),
    (106.7560, 20.6525),
]
#: FTZ site 1: Chấn Hưng + Hùng Thắng; N Văn Úc, S sea, E port/logistics, W Hùng Thắng urban land.
FTZ = [
    (106.6640, 20.7020),
    (106.6720, 20.6990),
    (106.6880, 20.6880),
    (106.7000, 20.6790),
    (106.7080, 20.6710),
    (106.7130, 20.6600),
    (106.7140, 20.6470),
    (106.7000, 20.6320),
    (106.6860, 20.6160),
    (106.6760, 20.6060),
    (106.6740, 20.6130),
    (106.6740, 20.6350),
    (106.6720, 20.6600),
    (106.6680, 20.6800),
]
#: Hùng Thắng urban and service land, west of the FTZ (north of the coastal road).
URBAN_HUNG_THANG = [
    (106.6420, 20.6720),
    (106.6480, 20.6900),
    (106.6440, 20.7030),
    (106.6640, 20.7020),
    (106.6680, 20.6800),
    (106.6720, 20.6600),
    (106.6740, 20.6450),
    (106.6560, 20.6460),
]
#: Riverside urban and service land on the Kiến Thụy bank of the Văn Úc (Tú Sơn, Đoàn Xá).
URBAN_KIEN_THUY = [
    (106.6760, 20.7010),
    (106.6880, 20.6930),
    (106.6990, 20.6930),
    (106.7030, 20.7030),
    (106.7000, 20.7110),
    (106.6850, 20.7150),
    (106.6740, 20.7160),
]
#: Coastal mangrove and tidal-flat belt of southern Tiên Lãng.
GREEN_COAST = [
    (106.6400, 20.6070),
    (106.6520, 20.5985),
    (106.6680, 20.5975),
    (106.6760, 20.6060),
    (106.6700, 20.6130),
    (106.6560, 20.6120),
    (106.6420, 20.6140),
    (106.6300, 20.6175),
]
#: Industrial parks named in the 2023 proposal (about 4,000 ha in all; no individual figures).
INDUSTRIAL_PARKS = {
    "tan-trao": (
        "Khu công nghiệp Tân Trào",
        "Tân Trào industrial park",
        [
            (106.6500, 20.7330),
            (106.6680, 20.7230),
            (106.6760, 20.7190),
            (106.6740, 20.7040),
            (106.6620, 20.7130),
            (106.6530, 20.7195),
            (106.6420, 20.7245),
            (106.6440, 20.7355),
        ],
    ),
    "ngu-phuc": (
        "Khu công nghiệp Ngũ Phúc",
        "Ngũ Phúc industrial park",
        [
            (106.6120, 20.7485),
            (106.6300, 20.7420),
            (106.6440, 20.7355),
            (106.6420, 20.7245),
            (106.6310, 20.7305),
            (106.6200, 20.7345),
            (106.6080, 20.7375),
            (106.6080, 20.7505),
        ],
    ),
    # Tiên Lãng 1 IP lies in Hùng Thắng commune (596.78 ha; ground broken 15 Jan 2026): drawn
    # between the commune's published centroid (106.6764, 20.6621) and the Văn Úc, west of
    # FTZ site 1 and north of the coastal road; the project (projects layer) fills it.
    "tien-lang-1": (
        "Khu công nghiệp Tiên Lãng 1",
        "Tiên Lãng 1 industrial park",
        [
            (106.6500, 20.6625),
            (106.6715, 20.6625),
            (106.6715, 20.6905),
            (106.6500, 20.6905),
        ],
    ),
    "tien-lang-2": (
        "Khu công nghiệp Tiên Lãng 2",
        "Tiên Lãng 2 industrial park",
        [
            (106.6100, 20.7195),
            (106.6300, 20.7125),
            (106.6440, 20.7030),
            (106.6500, 20.7020),
            (106.6505, 20.7160),
            (106.6310, 20.7275),
            (106.6100, 20.7338),
        ],
    ),
    "tien-lang-airport": (
        "Khu công nghiệp sân bay Tiên Lãng",
        "Tiên Lãng airport industrial park",
        [
            (106.6300, 20.6280),
            (106.6420, 20.6350),
            (106.6560, 20.6440),
            (106.6660, 20.6450),
            (106.6660, 20.6140),
            (106.6560, 20.6120),
            (106.6420, 20.6140),
            (106.6300, 20.6175),
        ],
    ),
    "tran-duong-hoa-binh": (
        "Khu phát triển công nghiệp Trấn Dương – Hòa Bình",
        "Trấn Dương – Hòa Bình industrial development area",
        [
            (106.5400, 20.6680),
            (106.5500, 20.6740),
            (106.5640, 20.6750),
            (106.5760, 20.6620),
            (106.5850, 20.6470),
            (106.5600, 20.6500),
            (106.5450, 20.6560),
        ],
    ),
}

#: The investment projects inside each industrial-park area (projects layer).
IP_PROJECTS = {
    "tan-trao": ("prj-tan-trao-ip-1", "prj-hai-phong-lng"),
    "ngu-phuc": ("prj-ngu-phuc-ip-1",),
    "tien-lang-1": ("prj-tien-lang-1-ip",),
    "tien-lang-airport": ("prj-tien-lang-airport-ip-b",),
}

AIRPORT_NOT_SITED = (
    "No official site, area, runway, investor or coordinates of Tiên Lãng airport had been "
    "published by the facts date (2026-11-30); the July 2025 revision of the national airport "
    "plan added Gia Bình airport, and no mention of Tiên Lãng was found in it"
)
AIRPORT_CANDIDATE = (106.60, 20.615, 106.68, 20.66)  # lon/lat box (I, low confidence)
AIRPORT_SETBACK_M = (150.0, 2150.0)  # site band, measured north-west of the coastal road
RUNWAY_LENGTH_M = 3600.0


def airport_site() -> Polygon:
    """
    The indicative airport site: a band north-west of and parallel to the coastal road,
    inside the candidate box and kept 250 m off the Thái Bình river.

    An ~11 km² rectangle does not fit in the candidate box on either side of the coastal
    road, so the site is drawn as the part of this band that lies in the box.
    """
    lon0, lat0 = 106.64, 20.64
    road = to_metres(LineString(COASTAL_ROAD), lon0, lat0)
    river = to_metres(LineString(THAI_BINH), lon0, lat0)
    cand = to_metres(Polygon.from_bounds(*AIRPORT_CANDIDATE), lon0, lat0)
    near, far = AIRPORT_SETBACK_M
    # The road runs north-east to south-west here; its left side (negative distance) is north-west.
    band = road.buffer(-far, single_sided=True).difference(road.buffer(near))
    site = band.intersection(cand).difference(river.buffer(250))
    site = site.simplify(5)
    return orient(to_lonlat(site, lon0, lat0), 1.0)


def runway_line(site: Polygon) -> LineString:
    """A 3,600 m runway through the site's centre, parallel to the coastal road there."""
    c = site.representative_point() if not site.contains(site.centroid) else site.centroid
    az, _, _ = GEOD.inv(106.6300, 20.6300, 106.6550, 20.6450)
    lon1, lat1, _ = GEOD.fwd(c.x, c.y, az + 180, RUNWAY_LENGTH_M / 2)
    lon2, lat2, _ = GEOD.fwd(c.x, c.y, az, RUNWAY_LENGTH_M / 2)
    return LineString([(lon1, lat1), (lon2, lat2)])


# --------------------------------------------------------------------------------------
# 3. Nam Đồ Sơn port (figures and extents from the port-plan data)
# --------------------------------------------------------------------------------------

# id suffix, berths, quay length m, land ha, (lon_min, lon_max, lat_min, lat_max) or centre,
# capacity (port-plan field "nlucthongq", probably Mt/yr), plan status
BERTH_BLOCKS: list[tuple[str, int, float, float, tuple[float, ...], float, str]] = [
    ("01-02", 3, 1100, 81.0, (106.7635, 106.7768, 20.6254, 20.6378), 20.8, "QH 2030"),
    ("03", 1, 450, 32.7, (106.7727, 106.7798, 20.6213, 20.6292), 8.1, "after 2030"),
    ("04-05", 2, 900, 62.3, (106.7771, 106.7887, 20.6196, 20.6264), 16.2, "after 2030"),
    ("06-07", 2, 900, 56.6, (106.7928, 20.6233), 16.2, "after 2030"),
    ("08-09", 2, 900, 56.6, (106.8025, 20.6200), 16.2, "after 2030"),
    ("10-11", 2, 900, 56.6, (106.8122, 20.6167), 16.2, "after 2030"),
    ("12-13", 2, 900, 54.0, (106.8159, 106.8253, 20.6141, 20.6208), 16.2, "after 2030"),
    ("14-15", 2, 1000, 130.0, (106.7675, 106.7876, 20.6349, 20.6487), 16.2, "after 2030"),
    ("16-17", 2, 900, 51.0, (106.7848, 106.7950, 20.6344, 20.6408), 16.2, "after 2030"),
    ("18-19", 2, 900, 56.6, (106.7988, 20.6383), 16.2, "after 2030"),
    ("20-21", 2, 900, 56.6, (106.8085, 20.6350), 16.2, "after 2030"),
    ("22-23", 2, 900, 56.6, (106.8182, 20.6317), 16.2, "after 2030"),
    ("24", 1, 550, 41.3, (106.8218, 106.8307, 20.6293, 20.6355), 0.0, "after 2030"),
]
ROW_BEARING = 110.0  # berth rows 6-13 and 18-23 run east-south-east along the basin

TURNING_BASINS = [(106.7823, 20.6310), (106.8261, 20.6244)]
CHANNEL_DRAWN = [(106.7823, 20.6310), (106.8187, 20.6255), (106.8325, 20.6164), (106.8745, 20.5445)]
CHANNEL_LENGTH_KM = 19.0
CHANNEL_WIDTH_M = 300.0

# name suffix, centreline, polygon area ha (port plan)
BREAKWATERS = [
    (
        "north",
        "Bắc",
        "north",
        [(106.7650, 20.6495), (106.8000, 20.6490), (106.8290, 20.6445), (106.8377, 20.6340)],
        79.2,
    ),
    (
        "south",
        "Nam",
        "south",
        [(106.7623, 20.6230), (106.7700, 20.6140), (106.7900, 20.6118), (106.8270, 20.6118)],
        76.8,
    ),
]


def berth_block(quay_m: float, land_ha: float, where: tuple[float, ...]) -> Polygon:
    """A rectangle of the block's quay length and land area, fitted to its extent."""
    depth = land_ha * 10_000 / quay_m
    if len(where) == 2:
        return rectangle(where[0], where[1], quay_m, depth, ROW_BEARING)
    lon_min, lon_max, lat_min, lat_max = where
    lon, lat = (lon_min + lon_max) / 2, (lat_min + lat_max) / 2
    w = GEOD.inv(lon_min, lat, lon_max, lat)[2]
    h = GEOD.inv(lon, lat_min, lon, lat_max)[2]
    best = min(
        range(90, 181, 2),
        key=lambda b: (
            abs(
                quay_m * abs(math.sin(math.radians(b))) + depth * abs(math.cos(math.radians(b))) - w
            )
            + abs(
                quay_m * abs(math.cos(math.radians(b))) + depth * abs(math.sin(math.radians(b))) - h
            )
        ),
    )
    return rectangle(lon, lat, quay_m, depth, best)


def channel_centreline() -> list[tuple[float, float]]:
    return extend_to_length(CHANNEL_DRAWN, CHANNEL_LENGTH_KM)


# --------------------------------------------------------------------------------------
# Layer builders
# --------------------------------------------------------------------------------------

METHOD_ZONE = (
    "digitized by hand from the decision's limits (bounding box) and the listed communes, "
    "placed against the Văn Úc and Thái Bình rivers and the coast; outline adjusted so that "
    "its ellipsoidal area is close to the declared 20,000 ha; indicative"
)
METHOD_CLIPPED = (
    "drawn by hand from the published description, then clipped to the zone outline and to "
    "the functional areas drawn before it (no overlaps); indicative"
)


@functools.cache
def functional_geometries() -> dict[str, BaseGeometry]:
    """The functional-area polygons, in drawing priority order, without overlaps."""
    zone = zone_geometry()
    drafts: list[tuple[str, BaseGeometry]] = [
        ("fa-port-logistics", Polygon(PORT_LOGISTICS)),
        ("fa-reclaimed-port", Polygon(RECLAIMED)),
        ("fa-ftz-1", Polygon(FTZ)),
        ("fa-airport", airport_site()),
    ]
    drafts += [(f"fa-ip-{k}", Polygon(v[2])) for k, v in INDUSTRIAL_PARKS.items()]
    drafts += [
        ("fa-urban-hung-thang", Polygon(URBAN_HUNG_THANG)),
        ("fa-urban-kien-thuy", Polygon(URBAN_KIEN_THUY)),
        ("fa-green-coast", Polygon(GREEN_COAST)),
    ]
    taken: BaseGeometry = Polygon()
    out: dict[str, BaseGeometry] = {}
    for fid, draft in drafts:
        geom = draft.intersection(zone).difference(taken)
        geom = _clean_polygonal(geom)
        out[fid] = geom
        taken = taken.union(geom)
    return out


def zone_layer() -> list[dict[str, Any]]:
    return [
        feature(
            props(
                "zone",
                "Khu kinh tế ven biển phía Nam Hải Phòng",
                "Southern Coastal Economic Zone of Hai Phong",
                category="economic_zone",
                phase="none",
                declared_area_ha=20000,
                source=SRC_DECISION,
                source_url=URL_DECISION,
                accuracy_m=2500,
                method=METHOD_ZONE,
                decision="1511/QĐ-TTg",
                decision_date="2024-12-04",
                reclaimed_area_ha_declared=2909,
                communes_vi=(
                    "Kiến Thụy: Đoàn Xá, Tân Trào, một phần Đại Hợp, Tú Sơn, Kiến Quốc, Kiến Hưng, "
                    "Ngũ Phúc; An Lão: một phần An Thọ, Chiến Thắng; Tiên Lãng: Vinh Quang, Hùng "
                    "Thắng, Đông Hưng, Tây Hưng, Nam Hưng, Bắc Hưng, một phần Tiên Thắng, "
                    "Tiên Minh; "
                    "Vĩnh Bảo: Trấn Dương, Hòa Bình, Vĩnh Tiến, Cổ Am; Đồ Sơn: một phần Bàng La"
                ),
                communes_source_url=URL_COMMUNES,
                communes_current_vi=units_in_zone("vi"),
                communes_current_en=units_in_zone("en"),
                communes_current_source_url=URL_GENERAL_PLAN,
                units_resolution="1669/NQ-UBTVQH15",
                general_plan_stage="reviewed",
                general_plan_vi=(
                    "Quy hoạch chung đến năm 2050 đã được Ban Thường vụ Thành ủy cho ý kiến thống "
                    "nhất, chưa thấy quyết định phê duyệt; khoảng 20.000 ha; ngắn hạn đến 2035, "
                    "dài hạn đến 2050"
                ),
                general_plan_en=(
                    "General plan to 2050 reviewed and agreed by the City Party Committee; no "
                    "approval decision found; about 20,000 ha; short term to 2035, long term to "
                    "2050"
                ),
                general_plan_horizon_short=2035,
                general_plan_horizon_long=2050,
                population_2025=132632,
                population_2035_planned=195000,
                population_2050_planned=350000,
                general_plan_source_url=URL_GENERAL_PLAN,
                investment_forecast=(
                    "about VND 700,000 bn by 2030; about US$40 bn by 2040 (VnEconomy, 20 Feb 2026)"
                ),
                investment_forecast_source_url=URL_INVESTMENT_FORECAST,
                as_of="2026-02-20",
                notes=(
                    "communes_vi lists the communes as Decision 1511 names them (units before "
                    "1 July 2025); communes_current_* names the units that cover the zone since "
                    "then (Resolution 1669/NQ-UBTVQH15), as the general-plan review lists them. "
                    "The decision publishes no boundary map; the outline is an estimate that "
                    "stays inside the quoted limits and touches each of them."
                ),
            ),
            zone_geometry(),
        )
    ]


def functional_layer() -> list[dict[str, Any]]:
    g = functional_geometries()
    feats = [
        feature(
            props(
                "fa-port-logistics",
                "Khu bến cảng và hậu cần cảng, logistics Nam Đồ Sơn",
                "Nam Đồ Sơn port and logistics area",
                category="port_logistics",
                phase="2026-2030",
                declared_area_ha=2464,
                source=(
                    SRC_PORT_PLAN + "; Vingroup proposal 'Khu bến cảng và trung tâm logistics Nam "
                    "Đồ Sơn' (4,319.1 ha direct investment area, port 1,134 ha, logistics ~2,880 "
                    "ha) "
                    "reported by VnExpress"
                ),
                source_url=URL_PORT_PLAN,
                accuracy_m=1000,
                method=METHOD_CLIPPED,
                area_vingroup_ha=4319.1,
                area_total_ha_vingroup=4394.5,
                phases_vingroup=3,
                area_total_ha_reported_2026=2789,
                phases_reported_2026=2,
                area_total_ha_reported_2026_source_url=URL_PORT_TWO_PHASES,
                construction_start_planned="early 2027 (EIA)",
                notes=(
                    "declared_area_ha is the area of the back-of-port industrial/logistics "
                    "polygon of the port-plan data (2,464 ha, derived, within 106.698–106.780 E, "
                    "20.633–20.719 N). Sources disagree on the project's size: the Vingroup "
                    "filings give 4,394.5 ha in three phases (4,319.1 ha direct investment area, "
                    "incl. water and the port area, whose platform is drawn as reclaimed land); "
                    "a January 2026 report gives about 2,789 ha in two phases after the "
                    "ministry's review. Both are in the timeline."
                ),
                source_url_vingroup=URL_VINGROUP,
            ),
            g["fa-port-logistics"],
        ),
        feature(
            props(
                "fa-reclaimed-port",
                "Đất lấn biển – mặt bằng cảng Nam Đồ Sơn",
                "Reclaimed land – Nam Đồ Sơn port platform",
                category="reclaimed_land",
                phase="2026-2030",
                declared_area_ha=2909,
                source=(
                    "Quyết định 1511/QĐ-TTg: about 2,909 ha of the 20,000 ha is land reclaimed "
                    "from "
                    "the sea (reported by Việt Nam News and others)"
                ),
                source_url=URL_RECLAIMED,
                accuracy_m=1500,
                method=METHOD_CLIPPED,
                notes=(
                    "The decision does not say where the reclaimed land lies. It is drawn as the "
                    "port platform carrying the Nam Đồ Sơn berth blocks, cut at the zone's eastern "
                    "limit. Parts of the port-logistics area and of the FTZ also lie on today's "
                    "tidal flats; they are not counted here."
                ),
            ),
            g["fa-reclaimed-port"],
        ),
        feature(
            props(
                "fa-ftz-1",
                "Khu thương mại tự do Hải Phòng – khu 1 (Chấn Hưng, Hùng Thắng)",
                "Hai Phong Free Trade Zone – site 1 (Chấn Hưng, Hùng Thắng)",
                category="free_trade_zone",
                phase="2026-2030",
                declared_area_ha=2923,
                source=(
                    "Quyết định 4068/QĐ-UBND thành lập Khu thương mại tự do Hải Phòng (~6,292 ha, "
                    "3 sites; dated 13 Oct 2025 by Thời báo Tài chính, issued 16 Oct 2025 per Việt "
                    "Nam News); site 1 ~2,923 ha: bounded N by the Văn Úc river, W by Hùng Thắng "
                    "residential/urban land, S by the sea, E by the port and coastal "
                    "marine-logistics area"
                ),
                source_url=URL_FTZ,
                accuracy_m=1500,
                method=METHOD_CLIPPED,
                decision="4068/QĐ-UBND",
                decision_dates_reported=(
                    "2025-10-13 (Thời báo Tài chính); 2025-10-16 (Việt Nam News)"
                ),
                ftz_total_area_ha_declared=6292,
                legal_basis="Nghị quyết 226/2025/QH15 (hiệu lực 1/7/2025)",
                legal_basis_en="National Assembly Resolution 226/2025/QH15, in force 1 Jul 2025",
                legal_basis_source_url=URL_FTZ_VNS,
                managed_by="Hai Phong Economic Zone Authority",
                roadmap=(
                    "2026–2028: investment approvals and functional zoning plans; 2030–2035: "
                    "complete the infrastructure"
                ),
                roadmap_source_url=URL_FTZ_ROADMAP,
                notes=(
                    "Boundary coordinates not published. The decision places site 1 in Chấn Hưng "
                    "and Hùng Thắng, and the Tiên Lãng Airport IP zone B (Chấn Hưng) is described "
                    "as one of its first projects; this indicative outline, drawn from the "
                    "boundary description, lies in Hùng Thắng and does not reach it."
                ),
            ),
            g["fa-ftz-1"],
        ),
        feature(
            props(
                "fa-airport",
                "Cảng hàng không quốc tế Tiên Lãng (khu đất dự kiến, chưa công bố vị trí)",
                "Tiên Lãng international airport (indicative site; no official site published)",
                category="airport",
                phase="after 2030",
                declared_area_ha=1100,
                source=(
                    "Proposal of about 11 km² and VND 10,000 bn reported by CafeF (2024); "
                    "construction 'from 2030' per vietnammoi. No official site, commune list or "
                    "runway data has been published"
                ),
                source_url=URL_AIRPORT,
                accuracy_m=3000,
                method=(
                    "no official site is published: drawn as a band 150–2,150 m north-west of the "
                    "coastal road inside the candidate area 106.60–106.68 E, 20.615–20.66 N, kept "
                    "off "
                    "the Thái Bình river, to about the proposed 11 km²; indicative only"
                ),
                notes=(
                    "Location is a guess within southern Tiên Lãng; an ~11 km² rectangle does "
                    "not fit in the candidate area without crossing the coastal road. "
                    + AIRPORT_NOT_SITED
                ),
            ),
            g["fa-airport"],
        ),
    ]
    for key, (name_vi, name_en, _) in INDUSTRIAL_PARKS.items():
        extra: dict[str, Any] = {}
        if key in IP_PROJECTS:
            extra["projects"] = ", ".join(IP_PROJECTS[key])
        if key == "tien-lang-1":
            extra.update(
                as_of="2026-01-15",
                declared_area_source_url=URL_TIEN_LANG_1,
                notes=(
                    "Placed in Hùng Thắng commune, where the Tiên Lãng 1 IP project (596.78 ha, "
                    "ground broken 15 Jan 2026) lies; drawn before that fact in the Văn Úc "
                    "corridor "
                    "upstream, which is left unassigned now"
                ),
            )
        feats.append(
            feature(
                props(
                    f"fa-ip-{key}",
                    name_vi,
                    name_en,
                    category="industrial_park",
                    phase="2026-2030",
                    declared_area_ha=596.78 if key == "tien-lang-1" else None,
                    source=(
                        "2023 proposal for the zone names Tân Trào, Ngũ Phúc, Tiên Lãng 1, Tiên "
                        "Lãng 2, Tiên Lãng airport IPs and the Trấn Dương–Hòa Bình industrial "
                        "development area; the Hai Phong Economic Zone Authority reported 6 IPs "
                        "totalling about 4,000 ha (Oct 2024). The parks' own areas are not "
                        "published, except Tiên Lãng 1 (596.78 ha, 2026); projects inside them "
                        "are in the projects layer"
                    ),
                    source_url=URL_IPS,
                    accuracy_m=2000,
                    method=METHOD_CLIPPED,
                    ip_total_ha_declared=4000,
                    ip_total_source_url=URL_IP_TOTAL,
                    **extra,
                ),
                g[f"fa-ip-{key}"],
            )
        )
    feats += [
        feature(
            props(
                "fa-urban-hung-thang",
                "Khu đô thị, dịch vụ Hùng Thắng – Chấn Hưng",
                "Hùng Thắng – Chấn Hưng urban and service area",
                category="urban_service",
                phase="2026-2030",
                declared_area_ha=None,
                source=(
                    "Decision 1511 lists urban development among 2026–2030 tasks; the FTZ decision "
                    "places Hùng Thắng residential and urban-development land west of FTZ site 1"
                ),
                source_url=URL_FTZ,
                accuracy_m=2000,
                method=METHOD_CLIPPED,
            ),
            g["fa-urban-hung-thang"],
        ),
        feature(
            props(
                "fa-urban-kien-thuy",
                "Khu đô thị, dịch vụ ven sông Văn Úc (Tú Sơn, Đoàn Xá)",
                "Văn Úc riverside urban and service area (Tú Sơn, Đoàn Xá)",
                category="urban_service",
                phase="2026-2030",
                declared_area_ha=None,
                source=(
                    "Zone components named in the press: smart urban areas, an international "
                    "exhibition centre, native residential land; no locations or figures published"
                ),
                source_url=URL_GREEN,
                accuracy_m=2000,
                method=METHOD_CLIPPED,
            ),
            g["fa-urban-kien-thuy"],
        ),
        feature(
            props(
                "fa-green-coast",
                "Vành đai rừng ngập mặn, sinh thái ven biển Tiên Lãng",
                "Tiên Lãng coastal mangrove and ecological belt",
                category="green_ecological",
                phase="after 2030",
                declared_area_ha=None,
                source=(
                    "Zone concept (Omgeving): green loop, eco-tourism, a 'green economic zone'; no "
                    "locations or figures published"
                ),
                source_url=URL_GREEN,
                accuracy_m=2000,
                method=METHOD_CLIPPED,
            ),
            g["fa-green-coast"],
        ),
    ]
    return feats


METHOD_PORT = (
    "drawn from figures and extents of the port-plan data (centre, quay length, land area, "
    "bounding box) as a simple rectangle; not a copy of the plan polygon; indicative"
)


def port_layer() -> list[dict[str, Any]]:
    feats = []
    for suffix, berths, quay, land, where, cap, plan in BERTH_BLOCKS:
        first = suffix == "01-02"
        label = f"{suffix}"
        name_vi = ("Bến container " if first else "Bến ") + label + " – khu bến Nam Đồ Sơn"
        name_en = ("Container terminal " if first else "Terminal ") + label + " – Nam Đồ Sơn port"
        feats.append(
            feature(
                props(
                    f"port-berth-{suffix}",
                    name_vi,
                    name_en,
                    category="berth",
                    phase="2026-2030" if first else "after 2030",
                    declared_area_ha=land,
                    source=SRC_PORT_PLAN,
                    source_url=URL_PORT_PLAN,
                    accuracy_m=100,
                    method=METHOD_PORT,
                    berths=berths,
                    quay_length_m=quay,
                    design_ship_dwt=200000,
                    capacity_plan=cap,
                    plan_status=plan,
                    notes="capacity_plan is the port-plan field 'nlucthongq', probably Mt/yr",
                ),
                berth_block(quay, land, where),
            )
        )
    for i, (lon, lat) in enumerate(TURNING_BASINS, start=1):
        feats.append(
            feature(
                props(
                    f"port-turning-basin-{i}",
                    f"Vũng quay tàu số {i} – Nam Đồ Sơn",
                    f"Turning basin {i} – Nam Đồ Sơn",
                    category="turning_basin",
                    phase="2026-2030" if i == 1 else "after 2030",
                    declared_area_ha=None,
                    source=(SRC_PORT_PLAN + " (label D = 800 m, −17.0 m CD)"),
                    source_url=URL_PORT_PLAN,
                    accuracy_m=100,
                    method=(
                        "circle of the labelled diameter (800 m) at the plan's centre; the plan "
                        "polygon encloses 53.4 ha (equivalent diameter ≈ 824 m)"
                    ),
                    diameter_m=800,
                    depth_m_cd=-17.0,
                ),
                circle(lon, lat, 400.0),
            )
        )
    line = channel_centreline()
    feats.append(
        feature(
            props(
                "port-channel",
                "Luồng tàu vào khu bến Nam Đồ Sơn",
                "Nam Đồ Sơn approach channel",
                category="channel",
                phase="2026-2030",
                declared_area_ha=None,
                source=(SRC_PORT_PLAN + " (label L = 19 km, B = 300 m, −17.0 m CD)"),
                source_url=URL_PORT_PLAN,
                accuracy_m=200,
                method=(
                    "300 m wide polygon along the plan centreline, whose drawing stops at 14.7 km; "
                    "extended along its last bearing to the labelled 19 km; indicative"
                ),
                length_km_declared=19,
                width_m=300,
                depth_m_cd=-17.0,
                length_km_drawn=round(length_km(LineString(line)), 2),
            ),
            corridor(line, CHANNEL_WIDTH_M),
        )
    )
    for suffix, vi, en, centre, ha in BREAKWATERS:
        length = GEOD.geometry_length(LineString(centre))
        feats.append(
            feature(
                props(
                    f"port-breakwater-{suffix}",
                    f"Đê chắn sóng {vi} – Nam Đồ Sơn",
                    f"Nam Đồ Sơn {en} breakwater",
                    category="breakwater",
                    phase="2026-2030",
                    declared_area_ha=None,
                    source=(SRC_PORT_PLAN + f" (polygon of {ha} ha, about 7.8–8.0 km long)"),
                    source_url=URL_PORT_PLAN,
                    accuracy_m=300,
                    method=(
                        "centreline picked inside the plan's extent (106.7623–106.8377 E, "
                        "20.6118–20.6498 N), widened to the plan polygon's area; phase not "
                        "published (assumed needed for phase 1); indicative"
                    ),
                    length_m_drawn=round(length),
                ),
                corridor(centre, ha * 10_000 / length),
            )
        )
    return feats


def airport_layer() -> list[dict[str, Any]]:
    site = functional_geometries()["fa-airport"]
    runway = runway_line(site)
    az = GEOD.inv(*runway.coords[0], *runway.coords[1])[0] % 360
    des = f"{round(az / 10) % 36:02d}/{round((az + 180) / 10) % 36:02d}"
    no_site = AIRPORT_NOT_SITED + "; this is an illustration only"
    return [
        feature(
            props(
                "airport-site",
                "Cảng hàng không quốc tế Tiên Lãng – khu đất (minh họa)",
                "Tiên Lãng international airport – site (illustrative)",
                category="airport",
                phase="after 2030",
                declared_area_ha=1100,
                source=("About 11 km² proposed (CafeF, 2024). " + no_site),
                source_url=URL_AIRPORT,
                accuracy_m=3000,
                method=(
                    "same geometry as functional area fa-airport: a band north-west of the coastal "
                    "road inside the candidate area; indicative only"
                ),
                notes=no_site,
            ),
            site,
        ),
        feature(
            props(
                "airport-runway",
                f"Đường cất hạ cánh {des} (minh họa)",
                f"Runway {des} (illustrative)",
                category="runway",
                phase="after 2030",
                declared_area_ha=None,
                source=("Runway data not published. " + no_site),
                source_url=URL_AIRPORT,
                accuracy_m=3000,
                method=(
                    "illustrative code-4E runway of 3,600 m through the site's centre, parallel to "
                    "the coastal road; no published runway orientation, length or position"
                ),
                runway_length_m=RUNWAY_LENGTH_M,
                runway_width_m=45,
                aerodrome_code="4E",
                approach="precision approach (CAT I), assumed",
                threshold_elevation_m=2.0,
                designation=des,
                notes="threshold elevation assumed from the coastal plain (≈2 m); " + no_site,
            ),
            runway,
        ),
    ]


def bridge(centre: tuple[float, float], azimuth: float, length_m: float) -> LineString:
    lon, lat = centre
    a = GEOD.fwd(lon, lat, azimuth + 180, length_m / 2)[:2]
    b = GEOD.fwd(lon, lat, azimuth, length_m / 2)[:2]
    return LineString([a, b])


def transport_layer() -> list[dict[str, Any]]:
    road = LineString(COASTAL_ROAD)
    link = LineString(CT08_LINK)
    az_vu = GEOD.inv(106.7120, 20.6950, 106.6800, 20.6650)[0]
    az_tb = GEOD.inv(106.6300, 20.6300, 106.6150, 20.6240)[0]
    return [
        feature(
            props(
                "tr-coastal-road",
                "Đường bộ ven biển Hải Phòng (ngã ba Quý Kim – cầu sông Thái Bình)",
                "Hai Phong coastal road (Quý Kim junction – Thái Bình river bridge)",
                category="road",
                phase="to 2025",
                declared_area_ha=None,
                source=(
                    "Hai Phong decision to upgrade the coastal road to grade II plain road: Quý "
                    "Kim "
                    "T-junction (road 353) – Thái Bình border, 20.7 km, 24.7 m (4 × 3.75 m + "
                    "2 × 3 m); 2019 project list: road 353 – Thái Bình bridge, Km0–Km19+645"
                ),
                source_url=URL_COASTAL_ROAD,
                accuracy_m=1500,
                method=(
                    "polyline through indicative waypoints (±1–2 km) at the junction, Đại Hợp, the "
                    "Văn Úc bridge and the Thái Bình bridge; not surveyed; indicative"
                ),
                width_m=24.7,
                right_of_way_m=None,
                lanes=6,
                length_km_declared=20.7,
                length_km_drawn=round(length_km(road), 2),
                project_cost_vnd_bn=3758,
                ct08_shared_km=31.8,
                status_source_url=URL_ROAD_STALLED,
                notes=(
                    "lanes: 4 motor lanes of 3.75 m + 2 mixed lanes of 3 m. The Hải Phòng–(ex-Thái "
                    "Bình) coastal road project (VND 3,758 bn, started May 2017) is reported "
                    "stalled after 8 years (7 Sep 2025); about 31.8 km of CT.08 follows this road. "
                    "The drawn line is straight between waypoints, so it is shorter than the "
                    "published 20.7 km"
                ),
            ),
            road,
        ),
        feature(
            props(
                "tr-bridge-van-uc",
                "Cầu sông Văn Úc (đường ven biển)",
                "Văn Úc river bridge (coastal road)",
                category="bridge",
                phase="to 2025",
                declared_area_ha=None,
                source=(
                    "Original coastal-road design: 8 new bridges, 2 large ones over the Văn Úc and "
                    "the Thái Bình rivers"
                ),
                source_url=URL_COASTAL_ROAD,
                accuracy_m=1500,
                method=(
                    "short line across the river on the road's line at the bridge waypoint; bridge "
                    "length not published (drawn 900 m); indicative"
                ),
                width_m=24.7,
                length_m_drawn=900,
            ),
            bridge((106.7000, 20.6830), az_vu, 900),
        ),
        feature(
            props(
                "tr-bridge-thai-binh",
                "Cầu sông Thái Bình (đường ven biển)",
                "Thái Bình river bridge (coastal road)",
                category="bridge",
                phase="to 2025",
                declared_area_ha=None,
                source=(
                    "Original coastal-road design: 8 new bridges, 2 large ones over the Văn Úc and "
                    "the Thái Bình rivers; end of the Hai Phong section (Km19+645)"
                ),
                source_url=URL_COASTAL_ROAD,
                accuracy_m=2000,
                method=(
                    "short line across the river on the road's last bearing at the bridge "
                    "waypoint; "
                    "bridge length not published (drawn 1,000 m); indicative"
                ),
                width_m=24.7,
                length_m_drawn=1000,
            ),
            bridge((106.6150, 20.6240), az_tb, 1000),
        ),
        feature(
            props(
                "tr-ct08-link",
                "Đường nối cao tốc Hà Nội – Hải Phòng với đường ven biển (CT.08)",
                "CT.08 link: Hà Nội–Hải Phòng expressway to the coastal road",
                category="road",
                phase="2026-2030",
                declared_area_ha=None,
                source=(
                    "Hai Phong section 'from the Hà Nội–Hải Phòng expressway to the coastal-road "
                    "interchange': 7.55 km (1.05 km 8 lanes / 37 m roadbed, 6.5 km 4-lane "
                    "expressway "
                    "with frontage roads), land clearance to 68 m, 2026–2028, through Kiến Minh, "
                    "Kiến Hải, Dương Kinh, Nam Đồ Sơn"
                ),
                source_url=URL_CT08,
                accuracy_m=1500,
                method=(
                    "polyline from an estimated expressway interchange south to the coastal road, "
                    "drawn to the published length; alignment not published; indicative"
                ),
                width_m=37,
                right_of_way_m=68,
                lanes=4,
                length_km_declared=7.55,
                length_km_drawn=round(length_km(link), 2),
                notes="8 lanes on the first 1.05 km, 4 lanes with frontage roads on the rest",
            ),
            link,
        ),
    ]


def context_layer() -> list[dict[str, Any]]:
    from shapely.geometry import MultiLineString

    est = "positions estimated from coarse boundaries and the port-plan buoys; indicative"
    return [
        feature(
            props(
                "ctx-river-van-uc",
                "Sông Văn Úc",
                "Văn Úc river",
                category="river",
                status="existing",
                as_of="2023",
                phase="none",
                declared_area_ha=None,
                source="River course and mouth (cửa Nam Đồ Sơn) as described in commune profiles",
                source_url=URL_VAN_UC_MOUTH,
                accuracy_m=1000,
                method=("centreline drawn by hand; " + est),
            ),
            LineString(VAN_UC),
        ),
        feature(
            props(
                "ctx-river-thai-binh",
                "Sông Thái Bình",
                "Thái Bình river",
                category="river",
                status="existing",
                as_of="2023",
                phase="none",
                declared_area_ha=None,
                source="River between Vĩnh Bảo and Tiên Lãng; mouth ≈106.64 E, 20.615 N",
                source_url=URL_LANG_AM,
                accuracy_m=1500,
                method=("centreline drawn by hand; " + est),
            ),
            LineString(THAI_BINH),
        ),
        feature(
            props(
                "ctx-coastline",
                "Đường bờ biển Tiên Lãng – Đồ Sơn",
                "Coastline, Tiên Lãng – Đồ Sơn",
                category="coastline",
                status="existing",
                as_of="2023",
                phase="none",
                declared_area_ha=None,
                source=(
                    "Present shoreline between the Thái Bình mouth and Đồ Sơn (before reclamation)"
                ),
                source_url=URL_DOSON,
                accuracy_m=1500,
                method=("drawn by hand between the two river mouths and Hòn Dấu; " + est),
            ),
            MultiLineString([COAST_TIEN_LANG, COAST_DO_SON]),
        ),
        feature(
            props(
                "ctx-do-son",
                "Đồ Sơn (mũi Hòn Dấu)",
                "Đồ Sơn (Hòn Dấu point)",
                category="place",
                status="existing",
                as_of="2023",
                phase="none",
                declared_area_ha=None,
                source=(
                    "Đồ Sơn peninsula tip; Hòn Dấu islet and its 1890s lighthouse about 1 km off"
                ),
                source_url=URL_DOSON,
                accuracy_m=1000,
                method=("point at the peninsula tip; " + est),
            ),
            Point(106.817, 20.666),
        ),
        feature(
            props(
                "ctx-cat-bi",
                "Cảng hàng không quốc tế Cát Bi",
                "Cát Bi international airport",
                category="existing_airport",
                status="existing",
                as_of="2023-07-15",
                phase="none",
                declared_area_ha=None,
                source=(
                    "Vietnam AIP VVCI AD 2.2: aerodrome reference point 20°49'01\"N 106°43'23\"E"
                ),
                source_url=URL_CATBI_AIP,
                accuracy_m=30,
                method="aerodrome reference point from the AIP",
                icao="VVCI",
                elevation_m=3,
            ),
            Point(106.72306, 20.81694),
        ),
        feature(
            props(
                "ctx-tan-vu",
                "Cảng Tân Vũ",
                "Tân Vũ port",
                category="existing_port",
                status="existing",
                as_of="2023",
                phase="none",
                declared_area_ha=None,
                source="Hai Phong seaport planning data: Tân Vũ port label point",
                source_url=URL_PORT_PLAN,
                accuracy_m=200,
                method="label point of the port-plan data",
            ),
            Point(106.7742, 20.8360),
        ),
        feature(
            props(
                "ctx-lach-huyen",
                "Cảng cửa ngõ quốc tế Hải Phòng (Lạch Huyện)",
                "Hai Phong international gateway port (Lạch Huyện)",
                category="existing_port",
                status="existing",
                as_of="2025",
                phase="none",
                declared_area_ha=None,
                source=(
                    "VMS-North notice: water area in front of Lạch Huyện container berth 3 (WGS-84)"
                ),
                source_url=URL_LACH_HUYEN,
                accuracy_m=200,
                method="centroid of the published water-area corners",
            ),
            Point(106.9111, 20.7956),
        ),
    ]


# --------------------------------------------------------------------------------------
# 6. Communes and wards since 1 July 2025 (Resolution 1669/NQ-UBTVQH15)
# --------------------------------------------------------------------------------------

#: id suffix, name, ward or commune, old units, km², population, published centroid, and
#: whether the general-plan review lists the unit whole in the zone or in part.
UNITS: list[tuple[str, str, str, str, float, int, tuple[float, float], str]] = [
    (
        "nam-do-son",
        "Nam Đồ Sơn",
        "ward",
        "Minh Đức, Bàng La, Hợp Đức, Vạn Hương, Ngọc Xuyên",
        21.00,
        30372,
        (106.7446, 20.7253),
        "part",
    ),
    (
        "kien-hai",
        "Kiến Hải",
        "commune",
        "Tân Phong, Đại Hợp, Tú Sơn, Đoàn Xá",
        31.86,
        44862,
        (106.7136, 20.7107),
        "part",
    ),
    (
        "kien-hung",
        "Kiến Hưng",
        "commune",
        "Tân Trào, Kiến Hưng, Đoàn Xá",
        21.02,
        28044,
        (106.6708, 20.7167),
        "part",
    ),
    (
        "nghi-duong",
        "Nghi Dương",
        "commune",
        "Ngũ Phúc, Kiến Quốc, Du Lễ",
        19.48,
        25660,
        (106.6295, 20.7269),
        "part",
    ),
    (
        "an-hung",
        "An Hưng",
        "commune",
        "An Thái, An Thọ, Chiến Thắng",
        20.23,
        25535,
        (106.5951, 20.7516),
        "part",
    ),
    (
        "hung-thang",
        "Hùng Thắng",
        "commune",
        "Hùng Thắng, Vinh Quang",
        43.59,
        26877,
        (106.6764, 20.6621),
        "whole",
    ),
    (
        "chan-hung",
        "Chấn Hưng",
        "commune",
        "Nam Hưng, Bắc Hưng, Đông Hưng, Tây Hưng",
        32.11,
        26092,
        (106.6352, 20.6459),
        "whole",
    ),
    (
        "tien-minh",
        "Tiên Minh",
        "commune",
        "Tiên Thắng, Tiên Minh, Tân Minh",
        36.48,
        36236,
        (106.6038, 20.6953),
        "part",
    ),
    (
        "nguyen-binh-khiem",
        "Nguyễn Bỉnh Khiêm",
        "commune",
        "Trấn Dương, Hòa Bình, Lý Học",
        26.37,
        24575,
        (106.5659, 20.6542),
        "part",
    ),
    (
        "vinh-am",
        "Vĩnh Am",
        "commune",
        "Tam Cường, Cao Minh, Liên Am",
        27.34,
        34562,
        (106.5318, 20.6336),
        "part",
    ),
]
UNIT_NOTES = {
    "kien-hung": (
        "seat: the former Đại Hà commune office; a third-party mapping of old to new units "
        "(not an official text) lists Tân Trào, Đại Hà, Ngũ Đoan and part of Đoàn Xá instead"
    ),
    "vinh-am": (
        "likely also the earlier Cổ Am and Vĩnh Tiến communes, merged on 1 Jan 2025 under "
        "Resolution 1232/NQ-UBTVQH15 (inferred, not stated by the source)"
    ),
    "kien-hai": "Đoàn Xá was split between Kiến Hải and Kiến Hưng",
}
UNIT_CENTROIDS = {u[0]: u[6] for u in UNITS}
UNIT_TYPE = {"ward": ("Phường", "ward"), "commune": ("Xã", "commune")}


def units_in_zone(lang: str) -> str:
    """The units covering the zone under their current names (general-plan review)."""
    whole = [u[1] for u in UNITS if u[7] == "whole"]
    part = [u[1] for u in UNITS if u[7] == "part" and u[2] == "commune"]
    wards = [u[1] for u in UNITS if u[7] == "part" and u[2] == "ward"]
    if lang == "vi":
        return (
            f"toàn bộ xã {', '.join(whole)}; một phần các xã {', '.join(part)} và phường "
            f"{', '.join(wards)}"
        )
    return (
        f"whole: {', '.join(whole)} communes; part: {', '.join(part)} communes and "
        f"{', '.join(wards)} ward"
    )


def unit_id(key: str) -> str:
    return f"adm-{key}"


def communes_layer() -> list[dict[str, Any]]:
    feats = []
    for key, name, kind, old, km2, people, (lon, lat), in_zone in UNITS:
        vi, en = UNIT_TYPE[kind]
        note = UNIT_NOTES.get(key)
        extra = {"old_units_note": note} if note else {}
        feats.append(
            feature(
                props(
                    unit_id(key),
                    f"{vi} {name}",
                    f"{name} {en}",
                    category=kind,
                    phase="none",
                    declared_area_ha=None,
                    source=(
                        "Nghị quyết 1669/NQ-UBTVQH15 ngày 16/6/2025 (hiệu lực 1/7/2025) sắp xếp "
                        "đơn vị hành chính cấp xã của Hải Phòng; area, population and centroid as "
                        "published by the national merger map portal (sapnhap.bando.com.vn)"
                    ),
                    source_url=URL_RESOLUTION_1669,
                    accuracy_m=50,
                    method=(
                        "point at the published centroid of the whole unit (4 decimals, about "
                        "10 m); the unit's boundary is not published in the sources and is not "
                        f"drawn: an area of {km2:.2f} km² reaches about "
                        f"{math.sqrt(km2 / math.pi):.1f} km from its centre"
                    ),
                    unit_type=kind,
                    old_units=old,
                    area_km2=km2,
                    population=people,
                    in_zone=in_zone,
                    in_zone_source_url=URL_GENERAL_PLAN,
                    **extra,
                ),
                Point(lon, lat),
            )
        )
    return feats


# --------------------------------------------------------------------------------------
# 7. Investment projects (placed in their named communes, sized to their declared areas)
# --------------------------------------------------------------------------------------


def slice_to_area(
    geom: BaseGeometry,
    target_ha: float,
    bearing: float,
    *,
    keep: str = "low",
    centre: tuple[float, float] | None = None,
) -> BaseGeometry:
    """
    The part of `geom` of `target_ha` hectares cut off by a line across `bearing`.

    Along the axis of `bearing` (degrees from north), keep the ``"low"`` end (for
    bearing 90: the west), the ``"high"`` end, or a ``"band"`` centred on `centre`; the
    cut is moved by bisection until the part's ellipsoidal area is `target_ha`.
    """
    c = geom.centroid
    m = to_metres(geom, c.x, c.y)
    b = math.radians(bearing)
    ux, uy = math.sin(b), math.cos(b)
    big = 1e6

    def part(t: float) -> BaseGeometry:
        if keep == "band":
            cx, cy = to_metres(Point(centre), c.x, c.y).coords[0]
            t0 = cx * ux + cy * uy
            lo, hi = t0 - t, t0 + t
        elif keep == "low":
            lo, hi = -big, t
        else:
            lo, hi = t, big
        strip = Polygon(
            [
                (lo * ux - big * uy, lo * uy + big * ux),
                (hi * ux - big * uy, hi * uy + big * ux),
                (hi * ux + big * uy, hi * uy - big * ux),
                (lo * ux + big * uy, lo * uy - big * ux),
            ]
        )
        return to_lonlat(m.intersection(strip), c.x, c.y)

    ts = [x * ux + y * uy for x, y in shapely.get_coordinates(m)]
    lo, hi = (0.0, max(ts) - min(ts)) if keep == "band" else (min(ts), max(ts))
    grows = keep != "high"
    for _ in range(50):
        mid = (lo + hi) / 2
        if (area_ha(part(mid)) < target_ha) == grows:
            lo = mid
        else:
            hi = mid
    out = part((lo + hi) / 2)
    if abs(area_ha(out) - target_ha) > 0.01:
        msg = f"cannot cut {target_ha} ha from a polygon of {area_ha(geom):.1f} ha"
        raise ValueError(msg)
    return _clean_polygonal(out)


METHOD_PROJECT = (
    "no site plan is published: {where}; sized to the declared {ha} ha; position indicative "
    "within its commune"
)


def projects_layer() -> list[dict[str, Any]]:
    g = functional_geometries()
    tan_trao = g["fa-ip-tan-trao"]
    return [
        feature(
            props(
                "prj-tan-trao-ip-1",
                "Khu công nghiệp Tân Trào – giai đoạn 1",
                "Tân Trào industrial park, phase 1",
                category="ip_project",
                phase="2026-2030",
                declared_area_ha=226.79,
                source=(
                    "Quyết định 1799/QĐ-UBND ngày 11/6/2025 chấp thuận chủ trương đầu tư; 226,79 "
                    "ha, "
                    "khoảng 4.059 tỷ đồng, ở Kiến Hưng và Nghi Dương (CafeF); khởi công 26/9/2025 "
                    "(Việt Nam News)"
                ),
                source_url=URL_TAN_TRAO,
                accuracy_m=3000,
                method=METHOD_PROJECT.format(
                    where=(
                        "the western part of the indicative Tân Trào IP area (north bank of the "
                        "Văn Úc), toward Nghi Dương, cut by a north–south line"
                    ),
                    ha="226.79",
                ),
                investor="Vingroup (Vinhomes)",
                capital_vnd_bn=4059,
                communes="Kiến Hưng, Nghi Dương",
                decision="1799/QĐ-UBND",
                functional_area="fa-ip-tan-trao",
            ),
            slice_to_area(tan_trao, 226.79, 90, keep="low"),
        ),
        feature(
            props(
                "prj-hai-phong-lng",
                "Nhà máy điện khí LNG Hải Phòng",
                "Hải Phòng LNG power plant",
                category="power_plant",
                phase="2026-2030",
                declared_area_ha=100,
                source=(
                    "About 100 ha inside Tân Trào IP; 4,800 MW (1,600 MW, then 3,200 MW); over "
                    "VND 178,000 bn; to run by 2030; ground broken 26 Sep 2025 with Tân Trào IP "
                    "(Việt Nam News)"
                ),
                source_url=URL_TAN_TRAO_LNG,
                accuracy_m=3000,
                method=METHOD_PROJECT.format(
                    where=(
                        "the eastern end of the indicative Tân Trào IP area, beside phase 1 (the "
                        "source says the plant is inside the IP, not whether inside phase 1)"
                    ),
                    ha="100 (about)",
                ),
                investor="Vingroup",
                capital_vnd_bn=178000,
                capital_note="over VND 178,000 bn",
                capacity_mw=4800,
                capacity_phases_mw="1,600 + 3,200",
                operation_target="2030",
                communes="Kiến Hưng",
                functional_area="fa-ip-tan-trao",
            ),
            slice_to_area(tan_trao, 100, 90, keep="high"),
        ),
        feature(
            props(
                "prj-ngu-phuc-ip-1",
                "Khu công nghiệp Ngũ Phúc – giai đoạn 1",
                "Ngũ Phúc industrial park, phase 1",
                category="ip_project",
                phase="2026-2030",
                declared_area_ha=238,
                source=(
                    "Vingroup proposal (2025): over 238 ha in the former Ngũ Phúc and Kiến Quốc "
                    "communes (now Nghi Dương), over VND 5,670 bn (VnEconomy)"
                ),
                source_url=URL_NGU_PHUC,
                accuracy_m=3000,
                method=METHOD_PROJECT.format(
                    where=(
                        "a band of the indicative Ngũ Phúc IP area centred on the meridian of "
                        "Nghi Dương's published centroid"
                    ),
                    ha="238 (published as 'over 238 ha')",
                ),
                declared_area_note="published as 'over 238 ha'",
                investor="Vingroup",
                capital_vnd_bn=5670,
                capital_note="over VND 5,670 bn",
                communes="Nghi Dương",
                functional_area="fa-ip-ngu-phuc",
            ),
            slice_to_area(
                g["fa-ip-ngu-phuc"], 238, 90, keep="band", centre=UNIT_CENTROIDS["nghi-duong"]
            ),
        ),
        feature(
            props(
                "prj-tien-lang-1-ip",
                "Khu công nghiệp Tiên Lãng 1",
                "Tiên Lãng 1 industrial park",
                category="ip_project",
                phase="2026-2030",
                declared_area_ha=596.78,
                source=(
                    "Ground broken 15 Jan 2026: 596.78 ha in Hùng Thắng commune, VND 13,061 bn "
                    "(Dân Trí); investor not named in the fact base"
                ),
                source_url=URL_TIEN_LANG_1,
                accuracy_m=3000,
                method=METHOD_PROJECT.format(
                    where=(
                        "in Hùng Thắng, between the commune's published centroid and the Văn Úc, "
                        "west of FTZ site 1 and north of the coastal road (the indicative Tiên "
                        "Lãng 1 IP area, drawn for it), cut from its south side"
                    ),
                    ha="596.78",
                ),
                investor=None,
                capital_vnd_bn=13061,
                communes="Hùng Thắng",
                functional_area="fa-ip-tien-lang-1",
            ),
            slice_to_area(g["fa-ip-tien-lang-1"], 596.78, 0, keep="low"),
        ),
        feature(
            props(
                "prj-tien-lang-airport-ip-b",
                "Khu công nghiệp Sân bay Tiên Lãng – Khu B (CEOZone)",
                "Tiên Lãng Airport industrial park – Zone B (CEOZone)",
                category="ip_project",
                phase="2026-2030",
                declared_area_ha=186.49,
                source=(
                    "C.E.O IP Development JSC (CEO Group): 186.49 ha in Chấn Hưng commune, "
                    "VND 2,795.372 bn, described as one of the first projects of the Free Trade "
                    "Zone; ground broken 15 Jan 2026 (Vietstock; Thương hiệu và Công luận)"
                ),
                source_url=URL_CEO_ZONE_B,
                accuracy_m=3000,
                method=METHOD_PROJECT.format(
                    where=(
                        "the western part of the indicative Tiên Lãng airport IP area, toward "
                        "Chấn Hưng's published centroid, cut by a north–south line"
                    ),
                    ha="186.49",
                ),
                investor="C.E.O IP Development JSC (CEO Group)",
                capital_vnd_bn=2795.372,
                communes="Chấn Hưng",
                functional_area="fa-ip-tien-lang-airport",
                source_url_vi=URL_CEO_ZONE_B_VI,
                notes=(
                    "Described as inside the Free Trade Zone; the FTZ site-1 boundary is not "
                    "published, and the indicative FTZ area drawn here does not reach it"
                ),
            ),
            slice_to_area(g["fa-ip-tien-lang-airport"], 186.49, 90, keep="low"),
        ),
    ]


# --------------------------------------------------------------------------------------
# 8. Dated events (geodata/events.csv): a feature's status follows from its latest event
# --------------------------------------------------------------------------------------

PORT_FEATURES = (
    *(f"port-berth-{b[0]}" for b in BERTH_BLOCKS),
    "port-turning-basin-1",
    "port-turning-basin-2",
    "port-channel",
    "port-breakwater-north",
    "port-breakwater-south",
)
ROAD_FEATURES = ("tr-coastal-road", "tr-bridge-van-uc", "tr-bridge-thai-binh")
AIRPORT_FEATURES = ("fa-airport", "airport-site", "airport-runway")
IP_AREAS = tuple(f"fa-ip-{k}" for k in INDUSTRIAL_PARKS)
UNIT_FEATURES = tuple(unit_id(u[0]) for u in UNITS)


def event(
    event_id: str,
    features: tuple[str, ...],
    *,
    date: str,
    kind: str,
    vi: str,
    en: str,
    source_url: str,
    decision: str = "",
    conflict: str = "",
) -> list[Event]:
    """One event, as one row per feature it concerns."""
    when = EventDate.parse(date)
    return [
        Event(event_id, fid, when, kind, vi, en, decision, source_url, conflict) for fid in features
    ]


def events() -> list[Event]:
    """Every dated event, in the order of the events file (grouped by subject)."""
    return [
        # the zone
        *event(
            "zone-proposal",
            ("zone",),
            date="2023-09",
            kind="proposed",
            vi=(
                "Hải Phòng đề xuất thành lập khu kinh tế ven biển rộng 20.000 ha ở phía Nam thành "
                "phố"
            ),
            en="Hai Phong proposes a 20,000 ha coastal economic zone in the south of the city",
            source_url=URL_ZONE_PROPOSAL,
        ),
        *event(
            "decision-1511",
            ("zone",),
            date="2024-12-04",
            kind="decision",
            decision="1511/QĐ-TTg",
            vi=(
                "Thủ tướng thành lập Khu kinh tế ven biển phía Nam Hải Phòng: 20.000 ha, trong đó "
                "khoảng 2.909 ha lấn biển; 22 xã, phường của 5 quận, huyện"
            ),
            en=(
                "The Prime Minister establishes the Southern Coastal Economic Zone of Hai Phong: "
                "20,000 ha, about 2,909 ha of it reclaimed from the sea; 22 communes and wards in "
                "5 districts"
            ),
            source_url=URL_DECISION,
        ),
        *event(
            "units-1669-in-force",
            ("zone",),
            date="2025-07-01",
            kind="revised",
            decision="1669/NQ-UBTVQH15",
            vi=(
                "Sắp xếp đơn vị hành chính cấp xã có hiệu lực: các xã, phường Quyết định 1511 nêu "
                "không còn là đơn vị hành chính; khu kinh tế nằm trên 10 xã, phường mới"
            ),
            en=(
                "The reorganisation of communes takes effect: the communes and wards Decision 1511 "
                "lists no longer exist as units; the zone lies in 10 new communes and wards"
            ),
            source_url=URL_RESOLUTION_1669,
        ),
        *event(
            "general-plan-review",
            ("zone",),
            date="2025",
            kind="reviewed",
            vi=(
                "Ban Thường vụ Thành ủy thống nhất quy hoạch chung khu kinh tế đến năm 2050: "
                "khoảng "
                "20.000 ha; ngắn hạn đến 2035, dài hạn đến 2050; dân số 132.632 (2025), khoảng "
                "195.000 (2035), khoảng 350.000 (2050); chưa thấy quyết định phê duyệt. Nguồn "
                "không "
                "ghi ngày, chỉ biết năm"
            ),
            en=(
                "The City Party Committee reviews and agrees the zone's general plan to 2050: "
                "about "
                "20,000 ha; short term to 2035, long term to 2050; population 132,632 (2025), "
                "about "
                "195,000 (2035), about 350,000 (2050); no approval decision found. The source "
                "gives no date; only the year is known"
            ),
            source_url=URL_GENERAL_PLAN,
        ),
        # functional areas planned with the zone
        *event(
            "ip-proposal",
            IP_AREAS,
            date="2023",
            kind="proposed",
            vi=(
                "Đề xuất khu kinh tế nêu các KCN Tân Trào, Ngũ Phúc, Tiên Lãng 1, Tiên Lãng 2, "
                "KCN sân bay Tiên Lãng và khu phát triển công nghiệp Trấn Dương – Hòa Bình"
            ),
            en=(
                "The zone's proposal names the Tân Trào, Ngũ Phúc, Tiên Lãng 1, Tiên Lãng 2 and "
                "Tiên Lãng airport industrial parks and the Trấn Dương–Hòa Bình industrial area"
            ),
            source_url=URL_IPS,
        ),
        *event(
            "decision-1511-areas",
            (
                "fa-reclaimed-port",
                *IP_AREAS,
                "fa-urban-hung-thang",
                "fa-urban-kien-thuy",
                "fa-green-coast",
            ),
            date="2024-12-04",
            kind="decision",
            decision="1511/QĐ-TTg",
            vi=(
                "Quyết định thành lập khu kinh tế (khoảng 2.909 ha lấn biển); quy mô, vị trí từng "
                "khu chức năng để quy hoạch chung xác định"
            ),
            en=(
                "The decision establishing the zone (about 2,909 ha reclaimed from the sea); the "
                "size and place of each functional area are left to the general plan"
            ),
            source_url=URL_DECISION,
        ),
        # Nam Đồ Sơn port: its plan, and the two schemes reported for it
        *event(
            "port-study-2023",
            ("fa-port-logistics",),
            date="2023-09",
            kind="proposed",
            vi=(
                "KBC, Saigontel và Cảng Los Angeles nghiên cứu cảng Nam Đồ Sơn 5 tỷ USD; không có "
                "bước tiếp theo"
            ),
            en=(
                "KBC, Saigontel and the Port of Los Angeles study a US$5 bn Nam Đồ Sơn port; "
                "nothing followed"
            ),
            source_url=URL_PORT_MINISTRY,
        ),
        *event(
            "decision-1511-port",
            ("fa-port-logistics", *PORT_FEATURES),
            date="2024-12-04",
            kind="decision",
            decision="1511/QĐ-TTg",
            vi=(
                "Quyết định thành lập khu kinh tế xếp các dự án cảng Nam Đồ Sơn vào giai đoạn "
                "2026–2030"
            ),
            en=(
                "The decision establishing the zone schedules the Nam Đồ Sơn port projects for "
                "2026–2030"
            ),
            source_url=URL_DECISION,
        ),
        *event(
            "port-plan-756",
            ("fa-port-logistics", *PORT_FEATURES),
            date="2025-06-05",
            kind="decision",
            decision="756/QĐ-BXD",
            vi=(
                "Bộ Xây dựng phê duyệt quy hoạch chi tiết nhóm cảng biển Hải Phòng 2021–2030, tầm "
                "nhìn 2050: Nam Đồ Sơn là một khu bến của cảng biển Hải Phòng"
            ),
            en=(
                "The Ministry of Construction approves the detailed plan of Hai Phong seaport "
                "2021–2030/2050: Nam Đồ Sơn is a port zone of Hai Phong seaport"
            ),
            source_url=URL_PORT_PLAN,
        ),
        *event(
            "port-scheme-vingroup",
            ("fa-port-logistics",),
            date="2025-08-04",
            kind="revised",
            conflict="port-scheme",
            vi=(
                "Hồ sơ Vingroup: Khu bến cảng và trung tâm logistics Nam Đồ Sơn 4.394,5 ha (đầu tư "
                "trực tiếp 4.319,1 ha; cảng 1.134 ha; logistics khoảng 2.880 ha), 21 bến, 42 cầu "
                "cảng "
                "cho tàu 200.000 DWT, 3 giai đoạn (2026/27–2030, 2031–2035, 2036–2040), 373.841 "
                "tỷ đồng"
            ),
            en=(
                "Vingroup's filing: the Nam Đồ Sơn port and logistics centre, 4,394.5 ha (4,319.1 "
                "ha "
                "direct investment area; port 1,134 ha; logistics about 2,880 ha), 21 terminals "
                "with "
                "42 berths for 200,000 DWT ships, three phases (2026/27–2030, 2031–35, 2036–40), "
                "VND 373,841 bn"
            ),
            source_url=URL_PORT_VINGROUP_FILING,
        ),
        *event(
            "port-ministry-review",
            ("fa-port-logistics",),
            date="2025-12-30",
            kind="reviewed",
            decision="15694/BXD-KHTC",
            vi=(
                "Văn bản 15694/BXD-KHTC của Bộ Xây dựng: dự án phù hợp quy hoạch quốc gia, nhưng "
                "chức "
                "năng cảng được điều chỉnh so với đề xuất của nhà đầu tư (CafeF đưa tin ngày này)"
            ),
            en=(
                "The Ministry of Construction's letter 15694/BXD-KHTC: the project fits the "
                "national "
                "plan, but the port's functions are adjusted from the investor's proposal "
                "(reported "
                "by CafeF on this date)"
            ),
            source_url=URL_PORT_MINISTRY,
        ),
        *event(
            "port-scheme-two-phases",
            ("fa-port-logistics",),
            date="2026-01-25",
            kind="revised",
            conflict="port-scheme",
            vi=(
                "Một nguồn thứ cấp đưa tin sau văn bản của Bộ: tổng khoảng 2.789 ha (trên 2.679 ha "
                "cảng và logistics), 2 giai đoạn: 2026–2030 (2 bến, khoảng 900 m cầu cảng, tàu "
                "200.000 DWT, khoảng 529 ha logistics, khoảng 4 km đường) và 2031–2035 (thêm "
                "khoảng "
                "1.970 ha logistics, trên 8 km đường trục); khác với 4.394,5 ha và 3 giai đoạn "
                "trong hồ sơ Vingroup"
            ),
            en=(
                "A secondary source reports, after the ministry's letter: about 2,789 ha in total "
                "(over 2,679 ha of port and logistics) in two phases: 2026–2030 (2 berths, about "
                "900 m of quay, 200,000 DWT, about 529 ha of logistics, about 4 km of roads) and "
                "2031–2035 (about 1,970 ha more logistics, over 8 km of main roads); this "
                "disagrees "
                "with the 4,394.5 ha in three phases of the Vingroup filing"
            ),
            source_url=URL_PORT_TWO_PHASES,
        ),
        # Free Trade Zone: one decision, two dates reported
        *event(
            "ftz-4068-13-oct",
            ("fa-ftz-1",),
            date="2025-10-13",
            kind="decision",
            decision="4068/QĐ-UBND",
            conflict="ftz-4068-date",
            vi=(
                "UBND TP Hải Phòng thành lập Khu thương mại tự do Hải Phòng (khoảng 6.292 ha, 3 "
                "khu); "
                "khu 1 khoảng 2.923 ha ở xã Chấn Hưng và Hùng Thắng. Thời báo Tài chính ghi quyết "
                "định ngày 13/10/2025"
            ),
            en=(
                "Hai Phong People's Committee establishes the Hai Phong Free Trade Zone (about "
                "6,292 ha in 3 sites); site 1, about 2,923 ha, in Chấn Hưng and Hùng Thắng. Thời "
                "báo "
                "Tài chính dates the decision 13 Oct 2025"
            ),
            source_url=URL_FTZ,
        ),
        *event(
            "ftz-4068-16-oct",
            ("fa-ftz-1",),
            date="2025-10-16",
            kind="decision",
            decision="4068/QĐ-UBND",
            conflict="ftz-4068-date",
            vi=(
                "Việt Nam News đưa tin quyết định ban hành ngày 16/10/2025; căn cứ Nghị quyết "
                "226/2025/QH15; Ban Quản lý Khu kinh tế Hải Phòng quản lý"
            ),
            en=(
                "Việt Nam News reports the decision as issued on 16 Oct 2025; legal basis "
                "Resolution 226/2025/QH15; managed by the Hai Phong Economic Zone Authority"
            ),
            source_url=URL_FTZ_VNS,
        ),
        # Tiên Lãng airport: proposed, never sited
        *event(
            "airport-proposal-2021",
            AIRPORT_FEATURES,
            date="2021-03",
            kind="proposed",
            vi=(
                "Hải Phòng đề nghị quy hoạch Tiên Lãng thành sân bay quốc tế thứ hai của Vùng Thủ "
                "đô"
            ),
            en=(
                "Hai Phong asks for Tiên Lãng to be planned as the Capital Region's second "
                "international airport"
            ),
            source_url=URL_AIRPORT_2021,
        ),
        *event(
            "airport-study-2022",
            AIRPORT_FEATURES,
            date="2022-02",
            kind="reviewed",
            vi=(
                "Thủ tướng giao Bộ Giao thông vận tải nghiên cứu phương án sân bay Tiên Lãng trong "
                "quy hoạch hệ thống cảng hàng không 2021–2030, tầm nhìn 2050"
            ),
            en=(
                "The Prime Minister asks the Transport Ministry to study a Tiên Lãng airport "
                "option "
                "in the national airport plan 2021–2030, vision 2050"
            ),
            source_url=URL_AIRPORT_2022,
        ),
        *event(
            "airport-proposal-2024",
            AIRPORT_FEATURES,
            date="2024-09-17",
            kind="proposed",
            vi=(
                "Đề xuất sân bay khoảng 11 km², vốn 10.000 tỷ đồng; chưa có vị trí, đường băng "
                "chính thức"
            ),
            en=(
                "An airport of about 11 km² and VND 10,000 bn is proposed; no official site or "
                "runway"
            ),
            source_url=URL_AIRPORT,
        ),
        # coastal road and CT.08 link
        *event(
            "road-start-2017",
            ROAD_FEATURES,
            date="2017-05",
            kind="groundbreaking",
            vi="Khởi công dự án đường bộ ven biển Hải Phòng – Thái Bình (3.758 tỷ đồng)",
            en="Work starts on the Hai Phong–Thái Bình coastal road project (VND 3,758 bn)",
            source_url=URL_ROAD_STALLED,
        ),
        *event(
            "road-stalled-2025",
            ROAD_FEATURES,
            date="2025-09-07",
            kind="stalled",
            vi=(
                "Dự án đường bộ ven biển qua Hải Phòng được đưa tin đắp chiếu sau 8 năm khởi công; "
                "khoảng 31,8 km cao tốc CT.08 (phần Hải Phòng và 9 km ở Hưng Yên) đi theo tuyến này"
            ),
            en=(
                "The coastal road project through Hai Phong is reported stalled 8 years after work "
                "started; about 31.8 km of the CT.08 expressway (the Hai Phong part and 9 km in "
                "Hưng Yên) follows this road"
            ),
            source_url=URL_ROAD_STALLED,
        ),
        *event(
            "ct08-link-policy",
            ("tr-ct08-link",),
            date="2026-01-29",
            kind="investment approval",
            vi=(
                "Phê duyệt chủ trương đầu tư tuyến nối cao tốc Hà Nội – Hải Phòng với đường ven "
                "biển "
                "(CT.08), 7,55 km, trên 4.300 tỷ đồng, 2026–2028, do Phó Chủ tịch Thường trực Lê "
                "Anh "
                "Quân ký; chưa tìm thấy số quyết định"
            ),
            en=(
                "Investment policy approved for the 7.55 km CT.08 link from the Hà Nội–Hải Phòng "
                "expressway to the coastal road, over VND 4,300 bn, 2026–2028, signed by Standing "
                "Vice Chairman Lê Anh Quân; decision number not found"
            ),
            source_url=URL_CT08,
        ),
        # communes and wards
        *event(
            "units-1669-adopted",
            UNIT_FEATURES,
            date="2025-06-16",
            kind="decision",
            decision="1669/NQ-UBTVQH15",
            vi="Ủy ban Thường vụ Quốc hội sắp xếp các đơn vị hành chính cấp xã của Hải Phòng",
            en=(
                "The National Assembly Standing Committee reorganises Hai Phong's communes and "
                "wards"
            ),
            source_url=URL_RESOLUTION_1669,
        ),
        *event(
            "units-1669-start",
            UNIT_FEATURES,
            date="2025-07-01",
            kind="opened",
            decision="1669/NQ-UBTVQH15",
            vi="Các xã, phường mới chính thức hoạt động (nghị quyết có hiệu lực)",
            en="The new communes and wards start operating (the resolution takes effect)",
            source_url=URL_RESOLUTION_1669,
        ),
        # investment projects
        *event(
            "tan-trao-approval",
            ("prj-tan-trao-ip-1",),
            date="2025-06-11",
            kind="investment approval",
            decision="1799/QĐ-UBND",
            vi=(
                "Chấp thuận chủ trương đầu tư KCN Tân Trào giai đoạn 1: 226,79 ha, khoảng 4.059 tỷ "
                "đồng (Vinhomes)"
            ),
            en=(
                "Investment in Tân Trào IP phase 1 approved: 226.79 ha, about VND 4,059 bn "
                "(Vinhomes)"
            ),
            source_url=URL_TAN_TRAO,
        ),
        *event(
            "tan-trao-lng-groundbreaking",
            ("prj-tan-trao-ip-1", "prj-hai-phong-lng"),
            date="2025-09-26",
            kind="groundbreaking",
            vi=(
                "Vingroup khởi công KCN Tân Trào và Nhà máy điện khí LNG Hải Phòng (4.800 MW, trên "
                "178.000 tỷ đồng, dự kiến vận hành năm 2030)"
            ),
            en=(
                "Vingroup breaks ground on Tân Trào IP and the Hải Phòng LNG power plant (4,800 "
                "MW, "
                "over VND 178,000 bn, to run by 2030)"
            ),
            source_url=URL_TAN_TRAO_LNG,
        ),
        *event(
            "ngu-phuc-proposal",
            ("prj-ngu-phuc-ip-1",),
            date="2025",
            kind="proposed",
            vi=(
                "Vingroup đề xuất KCN Ngũ Phúc giai đoạn 1: trên 238 ha ở các xã cũ Ngũ Phúc, Kiến "
                "Quốc (nay là xã Nghi Dương), trên 5.670 tỷ đồng. Nguồn chỉ cho biết năm"
            ),
            en=(
                "Vingroup proposes Ngũ Phúc IP phase 1: over 238 ha in the former Ngũ Phúc and "
                "Kiến "
                "Quốc communes (now Nghi Dương), over VND 5,670 bn. The source gives the year only"
            ),
            source_url=URL_NGU_PHUC,
        ),
        *event(
            "tien-lang-1-groundbreaking",
            ("prj-tien-lang-1-ip",),
            date="2026-01-15",
            kind="groundbreaking",
            vi="Khởi công KCN Tiên Lãng 1: 596,78 ha ở xã Hùng Thắng, 13.061 tỷ đồng",
            en="Work starts on Tiên Lãng 1 IP: 596.78 ha in Hùng Thắng commune, VND 13,061 bn",
            source_url=URL_TIEN_LANG_1,
        ),
        *event(
            "ceo-zone-b-groundbreaking",
            ("prj-tien-lang-airport-ip-b",),
            date="2026-01-15",
            kind="groundbreaking",
            vi=(
                "CEO Group khởi công KCN Sân bay Tiên Lãng – Khu B: 186,49 ha ở xã Chấn Hưng, "
                "2.795,372 tỷ đồng; một trong những dự án đầu tiên của Khu thương mại tự do"
            ),
            en=(
                "CEO Group breaks ground on Tiên Lãng Airport IP – Zone B: 186.49 ha in Chấn Hưng "
                "commune, VND 2,795.372 bn; one of the first projects of the Free Trade Zone"
            ),
            source_url=URL_CEO_ZONE_B,
        ),
    ]


def date_features(layers: dict[str, list[dict[str, Any]]], log: EventLog) -> None:
    """
    Fill in each feature's ``status`` and ``as_of`` from its events.

    The status is the one the latest status-giving event gives (`zoneplan.events`), so it
    is never typed beside the event; ``as_of`` is the later of the latest event and any
    ``as_of`` the feature was given for a dated fact that is not an event. A feature
    without events must be an undated context feature with ``status="existing"``.
    """
    known = set()
    for feats in layers.values():
        for f in feats:
            p = f["properties"]
            known.add(p["id"])
            timeline = log.timeline(p["id"])
            if not timeline:
                if p["status"] != "existing" or not p["as_of"]:
                    msg = f"{p['id']}: no events; give status='existing' and as_of"
                    raise ValueError(msg)
                continue
            if p["status"] is not None:
                msg = f"{p['id']}: status comes from its events; do not pass it"
                raise ValueError(msg)
            p["status"] = log.status(p["id"])
            dates = [timeline[-1].date]
            if p["as_of"]:
                dates.append(EventDate.parse(p["as_of"]))
            p["as_of"] = max(dates, key=lambda d: d.sort_key).text
    unknown = sorted(set(log.feature_ids) - known)
    if unknown:
        msg = f"events name features that are not drawn: {unknown}"
        raise ValueError(msg)


# --------------------------------------------------------------------------------------
# Catalog and output
# --------------------------------------------------------------------------------------

LAYERS: list[dict[str, Any]] = [
    {
        "id": "zone",
        "file": "zone.geojson",
        "title_vi": "Ranh giới khu kinh tế (minh họa)",
        "title_en": "Economic zone boundary (indicative)",
        "group": "zone",
        "order": 10,
        "visible": True,
        "style": {"weight": 3, "fill_opacity": 0.05, "dash": "6 4"},
    },
    {
        "id": "functional_areas",
        "file": "functional_areas.geojson",
        "title_vi": "Khu chức năng (minh họa)",
        "title_en": "Functional areas (indicative)",
        "group": "functional",
        "order": 30,
        "visible": True,
        "style": {"weight": 1, "fill_opacity": 0.45, "dash": None},
    },
    {
        "id": "port",
        "file": "port.geojson",
        "title_vi": "Cảng Nam Đồ Sơn",
        "title_en": "Nam Đồ Sơn port",
        "group": "port",
        "order": 40,
        "visible": True,
        "style": {"weight": 1, "fill_opacity": 0.6, "dash": None},
    },
    {
        "id": "airport",
        "file": "airport.geojson",
        "title_vi": "Sân bay Tiên Lãng (minh họa)",
        "title_en": "Tiên Lãng airport (illustrative)",
        "group": "airport",
        "order": 50,
        "visible": True,
        "style": {"weight": 2, "fill_opacity": 0.3, "dash": "6 4"},
    },
    {
        "id": "transport",
        "file": "transport.geojson",
        "title_vi": "Giao thông",
        "title_en": "Transport",
        "group": "transport",
        "order": 60,
        "visible": True,
        "style": {"weight": 4, "fill_opacity": 0.0, "dash": None},
    },
    {
        "id": "projects",
        "file": "projects.geojson",
        "title_vi": "Dự án đầu tư (vị trí minh họa)",
        "title_en": "Investment projects (indicative positions)",
        "group": "projects",
        "order": 45,
        "visible": True,
        "style": {"weight": 2.5, "fill_opacity": 0.6, "dash": None},
    },
    {
        "id": "communes",
        "file": "communes.geojson",
        "title_vi": "Xã, phường từ 1/7/2025 (tâm đã công bố)",
        "title_en": "Communes and wards since 1 Jul 2025 (published centres)",
        "group": "admin",
        "order": 70,
        "visible": True,
        "style": {"weight": 2.0, "fill_opacity": 0.9, "dash": None, "label": True},
    },
    {
        "id": "context",
        "file": "context.geojson",
        "title_vi": "Bối cảnh: sông, bờ biển, địa danh",
        "title_en": "Context: rivers, coast, places",
        "group": "context",
        "order": 20,
        "visible": False,
        "style": {"weight": 2, "fill_opacity": 0.0, "dash": None},
    },
]

CATALOG = {
    "title_vi": "Khu kinh tế ven biển phía Nam Hải Phòng – các lớp dữ liệu minh họa",
    "title_en": "Southern Coastal Economic Zone of Hai Phong – indicative layers",
    "decision": "1511/QĐ-TTg",
    "note_vi": (
        "Các lớp chỉ mang tính minh họa: được số hóa thủ công từ các số liệu đã công bố "
        "(quyết định, báo chí, dữ liệu quy hoạch cảng), không phải bản đồ chính thức. Quy hoạch "
        "chung của khu kinh tế chưa được công bố; ranh giới và vị trí có thể sai lệch hàng km."
    ),
    "note_en": (
        "The layers are indicative: digitized by hand from published facts (the decision, press "
        "reports, port-planning figures), not official maps. The zone's general plan has not "
        "been published; boundaries and positions may be off by kilometres."
    ),
    "crs": "WGS 84 (EPSG:4326), lon/lat, RFC 7946",
    "generator": "tools/digitize_geodata.py",
    "facts_as_of": FACTS_AS_OF,
    "events": "events.csv",
}

BUILDERS = {
    "zone": zone_layer,
    "functional_areas": functional_layer,
    "port": port_layer,
    "airport": airport_layer,
    "transport": transport_layer,
    "context": context_layer,
    "projects": projects_layer,
    "communes": communes_layer,
}


def dump_collection(name: str, feats: list[dict[str, Any]]) -> str:
    """Serialize a FeatureCollection with one feature per line (reviewable diffs)."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(", ", ": ")) for f in feats]
    return (
        '{"type": "FeatureCollection", "name": '
        + json.dumps(name, ensure_ascii=False)
        + ', "features": [\n'
        + ",\n".join(lines)
        + "\n]}\n"
    )


def build() -> dict[str, str]:
    """Every file of geodata/, by name: the layers, events.csv and catalog.json."""
    layers = {layer["id"]: BUILDERS[layer["id"]]() for layer in LAYERS}
    rows = events()
    date_features(layers, EventLog(rows))
    out = {layer["file"]: dump_collection(layer["id"], layers[layer["id"]]) for layer in LAYERS}
    out[CATALOG["events"]] = events_text(rows)
    catalog = dict(CATALOG)
    catalog["layers"] = LAYERS
    out["catalog.json"] = json.dumps(catalog, ensure_ascii=False, indent=1) + "\n"
    return out


def report() -> None:
    out = sys.stdout
    z = zone_geometry()
    out.write(f"zone: {area_ha(z):,.0f} ha, bounds {z.bounds}\n")
    for fid, g in functional_geometries().items():
        out.write(f"  {fid:28s} {area_ha(g):8.0f} ha\n")
    ips = sum(area_ha(g) for k, g in functional_geometries().items() if k.startswith("fa-ip-"))
    out.write(f"  industrial parks total {ips:,.0f} ha\n")
    out.write(f"coastal road {length_km(LineString(COASTAL_ROAD)):.2f} km\n")
    out.write(f"CT.08 link {length_km(LineString(CT08_LINK)):.2f} km\n")
    out.write(f"channel {length_km(LineString(channel_centreline())):.2f} km\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("outdir", nargs="?", default=str(ROOT / "geodata"))
    ap.add_argument("--check", action="store_true", help="print figures, write nothing")
    args = ap.parse_args(argv)
    if args.check:
        report()
        return 0
    outdir = Path(args.outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    for name, text in build().items():
        (outdir / name).write_text(text, encoding="utf-8")
    report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
