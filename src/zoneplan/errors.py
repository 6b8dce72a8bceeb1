"""
Public exceptions and warnings of zoneplan.

Each error subclasses a builtin so ``except ValueError`` keeps working. Messages
say what failed, name the file (and feature, where there is one) and the fix; the
command line prints them as one line, without a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


class ZoneplanError(Exception):
    """Base class for zoneplan errors."""


class InputError(ZoneplanError, ValueError):
    """An input file is missing, unreadable, or not in a format zoneplan reads."""


class LayerValidationError(ZoneplanError, ValueError):
    """A layer failed schema or geometry checks; `problems` lists every one."""

    def __init__(self, message: str, problems: Sequence[object] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


class CRSError(ZoneplanError, ValueError):
    """A layer has no CRS, or the wrong kind of CRS for the operation."""


class OutputError(ZoneplanError, OSError):
    """An output file cannot be written where it was asked for."""


class ZoneplanWarning(UserWarning):
    """Base class for zoneplan warnings."""
