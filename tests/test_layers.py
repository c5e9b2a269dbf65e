"""The layer contract: each module imports only from its own unit or the layers below it (function-level
imports included), and no two modules or units import each other, directly or round a loop.

The flow reads top to bottom: what a secret looks like, then reading files, detecting, screening, scanning,
then fixing or reporting, the Python API, and the edges (the notebook integrations and the CLI).
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "hf_secret_guard"

# Lowest first.  Units in one layer may not import each other: they are independent features.
LAYERS: list[set[str]] = [
    {"regexes"},
    {"_version", "model", "providers"},
    {"options", "rules", "tokens"},
    {"read", "discover"},
    {"detect"},
    {"screen"},
    {"scan"},
    {"fix", "report", "baseline", "history", "hub"},
    {"api"},
    {"integrations"},
    {"jupyter"},  # the documented entry point of the save hook: a thin layer over integrations
    {"cli"},
]
# The package root (lazy public names), ``python -m`` and the deprecated re-export module stand outside.
OUTSIDE = {"__init__", "__main__", "ftypes"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every ``hf_secret_guard`` module ``path`` imports, at the top or inside a function."""
    found: set[str] = set()
    here = module_name(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("hf_secret_guard"))
        elif isinstance(node, ast.ImportFrom):
            assert not node.level, f"{path}: a relative import; the package uses absolute ones"
            base = node.module or ""
            if not base.startswith("hf_secret_guard"):
                continue
            for alias in node.names:  # ``from hf_secret_guard.scan import parallel`` imports a module
                sub = f"{base}.{alias.name}"
                found.add(sub if module_path(sub) is not None else base)
    found.discard(here)
    return found


def module_path(name: str) -> Path | None:
    path = PACKAGE.parent.joinpath(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def unit(name: str) -> str:
    parts = name.split(".")
    if len(parts) == 1:
        return "__init__"
    return parts[1]


def layer(unit_name: str) -> int:
    for index, units in enumerate(LAYERS):
        if unit_name in units:
            return index
    raise AssertionError(f"hf_secret_guard.{unit_name} is in no layer: add it to LAYERS in {__file__}")


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


@functools.cache
def import_graph() -> dict[str, set[str]]:
    """Each module's imports, parsed once, by the worker that runs these tests (not at collection)."""
    return {name: imports(path) for name, path in MODULES.items()}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_go_down_the_layers(name: str) -> None:
    here = unit(name)
    if here in OUTSIDE:
        return
    wrong = [
        target
        for target in sorted(import_graph()[name])
        if unit(target) != here and (unit(target) in OUTSIDE or layer(unit(target)) >= layer(here))
    ]
    assert not wrong, f"{name} (layer {layer(here)}) imports {wrong}: move the code down, or the import up"


def test_no_import_cycles() -> None:
    """Between modules, and between units (packages): a loop hides which one is the foundation."""
    modules = import_graph()
    for graph in (
        modules,
        {
            u: {unit(t) for n in modules if unit(n) == u for t in modules[n]} - {u}
            for u in {unit(n) for n in modules}
        },
    ):
        seen: dict[str, int] = {}  # 1: on the current path, 2: done

        def visit(
            node: str, path: list[str], graph: dict[str, set[str]] = graph, seen: dict[str, int] = seen
        ) -> None:
            seen[node] = 1
            for target in sorted(graph.get(node, ())):
                if seen.get(target) == 1:
                    cycle = [*path[path.index(target) :], target] if target in path else [node, target]
                    raise AssertionError(f"import cycle: {' -> '.join(cycle)}")
                if target not in seen:
                    visit(target, [*path, target])
            seen[node] = 2

        for start in sorted(graph):
            if start not in seen:
                visit(start, [start])


def test_the_design_lists_every_module_once() -> None:
    """docs/design.md's "Modules, one job each" names each module of the package, and no other: a module
    added, moved or removed shows there too."""
    text = (PACKAGE.parent / "docs" / "design.md").read_text(encoding="utf-8")
    block = text.split("## Modules, one job each\n\n```text\n", 1)[1].split("```", 1)[0]
    listed = [line.split()[0] for line in block.splitlines() if line and not line.startswith(" ")]
    files = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py"))
    assert listed == sorted(listed) and len(listed) == len(set(listed))
    assert set(listed) == set(files), (set(files) - set(listed), set(listed) - set(files))
