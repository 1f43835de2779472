"""The package's modules import one way: no import cycle (function-level imports included), and
each module imports only from its own layer or the layers below it (ARCHITECTURE.md).

Imports under ``if TYPE_CHECKING:`` are annotations only, never run, and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "pifi_ablation"

# Lowest first.  A new module must be placed here (the test says so).
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("facts", frozenset({"errors", "messages", "paths", "provenance", "registry", "student_t", "study"})),
    ("sources", frozenset({"schema", "sources", "sources.demo", "sources.measured",
                           "sources.measured.checks", "sources.measured.derive",
                           "sources.measured.grids", "sources.measured.logs",
                           "sources.measured.names", "sources.measured.reading",
                           "sources.measured.settings"})),
    # sources.demo_layers reads its simulation through the measured reader into Layers.
    ("model", frozenset({"ablations", "layers", "coverage", "nodata", "sources.demo_layers"})),
    ("analysis", frozenset({"stats", "paired", "metrics", "finding", "findings", "verdicts",
                            "main_findings", "main_results", "signals", "layer_rows"})),
    ("presentation", frozenset({"style", "markup", "figure_layout", "figure_cost", "figures", "figures_main",
                                "figures_ko", "tables", "latex", "korean"})),
    ("edges", frozenset({"", "__main__", "pages", "pages_main", "data", "export", "export_main",
                         "release", "diff", "check_paper", "changes"})),
)
LEVEL = {module: level for level, (_, modules) in enumerate(LAYERS) for module in modules}


def _modules() -> dict[str, Path]:
    """Every module of the package by its name relative to the package ('' for its __init__)."""
    found = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = path.relative_to(SRC / PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """The ids of the import nodes inside ``if TYPE_CHECKING:`` blocks."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and (
                (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
                or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")):
            skipped |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return skipped


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that ``name`` imports when run, at any level of its code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_nodes(tree)
    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    here = [p for p in here if p]
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join([PACKAGE, *here[:len(here) - node.level + 1]])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            targets = [f"{module}.{a.name}" for a in node.names] + [module]
        for target in targets:
            if target != PACKAGE and not target.startswith(PACKAGE + "."):
                continue
            rel = target[len(PACKAGE) + 1:]
            if rel in modules:  # ``from pifi_ablation.x import y``: the module y, else x
                found.add(rel)
                if isinstance(node, ast.ImportFrom):
                    break
    found.discard(name)
    return found


GRAPH = {name: _imports(name, path, _modules()) for name, path in _modules().items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

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
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_every_module_has_a_layer():
    assert sorted(set(GRAPH) - set(LEVEL)) == [], "place each new module in a layer of LAYERS"
    assert sorted(set(LEVEL) - set(GRAPH)) == [], "LAYERS names a module that no longer exists"


def test_no_import_cycle():
    assert _cycles(GRAPH) == []


@pytest.mark.parametrize("name", sorted(GRAPH))
def test_imports_go_down_the_layers(name):
    upward = sorted(f"{m} ({LAYERS[LEVEL[m]][0]})" for m in GRAPH[name] if LEVEL[m] > LEVEL[name])
    assert upward == [], f"{name or PACKAGE} ({LAYERS[LEVEL[name]][0]}) imports from a layer above it"


def test_the_checks_see_what_they_check():
    """The graph finds function-level imports and a cycle made of them, and skips TYPE_CHECKING."""
    assert "verdicts" in GRAPH["findings"] and "finding" in GRAPH["verdicts"]
    assert "derive" not in GRAPH["sources.measured.derive"]
    assert "sources.measured.reading" not in GRAPH["sources.measured.derive"]  # TYPE_CHECKING only
    assert "sources.measured.derive" in GRAPH["sources.measured.reading"]
    assert "verdicts" in GRAPH["tables"]  # imported inside a function
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]
