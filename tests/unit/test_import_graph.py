"""The packages' import graph, read from the source (ast): no cycles, and the layers
point one way only: `parsers` imports nothing of `pipeline` or `sinks`, `sinks`
nothing of `pipeline`."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("parsers", "pipeline", "sinks")


def module_files(root: Path) -> dict[str, Path]:
    files = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            files[".".join(parts)] = path
    return files


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules `name` imports, wherever the import statement sits."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)  # `from pkg import module`
    return {m for m in found if m in known and m != name}


def import_graph(root: Path = REPO) -> dict[str, set[str]]:
    files = module_files(root)
    known = set(files)
    return {name: imported_modules(name, path, known) for name, path in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path `a -> b -> ... -> a`, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                return path[path.index(dep):] + [dep]
            if dep not in state:
                cycle = visit(dep)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


def test_the_graph_is_read_from_the_real_tree():
    graph = import_graph()
    assert "parsers.assemble" in graph and "pipeline.cli.app" in graph and "sinks.kafka" in graph
    assert "parsers.event" in graph["parsers.assemble"]


def test_no_import_cycles():
    assert find_cycle(import_graph()) is None


def test_a_cycle_is_found():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_a_cycle_through_a_function_level_import_is_found(tmp_path):
    (tmp_path / "parsers").mkdir()
    (tmp_path / "parsers" / "a.py").write_text("def f():\n    from parsers.b import g\n")
    (tmp_path / "parsers" / "b.py").write_text("from parsers import a\n")
    for package in ("pipeline", "sinks"):
        (tmp_path / package).mkdir()
    assert find_cycle(import_graph(tmp_path)) == ["parsers.a", "parsers.b", "parsers.a"]


def test_layers_point_one_way():
    wrong = []
    for name, deps in import_graph().items():
        for dep in deps:
            if name.startswith("parsers") and dep.split(".")[0] in ("pipeline", "sinks"):
                wrong.append(f"{name} -> {dep}")
            if name.startswith("sinks") and dep.split(".")[0] == "pipeline":
                wrong.append(f"{name} -> {dep}")
    assert wrong == []
