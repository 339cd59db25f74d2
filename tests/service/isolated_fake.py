"""A cheap in-process engine for the crash-isolation tests, importable by an engine worker process.

It is the one `FakeEngine` (tests/conftest.py), marked `in_process` so that the service runs it in a
worker process, and built from its options alone, as that process builds it. Each segment takes a
few milliseconds, so that other requests and jobs overlap a task.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType

from editions.engines.base import EngineOptions, TranslationRequest


def _root_conftest() -> ModuleType:
    """tests/conftest.py by its path: several folders have a `conftest` module, so the name alone may
    give another one, depending on which tests were collected first (and a spawned child has none)."""
    name = "editions_tests_conftest"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "conftest.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


FakeEngine = _root_conftest().FakeEngine

NAME = "isolated-fake"
SEGMENT_S = 0.05


def _slow_upper(request: TranslationRequest, _attempt: int) -> str:
    time.sleep(SEGMENT_S)
    return request.text.upper()


class IsolatedFake(FakeEngine):  # type: ignore[misc,valid-type]
    name = NAME
    in_process = True

    def __init__(self, options: EngineOptions) -> None:
        super().__init__(_slow_upper, options=options)


TARGET = f"{__name__}:IsolatedFake"
