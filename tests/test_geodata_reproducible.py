"""
geodata/ is the output of tools/digitize_geodata.py, byte for byte.

The generator is run into an empty folder and every file is compared with the shipped
one, so a hand edit of a layer, of the events or of the catalog (or a generator change
committed without its output) fails here. Its calls pass figures by keyword.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "digitize_geodata.py"
GEODATA = ROOT / "geodata"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("digitize_geodata", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("regenerated") / "geodata"
    assert not out.exists()
    assert _tool().main([str(out)]) == 0
    return out


def test_generator_reproduces_geodata_byte_for_byte(regenerated: Path) -> None:
    shipped = sorted(p.name for p in GEODATA.iterdir() if p.is_file())
    made = sorted(p.name for p in regenerated.iterdir())
    assert made == shipped
    for name in shipped:
        assert (regenerated / name).read_bytes() == (GEODATA / name).read_bytes(), name


def test_figures_are_passed_by_keyword() -> None:
    tree = ast.parse(TOOL.read_text(encoding="utf-8"))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "props"
    ]
    assert len(calls) > 30
    for call in calls:
        # only the id and the two names by position; every figure by its name
        assert len(call.args) <= 3, f"line {call.lineno}: figures passed by position"
        names = {k.arg for k in call.keywords}
        assert {"declared_area_ha", "accuracy_m", "source_url", "method"} <= names, call.lineno
    # the props signature itself refuses figures by position
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "props")
    assert [a.arg for a in fn.args.args] == ["id_", "name_vi", "name_en"]
