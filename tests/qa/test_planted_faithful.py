"""Planted errors for the faithfulness checks: correct translations we wrote (planted_faithful.py), each
altered one way (a weekday, a leaked script, a swapped place, a dropped clause, a flipped negation, the
English date order, the English currency placement, a word left in English). QA must catch ≥ 90 % of
each kind and ≥ 97 % in all, with ≤ 0.3 false findings per clean block."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from planted_faithful import FAITHFUL, Faithful

from editions.glossary import Glossary
from editions.qa import BlockPair, QaContext, check_block

GLOSSARY = Glossary.starter()
LANGS = ("fr", "vi")
MIN_CASES_PER_KIND_AND_LANG = 8


@dataclass(frozen=True)
class Planted:
    kind: str
    lang: str
    source: str
    clean: str
    target: str
    expected: frozenset[str]


def _replace(text: str, old: str | None, new: str | None) -> str | None:
    if old is None or new is None or old not in text:
        return None
    return text.replace(old, new, 1)


def _weekday(pair: Faithful) -> list[str | None]:
    return [
        _replace(pair.target, pair.weekday, pair.other_weekday),
        _replace(pair.target, pair.weekday, pair.relative_day),
    ]


def _script(pair: Faithful) -> list[str | None]:
    if pair.foreign is None:
        return []
    if pair.number_word is not None:  # « trois ans » → « 三 ans »
        return [_replace(pair.target, pair.number_word, pair.foreign)]
    if pair.word is None:
        return []
    word = pair.word[0]  # glued to a word, as a model leaks it: « blé十七 »
    return [_replace(pair.target, word, word + pair.foreign)]


def _name(pair: Faithful) -> list[str | None]:
    return [_replace(pair.target, pair.place, pair.swapped_place)]


def _clause(pair: Faithful) -> list[str | None]:
    return [_replace(pair.target, pair.clause, "")]


def _negation(pair: Faithful) -> list[str | None]:
    if pair.negation_edit is None:
        return []
    return [_replace(pair.target, *pair.negation_edit)]


def _date_order(pair: Faithful) -> list[str | None]:
    return [_replace(pair.target, pair.date_local, pair.date_english_order)]


def _currency(pair: Faithful) -> list[str | None]:
    return [_replace(pair.target, pair.money_local, pair.money_misplaced)]


def _untranslated(pair: Faithful) -> list[str | None]:
    if pair.word is None:
        return []
    return [_replace(pair.target, *pair.word)]


PLANTERS: dict[str, tuple[Callable[[Faithful], list[str | None]], frozenset[str]]] = {
    "weekday": (_weekday, frozenset({"weekday.changed", "weekday.missing"})),
    "script": (_script, frozenset({"script.foreign"})),
    "name": (_name, frozenset({"name.unsupported", "name.missing", "glossary.term"})),
    "clause": (_clause, frozenset({"omission.clause", "omission", "omission.sentence", "name.missing"})),
    "negation": (_negation, frozenset({"negation.changed"})),
    "date_order": (_date_order, frozenset({"date.order"})),
    "currency": (_currency, frozenset({"currency.placement"})),
    "untranslated": (_untranslated, frozenset({"untranslated", "lang.wrong"})),
}


def planted_cases() -> list[Planted]:
    cases = []
    for pair in FAITHFUL:
        for kind, (plant, expected) in PLANTERS.items():
            for target in plant(pair):
                if target is not None:
                    cases.append(Planted(kind, pair.lang, pair.source, pair.target, target, expected))
    return cases


def _two_sentence_pairs() -> list[tuple[Faithful, Faithful]]:
    by_lang: dict[str, list[Faithful]] = {}
    for pair in FAITHFUL:
        by_lang.setdefault(pair.lang, []).append(pair)
    return [(a, b) for pairs in by_lang.values() for a, b in zip(pairs, pairs[1:] + pairs[:1], strict=True)]


def clean_blocks() -> list[tuple[str, str, str]]:
    blocks = [(p.source, p.target, p.lang) for p in FAITHFUL]
    blocks += [(f"{a.source} {b.source}", f"{a.target} {b.target}", a.lang) for a, b in _two_sentence_pairs()]
    return blocks


def _findings(source: str, target: str, lang: str) -> list[str]:
    pair = BlockPair("b1", source, target)
    return [f.code for f in check_block(pair, QaContext("en", lang, GLOSSARY)) if f.severity != "info"]


def _report(cases: list[Planted]) -> tuple[list[tuple[Planted, list[str]]], Counter[str]]:
    """The missed cases with the codes they got, and every code raised on the cases."""
    missed, raised = [], Counter[str]()
    for case in cases:
        codes = _findings(case.source, case.target, case.lang)
        raised.update(set(codes))
        if not set(codes) & case.expected:
            missed.append((case, codes))
    return missed, raised


# --- the data and the planters -----------------------------------------------------------------

_TARGET_FIELDS = ("weekday", "date_local", "money_local", "place", "clause", "number_word")
_NEGATION_FR = re.compile(r"(?<!\w)(?:ne|n'|n’|pas|jamais|aucun|aucune|rien)(?!\w)", re.IGNORECASE)
_NEGATION_VI = re.compile(r"(?<!\w)(?:không|chưa|đừng|chẳng)(?!\w)", re.IGNORECASE)


def _negated(text: str, lang: str) -> bool:
    return bool((_NEGATION_FR if lang == "fr" else _NEGATION_VI).search(text))


@pytest.mark.parametrize("pair", FAITHFUL, ids=lambda p: f"{p.lang}:{p.source[:40]}")
def test_every_planted_piece_is_where_the_planter_expects_it(pair: Faithful) -> None:
    assert pair.lang in LANGS
    for name in _TARGET_FIELDS:
        value = getattr(pair, name)
        if value is not None:
            assert pair.target.count(value) == 1, f"{name} {value!r} must occur once in the target"
    if pair.negation_edit is not None:
        old, new = pair.negation_edit
        assert pair.target.count(old) == 1 and old != new
        assert _negated(old, pair.lang) != _negated(new, pair.lang), f"{old!r} → {new!r} flips no negation"
    if pair.word is not None:
        local, english = pair.word
        assert pair.target.count(local) == 1, f"word {local!r} must occur once in the target"
        assert re.search(rf"(?<!\w){re.escape(english)}(?!\w)", pair.source), f"{english!r} not in source"
    # the replacements are new to the text: another weekday, a place the source never gave
    for name in ("other_weekday", "relative_day", "swapped_place", "date_english_order", "money_misplaced"):
        value = getattr(pair, name)
        if value is not None:
            assert value not in pair.target, f"{name} {value!r} is already in the target"
    if pair.swapped_place is not None:
        assert pair.swapped_place not in pair.source, "the swapped place must be one the source never gave"
    assert (pair.weekday is None) == (pair.other_weekday is None)
    assert (pair.date_local is None) == (pair.date_english_order is None)
    assert (pair.money_local is None) == (pair.money_misplaced is None)
    assert (pair.place is None) == (pair.swapped_place is None)
    if pair.clause is not None:
        assert not re.search(r"\d", pair.clause), "a dropped clause carries no number"
        assert pair.target.replace(pair.clause, "", 1).rstrip().endswith((".", "!", "?"))
    if pair.foreign is not None:
        assert all(
            unicodedata.category(ch)[0] in "LM" and "LATIN" not in unicodedata.name(ch) for ch in pair.foreign
        ), "the leaked text must be letters of another script"
    if pair.number_word is not None:
        assert re.search(rf"(?<!\w){re.escape(pair.number_word)}(?!\w)", pair.target)


def test_the_pairs_have_every_feature_in_both_languages() -> None:
    for lang in LANGS:
        pairs = [p for p in FAITHFUL if p.lang == lang]
        assert len(pairs) >= 14
        assert sum(p.weekday is not None for p in pairs) >= MIN_CASES_PER_KIND_AND_LANG
        assert any(p.weekday and " " in p.weekday for p in pairs), "a weekday with a time of day"
        # negation lost and negation added, and sentences with no negation at all
        assert any(p.negation_edit and _negated(p.negation_edit[0], lang) for p in pairs)
        assert any(p.negation_edit and not _negated(p.negation_edit[0], lang) for p in pairs)
        assert any(not _negated(p.target, lang) for p in pairs)


def test_every_planted_target_differs_from_the_clean_one() -> None:
    for case in planted_cases():
        assert case.target != case.clean, f"{case.kind} {case.lang}: nothing planted"
        assert case.target.strip()


@pytest.mark.parametrize("kind", sorted(PLANTERS))
def test_each_kind_is_planted_in_both_languages(kind: str) -> None:
    counts = Counter(case.lang for case in planted_cases() if case.kind == kind)
    for lang in LANGS:
        assert counts[lang] >= MIN_CASES_PER_KIND_AND_LANG, f"{kind} {lang}: {counts[lang]} cases"


def test_there_are_at_least_100_planted_errors() -> None:
    cases = planted_cases()
    print(Counter((c.kind, c.lang) for c in cases))
    assert len(cases) >= 100


# --- recall and false findings -----------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(PLANTERS))
def test_recall_per_kind_is_at_least_90_percent(kind: str) -> None:
    cases = [c for c in planted_cases() if c.kind == kind]
    missed, raised = _report(cases)
    recall = 1 - len(missed) / len(cases)
    detail = "\n".join(f"  {c.lang}: {c.target}  → {codes}" for c, codes in missed)
    print(f"{kind}: planted {len(cases)}, caught {len(cases) - len(missed)}, recall {recall:.1%}")
    print(f"{kind}: codes raised {dict(raised.most_common())}")
    if missed:
        print(f"{kind}: missed\n{detail}")
    assert recall >= 0.90, f"{kind}: recall {recall:.1%}; missed:\n{detail}"


def test_overall_recall_is_at_least_97_percent() -> None:
    cases = planted_cases()
    missed, _ = _report(cases)
    recall = 1 - len(missed) / len(cases)
    by_kind = Counter(c.kind for c, _ in missed)
    print(f"planted {len(cases)}, caught {len(cases) - len(missed)}, recall {recall:.1%}; missed {by_kind}")
    assert recall >= 0.97, f"recall {recall:.1%}; missed by kind: {dict(by_kind)}"


def test_clean_blocks_get_at_most_0_3_false_findings_on_average() -> None:
    blocks = clean_blocks()
    findings = {f"{lang}: {target}": _findings(source, target, lang) for source, target, lang in blocks}
    total = sum(len(codes) for codes in findings.values())
    noisy = "\n".join(f"  {codes} {text}" for text, codes in findings.items() if codes)
    print(f"{total} findings on {len(blocks)} clean blocks\n{noisy}")
    assert total / len(blocks) <= 0.3, f"{total} findings on {len(blocks)} clean blocks:\n{noisy}"
