"""The package's shape: no heavy backend at import time, a curated public API."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

HEAVY = ("llama_cpp", "huggingface_hub", "numpy", "trafilatura", "lingua")


def test_importing_the_core_loads_no_heavy_backend() -> None:
    code = (
        "import sys, editions, editions.cli, editions.pipeline, editions.engines, editions.ingest, "
        "editions.render, editions.document\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "", f"loaded at import time: {loaded.stdout.strip()}"


@pytest.mark.parametrize("module", ["editions.engines", "editions.ingest", "editions.render"])
def test_public_api_names_exist(module: str) -> None:
    imported = importlib.import_module(module)
    assert imported.__all__ and all(hasattr(imported, name) for name in imported.__all__)
