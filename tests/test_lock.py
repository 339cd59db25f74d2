"""requirements.lock agrees with pyproject.toml, and `make` refuses to install when it does not."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import lock  # noqa: E402


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    native = ("src/editions/native/build.py", "src/editions/native/cpu.py")
    names = ("Makefile", "pyproject.toml", "requirements.lock", "scripts/lock.py", *native)
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_the_lock_agrees_with_pyproject() -> None:
    assert lock.disagreements(ROOT / "pyproject.toml", ROOT / "requirements.lock") == []
    _, pins = lock.read_lock(ROOT / "requirements.lock")
    # transitive dependencies and the build tools are pinned, not only what pyproject names
    for name in (
        "llama-cpp-python",
        "pydantic-core",
        "starlette",
        "numpy",
        "setuptools",
        "scikit-build-core",
    ):
        assert name in pins, name


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_range_the_pin_does_not_satisfy(tree: Path) -> None:
    _edit(tree / "pyproject.toml", '"pydantic>=2.6"', '"pydantic>=99"')
    problems = lock.disagreements(tree / "pyproject.toml", tree / "requirements.lock")
    assert len(problems) == 1
    assert problems[0].startswith(
        "project.dependencies needs pydantic>=99 but requirements.lock pins pydantic=="
    )


def test_a_new_dependency_the_lock_lacks(tree: Path) -> None:
    _edit(tree / "pyproject.toml", '"click>=8.1",', '"click>=8.1",\n  "tabulate-extra>=6",')
    problems = lock.disagreements(tree / "pyproject.toml", tree / "requirements.lock")
    assert problems == [
        "project.dependencies needs tabulate-extra>=6 but requirements.lock does not pin tabulate-extra"
    ]


def test_any_change_of_the_dependency_tables(tree: Path) -> None:
    _edit(tree / "pyproject.toml", '"rich>=13"', '"rich>=13.1"')  # still satisfied by the pin
    assert lock.disagreements(tree / "pyproject.toml", tree / "requirements.lock") == [
        "the dependency tables of pyproject.toml changed since requirements.lock was made"
    ]


def test_make_stops_with_a_clear_message(tree: Path) -> None:
    _edit(tree / "pyproject.toml", '"pydantic>=2.6"', '"pydantic>=99"')
    result = subprocess.run(
        ["make", "-C", str(tree), "check-lock"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert (
        "error: requirements.lock disagrees with pyproject.toml: project.dependencies needs pydantic>=99"
        in (result.stderr)
    )
    assert "run `make lock`" in result.stderr
    # and the install step runs the same check before it creates anything
    dry = subprocess.run(
        ["make", "-C", str(tree), "-n", "install"], capture_output=True, text=True, timeout=120
    )
    commands = [line for line in dry.stdout.splitlines() if not line.startswith("make")]
    assert commands[0].endswith("scripts/lock.py check"), dry.stdout


def test_a_missing_lock(tree: Path) -> None:
    (tree / "requirements.lock").unlink()
    assert lock.disagreements(tree / "pyproject.toml", tree / "requirements.lock") == [
        "requirements.lock is missing: run `make lock`"
    ]
