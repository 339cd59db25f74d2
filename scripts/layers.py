"""The import contract: a lower layer never imports a higher one, and no module imports itself back.

    python scripts/layers.py [src/editions]      # `make lint` runs this; exit 1 with one line a breach

Every import counts, wherever it is written: at the top, inside a function, or under TYPE_CHECKING
(a lazy import is still a dependency, only a hidden one). Modules in the same layer may import each
other; a top-level module or package missing from LAYERS is a breach too, so a new one gets placed.
Standard library only, so it runs before anything is installed.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = "editions"
# Lowest first. Data flows up: an article is read, segmented, translated, localized and checked,
# assembled by the pipeline, stored, and served. Each name is a top-level module or package.
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "__init__",
        "errors",
        "redact",
        "settings",
        "languages",
        "paths",
        "vocabulary",
        "document",
        "langid",
        "native",
    ),
    ("ingest", "segment", "sentences", "memory", "render", "xliff"),
    ("engines",),
    ("localize", "glossary", "qa"),
    ("pipeline", "condense"),
    ("store",),
    ("service", "cli", "cli_options", "evaluate", "doctor", "batch"),
)
_LAYER_OF = {name: index for index, names in enumerate(LAYERS) for name in names}


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(tree: ast.AST, modules: set[str]) -> Iterator[tuple[str, int]]:
    """(imported module of this package, line) for every import statement in the tree."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == PACKAGE or node.module.startswith(PACKAGE + "."):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    yield (full if full in modules else node.module), node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE + "."):
                    yield alias.name, node.lineno


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def graph(root: Path) -> dict[str, list[tuple[str, int]]]:
    files = {_module_name(path, root): path for path in sorted(root.rglob("*.py"))}
    return {
        module: sorted(set(_imports(ast.parse(path.read_text(encoding="utf-8")), set(files))))
        for module, path in files.items()
    }


def breaches(root: Path) -> list[str]:
    """One line for each import that goes down-to-up, each unplaced module, and each import cycle."""
    edges = graph(root)
    out = []
    for module in sorted(edges):
        if _top(module) not in _LAYER_OF:
            out.append(f"{module}: not in any layer of scripts/layers.py: place it in LAYERS")
            continue
        for target, line in edges[module]:
            if _top(target) in _LAYER_OF and _LAYER_OF[_top(target)] > _LAYER_OF[_top(module)]:
                out.append(
                    f"{_path(module, root)}:{line}: {module} imports {target}, a higher layer "
                    f"({_top(module)} is layer {_LAYER_OF[_top(module)]}, {_top(target)} "
                    f"layer {_LAYER_OF[_top(target)]})"
                )
    out += [f"import cycle: {' -> '.join(cycle)}" for cycle in _cycles(edges)]
    return out


def _path(module: str, root: Path) -> str:
    relative = Path(*module.split(".")[1:])
    package = root / relative / "__init__.py"
    return str(package if package.is_file() else (root / relative).with_suffix(".py"))


def _cycles(edges: dict[str, list[tuple[str, int]]]) -> list[list[str]]:
    """Each set of modules that import one another (Tarjan), as a path from its first member."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target, _ in edges.get(node, []):
            if target not in edges or target == node:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            members = []
            while True:
                member = stack.pop()
                members.append(member)
                if member == node:
                    break
            if len(members) > 1:
                found.append([*sorted(members), sorted(members)[0]])

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[1] if len(argv) > 1 else Path(__file__).resolve().parents[1] / "src" / PACKAGE)
    problems = breaches(root)
    for problem in problems:
        print(f"layers: {problem}", file=sys.stderr)
    if not problems:
        print(f"layers: {len(graph(root))} modules, {len(LAYERS)} layers, no back-imports, no cycles")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
