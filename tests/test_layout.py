"""The package layout: imports point down the pipeline, no cycles, every stage says what it owns."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "evkg"

# Stages from the bottom up: a module may import its own stage and the stages below it, never above.
STAGES = {
    "core": 0,
    "io": 1, "literature": 1, "terms": 1,
    "validation": 2, "classification": 2,
    "report": 3, "authoring": 3,
    "pipeline": 4, "graph": 4,
    "publish": 5,
    "web": 6,
    "cli": 7,
}
MAX_LINES = 500


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(name: str, path: Path) -> set[str]:
    """Every evkg module that `name` imports, at module level or inside functions."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith("evkg"):
                found.add(target)
    return found


GRAPH = {name: imported_modules(name, path) for name, path in MODULES.items()}


def stage_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else None


def test_every_module_belongs_to_a_known_stage():
    unknown = sorted(name for name in MODULES if name != "evkg" and stage_of(name) not in STAGES)
    assert not unknown, f"modules outside the stages of the pipeline: {unknown}; add the stage to STAGES and docs/architecture.md"


def test_imports_point_down_the_pipeline():
    upward = []
    for name, targets in GRAPH.items():
        if name == "evkg":
            continue
        for target in targets:
            if target == "evkg":
                continue
            if STAGES[stage_of(target)] > STAGES[stage_of(name)]:
                upward.append(f"{name} -> {target}")
            elif STAGES[stage_of(target)] == STAGES[stage_of(name)] and stage_of(target) != stage_of(name):
                upward.append(f"{name} -> {target} (sibling stages stay independent)")
    assert not upward, "imports against the pipeline:\n" + "\n".join(sorted(upward))


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_no_import_cycles():
    # Package __init__ files that only hold a docstring do not count as importing their children.
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_each_stage_says_what_it_owns(stage):
    path = PACKAGE / stage / "__init__.py" if (PACKAGE / stage).is_dir() else PACKAGE / f"{stage}.py"
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc and len(doc.split()) >= 20, f"{path.relative_to(PACKAGE.parent)} needs a docstring saying what the stage owns"


def test_long_modules_say_why():
    unexplained = []
    for name, path in MODULES.items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if lines > MAX_LINES and "longer than" not in doc.lower():
            unexplained.append(f"{name} ({lines} lines)")
    assert not unexplained, f"modules over {MAX_LINES} lines without a reason in their docstring: {unexplained}"
