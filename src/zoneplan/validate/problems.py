"""
Problems found in a layer, and the small helpers every check shares to report them.

A `Problem` names the file, the feature (its ``id`` property, else its
position), what is wrong and the fix; it prints as one line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, overload

if TYPE_CHECKING:
    import geopandas as gpd


#: Which rules a layer is held to: the shipped catalog's, or a user file's.
Kind = Literal["catalog", "user"]
#: An error fails validation; a warning is reported only.
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """
    One problem found in a layer.

    Parameters
    ----------
    path
        The file (or layer name) where it was found.
    message
        What is wrong, with the bad value.
    fix
        How to fix it.
    feature
        The feature's id, or ``#n`` (1-based position); None for the whole file.
    severity
        ``"error"`` fails validation; ``"warning"`` is reported only.
    """

    path: str
    message: str
    fix: str
    feature: str | None = None
    severity: Severity = "error"
    blocking: bool = False  # the file cannot be read meaningfully until this is fixed

    def __str__(self) -> str:
        """Return the problem as one line: file, feature, message, fix."""
        where = f"feature {self.feature}: " if self.feature else ""
        tag = "warning: " if self.severity == "warning" else ""
        return f"{self.path}: {tag}{where}{self.message}; {self.fix}"


def errors_only(problems: list[Problem]) -> list[Problem]:
    """Return the problems of severity ``"error"``."""
    return [p for p in problems if p.severity == "error"]


def file_problem(label: str, text: str) -> Problem:
    """Turn a one-line InputError text ``path: what; fix`` into a Problem."""
    body = text[len(label) + 2 :] if text.startswith(label + ": ") else text
    message, _, fix = body.rpartition("; ")
    return Problem(label, message or body, fix or "check the file")


def dedupe(problems: list[Problem]) -> list[Problem]:
    """Drop repeated problems, keeping the first of each."""
    seen: set[str] = set()
    out = []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            out.append(p)
    return out


def json_token(value: float) -> str:
    """NaN, Infinity or -Infinity, as broken JSON writers spell them."""
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def short(value: Any) -> str:
    """repr() cut to 40 characters, for messages."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def isna(value: Any) -> bool:
    """Whether a cell is missing (None or NaN)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def py_scalar(value: Any) -> Any:
    """numpy scalars to Python scalars."""
    return value.item() if hasattr(value, "item") else value


class FeatureLabels(Sequence[str]):
    """
    Feature labels: the id column when present, else positions.

    Made when asked for: a layer of a million clean features needs none.
    """

    def __init__(self, gdf: gpd.GeoDataFrame) -> None:
        self.ids = gdf["id"] if "id" in gdf.columns else None
        self.n = len(gdf)

    def __len__(self) -> int:
        return self.n

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self.n))]
        k = int(i)
        if not -self.n <= k < self.n:
            raise IndexError(i)
        k %= self.n
        if self.ids is None:
            return f"#{k + 1}"
        v = self.ids.iloc[k]
        return repr(py_scalar(v)) if not isna(v) else f"#{k + 1}"


def feature_labels(gdf: gpd.GeoDataFrame) -> FeatureLabels:
    """Feature labels: the id column when present, else positions (`FeatureLabels`)."""
    return FeatureLabels(gdf)
