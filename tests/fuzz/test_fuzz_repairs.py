"""Fuzzing the deterministic repairs: each is idempotent (a second pass changes nothing and reports
nothing) and changes no number's value. Profiles and the tally: tests/fuzz/conftest.py.

"No number's value changes", read with the target localisation's own reader (`number_values`):
- typography and currency only move signs and spaces, so they read exactly the same numbers;
- the number, date and weekday repairs rewrite a source's fact in the target's form, so they may
  only write a value the input already said the source's way ("1,250" in French is 1 250), or the
  day, month or year of a date the source gives ("June 5" → "ngày 5 tháng 6"); and they never lose
  a source number the input carried (the QA number check, `check_numbers`, finds no new
  `number.missing`).
Weekday names are set aside first: Vietnamese "thứ 5" is Thursday, not the number 5.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from fuzz_strategies import _TARGET_FACTS, REPAIR_LANGS, repair_pairs, sentence
from fuzz_tally import tally
from hypothesis import example, given

from editions.glossary import Glossary
from editions.localize import (
    find_dates,
    find_weekdays,
    fix_currency,
    fix_dates,
    fix_numbers,
    fix_typography,
    fix_weekdays,
)
from editions.localize.dates import DateMention, _find, _find_reordered
from editions.qa import BlockPair, QaContext, repair_block
from editions.qa.checks import check_numbers
from editions.qa.numbers import _number_mentions, _read, number_values

GLOSSARY = Glossary.starter()
Repair = Callable[[str, str, str], tuple[str, list[str]]]  # (source, target, lang) → (text, notes)


def _without_weekdays(text: str, lang: str) -> str:
    for day in reversed(find_weekdays(text, lang)):
        text = text[: day.start] + " " + text[day.end :]
    return text


def _values(text: str, lang: str) -> Counter[Decimal]:
    return number_values(_without_weekdays(text, lang), lang)


def _source_date_parts(source: str) -> set[Decimal]:
    parts = set()
    for date in find_dates(source, "en"):
        parts.update(Decimal(n) for n in (date.day, date.month, date.year) if n is not None)
    return parts


def _check_idempotent(repair: Repair, source: str, target: str, lang: str) -> str:
    once, _ = repair(source, target, lang)
    twice, notes = repair(source, once, lang)
    assert twice == once, (once, twice)
    assert notes == [], notes
    return once


def _check_same_numbers(before: str, after: str, lang: str) -> None:
    assert _values(after, lang) == _values(before, lang), (before, after)


def _check_only_source_facts(source: str, before: str, after: str, lang: str) -> None:
    new = _values(after, lang) - _values(before, lang)
    allowed = set(number_values(before, "en")) | _source_date_parts(source)
    assert set(new) <= allowed, (sorted(set(new) - allowed), before, after)
    lost = _missing(source, after, lang) - _missing(source, before, lang)
    misread = _misread_digits(before, lang)
    lost = Counter({message: n for message, n in lost.items() if _value_of(message) not in misread})
    assert not lost, (sorted(lost), before, after)


def _misread_digits(text: str, lang: str) -> set[Decimal]:
    """Digit runs the QA reader credits for a number left in the source's form: French reads "6.5" as
    6 and 5. Once the repair writes "6,5" that spurious 5 is gone, and no value was lost."""
    runs: set[Decimal] = set()
    for raw in _number_mentions(text):
        if len(_read(raw, lang)) > 1 and len(_read(raw, "en")) == 1:
            runs.update(_read(raw, lang))
    # the same for a date left in the source's form ("June 5, 2025" in Spanish, « février 2, 2026 »):
    # the QA number check credits its 5 and 2025 as numbers until the date repair writes it the
    # Spanish way, after which they are the date check's business (it sets dates aside)
    for date in [*find_dates_leniently(text, "en"), *_find_reordered(text, lang)]:
        runs.update(Decimal(n) for n in (date.day, date.month, date.year) if n is not None)
    return runs


def find_dates_leniently(text: str, lang: str) -> list[DateMention]:
    return _find(text, lang, lenient=True)


def _value_of(message: str) -> Decimal | None:
    match = re.search(r"the number (\S+) is missing", message)
    return Decimal(match.group(1)) if match else None


def _missing(source: str, target: str, lang: str) -> Counter[str]:
    """The QA number check's `number.missing` findings (dates and times set aside, as it does)."""
    findings = check_numbers(BlockPair("b1", source, target), QaContext("en", lang))
    return Counter(f.message for f in findings if f.code == "number.missing")


def _typography(source: str, target: str, lang: str) -> tuple[str, list[str]]:
    return fix_typography(target, lang)


def _currency(source: str, target: str, lang: str) -> tuple[str, list[str]]:
    return fix_currency(target, lang)


def _numbers(source: str, target: str, lang: str) -> tuple[str, list[str]]:
    return fix_numbers(source, target, "en", lang)


def _dates(source: str, target: str, lang: str) -> tuple[str, list[str]]:
    return fix_dates(source, target, "en", lang)


def _weekdays(source: str, target: str, lang: str) -> tuple[str, list[str]]:
    return fix_weekdays(source, target, "en", lang)


def _block(source: str, target: str, lang: str) -> tuple[str, list[str]]:
    text, findings = repair_block(BlockPair("b1", source, target), QaContext("en", lang, GLOSSARY))
    assert all(f.fixed and f.severity == "info" and "\n" not in f.message for f in findings)
    return text, [f.message for f in findings]


TARGET_TEXTS = REPAIR_LANGS.flatmap(lambda lang: sentence(_TARGET_FACTS[lang]).map(lambda t: (t, lang)))


@given(TARGET_TEXTS)
def test_typography(text_and_lang: tuple[str, str]) -> None:
    tally("repair: typography")
    target, lang = text_and_lang
    _check_same_numbers(target, _check_idempotent(_typography, "", target, lang), lang)


@given(repair_pairs())
@example(("", "12 $345", "fr"))  # became "12 345 $": one number
@example(("", "$5 $5 $5", "es"))  # not idempotent
@example(("", "US$ $750 millions", "fr"))  # not idempotent
@example(("", "Thu.$1,0875", "fr"))  # "Thu.1,0875 $": the number glued to the stop
def test_currency(pair: tuple[str, str, str]) -> None:
    tally("repair: currency")
    _, target, lang = pair
    _check_same_numbers(target, _check_idempotent(_currency, "", target, lang), lang)


@given(repair_pairs())
@example(("June 5, 2025 1,250 ", "5 juin 2025 1,250 ", "fr"))  # 1 250 after a year read as 1 and 250
@example(("$1.0875 $1.0875 $1.0875 ", "$1.0875 $1.0875juin 2025 $1.0875 ", "fr"))
def test_numbers(pair: tuple[str, str, str]) -> None:
    tally("repair: numbers")
    source, target, lang = pair
    _check_only_source_facts(source, target, _check_idempotent(_numbers, source, target, lang), lang)


@given(repair_pairs())
@example(("June 5 June 5, 2025 ", "6/5/2025 ", "es"))  # the year was lost
@example(("June 5, 2025 May 2025 ", "6/5 ", "es"))  # "5/6", not a Spanish date: not idempotent
def test_dates(pair: tuple[str, str, str]) -> None:
    tally("repair: dates")
    source, target, lang = pair
    _check_only_source_facts(source, target, _check_idempotent(_dates, source, target, lang), lang)


@given(repair_pairs())
@example(("6/5 Thursday ", "5 juin 2025 ", "fr"))  # a date the source gives in digits was replaced
def test_weekdays(pair: tuple[str, str, str]) -> None:
    tally("repair: weekdays")
    source, target, lang = pair
    _check_only_source_facts(source, target, _check_idempotent(_weekdays, source, target, lang), lang)


@given(repair_pairs())
@example(("", "$750 million 5 de junio de 2025 ", "es"))  # "$ 5" of a date taken for an amount
@example(("June 5, 2025 3 p.m. ", "$1.0875 3 p.m. ", "fr"))  # "1.0875 3 $ p.m.": a time joined in
@example(("June 5, 2025 Thursday ", "lần thứ hai 5/6 Thứ hai, ", "vi"))  # "the second time" → "the fifth"
@example(("1,250 ", "1,250: ", "fr"))  # numbers fixed only after typography's "1,250 :"
def test_repair_block(pair: tuple[str, str, str]) -> None:
    """Every repair in the pipeline's order (`repair_block`), the glossary's included."""
    tally("repair: repair_block")
    source, target, lang = pair
    _check_only_source_facts(source, target, _check_idempotent(_block, source, target, lang), lang)
