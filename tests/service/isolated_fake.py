"""A cheap in-process engine for the crash-isolation tests, importable by an engine worker process.

It is the one `FakeEngine` (tests/conftest.py), marked `in_process` so that the service runs it in a
worker process, and built from its options alone, as that process builds it. Each segment takes a
few milliseconds, so that other requests and jobs overlap a task.
"""

from __future__ import annotations

import time

from conftest import FakeEngine  # tests/ is on sys.path under pytest, and a spawned child inherits it
from editions.engines.base import EngineOptions, TranslationRequest

NAME = "isolated-fake"
SEGMENT_S = 0.05


def _slow_upper(request: TranslationRequest, _attempt: int) -> str:
    time.sleep(SEGMENT_S)
    return request.text.upper()


class IsolatedFake(FakeEngine):
    name = NAME
    in_process = True

    def __init__(self, options: EngineOptions) -> None:
        super().__init__(_slow_upper, options=options)


TARGET = f"{__name__}:IsolatedFake"
