"""`editions doctor` as a user runs it: exit code, one line of advice per failure, and a parent that lives.

The healthy case and the native ones load the real default model in a child process (marked `model`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from editions.engines.models import DEFAULT_MODEL


def doctor(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("editions")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "editions.cli"]
    return subprocess.run(
        [*command, "doctor", *args], capture_output=True, text=True, timeout=600,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


def _report(result: subprocess.CompletedProcess[str]) -> dict[str, dict[str, str]]:
    return {c["name"]: c for c in json.loads(result.stdout)["checks"]}


def _hints(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("editions doctor: ")]


@pytest.fixture
def cache(tmp_path: Path) -> dict[str, str]:
    """A private native-check cache, so a planted crash is never remembered for the real suite."""
    return {"EDITIONS_CACHE_DIR": str(tmp_path / "cache"), "EDITIONS_DATA_DIR": str(tmp_path / "data")}


@pytest.mark.model
def test_a_healthy_machine(default_model_path: Path, cache: dict[str, str]) -> None:
    result = doctor("--format", "json", env={**cache, "EDITIONS_MODELS_DIR": str(default_model_path.parent)})
    assert result.returncode == 0, result.stderr
    report = _report(result)
    assert json.loads(result.stdout)["ok"] is True
    for name in ("python", "model", "native", "cpu", "data"):
        assert report[name]["status"] in ("ok", "warn"), report[name]
    assert report["model"]["status"] == "ok" and "verified" in report["model"]["detail"]
    assert report["native"]["status"] == "ok" and "tok/s" in report["native"]["detail"]
    assert "llama-cpp-python 0.3" in report["python"]["detail"]
    assert not [h for h in _hints(result) if ": fail: " in h]
    table = doctor(env={**cache, "EDITIONS_MODELS_DIR": str(default_model_path.parent)})
    assert table.returncode == 0 and "native" in table.stdout and "verified" in table.stdout


def test_the_model_missing(tmp_path: Path, cache: dict[str, str]) -> None:
    result = doctor(
        "--format", "json", "--check", "native", env={**cache, "EDITIONS_MODELS_DIR": str(tmp_path)}
    )
    assert result.returncode == 1
    report = _report(result)
    assert report["model"]["status"] == "fail" and report["native"]["status"] == "skip"
    prepare = "run `editions model prepare` (or `make model`)"
    assert _hints(result) == [f"editions doctor: model: fail: the default model is not prepared: {prepare}"]
    assert "Traceback" not in result.stderr


def test_the_model_corrupted(tmp_path: Path, cache: dict[str, str]) -> None:
    with (tmp_path / DEFAULT_MODEL.filename).open("wb") as handle:  # the right size, the wrong bytes
        handle.truncate(DEFAULT_MODEL.size)
    result = doctor(
        "--format", "json", "--check", "model", env={**cache, "EDITIONS_MODELS_DIR": str(tmp_path)}
    )
    assert result.returncode == 1
    assert _report(result)["model"]["detail"].endswith(f"expected {DEFAULT_MODEL.sha256[:16]}…")
    (hint,) = _hints(result)
    assert hint.startswith("editions doctor: model: fail: the default model is corrupted (sha256 mismatch)")


@pytest.mark.model
@pytest.mark.parametrize(("fault", "signal_name"), [("abort", "SIGABRT"), ("segv", "SIGSEGV")])
def test_a_native_child_that_dies(
    default_model_path: Path, cache: dict[str, str], fault: str, signal_name: str
) -> None:
    env = {
        **cache,
        "EDITIONS_MODELS_DIR": str(default_model_path.parent),
        "EDITIONS_NATIVE_CHILD_FAULT": fault,
    }
    result = doctor("--check", "native", env=env)
    assert result.returncode == 1  # the parent exits on its own: it was not killed with the child
    (hint,) = _hints(result)
    assert hint.startswith(f"editions doctor: native: fail: the llama.cpp library died with {signal_name}")
    assert "built with" in hint and "`make native`" in hint
    assert "Traceback" not in result.stderr


@pytest.mark.model
def test_translate_refuses_with_the_same_hint_instead_of_dying(
    default_model_path: Path, cache: dict[str, str], tmp_path: Path
) -> None:
    story = tmp_path / "story.md"
    story.write_text("# Port reopens\n\nThe port reopened on Monday.\n")
    script = Path(sys.executable).with_name("editions")
    env = {**os.environ, **cache, "EDITIONS_MODELS_DIR": str(default_model_path.parent),
           "EDITIONS_NATIVE_CHILD_FAULT": "segv"}  # fmt: skip
    for _ in range(2):  # the second time the remembered verdict answers, without a child
        result = subprocess.run([str(script), "translate", str(story), "--to", "fr"], capture_output=True,
                                text=True, timeout=600, env=env)  # fmt: skip
        assert result.returncode == 69, result.stderr
        assert result.stderr.startswith("editions: error: the llama.cpp library died with SIGSEGV")
        assert len(result.stderr.strip().splitlines()) == 1
    remembered = json.loads((Path(cache["EDITIONS_CACHE_DIR"]) / "native-check.json").read_text())
    assert [entry["signal"] for entry in remembered.values()] == ["SIGSEGV"]
