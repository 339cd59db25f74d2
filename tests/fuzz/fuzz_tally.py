"""The per-target tally of the fuzz tests (examples run), kept apart from conftest so tests can import it."""

from __future__ import annotations

from collections import Counter

examples: Counter[str] = Counter()  # target → examples run
failures: Counter[str] = Counter()  # target → distinct failures hypothesis reported
seconds: Counter[str] = Counter()  # target → wall time of its tests
current: dict[str, str] = {}  # the target of the test running now


def tally(target: str) -> None:
    """Count one example run against `target` (a reader, the decoder, a parser or a repair)."""
    examples[target] += 1
    current["target"] = target
