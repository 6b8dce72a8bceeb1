"""
The catalog's dated events, checked with its layers: every event names a feature, a
conflict has two reports or more, each feature's status is the one its latest event gives
and its ``as_of`` is not older than that event, ``facts_as_of`` is not older than the
newest event. The rows themselves are checked as they are read (`zoneplan.events`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from zoneplan.catalog import Catalog
from zoneplan.events import (
    DATE_FIX,
    Event,
    EventDate,
    EventLog,
    EventProblem,
    events_path,
    parse_events,
)
from zoneplan.validate.problems import Problem


def event_problems(catalog: Catalog, features: dict[str, dict[str, Any]]) -> list[Problem]:
    """
    Check the catalog's events file against its features.

    Parameters
    ----------
    catalog
        The catalog; its ``events`` entry names the file, ``facts_as_of`` the facts date.
    features
        Feature id → properties, of every catalog layer.

    Returns
    -------
    problems
        Each names the events file and the row (or the catalog, for ``facts_as_of``)
        and the fix; empty when the catalog names no events file.
    """
    path = events_path(catalog.meta, catalog.path.parent)
    if path is None:
        return []
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = f"the catalog names the events file {path.name!r}, which does not exist"
        return [Problem(str(catalog.path), msg, "restore it, or fix the catalog's 'events'")]
    except UnicodeDecodeError:
        return [Problem(label, "not UTF-8 text", "save the events file as UTF-8")]
    events, found = parse_events(text)
    facts = catalog.meta.get("facts_as_of")
    if not isinstance(facts, str):
        msg = "has no facts_as_of date (the date the facts were last compiled)"
        found.append(EventProblem(0, "", msg, "add it: YYYY-MM-DD"))
        facts = None
    found += check_events(events, features, facts_as_of=facts)
    out = []
    for p in found:
        about_catalog = not p.row and "facts_as_of" in p.message
        prefix = f"{p.where()}: " if p.row else ""
        where = str(catalog.path) if about_catalog else label
        out.append(Problem(where, prefix + p.message, p.fix))
    return out


def check_events(
    events: Iterable[Event],
    features: Mapping[str, Mapping[str, Any]],
    *,
    facts_as_of: str | None = None,
) -> list[EventProblem]:
    """
    Check events against the features they describe.

    Parameters
    ----------
    events
        Parsed events (`parse_events`).
    features
        Feature id → properties, of every catalog layer.
    facts_as_of
        The catalog's ``facts_as_of`` date.

    Returns
    -------
    problems
        Events naming a missing feature; a feature whose first event gives no status;
        a conflict key held by one report; a feature whose ``status`` is not the one its
        latest event gives, or whose ``as_of`` is older than its latest event or newer
        than ``facts_as_of``; an event newer than ``facts_as_of``; a feature without
        events whose status is not ``existing``.
    """
    log = EventLog(events)
    out: list[EventProblem] = []
    for e in log.events:
        if e.feature_id not in features:
            msg = f"names feature {e.feature_id!r}, which no catalog layer has"
            out.append(EventProblem(e.row, e.event_id, msg, "fix feature_id or add the feature"))
    out += _conflict_problems(log)
    facts = _facts_date(facts_as_of, out)
    newest = log.newest()
    if facts is not None and newest is not None and newest.start > facts.end:
        late = log.events[-1]
        msg = f"is dated {newest}, after facts_as_of {facts}"
        out.append(EventProblem(late.row, late.event_id, msg, "raise facts_as_of in catalog.json"))
    for fid, props in features.items():
        out += _feature_problems(log, fid, props, facts)
    return out


def _conflict_problems(log: EventLog) -> list[EventProblem]:
    out = []
    for key, reports in log.conflicts().items():
        if len(reports) < 2:
            e = reports[0]
            msg = f"conflict {key!r} has one report only"
            fix = "add the report it disagrees with, or clear the conflict column"
            out.append(EventProblem(e.row, e.event_id, msg, fix))
    for fid in log.feature_ids:
        first = log.timeline(fid)[0]
        if first.status is None:
            msg = f"the first event of {fid!r} is a {first.kind!r}, which gives no status"
            fix = "add the event that brought the feature in (proposed, decision...)"
            out.append(EventProblem(first.row, first.event_id, msg, fix))
    return out


def _facts_date(facts_as_of: str | None, out: list[EventProblem]) -> EventDate | None:
    if facts_as_of is None:
        return None
    try:
        return EventDate.parse(facts_as_of)
    except ValueError as err:
        out.append(EventProblem(0, "", f"catalog facts_as_of {err}", DATE_FIX))
        return None


def _feature_problems(
    log: EventLog, fid: str, props: Mapping[str, Any], facts: EventDate | None
) -> list[EventProblem]:
    out = []
    status = props.get("status")
    events = log.timeline(fid)
    if not events:
        if status not in (None, "existing"):
            msg = f"feature {fid!r} has status {status!r} but no events"
            fix = "add its dated events, or give it status 'existing' (undated context)"
            out.append(EventProblem(0, "", msg, fix))
        return out
    latest = events[-1]
    expected = log.status(fid)
    if expected is not None and status != expected:
        msg = f"feature {fid!r} has status {status!r}, but its latest event gives {expected!r}"
        fix = f"set its status to {expected!r}, or add the event that changed it"
        out.append(EventProblem(latest.row, latest.event_id, msg, fix))
    as_of = props.get("as_of")
    try:
        when = EventDate.parse(as_of) if isinstance(as_of, str) else None
    except ValueError:
        when = None  # the property check reports a malformed as_of
    if when is not None and when.sort_key < latest.date.sort_key:
        msg = f"feature {fid!r} is dated as_of {when}, before its latest event ({latest.date})"
        out.append(EventProblem(latest.row, latest.event_id, msg, f"set as_of to {latest.date}"))
    if when is not None and facts is not None and when.start > facts.end:
        msg = f"feature {fid!r} is dated as_of {when}, after facts_as_of {facts}"
        out.append(EventProblem(0, "", msg, "raise facts_as_of in catalog.json"))
    return out
