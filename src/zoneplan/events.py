"""
Dated events of the shipped features: what was proposed, decided, approved, started,
opened, stalled, revised or reviewed, when, and who said so.

The events live in ``geodata/events.csv`` (named by the catalog's ``events`` entry),
one row per event and feature:

``event_id``
    Stable id of the event; the same event may name several features (one row each).
``feature_id``
    The ``id`` of a feature of a catalog layer.
``date``
    ISO 8601 at the precision the source gives: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.
``precision``
    ``day``, ``month`` or ``year``; it must agree with ``date``.
``kind``
    A key of `zoneplan.schema.EVENT_KINDS`.
``text_vi``, ``text_en``
    What happened, in Vietnamese and English.
``decision``
    The decision, resolution or letter number, where there is one.
``source_url``
    The http(s) source of the fact.
``conflict``
    A key shared by reports that disagree with each other (the same decision given two
    dates, a scheme given two sizes); every report is kept, none is picked.

A feature's status follows from its events: the latest event whose kind carries a
status (`zoneplan.schema.KIND_STATUS`) gives it, so a review or a revised figure leaves
the status as it was. An event known only to the month or the year counts from the first
day of that month or year; the timeline shows it as the month or the year. A feature
without events is an undated context feature (a river, an existing airport): it exists
on every date with its own ``existing`` status.

Examples
--------
>>> log = load_events()
>>> log.status("tr-coastal-road")
'stalled'
>>> [str(e.date) for e in log.timeline("fa-ftz-1")]
['2025-10-13', '2025-10-16']
>>> log.status("prj-tan-trao-ip-1", on="2025-07-01")
'approved'
>>> log.status("prj-tan-trao-ip-1", on="2025-01-01") is None
True
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple

from zoneplan.errors import InputError
from zoneplan.schema import EVENT_KINDS, KIND_STATUS

Precision = Literal["day", "month", "year"]

#: The columns of the events file, in order.
EVENT_COLUMNS: tuple[str, ...] = (
    "event_id",
    "feature_id",
    "date",
    "precision",
    "kind",
    "text_vi",
    "text_en",
    "decision",
    "source_url",
    "conflict",
)
_REQUIRED = ("event_id", "feature_id", "date", "precision", "kind", "text_vi", "text_en")
_RANK: dict[str, int] = {"year": 0, "month": 1, "day": 2}
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
DATE_FIX = "write an ISO date: YYYY-MM-DD, or YYYY-MM / YYYY where the source gives no more"

#: The events file of the shipped catalog when the catalog names none.
EVENTS_FILE = "events.csv"


@dataclass(frozen=True)
class EventDate:
    """
    A date at the precision a source gives it.

    Parameters
    ----------
    text
        The ISO text: ``2025-10-13``, ``2025-10`` or ``2025``.
    precision
        ``day``, ``month`` or ``year``.
    start, end
        The first and the last day of the period.

    Examples
    --------
    >>> d = EventDate.parse("2017-05")
    >>> d.precision, d.start.isoformat(), d.end.isoformat()
    ('month', '2017-05-01', '2017-05-31')
    """

    text: str
    precision: Precision
    start: dt.date
    end: dt.date

    @classmethod
    def parse(cls, text: str) -> EventDate:
        """
        Read an ISO date of day, month or year precision.

        Raises
        ------
        ValueError
            If `text` is not such a date (``2025-13``, ``25/10/2025``, ``2025-02-30``).
        """
        m = _DATE.match(text.strip()) if isinstance(text, str) else None
        if m is None:
            msg = f"{text!r} is not an ISO date"
            raise ValueError(msg)
        year, month, day = int(m[1]), m[2], m[3]
        try:
            if day is not None:
                start = dt.date(year, int(month or 0), int(day))
                return cls(m[0], "day", start, start)
            if month is not None:
                start = dt.date(year, int(month), 1)
                last = calendar.monthrange(year, int(month))[1]
                return cls(m[0], "month", start, start.replace(day=last))
            return cls(m[0], "year", dt.date(year, 1, 1), dt.date(year, 12, 31))
        except ValueError as err:
            msg = f"{text!r} is not a calendar date ({err})"
            raise ValueError(msg) from err

    @property
    def sort_key(self) -> tuple[dt.date, int]:
        """Order by first day, the coarser date first when two start on the same day."""
        return (self.start, _RANK[self.precision])

    def __str__(self) -> str:
        """Return the ISO text."""
        return self.text


def as_date(on: dt.date | str) -> dt.date:
    """
    Return `on` as a date; text must be a full ISO date.

    Raises
    ------
    ValueError
        If the text is not a ``YYYY-MM-DD`` date.

    Examples
    --------
    >>> as_date("2025-07-01")
    datetime.date(2025, 7, 1)
    """
    if isinstance(on, dt.datetime):
        return on.date()
    if isinstance(on, dt.date):
        return on
    parsed = EventDate.parse(on)
    if parsed.precision != "day":
        msg = f"{on!r}: give a full date (YYYY-MM-DD) to ask about a day"
        raise ValueError(msg)
    return parsed.start


@dataclass(frozen=True)
class Event:
    """
    One dated event of one feature (one row of the events file).

    ``row`` is the row number in the file as a spreadsheet counts it (the header is
    row 1); 0 for events built in code.
    """

    event_id: str
    feature_id: str
    date: EventDate
    kind: str
    text_vi: str
    text_en: str
    decision: str = ""
    source_url: str = ""
    conflict: str = ""
    row: int = 0

    @property
    def status(self) -> str | None:
        """The status the event gives its feature, or None (`zoneplan.schema.KIND_STATUS`)."""
        return KIND_STATUS.get(self.kind)

    def text(self, lang: str = "en") -> str:
        """Return the text in ``"vi"`` or ``"en"``."""
        return self.text_vi if lang == "vi" else self.text_en

    def record(self) -> dict[str, str]:
        """Return the event as a row of the events file (every value text)."""
        return {
            "event_id": self.event_id,
            "feature_id": self.feature_id,
            "date": self.date.text,
            "precision": self.date.precision,
            "kind": self.kind,
            "text_vi": self.text_vi,
            "text_en": self.text_en,
            "decision": self.decision,
            "source_url": self.source_url,
            "conflict": self.conflict,
        }


class EventProblem(NamedTuple):
    """A problem of one row of an events file (row 0: the whole file)."""

    row: int
    event_id: str
    message: str
    fix: str

    def where(self) -> str:
        """Return ``row N (event id)`` for messages."""
        if not self.row:
            return "events"
        return f"row {self.row}" + (f" ({self.event_id})" if self.event_id else "")


class EventLog:
    """
    The events of a set of features, with the questions asked of them.

    Parameters
    ----------
    events
        The events, in any order; they are kept sorted by date (then file order).
    """

    def __init__(self, events: Iterable[Event] = ()) -> None:
        self.events: tuple[Event, ...] = tuple(
            sorted(events, key=lambda e: (*e.date.sort_key, e.row))
        )
        by_feature: dict[str, list[Event]] = defaultdict(list)
        for e in self.events:
            by_feature[e.feature_id].append(e)
        self._by_feature = {k: tuple(v) for k, v in by_feature.items()}

    def __len__(self) -> int:
        """Return the number of rows."""
        return len(self.events)

    def __repr__(self) -> str:
        """Return a short description."""
        return f"EventLog({len(self.events)} events of {len(self._by_feature)} features)"

    @property
    def feature_ids(self) -> tuple[str, ...]:
        """The ids of the features that have events, sorted."""
        return tuple(sorted(self._by_feature))

    def timeline(self, feature_id: str, *, newest_first: bool = False) -> list[Event]:
        """
        Return the events of a feature, oldest first (or newest first).

        Examples
        --------
        >>> [e.kind for e in load_events().timeline("prj-tan-trao-ip-1", newest_first=True)]
        ['groundbreaking', 'investment approval']
        """
        events = list(self._by_feature.get(feature_id, ()))
        return events[::-1] if newest_first else events

    def _until(self, feature_id: str, on: dt.date | str | None) -> tuple[Event, ...]:
        events = self._by_feature.get(feature_id, ())
        if on is None:
            return events
        day = as_date(on)
        return tuple(e for e in events if e.date.start <= day)

    def status(self, feature_id: str, on: dt.date | str | None = None) -> str | None:
        """
        Return the status the feature's events give it, on a date or after all of them.

        Returns
        -------
        status
            The status of the latest status-giving event on or before `on`; None when
            the feature has no such event by then (it did not exist yet, or it has no
            events at all).
        """
        for e in reversed(self._until(feature_id, on)):
            if e.status is not None:
                return e.status
        return None

    def exists(self, feature_id: str, on: dt.date | str) -> bool:
        """Whether the feature exists on `on`: it has no events, or its first one has begun."""
        events = self._by_feature.get(feature_id, ())
        return not events or events[0].date.start <= as_date(on)

    def statuses_on(self, on: dt.date | str, features: Mapping[str, str]) -> dict[str, str]:
        """
        Return the status of every feature that exists on `on`.

        Parameters
        ----------
        on
            The day.
        features
            Feature id → its own ``status`` property, used for features without events.

        Returns
        -------
        statuses
            Feature id → status, for the features existing that day (in `features` order).

        Examples
        --------
        >>> log = load_events()
        >>> got = log.statuses_on("2025-01-01", {"zone": "planned", "ctx-cat-bi": "existing",
        ...                                      "fa-ftz-1": "planned"})
        >>> got
        {'zone': 'planned', 'ctx-cat-bi': 'existing'}
        """
        out: dict[str, str] = {}
        for fid, own in features.items():
            if fid not in self._by_feature:
                out[fid] = own
                continue
            status = self.status(fid, on)
            if status is not None:
                out[fid] = status
        return out

    def existing_on(self, on: dt.date | str, feature_ids: Iterable[str]) -> list[str]:
        """Return the ids among `feature_ids` that exist on `on`, in the given order."""
        return [fid for fid in feature_ids if self.exists(fid, on)]

    def as_of(self, feature_id: str) -> EventDate | None:
        """The date of the feature's latest event, or None."""
        events = self._by_feature.get(feature_id, ())
        return events[-1].date if events else None

    def newest(self) -> EventDate | None:
        """The date of the latest event of all."""
        return self.events[-1].date if self.events else None

    def conflicts(self) -> dict[str, list[Event]]:
        """
        Return the reports that disagree, by their ``conflict`` key.

        Examples
        --------
        >>> sorted(load_events().conflicts())
        ['ftz-4068-date', 'port-scheme']
        """
        out: dict[str, dict[str, Event]] = defaultdict(dict)
        for e in self.events:
            if e.conflict:
                out[e.conflict].setdefault(e.event_id, e)
        return {k: list(v.values()) for k, v in sorted(out.items())}

    def records(self) -> list[dict[str, str]]:
        """Return every event as a row of the events file, in date order."""
        return [e.record() for e in self.events]


# --- reading and writing ------------------------------------------------------------------


def events_text(events: Iterable[Event]) -> str:
    """
    Return the events as the CSV text of an events file (UTF-8, ``\\n`` line ends).

    The rows come in the given order, so a generator controls the file's layout.
    """
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=EVENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for e in events:
        writer.writerow(e.record())
    return buf.getvalue()


def parse_events(text: str) -> tuple[list[Event], list[EventProblem]]:
    """
    Parse the text of an events file, collecting every problem of every row.

    Rows with a problem are left out of the events; `zoneplan.validate.events`
    adds the checks that need the features.

    Returns
    -------
    events, problems
        The good rows as events, and the problems found.
    """
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = list(reader.fieldnames or [])
    problems = _header_problems(header)
    if problems:
        return [], problems
    events: list[Event] = []
    seen: set[tuple[str, str]] = set()
    for raw in reader:
        row = reader.line_num  # the header is line 1; a quoted newline is counted
        event, row_problems = _parse_row(raw, row)
        if event is not None and (event.event_id, event.feature_id) in seen:
            row_problems.append(
                EventProblem(
                    row,
                    event.event_id,
                    f"event {event.event_id!r} names feature {event.feature_id!r} twice",
                    "delete the repeated row",
                )
            )
            event = None
        if event is not None:
            seen.add((event.event_id, event.feature_id))
            events.append(event)
        problems += row_problems
    return events, problems


def _header_problems(header: list[str]) -> list[EventProblem]:
    if not header:
        return [EventProblem(0, "", "the file is empty", "write the header row and the events")]
    out = []
    missing = [c for c in EVENT_COLUMNS if c not in header]
    if missing:
        out.append(
            EventProblem(
                1, "", f"missing columns {missing}", f"the header is {','.join(EVENT_COLUMNS)}"
            )
        )
    unknown = [c for c in header if c not in EVENT_COLUMNS]
    if unknown:
        out.append(EventProblem(1, "", f"unknown columns {unknown}", "rename or remove them"))
    return out


def _parse_row(raw: dict[str | Any, Any], row: int) -> tuple[Event | None, list[EventProblem]]:
    if None in raw:
        eid = str(raw.get("event_id") or "")
        msg = f"{len(raw[None])} more values than columns"
        return None, [EventProblem(row, eid, msg, "quote values that hold commas")]
    values = {k: (raw.get(k) or "").strip() for k in EVENT_COLUMNS}
    eid = values["event_id"]
    out: list[EventProblem] = []
    for col in _REQUIRED:
        if not values[col]:
            out.append(EventProblem(row, eid, f"{col} is empty", f"fill in {col}"))
    date: EventDate | None = None
    if values["date"]:
        try:
            date = EventDate.parse(values["date"])
        except ValueError as err:
            out.append(EventProblem(row, eid, f"date {err}", DATE_FIX))
    if date is not None and values["precision"] and values["precision"] != date.precision:
        msg = f"precision {values['precision']!r} does not match date {date.text!r}"
        out.append(EventProblem(row, eid, msg, f"set precision to {date.precision!r}"))
    if values["kind"] and values["kind"] not in EVENT_KINDS:
        msg = f"kind {values['kind']!r} is not an event kind"
        out.append(EventProblem(row, eid, msg, f"use one of {', '.join(EVENT_KINDS)}"))
    url = values["source_url"]
    if not url.startswith(("http://", "https://")) or any(c.isspace() for c in url):
        msg = f"source_url {url[:40]!r} is not an http(s) link" if url else "source_url is empty"
        out.append(EventProblem(row, eid, msg, "give the http(s) address of the source"))
    if out or date is None:
        return None, out
    return Event(
        event_id=eid,
        feature_id=values["feature_id"],
        date=date,
        kind=values["kind"],
        text_vi=values["text_vi"],
        text_en=values["text_en"],
        decision=values["decision"],
        source_url=url,
        conflict=values["conflict"],
        row=row,
    ), out


def events_path(catalog_meta: Mapping[str, Any], folder: Path) -> Path | None:
    """The events file a catalog names (``events``), or None when it names none."""
    name = catalog_meta.get("events")
    return folder / str(name) if name else None


def read_events(path: str | os.PathLike[str]) -> EventLog:
    """
    Read an events file, refusing it on its first broken row.

    Raises
    ------
    InputError
        One line naming the file, the row and the fix.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        msg = f"{p}: no such events file; check the path or the catalog's 'events' entry"
        raise InputError(msg) from err
    except UnicodeDecodeError as err:
        msg = f"{p}: not UTF-8 text; save the events file as UTF-8"
        raise InputError(msg) from err
    events, problems = parse_events(text)
    if problems:
        first = problems[0]
        extra = len(problems) - 1
        more = f" (and {extra} more: run zoneplan validate)" if extra else ""
        msg = f"{p}: {first.where()}: {first.message}; {first.fix}{more}"
        raise InputError(msg)
    return EventLog(events)


def load_events(path: str | os.PathLike[str] | None = None) -> EventLog:
    """
    Return the events of the shipped catalog (or of the events file at `path`).

    Returns
    -------
    log
        The events; empty when the catalog names no events file.

    Raises
    ------
    InputError
        If the file is missing or a row is broken.

    Examples
    --------
    >>> len(load_events()) > 0
    True
    """
    if path is not None:
        return read_events(path)
    from zoneplan.catalog import load_catalog

    cat = load_catalog()
    file = events_path(cat.meta, cat.path.parent)
    return read_events(file) if file is not None else EventLog()
