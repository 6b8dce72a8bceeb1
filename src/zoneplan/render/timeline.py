"""
Time on the map: the date slider's range, its stops and marks, and each layer's dates.

The viewer shows every feature as it stood on the slider's date: hidden before its
first date, styled by its status then. The dates come from two places:

* the shipped layers' dated events (`zoneplan.events`): for each feature, the days its
  status changed (`timeline_steps`);
* a user layer's date column (``--date-field NAME``): each feature appears on its date.
  Dates may be ISO (``2025-03-15``, ``2025-03``, ``2025``, a date or a timestamp) or
  Vietnamese ``15/03/2025``; a month or a year counts from its first day, as the events
  do. A feature without a date is shown on every date.

The slider runs from the earliest date to the facts date of the catalog (or the latest
date, whichever is later) in month steps (the last day of each month), with the
decision's date (4 December 2024) and the facts date as stops of their own, marked.
The viewer (``static/viewer/time.js``) works out each feature's status on a date from
its events and the status each kind of event gives (the payload's ``event_kinds``), as
`zoneplan.events.EventLog.status` does.

Examples
--------
>>> parse_day("15/03/2025"), parse_day("2025-03"), parse_day(2024)
(datetime.date(2025, 3, 15), datetime.date(2025, 3, 1), datetime.date(2024, 1, 1))
>>> [d.isoformat() for d, _ in stops(dt.date(2024, 11, 20), dt.date(2025, 1, 10))]
['2024-11-30', '2024-12-04', '2024-12-31', '2025-01-10']
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from zoneplan.errors import InputError

if TYPE_CHECKING:
    from zoneplan.render.i18n import Lang
    from zoneplan.render.layers import MapLayer

#: Decision 1511/QĐ-TTg establishing the zone: a marked stop of the slider.
DECISION_DATE: Final[dt.date] = dt.date(2024, 12, 4)
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ][0-9:.+\-Z]*)?$")
_DMY = re.compile(r"^(?:(\d{1,2})[/.\-])?(\d{1,2})[/.\-](\d{4})$")
_SHOWN_BAD: Final = 3
DATE_FIX: Final[str] = (
    "write dates as YYYY-MM-DD (or YYYY-MM, YYYY) or DD/MM/YYYY, or leave the cell empty "
    "for a feature shown on every date"
)


def parse_day(value: Any) -> dt.date | None:
    """
    Return the first day a date value stands for, or None for a missing one.

    Raises
    ------
    ValueError
        If the value is not a date.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return None
        if float(value).is_integer() and 1000 <= value <= 9999:
            return dt.date(int(value), 1, 1)
        msg = f"{value!r} is not a year"
        raise ValueError(msg)
    if not isinstance(value, str):
        msg = f"{value!r} is not a date"
        raise ValueError(msg)
    text = value.strip()
    if not text:
        return None
    iso, dmy = _ISO.match(text), _DMY.match(text)
    if iso:
        year, month, day = int(iso[1]), int(iso[2] or 1), int(iso[3] or 1)
    elif dmy:
        year, month, day = int(dmy[3]), int(dmy[2]), int(dmy[1] or 1)
    else:
        msg = f"{value!r} is not a date"
        raise ValueError(msg)
    try:
        return dt.date(year, month, day)
    except ValueError as err:  # 2025-02-30
        msg = f"{value!r} is not a calendar date ({err})"
        raise ValueError(msg) from err


def month_end(day: dt.date) -> dt.date:
    """The last day of `day`'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def stops(
    start: dt.date, end: dt.date, marks: Iterable[dt.date] = (DECISION_DATE,)
) -> list[tuple[dt.date, str]]:
    """
    Return the slider's stops: each month's last day from `start` to `end`, and the marks.

    Returns
    -------
    stops
        ``(day, kind)`` in date order; kind is ``"month"`` for a month's last day,
        ``"day"`` for a mark or the end.
    """
    out: dict[dt.date, str] = {}
    day = month_end(start)
    while day < end:
        out[day] = "month"
        day = month_end(day + dt.timedelta(days=1))
    for mark in marks:
        if start <= mark <= end:
            out[mark] = "day"
    out[end] = "day"
    return sorted(out.items())


def date_values(gdf: pd.DataFrame, column: str, label: str) -> dict[str, str]:
    """
    Return the ISO day of each distinct value of a date column, keyed as the map shows it.

    The key is the value's text in the map's data (`zoneplan.render.layers.json_value`):
    ISO text for dates, the digits for a year.

    Raises
    ------
    InputError
        If the column is missing or holds a value that is not a date: one line naming
        the file (`label`), the column, the first bad values and the fix.
    """
    from zoneplan.render.layers import json_value

    if column not in gdf.columns:
        names = ", ".join(str(c) for c in gdf.columns if c != getattr(gdf, "geometry", None))
        msg = f"{label}: no column {column!r} for --date-field; its columns: {names}"
        raise InputError(msg)
    out: dict[str, str] = {}
    bad: list[tuple[int, Any]] = []
    col = gdf[column]
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    for k, value in enumerate(uniques.tolist() if hasattr(uniques, "tolist") else list(uniques)):
        try:
            day = parse_day(value)
        except ValueError:
            bad.append((int(np.flatnonzero(codes == k)[0]), value))
            continue
        if day is not None:
            out[_key(json_value(value))] = day.isoformat()
    if bad:
        shown = ", ".join(f"{v!r} (feature {i + 1})" for i, v in bad[:_SHOWN_BAD])
        more = f" and {len(bad) - _SHOWN_BAD} more" if len(bad) > _SHOWN_BAD else ""
        msg = (
            f"{label}: column {column!r} holds values that are not dates: {shown}{more}; {DATE_FIX}"
        )
        raise InputError(msg)
    return out


def _key(value: Any) -> str:
    """The text of a JSON value as the viewer's ``String()`` gives it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def layer_time(layer: MapLayer) -> dict[str, Any] | None:
    """
    Return the date column of a user layer for its payload row, or None.

    A layer read with ``--date-field NAME`` gives ``{"field": NAME, "days": {value: day}}``;
    the shipped layers' dates travel with each feature (its ``zp.events``).
    """
    if not layer.date_field:
        return None
    return {"field": layer.date_field, "days": date_values(layer.gdf, layer.date_field, layer.id)}


def event_days(layer: MapLayer) -> list[dt.date]:
    """Return the first days of the dated events of a layer's features (none without events)."""
    if layer.events is None or "id" not in layer.gdf.columns:
        return []
    ids = {str(v) for v in layer.gdf["id"].dropna().tolist()}
    return [e.date.start for e in layer.events.events if e.feature_id in ids]


def facts_day(layers: Sequence[MapLayer]) -> dt.date | None:
    """The latest facts date of the layers (the catalog's ``facts_as_of``), or None."""
    from zoneplan.events import EventDate

    days = []
    for layer in layers:
        try:
            days.append(EventDate.parse(layer.facts_as_of or "").end)
        except ValueError:
            continue
    return max(days) if days else None


def time_payload(
    layers: Sequence[MapLayer], rows: Sequence[dict[str, Any] | None], lang: Lang
) -> dict[str, Any] | None:
    """
    Return the slider's range, stops and marks, or None when no layer has dates.

    The range runs from the earliest event or date of the layers to the facts date (or
    the latest date, whichever is later); the marks are the decision's date and the
    facts date, each a stop of its own between the months' last days.

    Parameters
    ----------
    layers
        The map's layers: their events and facts date.
    rows
        `layer_time` of each layer.
    lang
        ``"vi"`` or ``"en"``, for the marks' labels.
    """
    from zoneplan.render.i18n import strings

    days: list[dt.date] = []
    for layer, row in zip(layers, rows, strict=True):
        days += event_days(layer)
        if row is not None:
            days += [dt.date.fromisoformat(d) for d in row["days"].values()]
    if not days:
        return None
    facts = facts_day(layers)
    start = min(days)
    end = max([*days, *([facts] if facts else [])])
    t = strings(lang)
    marks = [{"date": DECISION_DATE.isoformat(), "label": t["time_decision"]}]
    if facts is not None:
        marks.append({"date": facts.isoformat(), "label": t["time_facts"]})
    marks = [m for m in marks if start.isoformat() <= m["date"] <= end.isoformat()]
    marked = [dt.date.fromisoformat(m["date"]) for m in marks]
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "stops": [[d.isoformat(), kind] for d, kind in stops(start, end, marked)],
        "marks": marks,
    }
