"""The layout of `plant`: no import circles among its modules, no module past 500 lines.

The import graph is read from the source with `ast`, so it sees every import a module can run:
at module level, inside functions and under `if TYPE_CHECKING:`. `from x import y` imports the
module `x.y` when `y` is one, else `x`. `python -m tests.plant.test_layout scheduling` prints
the circles of any package.
"""

from __future__ import annotations

import ast
import sys
from collections import deque
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 500

Graph = dict[str, dict[str, int]]  # module -> {imported module: line of the first import}


def modules_of(package: Path) -> dict[str, Path]:
    """Every module of the package in the directory `package`, by dotted name."""
    modules = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _known(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of the dotted `name` that is one of `modules`."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in modules:
            return prefix
    return None


def _targets(
    node: ast.Import | ast.ImportFrom, module: str, path: Path, modules: dict[str, Path]
) -> list[str]:
    """The modules of the package an import statement loads."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:  # relative: from the module's package, one level up per extra dot
            package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
            anchor = ".".join(package[: len(package) - node.level + 1])
            base = f"{anchor}.{base}" if base else anchor
        # `from x import y` loads the module x.y if y is one, else takes the name y from x
        names = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
    found = (_known(name, modules) for name in names)
    return [target for target in found if target is not None and target != module]


def import_graph(package: Path) -> Graph:
    modules = modules_of(package)
    graph: Graph = {}
    for module, path in modules.items():
        edges = graph.setdefault(module, {})
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in _targets(node, module, path, modules):
                    edges.setdefault(target, node.lineno)
    return graph


def _components(graph: Graph) -> list[list[str]]:
    """Strongly connected components (Tarjan), iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    found.append(sorted(component))
    return found


def _shortest_cycle(graph: Graph, start: str, members: set[str]) -> list[str]:
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for successor in sorted(graph[node]):
            if successor == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [*reversed(path), start]
            if successor in members and successor not in came_from:
                came_from[successor] = node
                queue.append(successor)
    raise AssertionError("not a cycle")  # pragma: no cover


def import_cycles(package: Path) -> list[list[str]]:
    """One shortest circle per group of modules that import each other, e.g.
    [["plant.a", "plant.b", "plant.a"]]; empty when the imports form no circle."""
    graph = import_graph(package)
    groups = [c for c in _components(graph) if len(c) > 1]
    return sorted(_shortest_cycle(graph, group[0], set(group)) for group in groups)


def long_modules(package: Path, limit: int = MAX_LINES) -> dict[str, int]:
    """Modules (migrations aside) longer than `limit` lines, with their lengths."""
    lengths = {
        module: len(path.read_text().splitlines())
        for module, path in modules_of(package).items()
        if "migrations" not in path.parts
    }
    return {module: lines for module, lines in lengths.items() if lines > limit}


def describe(package: Path) -> str:
    graph = import_graph(package)
    lines = []
    for cycle in import_cycles(package):
        hops = [f"{a} (line {graph[a][b]}) -> {b}" for a, b in pairwise(cycle)]
        lines.append("circle:\n  " + "\n  ".join(hops))
    return "\n".join(lines) or f"{package.name}: no import circles among {len(graph)} modules"


def test_the_modules_of_plant_import_each_other_in_no_circle() -> None:
    assert import_cycles(ROOT / "plant") == [], describe(ROOT / "plant")


def test_no_module_of_plant_is_longer_than_500_lines() -> None:
    assert long_modules(ROOT / "plant") == {}


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "pkg"


def test_the_check_finds_a_circle_through_a_function_and_type_checking(tmp_path) -> None:
    package = write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg import b, VERSION\n",
            "pkg/b.py": "def f():\n    from .sub.c import g\n",
            "pkg/sub/__init__.py": "",
            "pkg/sub/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from .. import a\n",
            "pkg/d.py": "import pkg.sub.c\n",
        },
    )
    assert import_cycles(package) == [["pkg.a", "pkg.b", "pkg.sub.c", "pkg.a"]]
    assert import_graph(package)["pkg.a"] == {"pkg.b": 1, "pkg": 1}


def test_the_check_finds_no_circle_between_a_package_and_its_modules_names(tmp_path) -> None:
    package = write(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.models import Item\n",
            "pkg/models.py": "X = 1\n",
            "pkg/views.py": "from pkg.models import X\nfrom pkg import models\n",
        },
    )
    assert import_cycles(package) == []
    assert long_modules(package, limit=1) == {"pkg.views": 2}


if __name__ == "__main__":
    for name in sys.argv[1:] or ["plant"]:
        print(describe(ROOT / name))
