"""Planted errors: correct translations we wrote, each altered one way; QA must catch ≥ 95 % of the
alterations and make ≤ 0.3 false findings per clean block on average (the faithfulness classes are in
test_planted_faithful.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from planted_pairs import PAIRS, Pair

from editions.glossary import Glossary
from editions.qa import BlockPair, QaContext, check_block

GLOSSARY = Glossary.starter()
WORD_NUMBERS = {"deux": "trois", "hai": "ba"}


@dataclass(frozen=True)
class Planted:
    kind: str
    source: str
    target: str
    lang: str
    expected: frozenset[str]


def _bump_number(pair: Pair) -> str | None:
    if pair.number in WORD_NUMBERS:
        return pair.target.replace(pair.number, WORD_NUMBERS[pair.number], 1)
    changed = re.sub(r"\d(?=\D*$)", lambda m: str((int(m.group(0)) + 3) % 10), pair.number)
    return pair.target.replace(pair.number, changed, 1)


def _shift_date(pair: Pair) -> str | None:
    if pair.date is None:
        return None
    shifted = re.sub(r"\d+", lambda m: str(int(m.group(0)) + 1), pair.date, count=1)
    return pair.target.replace(pair.date, shifted, 1)


def _english_left_in(pair: Pair) -> str | None:
    phrase, english = pair.phrase
    return pair.target.replace(phrase, english, 1)


def _wrong_name(pair: Pair) -> str | None:
    if pair.name is None:
        return None
    wrong, right = pair.name
    return pair.target.replace(right, wrong, 1)


def _loop(pair: Pair) -> str | None:
    words = pair.target.rstrip(".").split()
    tail = " ".join(words[-3:])
    return f"{pair.target.rstrip('.')} {tail} {tail} {tail}."


PLANTERS: dict[str, tuple[Callable[[Pair], str | None], frozenset[str]]] = {
    "number": (_bump_number, frozenset({"number.missing", "number.added"})),
    "date": (_shift_date, frozenset({"date.shifted", "date.missing"})),
    "english": (_english_left_in, frozenset({"untranslated", "lang.wrong"})),
    "name": (_wrong_name, frozenset({"glossary.term", "name.missing"})),
    "loop": (_loop, frozenset({"repeat.loop", "addition"})),
}


def _two_sentence_pairs() -> list[tuple[Pair, Pair]]:
    by_lang: dict[str, list[Pair]] = {}
    for pair in PAIRS:
        by_lang.setdefault(pair.lang, []).append(pair)
    return [(a, b) for pairs in by_lang.values() for a, b in zip(pairs, pairs[1:] + pairs[:1], strict=True)]


def planted_cases() -> list[Planted]:
    cases = []
    for pair in PAIRS:
        for kind, (plant, expected) in PLANTERS.items():
            target = plant(pair)
            if target is not None and target != pair.target:
                cases.append(Planted(kind, pair.source, target, pair.lang, expected))
    for first, second in _two_sentence_pairs():  # a dropped sentence
        cases.append(
            Planted(
                "dropped",
                f"{first.source} {second.source}",
                first.target,
                first.lang,
                frozenset({"omission", "omission.sentence"}),
            )
        )
    return cases


def clean_blocks() -> list[tuple[str, str, str]]:
    blocks = [(p.source, p.target, p.lang) for p in PAIRS]
    blocks += [(f"{a.source} {b.source}", f"{a.target} {b.target}", a.lang) for a, b in _two_sentence_pairs()]
    return blocks


def _findings(source: str, target: str, lang: str) -> list[str]:
    pair = BlockPair("b1", source, target)
    return [f.code for f in check_block(pair, QaContext("en", lang, GLOSSARY)) if f.severity != "info"]


def test_there_are_at_least_50_planted_errors() -> None:
    assert len(planted_cases()) >= 50


def test_recall_on_planted_errors_is_at_least_95_percent() -> None:
    cases = planted_cases()
    missed = [c for c in cases if not set(_findings(c.source, c.target, c.lang)) & c.expected]
    recall = 1 - len(missed) / len(cases)
    detail = "\n".join(f"{c.kind} {c.lang}: {c.target}" for c in missed)
    print(f"planted {len(cases)}, caught {len(cases) - len(missed)}, recall {recall:.1%}")
    assert recall >= 0.95, f"recall {recall:.1%}; missed:\n{detail}"


def test_clean_blocks_get_at_most_0_3_false_findings_on_average() -> None:
    blocks = clean_blocks()
    findings = {f"{lang}: {target}": _findings(source, target, lang) for source, target, lang in blocks}
    total = sum(len(codes) for codes in findings.values())
    noisy = "\n".join(f"{codes} {text}" for text, codes in findings.items() if codes)
    print(f"{total} findings on {len(blocks)} clean blocks")
    assert total / len(blocks) <= 0.3, noisy


@pytest.mark.parametrize("kind", [*sorted(PLANTERS), "dropped"])
def test_each_kind_of_error_is_planted(kind: str) -> None:
    assert any(case.kind == kind for case in planted_cases())
