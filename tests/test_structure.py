"""
The shape of src/zoneplan: no import cycle, no module importing another's private names.

Both checks read the code with `ast` (nothing is imported), every import counted
(also those inside functions), except the ones under ``if TYPE_CHECKING:``. Each is
also run on a copy of the package with one such mistake planted, and must find it.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from helpers import REPO

SRC = REPO / "src"
#: One of the Chromium flags, to find the lists of them.
FLAG = "--disable-background-networking"


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement of a module, outside ``if TYPE_CHECKING:`` blocks."""
    found: list[ast.Import | ast.ImportFrom] = []

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    walk(sub)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append(child)
            walk(child)

    walk(tree)
    return found


def _parse(root: Path) -> dict[str, tuple[Path, ast.Module]]:
    return {
        _module_name(p, root): (p, ast.parse(p.read_text(encoding="utf-8")))
        for p in sorted((root / "zoneplan").rglob("*.py"))
    }


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module → the package's modules it imports (``from pkg import sub`` counts as pkg.sub)."""
    modules = _parse(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, (path, tree) in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _imports(tree):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [
                    f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                    for a in node.names
                ]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def import_cycles(root: Path) -> list[list[str]]:
    """The import cycles of the package, each as the modules around it (Tarjan's SCCs)."""
    graph = import_graph(root)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


def private_imports(root: Path) -> list[str]:
    """``module: name`` for every private name of a zoneplan module used by another one."""
    modules = _parse(root)
    found = []
    for name, (_, tree) in modules.items():
        aliases: dict[str, str] = {}  # local name → zoneplan module it is bound to
        for node in _imports(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("zoneplan"):
                for a in node.names:
                    target = f"{node.module}.{a.name}"
                    if target in modules:
                        aliases[a.asname or a.name] = target
                    elif a.name.startswith("_") and not a.name.startswith("__"):
                        found.append(f"{name}: {node.module}.{a.name}")
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith("zoneplan") and a.asname:
                        aliases[a.asname] = a.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and aliases[node.value.id] != name
            ):
                found.append(f"{name}: {aliases[node.value.id]}.{node.attr}")
    return sorted(set(found))


def test_no_import_cycle():
    assert import_cycles(SRC) == []


def test_no_module_imports_another_modules_private_names():
    assert private_imports(SRC) == []


@pytest.fixture
def copy(tmp_path) -> Path:
    shutil.copytree(SRC / "zoneplan", tmp_path / "zoneplan")
    return tmp_path


def _plant(copy: Path, module: str, line: str) -> None:
    path = copy / "zoneplan" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_a_planted_cycle_is_found(copy):
    _plant(copy, "errors.py", "def _late():\n    from zoneplan.render import map")
    cycles = import_cycles(copy)
    assert cycles
    assert any("zoneplan.errors" in c and "zoneplan.render.map" in c for c in cycles)


@pytest.mark.parametrize(
    "line",
    [
        "from zoneplan.crs import _vn2000_geographic_shift",
        "from zoneplan import crs as zc\nzc._vn2000_geographic_shift()",
    ],
)
def test_a_planted_private_import_is_found(copy, line):
    _plant(copy, "areas.py", line)
    assert private_imports(copy) == ["zoneplan.areas: zoneplan.crs._vn2000_geographic_shift"]


def test_tests_take_shared_helpers_from_helpers_not_conftest():
    tests = REPO / "tests"
    offenders = [
        f"{path.relative_to(REPO)}: {node.module}"
        for path in tests.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] == "conftest"
    ]
    assert offenders == []


def test_one_list_of_chromium_flags():
    """The browser tests and the map benchmark launch Chromium with zoneplan.render.chromium's."""
    home = SRC / "zoneplan" / "render" / "chromium.py"
    assert FLAG in home.read_text(encoding="utf-8")
    places = [*REPO.glob("tests/**/*.py"), *REPO.glob("benchmarks/*.py"), *SRC.rglob("*.py")]
    written = [
        str(p.relative_to(REPO))
        for p in places
        if p not in (home, Path(__file__)) and FLAG in p.read_text(encoding="utf-8")
    ]
    assert written == []
    for user in ("tests/browser/conftest.py", "benchmarks/bench_map.py"):
        assert "chromium.CHROMIUM_ARGS" in (REPO / user).read_text(encoding="utf-8"), user
