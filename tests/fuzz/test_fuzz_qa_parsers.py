"""Fuzzing the QA parsers: numbers, dates, weekdays, clock times and currency amounts read from any
text in any language never raise, and what they report is really in the text. Profiles and the
tally: tests/fuzz/conftest.py."""

from __future__ import annotations

import calendar
from decimal import Decimal

from fuzz_strategies import _EN_FACTS, _TARGET_FACTS, ANY_CHAR, repair_pairs, sentence
from fuzz_tally import tally
from hypothesis import example, given
from hypothesis import strategies as st

from editions.languages import LANGUAGES
from editions.localize import (
    check_dates,
    check_weekdays,
    find_dates,
    find_weekdays,
    format_number,
    misplaced_amounts,
    number_symbols,
    read_number,
)
from editions.qa import BlockPair, QaContext, check_block
from editions.qa.numbers import clock_times, missing_numbers, number_values, spelled_numbers

ALL_LANGS = st.sampled_from(sorted(LANGUAGES))
FACTS = sorted({*_EN_FACTS, *(fact for facts in _TARGET_FACTS.values() for fact in facts)})
TEXTS = st.one_of(sentence(FACTS), st.text(ANY_CHAR, max_size=80))
NUMBERISH = st.text(st.sampled_from("0123456789.,  \u00a0\u202f'-+eE٣"), max_size=20)


@given(
    st.one_of(NUMBERISH, st.text(ANY_CHAR, max_size=20)),
    st.sampled_from(".,"),
    st.sampled_from([",", ".", "\u00a0\u202f ", "'", ".\u00a0 ", ""]),
    st.booleans(),
)
def test_read_number(raw: str, decimal: str, groups: str, mixed: bool) -> None:
    tally("qa: read_number")
    value = read_number(raw, decimal, groups, mixed_groups=mixed)
    assert value is None or (value.is_finite() and value >= 0)


@given(
    st.decimals(min_value=0, max_value=10**15, allow_nan=False, allow_infinity=False, places=4),
    ALL_LANGS,
)
def test_a_number_written_in_a_language_reads_back_the_same(value: Decimal, lang: str) -> None:
    tally("qa: format_number ↔ read_number")
    written = format_number(value, lang)
    assert read_number(written, *number_symbols(lang)) == value, written


@given(TEXTS, ALL_LANGS)
def test_number_and_time_readers(text: str, lang: str) -> None:
    tally("qa: numbers, times")
    for value in number_values(text, lang):
        assert value.is_finite() and value >= 0
    spelled_numbers(text, lang)
    for start, end, hour, minute in clock_times(text, lang):
        assert 0 <= start < end <= len(text) and 0 <= hour <= 23 and 0 <= minute <= 59


@given(TEXTS, ALL_LANGS)
def test_date_reader(text: str, lang: str) -> None:
    tally("qa: find_dates")
    last_end = 0
    for m in find_dates(text, lang):
        assert text[m.start : m.end] == m.raw and m.start >= last_end
        last_end = m.end
        assert 1 <= m.month <= 12
        if m.day is not None:
            assert 1 <= m.day <= calendar.monthrange(m.year or 2000, m.month)[1]


@given(TEXTS, ALL_LANGS)
def test_weekday_reader(text: str, lang: str) -> None:
    tally("qa: find_weekdays")
    for m in find_weekdays(text, lang):
        assert text[m.start : m.end] == m.raw
        assert m.day is None or 0 <= m.day <= 6


@given(repair_pairs())
@example(("", "jueves ", "es"))  # IndexError: no such group (a language without times of day)
def test_date_weekday_number_and_amount_checks(pair: tuple[str, str, str]) -> None:
    tally("qa: checks (dates, weekdays, numbers, amounts)")
    source, target, lang = pair
    check_dates(source, target, "en", lang)
    check_weekdays(source, target, "en", lang)
    missing_numbers(source, target, "en", lang)
    for amount in misplaced_amounts(target, lang):
        assert target[amount.start : amount.end] == amount.raw


@given(repair_pairs())
@example(("June 5, 2025 ", "1er mai février 2, 2026 AAAAAAAAAAAµ\ud800 ", "fr"))  # lingua: UnicodeEncodeError
def test_every_block_check(pair: tuple[str, str, str]) -> None:
    """All QA checks on one block (what the pipeline runs on every translation)."""
    tally("qa: check_block")
    source, target, lang = pair
    for finding in check_block(BlockPair("b1", source, target), QaContext("en", lang)):
        assert finding.message.strip()
