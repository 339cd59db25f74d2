"""Hypothesis profiles for the fuzz tests, and the per-target tally `make fuzz` prints and saves.

    ci     (default; what `make test` runs) 200 examples per test, derandomized: the same inputs on
           every run and every machine, no example database, so a failure is a failure of the code
    fuzz   (`make fuzz`, HYPOTHESIS_PROFILE=fuzz) ≥ 10,000 examples per test, random, no deadline;
           failing examples are kept in .hypothesis/ (ignored by git) and replayed first next time

Each test calls `fuzz_tally.tally(target)` once per example. At the end of the session the table of examples,
failures and wall time per target is printed, and written as JSON where EDITIONS_FUZZ_REPORT names a
file (`make fuzz` writes benchmarks/results/fuzz.json).
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from fuzz_tally import current, examples, failures, seconds
from hypothesis import HealthCheck, settings

CI_EXAMPLES = 200
FUZZ_EXAMPLES = 10_000
REPORT_ENV = "EDITIONS_FUZZ_REPORT"
_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile(
    "ci",
    max_examples=CI_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,  # 2 shared cores: a slow example is not a bug
    suppress_health_check=_SLOW_IS_FINE,
    print_blob=True,
)
settings.register_profile(
    "fuzz",
    max_examples=FUZZ_EXAMPLES,
    derandomize=False,
    deadline=None,
    suppress_health_check=_SLOW_IS_FINE,
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    current.clear()
    started = time.perf_counter()
    outcome = yield
    target = current.get("target", item.name)
    seconds[target] += time.perf_counter() - started
    if outcome.excinfo is not None:
        failures[target] += _count_errors(outcome.excinfo[1])


def _count_errors(error: BaseException) -> int:
    """Hypothesis reports several distinct bugs of one test as an exception group."""
    if isinstance(error, BaseExceptionGroup):
        return sum(_count_errors(inner) for inner in error.exceptions)
    return 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not examples:
        return  # no fuzz test ran in this process (or they ran in xdist workers)
    rows = [
        {
            "target": target,
            "examples": examples[target],
            "failures": failures[target],
            "wall_s": round(seconds[target], 1),
        }
        for target in sorted(examples)
    ]
    profile = settings.get_current_profile_name()
    write = terminalreporter.write_line
    write(f"fuzz ({profile} profile, hypothesis {hypothesis.__version__}): examples run per target")
    write(f"{'target':<48}{'examples':>10}{'failures':>10}{'wall s':>9}")
    for row in rows:
        write(f"{row['target']:<48}{row['examples']:>10}{row['failures']:>10}{row['wall_s']:>9}")
    report = os.environ.get(REPORT_ENV)
    if report:
        payload = {
            "profile": profile,
            "hypothesis": hypothesis.__version__,
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "targets": rows,
        }
        Path(report).parent.mkdir(parents=True, exist_ok=True)
        Path(report).write_text(json.dumps(payload, indent=2) + "\n")
        write(f"fuzz report written to {report}")
