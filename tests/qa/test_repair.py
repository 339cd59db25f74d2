"""Deterministic repairs, in fr and vi: each fixes what it should, records it as `fixed`, keeps French
elision grammatical, changes no number's value, and is idempotent (a second pass changes nothing)."""

from __future__ import annotations

import pytest

from editions.glossary import Glossary
from editions.localize import find_weekdays
from editions.qa import BlockPair, QaContext, check_block, repair_block
from editions.qa.numbers import number_values

GLOSSARY = Glossary.starter()

# (lang, source, translation, expected repaired translation, code of the fixed finding)
CASES = [
    # the wrong weekday, when one source weekday maps to one target weekday
    (
        "fr",
        "The port reopened on Thursday.",
        "Le port a rouvert mercredi.",
        "Le port a rouvert jeudi.",
        "weekday.changed",
    ),
    (
        "fr",
        "On Thursday evening, talks resumed.",
        "Mercredi soir, les pourparlers ont repris.",
        "Jeudi soir, les pourparlers ont repris.",
        "weekday.changed",
    ),
    ("fr", "He spoke on Tuesday.", "Il a parlé aujourd’hui.", "Il a parlé mardi.", "weekday.changed"),
    (
        "vi",
        "The port reopened on Thursday.",
        "Cảng mở cửa trở lại vào thứ Tư.",
        "Cảng mở cửa trở lại vào thứ Năm.",
        "weekday.changed",
    ),
    (
        "vi",
        "The port reopened on Thursday.",
        "Cảng mở cửa trở lại vào thứ 4.",
        "Cảng mở cửa trở lại vào thứ 5.",
        "weekday.changed",
    ),
    (
        "vi",
        "Voting ends on Sunday.",
        "Cuộc bỏ phiếu kết thúc vào thứ Bảy.",
        "Cuộc bỏ phiếu kết thúc vào Chủ nhật.",
        "weekday.changed",
    ),
    ("vi", "He spoke on Tuesday.", "Ông phát biểu hôm nay.", "Ông phát biểu hôm thứ Ba.", "weekday.changed"),
    # English-order dates
    (
        "fr",
        "Prices have risen since February 2, 2026.",
        "Les prix augmentent depuis février 2, 2026.",
        "Les prix augmentent depuis 2 février 2026.",
        "date.form",
    ),
    (
        "vi",
        "Prices have risen since February 12, 2026.",
        "Giá đã tăng kể từ tháng 2 12, 2026.",
        "Giá đã tăng kể từ ngày 12 tháng 2 năm 2026.",
        "date.form",
    ),
    # the currency sign on the side the language writes it
    (
        "fr",
        "The euro fell to $1.0875.",
        "L’euro est tombé à $1,0875.",
        "L’euro est tombé à 1,0875\u00a0$.",
        "currency.placement",
    ),
    (
        "fr",
        "A $750 million loan.",
        "Un prêt de $750 millions.",
        "Un prêt de 750 millions de dollars.",
        "currency.placement",
    ),
    (
        "vi",
        "Shares closed at $5.62.",
        "Cổ phiếu đóng cửa ở mức $5,62.",
        "Cổ phiếu đóng cửa ở mức 5,62\u00a0USD.",
        "currency.placement",
    ),
    ("vi", "A $750 million loan.", "Khoản vay $750 triệu.", "Khoản vay 750 triệu USD.", "currency.placement"),
    # a glossary name left in English, with French elision around it
    (
        "fr",
        "Exports from Beijing fell.",
        "Les exportations de Beijing ont baissé.",
        "Les exportations de Pékin ont baissé.",
        "glossary.term",
    ),
    (
        "fr",
        "Flights from Athens resumed.",
        "Les vols de Athens ont repris.",
        "Les vols d’Athènes ont repris.",
        "glossary.term",
    ),
    (
        "fr",
        "Flights from Beijing resumed.",
        "Les vols d’Beijing ont repris.",
        "Les vols de Pékin ont repris.",
        "glossary.term",
    ),
    (
        "fr",
        "Banks in Frankfurt rose.",
        "Les banques à Frankfurt ont progressé.",
        "Les banques à Francfort ont progressé.",
        "glossary.term",
    ),
    (
        "vi",
        "Exports from Beijing fell.",
        "Xuất khẩu từ Beijing giảm.",
        "Xuất khẩu từ Bắc Kinh giảm.",
        "glossary.term",
    ),
]

# Left alone: the fix would need what the text does not say (a gender, a choice among several days).
UNTOUCHED = [
    (
        "fr",
        "Exports from China fell.",
        "Les exportations de China ont baissé.",
    ),  # « de Chine » or « de la Chine »
    ("fr", "The Beijing talks.", "L’Beijing talks."),  # « le » or « la »?
    ("fr", "Exports from Cairo fell.", "Les exportations de Cairo ont baissé."),  # « du Caire »: a note
    (
        "fr",
        "Talks on Monday and Thursday.",
        "Pourparlers mardi et mercredi.",
    ),  # two days wrong: which is which?
    ("fr", "It cost £3.5bn.", "Cela a coûté £3,5bn."),  # a unit the table does not know
]


def _without_weekdays(text: str, lang: str) -> str:
    for day in reversed(find_weekdays(text, lang)):  # "thứ 5" is Thursday, not the number 5
        text = text[: day.start] + text[day.end :]
    return text


def _repair(lang: str, source: str, target: str) -> tuple[str, list[str]]:
    text, fixed = repair_block(BlockPair("b1", source, target), QaContext("en", lang, GLOSSARY))
    assert all(f.fixed and f.severity == "info" for f in fixed)
    return text, [f.code for f in fixed]


@pytest.mark.parametrize(("lang", "source", "target", "expected", "code"), CASES)
def test_repair_fixes_and_records_it(lang: str, source: str, target: str, expected: str, code: str) -> None:
    text, codes = _repair(lang, source, target)
    assert text == expected
    assert code in codes


@pytest.mark.parametrize(("lang", "source", "target", "expected", "code"), CASES)
def test_repair_is_idempotent_and_keeps_every_number(
    lang: str, source: str, target: str, expected: str, code: str
) -> None:
    once, _ = _repair(lang, source, target)
    twice, codes = _repair(lang, source, once)
    assert twice == once and codes == []
    assert number_values(_without_weekdays(once, lang), lang) == number_values(
        _without_weekdays(target, lang), lang
    )


@pytest.mark.parametrize(("lang", "source", "target", "expected", "code"), CASES)
def test_the_repaired_text_passes_the_check_it_was_fixed_for(
    lang: str, source: str, target: str, expected: str, code: str
) -> None:
    text, _ = _repair(lang, source, target)
    codes = {f.code for f in check_block(BlockPair("b1", source, text), QaContext("en", lang, GLOSSARY))}
    assert not codes & {"weekday.changed", "date.order", "currency.placement", "glossary.term"}, codes


@pytest.mark.parametrize(("lang", "source", "target"), UNTOUCHED)
def test_repair_leaves_what_it_cannot_fix_safely(lang: str, source: str, target: str) -> None:
    text, codes = _repair(lang, source, target)
    assert [c for c in codes if c != "typography"] == []
    assert text.replace("\u202f", " ").replace("\u00a0", " ") == target.replace("\u202f", " ")


# A weekday the engine turned into a date the source never gave: the date goes, the weekday comes back.
INVENTED = [
    (
        "fr",
        "On Monday, scientists announced a tool.",
        "Le 1er janvier, les scientifiques ont annoncé un outil.",
        "Lundi, les scientifiques ont annoncé un outil.",
    ),
    ("fr", "The vote was held on Wednesday.", "Le vote a eu lieu le 3 mars.", "Le vote a eu lieu mercredi."),
    (
        "vi",
        "Talks resumed on Thursday.",
        "Đàm phán nối lại vào ngày 4/4/2023.",
        "Đàm phán nối lại vào thứ Năm.",
    ),
    ("vi", "On Thursday, talks resumed.", "Ngày 4/4, đàm phán nối lại.", "Hôm thứ Năm, đàm phán nối lại."),
    (  # the 2 of "2.4 million" is not the day of « 2/2 »
        "vi",
        "The company said on Tuesday that about 2.4 million customers were hit.",
        "Công ty cho biết ngày 2/2 rằng khoảng 2,4 triệu khách hàng bị ảnh hưởng.",
        "Công ty cho biết thứ Ba rằng khoảng 2,4 triệu khách hàng bị ảnh hưởng.",
    ),
]


@pytest.mark.parametrize(("lang", "source", "target", "expected"), INVENTED)
def test_an_invented_date_becomes_the_source_weekday_again(
    lang: str, source: str, target: str, expected: str
) -> None:
    once, codes = _repair(lang, source, target)
    assert once == expected and "weekday.changed" in codes
    assert _repair(lang, source, once) == (once, [])
    left = {f.code for f in check_block(BlockPair("b1", source, once), QaContext("en", lang, GLOSSARY))}
    assert not left & {"weekday.missing", "date.added", "number.added"}


def test_a_date_the_source_gives_is_never_replaced_by_a_weekday() -> None:
    source, target = "On Thursday, June 5, talks resumed.", "Le 5 juin, les pourparlers ont repris."
    assert _repair("fr", source, target)[0] == target
