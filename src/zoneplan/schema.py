"""
The feature and catalog schema of zoneplan's layers.

Every feature of a catalog layer carries the properties in `REQUIRED_PROPERTIES`;
their allowed values are listed here so the validator, the map legend and the
area tables all speak the same vocabulary. User layers are held to a lighter
rule: they need a geometry and a CRS, and any of these properties they do carry
must have the right type.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

#: Feature status values, with their Vietnamese and English labels, from the earliest stage
#: of a project to the latest; ``stalled`` can follow any of them and ``existing`` is for
#: context features (rivers, an existing airport) that predate the record. A shipped
#: feature's status follows from its latest dated event (`KIND_STATUS`, `zoneplan.events`).
STATUSES: Final[dict[str, tuple[str, str]]] = {
    "proposed": ("Đề xuất", "Proposed"),
    "planned": ("Quy hoạch", "Planned"),
    "approved": ("Đã chấp thuận đầu tư", "Investment approved"),
    "under construction": ("Đang xây dựng", "Under construction"),
    "in operation": ("Đang hoạt động", "In operation"),
    "stalled": ("Đình trệ", "Stalled"),
    "existing": ("Hiện có", "Existing"),
}

#: Kinds of dated events (geodata/events.csv), with their labels.
EVENT_KINDS: Final[dict[str, tuple[str, str]]] = {
    "proposed": ("Đề xuất", "Proposed"),
    "decision": ("Quyết định", "Decision"),
    "investment approval": ("Chấp thuận chủ trương đầu tư", "Investment approval"),
    "groundbreaking": ("Khởi công", "Groundbreaking"),
    "opened": ("Đưa vào hoạt động", "Opened"),
    "stalled": ("Đình trệ", "Stalled"),
    "revised": ("Điều chỉnh", "Revised"),
    "reviewed": ("Xem xét, thông qua", "Reviewed"),
}

#: The status an event of each kind gives its feature; None for kinds that report a
#: change of figures or a review and leave the status as it was.
KIND_STATUS: Final[dict[str, str | None]] = {
    "proposed": "proposed",
    "decision": "planned",
    "investment approval": "approved",
    "groundbreaking": "under construction",
    "opened": "in operation",
    "stalled": "stalled",
    "revised": None,
    "reviewed": None,
}

#: Phase values of Decision 1511/QĐ-TTg, with their labels.
PHASES: Final[dict[str, tuple[str, str]]] = {
    "to 2025": ("Đến 2025", "To 2025"),
    "2026-2030": ("2026–2030", "2026–2030"),
    "after 2030": ("Sau 2030", "After 2030"),
    "none": ("Không", "None"),
}

#: Feature categories: (Vietnamese label, English label).
CATEGORIES: Final[dict[str, tuple[str, str]]] = {
    # zone
    "economic_zone": ("Khu kinh tế", "Economic zone"),
    # functional areas
    "port_logistics": ("Cảng và logistics", "Port and logistics"),
    "free_trade_zone": ("Khu thương mại tự do", "Free trade zone"),
    "industrial_park": ("Khu công nghiệp", "Industrial park"),
    "airport": ("Sân bay", "Airport"),
    "urban_service": ("Đô thị, dịch vụ", "Urban and services"),
    "green_ecological": ("Cây xanh, sinh thái", "Green and ecological"),
    "reclaimed_land": ("Đất lấn biển", "Reclaimed land"),
    # port
    "berth": ("Bến cảng", "Berths"),
    "turning_basin": ("Vũng quay tàu", "Turning basin"),
    "channel": ("Luồng tàu", "Approach channel"),
    "breakwater": ("Đê chắn sóng", "Breakwater"),
    # airport
    "runway": ("Đường cất hạ cánh", "Runway"),
    # transport
    "road": ("Đường ven biển, cao tốc", "Coastal road, expressway"),
    "bridge": ("Cầu", "Bridge"),
    # context
    "river": ("Sông", "River"),
    "coastline": ("Đường bờ biển", "Coastline"),
    "place": ("Địa danh", "Place"),
    "existing_airport": ("Sân bay hiện có", "Existing airport"),
    "existing_port": ("Cảng hiện có", "Existing port"),
    # investment projects
    "ip_project": ("Dự án khu công nghiệp", "Industrial park project"),
    "power_plant": ("Nhà máy điện", "Power plant"),
    # communes and wards
    "commune": ("Xã", "Commune"),
    "ward": ("Phường", "Ward"),
    # the land two versions of a layer differ by (zoneplan diff --map)
    "land_gained": ("Đất tăng thêm", "Land gained"),
    "land_lost": ("Đất mất đi", "Land lost"),
}

#: Categories whose polygons are functional areas of the zone (composition analysis).
FUNCTIONAL_CATEGORIES: Final[tuple[str, ...]] = (
    "port_logistics",
    "free_trade_zone",
    "industrial_park",
    "airport",
    "urban_service",
    "green_ecological",
    "reclaimed_land",
)

#: Layer groups of the map's layer control: (Vietnamese, English).
GROUPS: Final[dict[str, tuple[str, str]]] = {
    "zone": ("Khu kinh tế", "Economic zone"),
    "functional": ("Khu chức năng", "Functional areas"),
    "port": ("Cảng", "Port"),
    "airport": ("Sân bay", "Airport"),
    "transport": ("Giao thông", "Transport"),
    "projects": ("Dự án đầu tư", "Investment projects"),
    "admin": ("Xã, phường", "Communes and wards"),
    "context": ("Bối cảnh", "Context"),
}


@dataclass(frozen=True)
class PropertySpec:
    """
    One required feature property.

    Parameters
    ----------
    name
        Property name.
    kinds
        Accepted Python types after JSON decoding.
    nullable
        Whether ``null`` is allowed.
    allowed
        The allowed values, if the property is an enumeration.
    iso_date
        Whether text values must be ISO dates of day, month or year precision.
    """

    name: str
    kinds: tuple[type, ...]
    nullable: bool = False
    allowed: tuple[str, ...] | None = None
    iso_date: bool = False

    def describe(self) -> str:
        """Return a short description of what the property must hold."""
        if self.iso_date:
            return "an ISO date: YYYY-MM-DD, or YYYY-MM / YYYY where the source gives no more"
        if self.allowed is not None:
            return "one of " + ", ".join(repr(a) for a in self.allowed)
        names = {str: "text", int: "a number", float: "a number", bool: "true/false"}
        kind = " or ".join(sorted({names.get(k, k.__name__) for k in self.kinds}))
        return f"{kind}{' or null' if self.nullable else ''}"


_NUMBER = (int, float)

#: The properties every catalog feature must carry, in display order.
REQUIRED_PROPERTIES: Final[tuple[PropertySpec, ...]] = (
    PropertySpec("id", (str,)),
    PropertySpec("name_vi", (str,)),
    PropertySpec("name_en", (str,)),
    PropertySpec("category", (str,), allowed=tuple(CATEGORIES)),
    PropertySpec("status", (str,), allowed=tuple(STATUSES)),
    PropertySpec("phase", (str,), allowed=tuple(PHASES)),
    PropertySpec("as_of", (str, date), iso_date=True),
    PropertySpec("declared_area_ha", _NUMBER, nullable=True),
    PropertySpec("source", (str,)),
    PropertySpec("source_url", (str,)),
    PropertySpec("accuracy_m", _NUMBER),
    PropertySpec("method", (str,)),
)

REQUIRED_NAMES: Final[tuple[str, ...]] = tuple(p.name for p in REQUIRED_PROPERTIES)

#: Keys every layer entry of geodata/catalog.json must have.
CATALOG_LAYER_KEYS: Final[tuple[str, ...]] = (
    "id",
    "file",
    "title_vi",
    "title_en",
    "group",
    "order",
    "visible",
    "style",
)
