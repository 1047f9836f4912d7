"""facilitator/ has no import cycle (docs/architecture.md, "Modules").

A cycle makes the import order matter and hides layering mistakes (a module
of actions reaching back into the socket layer). Every import counts, the
ones inside functions too (a lazy import is still a dependency); only imports
under ``if TYPE_CHECKING:`` are left out. Importing ``a.b.c`` runs the
``__init__`` of ``a`` and ``a.b`` first, so those count as well (but not a
module's own parent packages, which are already importing).
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "facilitator"


def modules() -> dict[str, Path]:
    found = {}
    for path in (ROOT / PACKAGE).rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported_names(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for stmt in node.body
        for n in ast.walk(stmt)
    }
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            submodules = [f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in known]
            targets.update(submodules if len(submodules) == len(node.names) else [target, *submodules])
    edges = set()
    for target in targets:
        parts = target.split(".")
        for end in range(1, len(parts) + 1):
            name = ".".join(parts[:end])
            if name in known and name != module and not module.startswith(name + "."):
                edges.add(name)
    return edges


def test_the_package_has_no_import_cycle():
    known = modules()
    assert len(known) > 50
    graph = {module: imported_names(module, path, known) for module, path in known.items()}
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None


def test_a_cycle_would_be_seen(tmp_path):
    """The check itself: two modules importing each other are reported."""
    (tmp_path / "a.py").write_text("from . import b\n")
    (tmp_path / "b.py").write_text("def f():\n    from .a import x\n")
    known = {"p.a": tmp_path / "a.py", "p.b": tmp_path / "b.py", "p": tmp_path / "__init__.py"}
    (tmp_path / "__init__.py").write_text("")
    graph = {m: imported_names(m, p, known) for m, p in known.items()}
    assert graph["p.a"] == {"p.b"} and graph["p.b"] == {"p.a"}
