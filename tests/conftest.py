"""Shared fixtures: the shipped geodata and small files written on demand (helpers: helpers.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from zoneplan.catalog import geodata_dir


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
