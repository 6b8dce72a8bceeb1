"""
Property checks: each schema property of a feature has the right type and value.

Catalog features must carry every property of `zoneplan.schema.REQUIRED_PROPERTIES`;
user features are only checked for the ones they carry. `column_property_problems`
finds what the row-by-row check finds, column by column.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from zoneplan.events import EventDate
from zoneplan.schema import REQUIRED_PROPERTIES, PropertySpec
from zoneplan.validate.problems import Kind, Problem, isna, json_token, py_scalar, short


def check_properties(props: dict[str, Any], label: str, name: str, *, kind: Kind) -> list[Problem]:
    """
    Check a feature's properties against `zoneplan.schema.REQUIRED_PROPERTIES`.

    Catalog features must carry every required property; user features are only
    checked for the ones they carry.

    Parameters
    ----------
    props
        The feature's properties.
    label
        The file name used in messages.
    name
        The feature label used in messages.
    kind
        ``"catalog"`` or ``"user"``.

    Returns
    -------
    problems
        Every problem found.
    """
    problems = []
    not_finite = {k for k, v in props.items() if isinstance(v, float) and not math.isfinite(v)}
    for key in sorted(not_finite, key=str):
        msg = f"property {key!r} is {json_token(props[key])}, not a finite number"
        fix = "write a number, or null where it is unknown (NaN and Infinity are not numbers)"
        problems.append(Problem(label, msg, fix, name, blocking=True))
    for spec in REQUIRED_PROPERTIES:
        if spec.name in not_finite:
            continue
        if spec.name not in props:
            if kind == "catalog":
                problems.append(
                    Problem(
                        label, f"missing property {spec.name!r}", f"add it: {spec.describe()}", name
                    )
                )
            continue
        problem = check_value(spec, props[spec.name], label, name, kind)
        if problem is not None:
            problems.append(problem)
    problem = url_problem(props.get("source_url"), label, name)
    if problem is not None:
        problems.append(problem)
    return problems


def url_problem(url: Any, label: str, name: str) -> Problem | None:
    """The problem with a ``source_url`` value, if it is text but no http(s) link."""
    if isinstance(url, str) and url and not url.startswith(("http://", "https://")):
        msg = f"source_url {short(url)} is not an http(s) link"
        return Problem(label, msg, "give an http(s) URL", name)
    return None


def check_value(
    spec: PropertySpec, value: Any, label: str, name: str, kind: Kind
) -> Problem | None:
    """Check one property value's type and allowed values."""
    if value is None:
        if spec.nullable or kind == "user":
            return None
        return Problem(label, f"property {spec.name!r} is null", f"give it {spec.describe()}", name)
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    ok_type = is_number if float in spec.kinds else isinstance(value, spec.kinds)
    if not ok_type:
        msg = f"property {spec.name!r} has the wrong type ({type(value).__name__} {short(value)})"
        return Problem(label, msg, f"make it {spec.describe()}", name)
    if kind == "catalog" and spec.allowed is not None and value not in spec.allowed:
        msg = f"property {spec.name!r} has a value not allowed ({short(value)})"
        return Problem(label, msg, f"use {spec.describe()}", name)
    if kind == "catalog" and isinstance(value, str) and not value.strip():
        return Problem(label, f"property {spec.name!r} is empty", "fill it in", name)
    if spec.iso_date and isinstance(value, str):
        try:
            EventDate.parse(value)
        except ValueError:
            msg = f"property {spec.name!r} is not an ISO date ({short(value)})"
            return Problem(label, msg, f"make it {spec.describe()}", name)
    return None


def row_property_problems(
    frame: pd.DataFrame, label: str, names: Sequence[str], kind: Kind
) -> list[Problem]:
    """`check_properties` on every row, in row order."""
    problems = []
    for name, row in zip(names, frame.to_dict("records"), strict=True):
        props = {str(k): (None if isna(v) else py_scalar(v)) for k, v in row.items()}
        problems += check_properties(props, label, name, kind=kind)
    return problems


def column_property_problems(
    frame: pd.DataFrame, label: str, names: Sequence[str]
) -> list[Problem]:
    """
    The problems `row_property_problems` finds in a user layer, column by column.

    Columns whose dtype already proves every value right are skipped without
    looking at the values, which keeps a million-feature layer to seconds; the
    rest go value by value through the same checks. The problems come out in the
    same order as from the row-by-row check.
    """
    found: list[tuple[int, tuple[int, str], Problem]] = []
    specs = {spec.name: (i, spec) for i, spec in enumerate(REQUIRED_PROPERTIES)}
    for key in frame.columns:
        col = frame[key]
        numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
        text = pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty")
        # non-finite floats (NaN is a missing value in these formats)
        if pd.api.types.is_float_dtype(col):
            bad = np.flatnonzero(np.isinf(col.to_numpy(dtype=float, na_value=np.nan)))
        elif text or numeric or pd.api.types.is_bool_dtype(col):
            bad = np.array([], dtype=int)
        else:
            flags = [isinstance(v, float) and math.isinf(v) for v in col.tolist()]
            bad = np.flatnonzero(flags)
        for row in bad.tolist():
            value = py_scalar(col.iloc[row])
            msg = f"property {key!r} is {json_token(value)}, not a finite number"
            fix = "write a number, or null where it is unknown (NaN and Infinity are not numbers)"
            found.append((row, (0, str(key)), Problem(label, msg, fix, names[row], blocking=True)))
        skip = set(bad.tolist())
        if key in specs:
            order, spec = specs[key]
            proven = (numeric and float in spec.kinds) or (text and str in spec.kinds)
            if not proven:
                for row, raw in enumerate(col.tolist()):
                    if row in skip:
                        continue
                    value = None if isna(raw) else py_scalar(raw)
                    problem = check_value(spec, value, label, names[row], "user")
                    if problem is not None:
                        found.append((row, (1, f"{order:03d}"), problem))
        if key == "source_url":
            urls = col.astype(object)
            if text:  # only the rows that can fail, found in one pass over the column
                starts = urls.str.startswith(("http://", "https://"))
                suspect = urls.notna() & (urls.str.len() > 0) & ~starts.fillna(True)
                rows = np.flatnonzero(suspect.to_numpy())
            else:
                rows = np.arange(len(urls))
            for row in rows.tolist():
                problem = url_problem(urls.iloc[row], label, names[row])
                if problem is not None:
                    found.append((row, (2, ""), problem))
    found.sort(key=lambda item: (item[0], item[1]))
    return [problem for _, _, problem in found]
