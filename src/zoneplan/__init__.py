"""
zoneplan: a planning viewer for Hai Phong's Southern Coastal Economic Zone.

The layers in ``geodata/`` are digitized from published facts: indicative, not
official. See the README for the commands and the Python API.
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("zoneplan")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

from zoneplan.errors import (  # noqa: E402
    CRSError,
    InputError,
    LayerValidationError,
    OutputError,
    ZoneplanError,
    ZoneplanWarning,
)

__all__ = [
    "CRSError",
    "InputError",
    "LayerValidationError",
    "OutputError",
    "ZoneplanError",
    "ZoneplanWarning",
    "__version__",
]
