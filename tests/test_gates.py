"""
The gates of CI (`make lint`, `make typecheck`) fail on a planted mistake of each kind.

Each tool runs with the project's own configuration (pyproject.toml) on a copy of
a small module of the package: unchanged it passes, with the mistake it fails.
The gates over the whole tree are `make lint` and `make typecheck` themselves.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO

CONFIG = REPO / "pyproject.toml"
BIN = Path(sys.executable).parent
MODULE = REPO / "src" / "zoneplan" / "errors.py"


def _tool(name: str) -> str:
    path = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if path is None:  # the test extra installs both
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return path


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False, timeout=120
    )


@pytest.fixture
def copy(tmp_path) -> Path:
    """The module copied into tmp/src/zoneplan, as in the repository."""
    package = tmp_path / "src" / "zoneplan"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    shutil.copy(MODULE, package / MODULE.name)
    return package / MODULE.name


def _plant(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_ruff_check_fails_on_a_planted_lint_error(copy):
    ruff = _tool("ruff")
    assert _run(ruff, "check", "--config", CONFIG, copy, cwd=copy.parent).returncode == 0
    _plant(copy, "\n\ndef late():\n    import os\n")
    failed = _run(ruff, "check", "--config", CONFIG, copy, cwd=copy.parent)
    assert failed.returncode == 1
    assert "F401" in failed.stdout  # `os` imported but unused


def test_ruff_format_fails_on_planted_formatting(copy):
    ruff = _tool("ruff")
    check = ("format", "--check", "--config", CONFIG, copy)
    assert _run(ruff, *check, cwd=copy.parent).returncode == 0
    _plant(copy, "\n\nLIMIT = {'a':1}\n")
    failed = _run(ruff, *check, cwd=copy.parent)
    assert failed.returncode == 1
    assert "would be reformatted" in failed.stdout


@pytest.mark.parametrize(
    ("mistake", "code"),
    [
        ('\n\nCOUNT: int = "two"\n', "[assignment]"),
        # only --strict asks for annotations: the project's configuration is in force
        ("\n\ndef late(value):\n    return value\n", "[no-untyped-def]"),
    ],
)
def test_mypy_fails_on_a_planted_type_error(copy, mistake, code):
    mypy = _tool("mypy")
    root = copy.parents[2]
    args = (mypy, "--config-file", CONFIG, "--cache-dir", root / "cache", "-p", "zoneplan")
    clean = _run(*args, cwd=root)
    assert clean.returncode == 0, clean.stdout
    _plant(copy, mistake)
    failed = _run(*args, cwd=root)
    assert failed.returncode == 1
    assert code in failed.stdout
