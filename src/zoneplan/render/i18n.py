"""
Interface text of the planning map in Vietnamese and English.

All words the map shows that do not come from the data live here, in one dict
per language; category, status, phase and group labels come from
`zoneplan.schema`. The JavaScript receives the chosen language's strings as
data and only ever sets them as text.
"""

from __future__ import annotations

from typing import Final, Literal, TypeAlias

from zoneplan.events import EventDate
from zoneplan.schema import CATEGORIES, EVENT_KINDS, GROUPS, PHASES, STATUSES

Lang: TypeAlias = Literal["vi", "en"]

#: The languages of the interface.
LANGS: Final[tuple[Lang, ...]] = ("vi", "en")

#: Interface strings; both languages have the same keys.
STRINGS: Final[dict[Lang, dict[str, str]]] = {
    "vi": {
        "html_title": "Khu kinh tế ven biển phía Nam Hải Phòng – bản đồ quy hoạch",
        "zone_name": "Khu kinh tế ven biển phía Nam Hải Phòng",
        "decision": "Quyết định 1511/QĐ-TTg ngày 04/12/2024 · khoảng 20.000 ha",
        "indicative": "Các lớp chỉ mang tính minh họa, không phải bản đồ quy hoạch chính thức.",
        "layers": "Lớp bản đồ",
        "overlays": "Lớp quy hoạch",
        "basemaps": "Bản đồ nền",
        "no_basemap": "Không có nền",
        "basemap_offline": "Bản đồ nền ngoại tuyến",
        "basemap_offline_detail": (
            "Không tải được ô nào của bản đồ nền {name}; các lớp của bản đồ vẫn đầy đủ."
        ),
        "basemap_retry": "Thử lại",
        "user_group": "Lớp của bạn",
        "opacity": "Độ mờ lớp quy hoạch",
        "phase_filter": "Lọc theo giai đoạn",
        "time_title": "Thời gian",
        "time_short": "Ngày",
        "time_date": "Ngày",
        "time_count": "{n} đối tượng vào ngày này",
        "time_decision": "QĐ 1511/QĐ-TTg",
        "time_facts": "ngày cập nhật số liệu",
        "status_on": "Hiện trạng ngày {date}",
        "time_later": "Sau ngày đang xem",
        "swipe_toggle": "So sánh hai ngày (kéo đường chia)",
        "swipe_right": "Bên phải",
        "swipe_divider": "Đường chia: bên trái {left}, bên phải {right}",
        "legend": "Chú giải",
        "search": "Tìm đối tượng theo tên",
        "search_none": "Không tìm thấy",
        "search_found": "{n} kết quả",
        "measure_line": "Đo khoảng cách",
        "measure_area": "Đo diện tích",
        "measure_clear": "Xóa phép đo",
        "measure_hint": (
            "Nhấp hoặc chạm để thêm điểm (hoặc thêm điểm ở tâm; bàn phím: Enter trên bản đồ); "
            "nhấp đúp hoặc Kết thúc để dừng."
        ),
        "length": "Chiều dài",
        "area": "Diện tích",
        "perimeter": "Chu vi",
        "fullscreen": "Toàn màn hình",
        "coords_hint": "Di chuột trên bản đồ để xem tọa độ",
        "vn2000": "VN-2000 / TM-3 105°45′",
        "wgs84": "WGS 84",
        "name_vi": "Tên (tiếng Việt)",
        "name_en": "Tên (tiếng Anh)",
        "category": "Loại",
        "status": "Hiện trạng",
        "phase": "Giai đoạn",
        "layer": "Lớp",
        "measured_area": "Diện tích đo (VN-2000, phẳng)",
        "declared_area": "Diện tích công bố",
        "difference": "Chênh lệch",
        "measured_length": "Chiều dài đo (VN-2000)",
        "source": "Nguồn",
        "source_link": "Mở nguồn",
        "accuracy": "Độ chính xác",
        "method": "Phương pháp",
        "other_properties": "Thuộc tính khác",
        "unnamed": "(không tên)",
        "ha": "ha",
        "km": "km",
        "m": "m",
        "toggle_panel": "Ẩn/hiện bảng",
        "minimap": "Bản đồ thu nhỏ",
        "map_label": "Bản đồ quy hoạch",
        "map_keys": "Phím mũi tên để di chuyển bản đồ; phím + và − để phóng to, thu nhỏ.",
        "tools": "Công cụ bản đồ",
        "close": "Đóng",
        "close_popup": "Đóng thông tin đối tượng",
        "about": "Thông tin về bản đồ",
        "layers_short": "Lớp",
        "legend_short": "Chú giải",
        "search_title": "Tìm kiếm",
        "search_short": "Tìm",
        "measure": "Đo đạc",
        "measure_short": "Đo",
        "measure_add": "Thêm điểm ở tâm (+)",
        "measure_undo": "Bỏ điểm cuối",
        "measure_finish": "Kết thúc",
        "in_view": "Đối tượng trong khung nhìn",
        "in_view_short": "Danh sách",
        "in_view_count": "{n} đối tượng trong khung nhìn",
        "in_view_more": "Hiện {shown} đối tượng đầu; phóng to để xem các đối tượng khác.",
        "coords_centre": "Tâm bản đồ (+)",
        "coords_tap": "Điểm vừa chạm (○)",
        "facts_as_of": "Số liệu đến ngày {date}",
        "as_of": "Số liệu đến",
        "timeline": "Diễn biến (mới nhất trước)",
        "decision_no": "Văn bản",
        "sources_disagree": "Các nguồn không thống nhất: xem các mục cùng nội dung",
        "print": "In bản đồ",
        "print_paper": "Khổ giấy",
        "print_orientation": "Chiều giấy",
        "landscape": "Ngang",
        "portrait": "Dọc",
        "print_go": "In khung nhìn hiện tại",
        "printed": "Ngày in",
        "north": "B",
    },
    "en": {
        "html_title": "Southern Coastal Economic Zone of Hai Phong – planning map",
        "zone_name": "Southern Coastal Economic Zone of Hai Phong",
        "decision": "Decision 1511/QĐ-TTg of 4 December 2024 · about 20,000 ha",
        "indicative": "The layers are indicative, not an official planning map.",
        "layers": "Layers",
        "overlays": "Planning layers",
        "basemaps": "Basemap",
        "no_basemap": "No basemap",
        "basemap_offline": "Basemap offline",
        "basemap_offline_detail": (
            "None of the tiles of the {name} basemap could be loaded; "
            "the map's own layers are all here."
        ),
        "basemap_retry": "Retry",
        "user_group": "Your layers",
        "opacity": "Planning overlay opacity",
        "phase_filter": "Filter by phase",
        "time_title": "Time",
        "time_short": "Date",
        "time_date": "Date",
        "time_count": "{n} features on this date",
        "time_decision": "Decision 1511/QĐ-TTg",
        "time_facts": "facts date",
        "status_on": "Status on {date}",
        "time_later": "After the date shown",
        "swipe_toggle": "Compare two dates (drag the divider)",
        "swipe_right": "Right side",
        "swipe_divider": "Divider: left {left}, right {right}",
        "legend": "Legend",
        "search": "Search features by name",
        "search_none": "Nothing found",
        "search_found": "{n} results",
        "measure_line": "Measure distance",
        "measure_area": "Measure area",
        "measure_clear": "Clear measurement",
        "measure_hint": (
            "Click or tap to add points (or add the centre point; keyboard: Enter on the map); "
            "double-click or Finish to end."
        ),
        "length": "Length",
        "area": "Area",
        "perimeter": "Perimeter",
        "fullscreen": "Full screen",
        "coords_hint": "Move the mouse over the map to read coordinates",
        "vn2000": "VN-2000 / TM-3 105°45′",
        "wgs84": "WGS 84",
        "name_vi": "Name (Vietnamese)",
        "name_en": "Name (English)",
        "category": "Category",
        "status": "Status",
        "phase": "Phase",
        "layer": "Layer",
        "measured_area": "Measured area (VN-2000, planar)",
        "declared_area": "Declared area",
        "difference": "Difference",
        "measured_length": "Measured length (VN-2000)",
        "source": "Source",
        "source_link": "Open source",
        "accuracy": "Accuracy",
        "method": "Method",
        "other_properties": "Other properties",
        "unnamed": "(unnamed)",
        "ha": "ha",
        "km": "km",
        "m": "m",
        "toggle_panel": "Show/hide panel",
        "minimap": "Overview map",
        "map_label": "Planning map",
        "map_keys": "Arrow keys move the map; the + and − keys zoom in and out.",
        "tools": "Map tools",
        "close": "Close",
        "close_popup": "Close feature details",
        "about": "About this map",
        "layers_short": "Layers",
        "legend_short": "Legend",
        "search_title": "Search",
        "search_short": "Search",
        "measure": "Measure",
        "measure_short": "Measure",
        "measure_add": "Add point at centre (+)",
        "measure_undo": "Undo last point",
        "measure_finish": "Finish",
        "in_view": "Features in view",
        "in_view_short": "List",
        "in_view_count": "{n} features in view",
        "in_view_more": "Showing the first {shown}; zoom in for the others.",
        "coords_centre": "Map centre (+)",
        "coords_tap": "Tapped point (○)",
        "facts_as_of": "Facts as of {date}",
        "as_of": "Facts as of",
        "timeline": "Timeline (newest first)",
        "decision_no": "Document",
        "sources_disagree": "Sources disagree: see the other report of this fact",
        "print": "Print map",
        "print_paper": "Paper",
        "print_orientation": "Orientation",
        "landscape": "Landscape",
        "portrait": "Portrait",
        "print_go": "Print the current view",
        "printed": "Printed",
        "north": "N",
    },
}

#: Basemap names shown in the layer control.
BASEMAP_LABELS: Final[dict[Lang, dict[str, str]]] = {
    "vi": {"osm": "OpenStreetMap", "imagery": "Ảnh vệ tinh (Esri)", "light": "Nền sáng (CARTO)"},
    "en": {"osm": "OpenStreetMap", "imagery": "Satellite imagery (Esri)", "light": "Light (CARTO)"},
}


def check_lang(lang: str) -> Lang:
    """
    Check an interface language.

    Parameters
    ----------
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    lang
        The same value, typed.

    Raises
    ------
    ValueError
        If `lang` is not one of `LANGS`.
    """
    if lang == "vi":
        return "vi"
    if lang == "en":
        return "en"
    msg = f"unknown language {lang!r}; use 'vi' or 'en'"
    raise ValueError(msg)


def strings(lang: Lang) -> dict[str, str]:
    """
    Return the interface strings of one language.

    Parameters
    ----------
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    strings
        Key → text.

    Examples
    --------
    >>> strings("en")["legend"]
    'Legend'
    """
    return dict(STRINGS[check_lang(lang)])


def label(table: dict[str, tuple[str, str]], key: str, lang: Lang) -> str:
    """
    Return the label of a schema value (category, status, phase, group).

    Parameters
    ----------
    table
        One of the label tables of `zoneplan.schema`.
    key
        The value.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    label
        The label, or `key` itself when the table does not know it.

    Examples
    --------
    >>> from zoneplan.schema import PHASES
    >>> label(PHASES, "after 2030", "vi")
    'Sau 2030'
    """
    pair = table.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "vi" else pair[1]


def vocabulary(lang: Lang) -> dict[str, dict[str, str]]:
    """
    Return every schema label of one language, for the map's data block.

    Parameters
    ----------
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    labels
        ``{"categories": {...}, "statuses": {...}, "phases": {...}, "groups": {...},
        "kinds": {...}}`` (``kinds``: the kinds of dated events).
    """
    tables = {
        "categories": CATEGORIES,
        "statuses": STATUSES,
        "phases": PHASES,
        "groups": GROUPS,
        "kinds": EVENT_KINDS,
    }
    return {name: {k: label(t, k, lang) for k in t} for name, t in tables.items()}


_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def date_text(date: EventDate | str, lang: Lang) -> str:
    """
    Return a date at its own precision, as the map shows it.

    Parameters
    ----------
    date
        An `EventDate` or ISO text of day, month or year precision.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    text
        ``13/10/2025``, ``tháng 10/2025``, ``năm 2025`` in Vietnamese; ``13 Oct 2025``,
        ``Oct 2025``, ``2025`` in English: a month or a year is never shown as a day.

    Raises
    ------
    ValueError
        If the text is not an ISO date.

    Examples
    --------
    >>> date_text("2025-10-13", "vi"), date_text("2017-05", "en"), date_text("2025", "vi")
    ('13/10/2025', 'May 2017', 'năm 2025')
    """
    d = date if isinstance(date, EventDate) else EventDate.parse(date)
    day, month, year = d.start.day, d.start.month, d.start.year
    if lang == "vi":
        if d.precision == "day":
            return f"{day:02d}/{month:02d}/{year}"
        return f"tháng {month:02d}/{year}" if d.precision == "month" else f"năm {year}"
    if d.precision == "day":
        return f"{day} {_MONTHS_EN[month - 1]} {year}"
    return f"{_MONTHS_EN[month - 1]} {year}" if d.precision == "month" else str(year)
