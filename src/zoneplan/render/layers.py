"""
The layer model shared by both paths of the map: GeoJSON and the big-layer block.

`MapLayer` is one layer as the map receives it; `LayerRegistry` gives every
category and phase met across the map's layers one stable index; `json_value`
turns any property value into JSON; `feature_names` picks each feature's name,
column by column; `map_geometries` places the geometries in WGS 84 as the map
draws them. `zoneplan.render.payload` (GeoJSON) and `zoneplan.render.biglayer`
(typed arrays) both build on this module, never on each other.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np
import pandas as pd
import shapely

from zoneplan import crs as zcrs
from zoneplan.render.i18n import Lang, label
from zoneplan.render.style import CATEGORY_STYLES, DEFAULT_STYLE
from zoneplan.schema import CATEGORIES, PHASES, STATUSES

if TYPE_CHECKING:
    from concurrent.futures import Future

    import geopandas as gpd

    from zoneplan.events import EventLog

#: Decimal places kept in embedded coordinates (about 1 cm).
COORD_DECIMALS: Final = 7
#: Decimal places kept of the measured areas (ha) and lengths (km) the map carries:
#: 0.01 m² and 1 mm, far below the 1 cm its vertices keep and the 0.01 ha it shows.
MEASURE_DECIMALS: Final = 6
#: Property names tried, in order, for a feature's name when it has no name_vi/name_en
#: ("Layer" last: a DXF drawing names its shapes by their CAD layer).
NAME_FALLBACKS: Final[tuple[str, ...]] = (
    "name",
    "Name",
    "NAME",
    "ten",
    "Ten",
    "TEN",
    "id",
    "Layer",
)


if TYPE_CHECKING:  # the styling of a layer
    import zoneplan.render.classify


@dataclass(frozen=True)
class Measuring:
    """
    A big layer being measured on another thread (`zoneplan.render.payload.measure_ahead`).

    Parameters
    ----------
    gdf
        The features measured.
    lonlat
        Their WGS 84 lon/lat geometries (`zoneplan.crs.to_wgs84`).
    measures
        Gives ``zoneplan.areas.measure_for_map(gdf, lonlat=lonlat, ...)``'s table
        when it is done.
    """

    gdf: gpd.GeoDataFrame
    lonlat: np.ndarray
    measures: Future[tuple[np.ndarray, pd.DataFrame]]


@dataclass(frozen=True)
class MapLayer:
    """
    One layer of the map.

    Parameters
    ----------
    id
        Layer id (catalog id, or the file name of a user layer).
    title_vi, title_en
        Titles in the layer control.
    group
        A key of `zoneplan.schema.GROUPS`, or ``"user"``.
    gdf
        The features, in any CRS.
    visible
        Whether the layer is on when the map opens.
    style
        Catalog style overrides (``weight``, ``fill_opacity``, ``dash``).
    style_by
        Colour the features by one of their columns (`zoneplan.render.classify`),
        with a legend entry per class.
    label_by
        Label the features with this column where the label fits; several columns
        separated by commas (``"so_thua,land_use"``) make a label of one line each.
    search_by
        Columns that search matches as a sequence: ``("so_to", "so_thua")`` finds
        "tờ 12 thửa 345" and "12/345".
    big
        Draw the layer with the big-layer renderer (`zoneplan.render.biglayer`):
        compressed typed arrays on canvas tiles instead of GeoJSON and SVG.
    events
        The dated events of the layer's features (catalog layers), for their popup
        timelines; None for a user's layer.
    facts_as_of
        The date the facts of the layer were last compiled (the catalog's).
    date_field
        A column of dates: on the map's date slider each feature appears on its date
        (`zoneplan.render.timeline`).
    side
        ``"left"`` or ``"right"``: the side of the map's swipe divider the layer is drawn
        on (two versions of a layer, `zoneplan.render.diffmap`); None: both.
    valid
        Its polygons are known to be valid (the file went through
        `zoneplan.validate.load_user_layer`), so measuring need not check them again.
    measuring
        A big layer's lon/lat geometries and its measures already under way on
        another thread (`zoneplan.render.payload.measure_ahead`): the map packs
        these instead of measuring the layer again.
    """

    id: str
    title_vi: str
    title_en: str
    group: str
    gdf: gpd.GeoDataFrame
    visible: bool = True
    style: dict[str, Any] = field(default_factory=dict)
    style_by: zoneplan.render.classify.StyleBy | None = None
    label_by: str | None = None
    search_by: tuple[str, ...] = ()
    big: bool = False
    events: EventLog | None = None
    facts_as_of: str | None = None
    date_field: str | None = None
    side: Literal["left", "right"] | None = None
    valid: bool = False
    measuring: Measuring | None = field(default=None, compare=False, repr=False)

    def title(self, lang: Lang) -> str:
        """Return the title in ``"vi"`` or ``"en"``."""
        return self.title_vi if lang == "vi" else self.title_en

    @property
    def label_columns(self) -> tuple[str, ...]:
        """The columns of `label_by`, one label line each (`label_columns`)."""
        return label_columns(self.label_by)


def label_columns(label_by: str | None) -> tuple[str, ...]:
    """
    Return the columns of a ``label_by``: one, or several separated by commas.

    Examples
    --------
    >>> label_columns("so_thua, loai"), label_columns(None)
    (('so_thua', 'loai'), ())
    """
    if not label_by:
        return ()
    return tuple(c.strip() for c in label_by.split(",") if c.strip())


def json_value(value: Any) -> Any:
    """
    Turn a property value into a JSON value.

    Parameters
    ----------
    value
        Anything a GeoDataFrame column may hold.

    Returns
    -------
    value
        None for missing values and non-finite numbers, Python scalars for numpy
        ones, ISO text for dates, lists and dicts converted item by item, and
        ``str(value)`` for anything else.

    Examples
    --------
    >>> json_value(np.float64("nan")), json_value(np.int64(3)), json_value(dt.date(2025, 1, 2))
    (None, 3, '2025-01-02')
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [json_value(v) for v in value]
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def text_like(col: pd.Series) -> bool:
    """Tell whether a column holds only text and missing values (checked in C, not per value)."""
    return pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty")


def _name_text(col: pd.Series) -> pd.Series:
    """Return a column as the text of its JSON values; "" where the value is missing."""
    if text_like(col):
        return col.astype(object).where(col.notna(), "")
    if pd.api.types.is_float_dtype(col):
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        text = pd.Series(values, index=col.index).astype(str)
        return text.where(np.isfinite(values), "")
    if pd.api.types.is_integer_dtype(col) or pd.api.types.is_bool_dtype(col):
        return col.astype(str).where(col.notna(), "")
    converted = [json_value(v) for v in col.tolist()]
    return pd.Series(
        ["" if v is None else str(v) for v in converted], index=col.index, dtype=object
    )


def feature_names(frame: pd.DataFrame, key: str) -> pd.Series:
    """
    Return each feature's name in one language, falling back to other name columns.

    The first of `key` and `NAME_FALLBACKS` whose value is not blank names the
    feature, as the text of its JSON value (`json_value`); "" when none does.
    Column by column, so a million features take a moment.

    Parameters
    ----------
    frame
        The layer's attributes.
    key
        ``"name_vi"`` or ``"name_en"``.

    Returns
    -------
    names
        Text, indexed like `frame`.

    Examples
    --------
    >>> frame = pd.DataFrame({"name_vi": ["Cảng", None, " "], "id": [1, 2, 3]})
    >>> feature_names(frame, "name_vi").tolist()
    ['Cảng', '2', '3']
    """
    out = pd.Series([""] * len(frame), index=frame.index, dtype=object)
    todo = np.ones(len(frame), dtype=bool)
    for candidate in (key, *NAME_FALLBACKS):
        if candidate not in frame.columns or not todo.any():
            continue
        text = _name_text(frame[candidate])
        ok = todo & _not_blank(text)
        out[ok] = text[ok]
        todo &= ~ok
    return out


def whole_name_column(frame: pd.DataFrame, key: str) -> str | None:
    """
    The text column that gives every feature's name on its own, if there is one.

    `feature_names` takes each name from the first of `key` and `NAME_FALLBACKS`
    present in `frame`, falling back feature by feature where it is blank: when
    that column is text with no value missing or blank, the names are exactly
    its values, and this is its name (a million names need not be made).

    Examples
    --------
    >>> whole_name_column(pd.DataFrame({"name_vi": ["Cảng"], "ten": ["Port"]}), "name_en")
    'ten'
    >>> whole_name_column(pd.DataFrame({"name_vi": ["Cảng", " "]}), "name_vi") is None
    True
    >>> whole_name_column(pd.DataFrame({"id": [7]}), "name_vi") is None  # numbers: no text
    True
    """
    for candidate in (key, *NAME_FALLBACKS):
        if candidate not in frame.columns:
            continue
        col = frame[candidate]
        whole = text_like(col) and not col.isna().any() and bool(_not_blank(col).all())
        return candidate if whole else None
    return None


def _not_blank(text: pd.Series) -> np.ndarray:
    """
    Which texts hold more than white space (``str.strip() != ""``), per value.

    A text with an ASCII letter or digit is not blank, found in C for a whole
    column; only the others (few, in a column of names) are stripped in Python.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    sure = pc.match_substring_regex(pa.array(text, type=pa.string()), "[0-9A-Za-z]")
    out: np.ndarray = sure.fill_null(False).to_numpy(zero_copy_only=False).astype(bool)
    rest = np.flatnonzero(~out)
    if rest.size:
        values = text.to_numpy(dtype=object)[rest]
        out[rest] = [str(v).strip() != "" for v in values]
    return out


def wgs84_geometries(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Return the geometries in WGS 84 lon/lat (VN-2000 through the pinned transformation)."""
    return zcrs.to_wgs84(gdf) if gdf.crs else np.asarray(gdf.geometry.values, dtype=object)


def map_geometries(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Return the geometries as the map draws them: EPSG:4326, 2D, `COORD_DECIMALS` places."""
    flat = shapely.force_2d(wgs84_geometries(gdf))
    return shapely.transform(flat, lambda xy: np.round(xy, COORD_DECIMALS))


def _kind(geom_type: str) -> str:
    """Return the legend swatch kind of a geometry type."""
    if "Point" in geom_type:
        return "point"
    if "Line" in geom_type:
        return "line"
    return "fill"


class LayerRegistry:
    """
    Categories, phases and statuses of the map's features, with stable indexes.

    Parameters
    ----------
    lang
        ``"vi"`` or ``"en"``, for the category labels.

    Examples
    --------
    >>> registry = LayerRegistry("en")
    >>> registry.category("airport", "A", "Polygon") == registry.category("airport", "", "Point")
    True
    >>> registry.phase("bogus") == registry.phase(None)
    True
    """

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self.categories: dict[tuple[str, ...], int] = {}
        self.cat_rows: list[dict[str, Any]] = []
        self.kinds: list[Counter[str]] = []
        for key in CATEGORIES:
            self._add(("schema", key), label(CATEGORIES, key, lang), CATEGORY_STYLES[key].to_dict())
        self.phases = list(PHASES)
        self.statuses = list(STATUSES)

    def _add(self, key: tuple[str, ...], text: str, style: dict[str, Any]) -> int:
        self.categories[key] = len(self.cat_rows)
        self.cat_rows.append({"label": text, "style": style})
        self.kinds.append(Counter())
        return self.categories[key]

    def category(self, value: Any, layer_title: str, geom_type: str) -> int:
        """Return the index of a feature's category, adding unknown ones."""
        return self.category_count(value, layer_title, geom_type, 1)

    def category_count(self, value: Any, layer_title: str, geom_type: str, count: int) -> int:
        """Return the index of the category of `count` features of one geometry type."""
        if isinstance(value, str) and value in CATEGORIES:
            key = ("schema", value)
        elif value is None or (isinstance(value, str) and not value.strip()):
            key = ("layer", layer_title)
        else:
            key = ("value", str(value))
        index = self.categories.get(key)
        if index is None:
            index = self._add(key, key[1], DEFAULT_STYLE.to_dict())
        self.kinds[index][_kind(geom_type)] += count
        return index

    def add_class(
        self, key: tuple[str, ...], text: str, style: dict[str, Any], **extra: Any
    ) -> int:
        """Return the index of a styled layer's class, adding it with legend fields `extra`."""
        index = self.categories.get(key)
        if index is None:
            index = self._add(key, text, style)
            self.cat_rows[index].update(extra)
        return index

    def count_kind(self, index: int, geom_type: str, count: int) -> None:
        """Count `count` features of one geometry type in category `index` (legend swatch)."""
        self.kinds[index][_kind(geom_type)] += count

    def phase(self, value: Any) -> int:
        """Return the index of a feature's phase; unknown or missing phases count as none."""
        key = value if isinstance(value, str) and value in PHASES else "none"
        return self.phases.index(key)

    def status(self, value: Any) -> int:
        """Return the index of a feature's status in `zoneplan.schema.STATUSES`; -1 for none."""
        return self.statuses.index(value) if isinstance(value, str) and value in STATUSES else -1

    def category_payload(self) -> list[dict[str, Any]]:
        """Return the categories with the swatch kind most of their features have."""
        return [
            {**row, "kind": kinds.most_common(1)[0][0] if kinds else "fill"}
            for row, kinds in zip(self.cat_rows, self.kinds, strict=True)
        ]
