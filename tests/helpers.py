"""
Helpers the tests share: the repository root and small GeoJSON values.

Import them with ``from helpers import ...``; fixtures stay in conftest.py.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
#: The project's fact sheet, which CI lays beside the clone (``../shared/FACTS.md``).
FACTS = REPO.parent / "shared" / "FACTS.md"


def fact_sheet_text() -> str:
    """
    The fact sheet's text; under CI its absence fails the test, elsewhere it skips it.
    """
    import pytest

    if not FACTS.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{FACTS} is missing: CI lays shared/ beside the clone")
        pytest.skip("the fact sheet is not checked out beside the repository")
    return FACTS.read_text(encoding="utf-8")


def feature(geometry: dict | None, **props: Any) -> dict:
    """A GeoJSON Feature with the given geometry and properties."""
    return {"type": "Feature", "properties": props, "geometry": geometry}


def collection(*features: dict) -> dict:
    """A GeoJSON FeatureCollection."""
    return {"type": "FeatureCollection", "features": list(features)}


def square(x: float = 106.70, y: float = 20.65, d: float = 0.01) -> dict:
    """A counter-clockwise square polygon geometry near Nam Đồ Sơn."""
    x1, y1 = round(x + d, 7), round(y + d, 7)
    ring = [[x, y], [x1, y], [x1, y1], [x, y1], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def build(out: Path, *args: str) -> Path:
    """Run ``zoneplan build`` as the command line does and return the written file."""
    from zoneplan.cli import main

    code = main(["-q", "build", "--out", str(out), *args])
    assert code == 0
    return out
