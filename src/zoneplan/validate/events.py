"""
The catalog's dated events, checked with its layers (`zoneplan.events.check_events`).
"""

from __future__ import annotations

from typing import Any

from zoneplan.catalog import Catalog
from zoneplan.events import EventProblem, check_events, events_path, parse_events
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
