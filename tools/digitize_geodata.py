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
    category: str,
    status: str,
    phase: str,
    declared_area_ha: float | None,
    source: str,
    source_url: str,
    accuracy_m: float,
    method: str,
    **extra: Any,
) -> dict[str, Any]:
    p: dict[str, Any] = {
        "id": id_,
        "name_vi": name_vi,
        "name_en": name_en,
        "category": category,
        "status": status,
        "phase": phase,
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
    "tien-lang-1": (
        "Khu công nghiệp Tiên Lãng 1",
        "Tiên Lãng 1 industrial park",
        [
            (106.5760, 20.7310),
            (106.5900, 20.7250),
            (106.6060, 20.7205),
            (106.6060, 20.7345),
            (106.5900, 20.7392),
            (106.5760, 20.7445),
            (106.5700, 20.7440),
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
                "economic_zone",
                "planned",
                "none",
                20000,
                SRC_DECISION,
                URL_DECISION,
                2500,
                METHOD_ZONE,
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
                notes=(
                    "Communes as listed in the decision (units before 1 July 2025). The decision "
                    "publishes no boundary map; the outline is an estimate that stays inside the "
                    "quoted limits and touches each of them."
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
                "port_logistics",
                "planned",
                "2026-2030",
                2464,
                SRC_PORT_PLAN + "; Vingroup proposal 'Khu bến cảng và trung tâm logistics Nam "
                "Đồ Sơn' (4,319.1 ha direct investment area, port 1,134 ha, logistics ~2,880 ha) "
                "reported by VnExpress",
                URL_PORT_PLAN,
                1000,
                METHOD_CLIPPED,
                area_vingroup_ha=4319.1,
                notes=(
                    "declared_area_ha is the area of the back-of-port industrial/logistics "
                    "polygon of the port-plan data (2,464 ha, derived, within 106.698–106.780 E, "
                    "20.633–20.719 N). The Vingroup scheme (4,319.1 ha incl. water and the port "
                    "area) is larger; its port platform is drawn as reclaimed land."
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
                "reclaimed_land",
                "planned",
                "2026-2030",
                2909,
                "Quyết định 1511/QĐ-TTg: about 2,909 ha of the 20,000 ha is land reclaimed from "
                "the sea (reported by Việt Nam News and others)",
                URL_RECLAIMED,
                1500,
                METHOD_CLIPPED,
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
                "free_trade_zone",
                "planned",
                "2026-2030",
                2923,
                "Quyết định 4068/QĐ-UBND ngày 13/10/2025 thành lập Khu thương mại tự do Hải Phòng "
                "(~6,292 ha, 3 sites); site 1 ~2,923 ha: bounded N by the Văn Úc river, W by "
                "Hùng Thắng residential/urban land, S by the sea, E by the port and coastal "
                "marine-logistics area",
                URL_FTZ,
                1500,
                METHOD_CLIPPED,
                decision="4068/QĐ-UBND",
            ),
            g["fa-ftz-1"],
        ),
        feature(
            props(
                "fa-airport",
                "Cảng hàng không quốc tế Tiên Lãng (khu đất dự kiến, chưa công bố vị trí)",
                "Tiên Lãng international airport (indicative site; no official site published)",
                "airport",
                "proposed",
                "after 2030",
                1100,
                "Proposal of about 11 km² and VND 10,000 bn reported by CafeF (2024); "
                "construction 'from 2030' per vietnammoi. No official site, commune list or "
                "runway data has been published",
                URL_AIRPORT,
                3000,
                "no official site is published: drawn as a band 150–2,150 m north-west of the "
                "coastal road inside the candidate area 106.60–106.68 E, 20.615–20.66 N, kept off "
                "the Thái Bình river, to about the proposed 11 km²; indicative only",
                notes=(
                    "Location is a guess within southern Tiên Lãng; an ~11 km² rectangle does "
                    "not fit in the candidate area without crossing the coastal road."
                ),
            ),
            g["fa-airport"],
        ),
    ]
    for key, (name_vi, name_en, _) in INDUSTRIAL_PARKS.items():
        feats.append(
            feature(
                props(
                    f"fa-ip-{key}",
                    name_vi,
                    name_en,
                    "industrial_park",
                    "planned",
                    "2026-2030",
                    None,
                    "2023 proposal for the zone names Tân Trào, Ngũ Phúc, Tiên Lãng 1, Tiên "
                    "Lãng 2, Tiên Lãng airport IPs and the Trấn Dương–Hòa Bình industrial "
                    "development area; the Hai Phong Economic Zone Authority reported 6 IPs "
                    "totalling about 4,000 ha (Oct 2024). Individual areas not published",
                    URL_IPS,
                    2000,
                    METHOD_CLIPPED,
                    ip_total_ha_declared=4000,
                    ip_total_source_url=URL_IP_TOTAL,
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
                "urban_service",
                "planned",
                "2026-2030",
                None,
                "Decision 1511 lists urban development among 2026–2030 tasks; the FTZ decision "
                "places Hùng Thắng residential and urban-development land west of FTZ site 1",
                URL_FTZ,
                2000,
                METHOD_CLIPPED,
            ),
            g["fa-urban-hung-thang"],
        ),
        feature(
            props(
                "fa-urban-kien-thuy",
                "Khu đô thị, dịch vụ ven sông Văn Úc (Tú Sơn, Đoàn Xá)",
                "Văn Úc riverside urban and service area (Tú Sơn, Đoàn Xá)",
                "urban_service",
                "planned",
                "2026-2030",
                None,
                "Zone components named in the press: smart urban areas, an international "
                "exhibition centre, native residential land; no locations or figures published",
                URL_GREEN,
                2000,
                METHOD_CLIPPED,
            ),
            g["fa-urban-kien-thuy"],
        ),
        feature(
            props(
                "fa-green-coast",
                "Vành đai rừng ngập mặn, sinh thái ven biển Tiên Lãng",
                "Tiên Lãng coastal mangrove and ecological belt",
                "green_ecological",
                "planned",
                "after 2030",
                None,
                "Zone concept (Omgeving): green loop, eco-tourism, a 'green economic zone'; no "
                "locations or figures published",
                URL_GREEN,
                2000,
                METHOD_CLIPPED,
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
                    "berth",
                    "planned",
                    "2026-2030" if first else "after 2030",
                    land,
                    SRC_PORT_PLAN,
                    URL_PORT_PLAN,
                    100,
                    METHOD_PORT,
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
                    "turning_basin",
                    "planned",
                    "2026-2030" if i == 1 else "after 2030",
                    None,
                    SRC_PORT_PLAN + " (label D = 800 m, −17.0 m CD)",
                    URL_PORT_PLAN,
                    100,
                    "circle of the labelled diameter (800 m) at the plan's centre; the plan "
                    "polygon encloses 53.4 ha (equivalent diameter ≈ 824 m)",
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
                "channel",
                "planned",
                "2026-2030",
                None,
                SRC_PORT_PLAN + " (label L = 19 km, B = 300 m, −17.0 m CD)",
                URL_PORT_PLAN,
                200,
                "300 m wide polygon along the plan centreline, whose drawing stops at 14.7 km; "
                "extended along its last bearing to the labelled 19 km; indicative",
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
                    "breakwater",
                    "planned",
                    "2026-2030",
                    None,
                    SRC_PORT_PLAN + f" (polygon of {ha} ha, about 7.8–8.0 km long)",
                    URL_PORT_PLAN,
                    300,
                    "centreline picked inside the plan's extent (106.7623–106.8377 E, "
                    "20.6118–20.6498 N), widened to the plan polygon's area; phase not "
                    "published (assumed needed for phase 1); indicative",
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
    no_site = (
        "No official site, runway or layout of Tiên Lãng airport has been published; "
        "this is an illustration only"
    )
    return [
        feature(
            props(
                "airport-site",
                "Cảng hàng không quốc tế Tiên Lãng – khu đất (minh họa)",
                "Tiên Lãng international airport – site (illustrative)",
                "airport",
                "proposed",
                "after 2030",
                1100,
                "About 11 km² proposed (CafeF, 2024). " + no_site,
                URL_AIRPORT,
                3000,
                "same geometry as functional area fa-airport: a band north-west of the coastal "
                "road inside the candidate area; indicative only",
                notes=no_site,
            ),
            site,
        ),
        feature(
            props(
                "airport-runway",
                f"Đường cất hạ cánh {des} (minh họa)",
                f"Runway {des} (illustrative)",
                "runway",
                "proposed",
                "after 2030",
                None,
                "Runway data not published. " + no_site,
                URL_AIRPORT,
                3000,
                "illustrative code-4E runway of 3,600 m through the site's centre, parallel to "
                "the coastal road; no published runway orientation, length or position",
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
                "road",
                "under construction",
                "to 2025",
                None,
                "Hai Phong decision to upgrade the coastal road to grade II plain road: Quý Kim "
                "T-junction (road 353) – Thái Bình border, 20.7 km, 24.7 m (4 × 3.75 m + "
                "2 × 3 m); 2019 project list: road 353 – Thái Bình bridge, Km0–Km19+645",
                URL_COASTAL_ROAD,
                1500,
                "polyline through indicative waypoints (±1–2 km) at the junction, Đại Hợp, the "
                "Văn Úc bridge and the Thái Bình bridge; not surveyed; indicative",
                width_m=24.7,
                right_of_way_m=None,
                lanes=6,
                length_km_declared=20.7,
                length_km_drawn=round(length_km(road), 2),
                notes=(
                    "lanes: 4 motor lanes of 3.75 m + 2 mixed lanes of 3 m; completion "
                    "status of the upgraded road not confirmed; the drawn line is straight "
                    "between waypoints, so it is shorter than the published 20.7 km"
                ),
            ),
            road,
        ),
        feature(
            props(
                "tr-bridge-van-uc",
                "Cầu sông Văn Úc (đường ven biển)",
                "Văn Úc river bridge (coastal road)",
                "bridge",
                "under construction",
                "to 2025",
                None,
                "Original coastal-road design: 8 new bridges, 2 large ones over the Văn Úc and "
                "the Thái Bình rivers",
                URL_COASTAL_ROAD,
                1500,
                "short line across the river on the road's line at the bridge waypoint; bridge "
                "length not published (drawn 900 m); indicative",
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
                "bridge",
                "under construction",
                "to 2025",
                None,
                "Original coastal-road design: 8 new bridges, 2 large ones over the Văn Úc and "
                "the Thái Bình rivers; end of the Hai Phong section (Km19+645)",
                URL_COASTAL_ROAD,
                2000,
                "short line across the river on the road's last bearing at the bridge waypoint; "
                "bridge length not published (drawn 1,000 m); indicative",
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
                "road",
                "planned",
                "2026-2030",
                None,
                "Hai Phong section 'from the Hà Nội–Hải Phòng expressway to the coastal-road "
                "interchange': 7.55 km (1.05 km 8 lanes / 37 m roadbed, 6.5 km 4-lane expressway "
                "with frontage roads), land clearance to 68 m, 2026–2028, through Kiến Minh, "
                "Kiến Hải, Dương Kinh, Nam Đồ Sơn",
                URL_CT08,
                1500,
                "polyline from an estimated expressway interchange south to the coastal road, "
                "drawn to the published length; alignment not published; indicative",
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
                "river",
                "existing",
                "none",
                None,
                "River course and mouth (cửa Nam Đồ Sơn) as described in commune profiles",
                URL_VAN_UC_MOUTH,
                1000,
                "centreline drawn by hand; " + est,
            ),
            LineString(VAN_UC),
        ),
        feature(
            props(
                "ctx-river-thai-binh",
                "Sông Thái Bình",
                "Thái Bình river",
                "river",
                "existing",
                "none",
                None,
                "River between Vĩnh Bảo and Tiên Lãng; mouth ≈106.64 E, 20.615 N",
                URL_LANG_AM,
                1500,
                "centreline drawn by hand; " + est,
            ),
            LineString(THAI_BINH),
        ),
        feature(
            props(
                "ctx-coastline",
                "Đường bờ biển Tiên Lãng – Đồ Sơn",
                "Coastline, Tiên Lãng – Đồ Sơn",
                "coastline",
                "existing",
                "none",
                None,
                "Present shoreline between the Thái Bình mouth and Đồ Sơn (before reclamation)",
                URL_DOSON,
                1500,
                "drawn by hand between the two river mouths and Hòn Dấu; " + est,
            ),
            MultiLineString([COAST_TIEN_LANG, COAST_DO_SON]),
        ),
        feature(
            props(
                "ctx-do-son",
                "Đồ Sơn (mũi Hòn Dấu)",
                "Đồ Sơn (Hòn Dấu point)",
                "place",
                "existing",
                "none",
                None,
                "Đồ Sơn peninsula tip; Hòn Dấu islet and its 1890s lighthouse about 1 km off",
                URL_DOSON,
                1000,
                "point at the peninsula tip; " + est,
            ),
            Point(106.817, 20.666),
        ),
        feature(
            props(
                "ctx-cat-bi",
                "Cảng hàng không quốc tế Cát Bi",
                "Cát Bi international airport",
                "existing_airport",
                "existing",
                "none",
                None,
                "Vietnam AIP VVCI AD 2.2: aerodrome reference point 20°49'01\"N 106°43'23\"E",
                URL_CATBI_AIP,
                30,
                "aerodrome reference point from the AIP",
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
                "existing_port",
                "existing",
                "none",
                None,
                "Hai Phong seaport planning data: Tân Vũ port label point",
                URL_PORT_PLAN,
                200,
                "label point of the port-plan data",
            ),
            Point(106.7742, 20.8360),
        ),
        feature(
            props(
                "ctx-lach-huyen",
                "Cảng cửa ngõ quốc tế Hải Phòng (Lạch Huyện)",
                "Hai Phong international gateway port (Lạch Huyện)",
                "existing_port",
                "existing",
                "none",
                None,
                "VMS-North notice: water area in front of Lạch Huyện container berth 3 (WGS-84)",
                URL_LACH_HUYEN,
                200,
                "centroid of the published water-area corners",
            ),
            Point(106.9111, 20.7956),
        ),
    ]


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
}

BUILDERS = {
    "zone": zone_layer,
    "functional_areas": functional_layer,
    "port": port_layer,
    "airport": airport_layer,
    "transport": transport_layer,
    "context": context_layer,
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
    out = {}
    for layer in LAYERS:
        feats = BUILDERS[layer["id"]]()
        out[layer["file"]] = dump_collection(layer["id"], feats)
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
