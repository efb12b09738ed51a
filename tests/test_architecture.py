"""The architecture on the real package (no stubs): imports go one way, from a higher layer to a
lower one, and importing the optimiser loads neither the readers nor their libraries.

Layers, low to high: errors, types < domain, law < io < assess < recommend < optimise < pipeline
< analysis < report (with i18n: text is made at the edge) < cli. `synthetic` may import anything
but cli and report; `planner/__init__` (lazy public names) is exempt. The graph is read with
`ast`, module-level and function-level imports alike.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PLANNER = SRC / "planner"

LAYERS: dict[str, int] = {
    "errors": 0,
    "types": 0,
    "domain": 1,
    "law": 1,
    "io": 2,
    "interop": 2,  # other systems' formats (Moodle competency CSV) ↔ the law's data
    "assess": 3,
    "recommend": 4,
    "optimise": 5,
    "pipeline": 6,  # load → assess → recommend → build → solve, for every command and service
    "analysis": 7,
    "store": 7,  # the database: loads cases through io, keeps the runs' JSON (issue 17)
    "report": 8,
    "i18n": 8,  # message catalogs: rendering text belongs to the edge (issue 12, item 2)
    "locales": 8,  # the catalogs' data
    "cli": 9,
    "server": 9,  # the web service beside the CLI (issue 17): parses, calls, renders
    "__main__": 9,
}
SYNTHETIC_MAY_NOT_IMPORT = {"cli", "__main__", "report", "i18n"}
EXEMPT = {"__init__"}  # planner/__init__.py: the public names, loaded lazily from every layer

# Edges that break the layering, each (importer, imported) as module names, with why. Empty: add
# one only with a reason, and remove it when its import goes (a stale entry fails too).
KNOWN_EXCEPTIONS: set[tuple[str, str]] = set()
# Module cycles inside one package, each as the members of the cycle. Empty, and to stay so.
KNOWN_MODULE_CYCLES: list[list[str]] = []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PLANNER.rglob("*.py"))}


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The planner module `name` names, or its nearest existing parent."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph() -> dict[str, set[str]]:
    """module → the planner modules it imports anywhere in its body."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: from the module's package
                    base = module.split(".")
                    base = base if is_package else base[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    stem = ".".join(base + ([node.module] if node.module else []))
                else:
                    stem = node.module or ""
                # `from a.b import c`: the submodule a.b.c if there is one, else a.b (a name in it)
                names = [
                    f"{stem}.{alias.name}" if f"{stem}.{alias.name}" in modules else stem
                    for alias in node.names
                ]
            for name in names:
                if name == "planner" or name.startswith("planner."):
                    target = _resolve(name, modules)
                    if target is not None and target != module:
                        targets.add(target)
        graph[module] = targets
    return graph


def _part(module: str) -> str:
    """The top-level part of planner a module belongs to ('io', 'errors', '__init__', ...)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def layering_violations(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    bad = []
    for importer, targets in graph.items():
        low = _part(importer)
        if low in EXEMPT:
            continue
        for target in targets:
            high = _part(target)
            if high in EXEMPT:
                if low != high:
                    bad.append((importer, target))  # nothing imports the public entry points
                continue
            if low == "synthetic":
                if high in SYNTHETIC_MAY_NOT_IMPORT:
                    bad.append((importer, target))
                continue
            if high == "synthetic":
                if low not in {"cli", "__main__"}:  # the generate command calls the generators
                    bad.append((importer, target))
                continue
            if LAYERS[high] > LAYERS[low]:
                bad.append((importer, target))
    return sorted(bad)


def package_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Cycles between top-level parts (io ↔ report, ...), as lists of parts, each found once."""
    parts: dict[str, set[str]] = {}
    for importer, targets in graph.items():
        parts.setdefault(_part(importer), set()).update(
            _part(t) for t in targets if _part(t) != _part(importer)
        )
    return _cycles(parts)


def module_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    return _cycles(graph)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected component of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_cycle_in(sorted(c), graph) for c in components]


def _cycle_in(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """A concrete cycle within a strongly connected component, start → ... → start."""
    members = set(component)
    start = component[0]
    path = [start]
    seen = {start}
    while True:
        succ = sorted(s for s in graph.get(path[-1], ()) if s in members)
        if start in succ and len(path) > 1:
            return [*path, start]
        step = next((s for s in succ if s not in seen), None)
        if step is None:  # dead end in this walk: close through any member reaching start
            return [*path, start]
        path.append(step)
        seen.add(step)


GRAPH = import_graph()


def test_the_graph_sees_the_package() -> None:
    assert "planner.pipeline" in GRAPH["planner.cli.plan_cmd"]
    assert "planner.io.cells" in GRAPH["planner.io.indicators"]
    assert len(GRAPH) > 80


def test_every_package_has_a_layer() -> None:
    parts = {_part(m) for m in GRAPH} - EXEMPT - {"synthetic"}
    assert parts <= set(LAYERS), f"give these a layer in LAYERS: {sorted(parts - set(LAYERS))}"


def test_imports_go_one_way_between_layers() -> None:
    violations = layering_violations(GRAPH)
    unexpected = [edge for edge in violations if edge not in KNOWN_EXCEPTIONS]
    stale = sorted(KNOWN_EXCEPTIONS - set(violations))
    assert not unexpected, "imports from a lower layer to a higher one:\n" + "\n".join(
        f"  {a} -> {b}" for a, b in unexpected
    )
    assert not stale, "known exceptions that are gone (remove them):\n" + "\n".join(
        f"  {a} -> {b}" for a, b in stale
    )


def test_no_cycle_between_packages() -> None:
    cycles = package_cycles(GRAPH)
    assert not cycles, "import cycles between packages:\n" + "\n".join(
        "  " + " -> ".join(c) for c in cycles
    )


def test_no_cycle_between_modules() -> None:
    cycles = [c for c in module_cycles(GRAPH) if c not in KNOWN_MODULE_CYCLES]
    assert not cycles, "import cycles between modules:\n" + "\n".join(
        "  " + " -> ".join(c) for c in cycles
    )


def _loaded_after(statement: str) -> set[str]:
    code = textwrap.dedent(f"""
        import sys
        {statement}
        print("\\n".join(sorted(sys.modules)))
    """)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=SRC.parent
    )
    return set(out.stdout.split())


OPTIMISE_MODULES = sorted(m for m in GRAPH if m.startswith("planner.optimise"))


@pytest.mark.parametrize(
    "statement",
    ["import planner.optimise", "import " + ", ".join(OPTIMISE_MODULES)],
    ids=["package", "every-module"],
)
def test_importing_the_optimiser_loads_no_reader(statement: str) -> None:
    loaded = _loaded_after(statement)
    libraries = {m for m in loaded if m.split(".")[0] in {"yaml", "click", "openpyxl"}}
    readers = {m for m in loaded if m == "planner.io" or m.startswith("planner.io.")}
    assert not libraries and not readers, f"{statement} loads {sorted(libraries | readers)}"


def test_the_layer_checker_catches_an_upward_import() -> None:
    """The checks themselves: a fake upward edge and a fake cycle are reported."""
    graph = {"planner.io.case": {"planner.report.html"}, "planner.report.html": set()}
    assert layering_violations(graph) == [("planner.io.case", "planner.report.html")]
    cyclic = {"planner.io.a": {"planner.law.b"}, "planner.law.b": {"planner.io.a"}}
    assert package_cycles(cyclic) == [["io", "law", "io"]]


if __name__ == "__main__":  # pragma: no cover - a report for humans
    for a, b in layering_violations(GRAPH):
        print(f"{a} -> {b}")
    pytest.main([__file__])
