"""The import contract (scripts/layers.py, run by `make lint`) holds, and catches what it is for."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "layers.py"


def _run(src: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(src)], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    src = tmp_path / "editions"
    shutil.copytree(ROOT / "src" / "editions", src, ignore=shutil.ignore_patterns("__pycache__"))
    return src


def test_the_package_keeps_its_layers() -> None:
    result = _run(ROOT / "src" / "editions")
    assert result.returncode == 0, result.stderr
    assert "no back-imports, no cycles" in result.stdout


def test_a_lazy_back_import_is_a_breach(tree: Path) -> None:
    base = tree / "engines" / "base.py"
    base.write_text(base.read_text() + "\n\ndef _planted():\n    from editions.pipeline import Pipeline\n")
    result = _run(tree)
    assert result.returncode == 1
    first, *rest = result.stderr.splitlines()
    assert first.startswith(f"layers: {base}:")
    assert "editions.engines.base imports editions.pipeline, a higher layer" in first
    assert all(line.startswith("layers: import cycle: ") for line in rest)  # pipeline imports engines


def test_a_cycle_is_a_breach_even_under_type_checking(tree: Path) -> None:
    context = tree / "service" / "context.py"
    planted = "if True:  # as under TYPE_CHECKING\n    from editions.service.worker import JobRunner\n"
    context.write_text(context.read_text().replace("MB = 1024", planted + "MB = 1024", 1))
    result = _run(tree)
    assert result.returncode == 1
    assert "import cycle: editions.service.context -> " in result.stderr
    assert "editions.service.worker" in result.stderr


def test_a_new_module_must_be_placed(tree: Path) -> None:
    (tree / "unplaced.py").write_text('"""A module no layer names."""\n')
    result = _run(tree)
    assert result.returncode == 1
    assert "editions.unplaced: not in any layer of scripts/layers.py" in result.stderr
