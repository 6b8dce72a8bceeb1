"""Shared fixtures: the shipped geodata and small files written on demand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from zoneplan.catalog import geodata_dir

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def geodata() -> Path:
    """The folder of the shipped layers."""
    return geodata_dir()


@pytest.fixture
def write_json(tmp_path: Path):
    """Write a JSON value (or raw text/bytes) to a file in tmp_path and return its path."""

    def write(name: str, value: Any) -> Path:
        path = tmp_path / name
        if isinstance(value, bytes):
            path.write_bytes(value)
        elif isinstance(value, str):
            path.write_text(value, encoding="utf-8")
        else:
            path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        return path

    return write


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
