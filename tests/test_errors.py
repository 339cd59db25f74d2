"""One error tree: every exception we raise on purpose is in editions/errors.py and in its drawing."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from editions import errors

SRC = Path(__file__).resolve().parents[1] / "src" / "editions"


def test_every_error_class_is_drawn_in_the_tree() -> None:
    classes = [
        obj for _, obj in inspect.getmembers(errors, inspect.isclass) if issubclass(obj, errors.EditionsError)
    ]
    drawing = errors.__doc__ or ""
    assert len(classes) >= 20
    assert [c.__name__ for c in classes if f" {c.__name__}" not in drawing] == []


def test_no_module_outside_errors_py_defines_its_own_error() -> None:
    defined = []
    for path in SRC.rglob("*.py"):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
                if bases & ({"Exception"} | {name for name in dir(errors) if name.endswith("Error")}):
                    defined.append(f"{path.relative_to(SRC)}:{node.name}")
    # private control-flow signals that never reach a user are the only exceptions allowed elsewhere
    assert all(name.split(":")[1].startswith("_") for name in defined), defined
