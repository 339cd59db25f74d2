"""Local forms of dates, numbers and typography; checking and fixing them against the source."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from editions.errors import UnknownLanguageError
from editions.localize import (
    DateMention,
    check_dates,
    find_dates,
    fix_dates,
    fix_numbers,
    fix_typography,
    format_date,
    format_number,
    format_percent,
    same_date,
    style_guide,
)

NBSP = "\u00a0"
NNBSP = "\u202f"
JUNE_5 = datetime.date(2025, 6, 5)

# --- formatting ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (Decimal("1234.5"), "fr", f"1{NNBSP}234,5"),
        (Decimal("1234.5"), "vi", "1.234,5"),
        (Decimal("1234.5"), "de", "1.234,5"),
        (Decimal("1234.5"), "pt", "1.234,5"),
        (Decimal("1234.5"), "es", "1234,5"),  # CLDR minimum grouping digits 2
        (Decimal("12345.5"), "es", "12.345,5"),
        (Decimal("1234.5"), "en", "1,234.5"),
        (1250, "fr", f"1{NNBSP}250"),
        (6.5, "vi", "6,5"),
        (Decimal("6.50"), "fr", "6,50"),  # decimals kept as written
        (Decimal("-1234.5"), "de", "-1.234,5"),
        (999, "fr", "999"),
        (1_000_000, "vi", "1.000.000"),
    ],
)
def test_format_number(value: Decimal | int | float, lang: str, expected: str) -> None:
    assert format_number(value, lang) == expected


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (6.5, "fr", f"6,5{NBSP}%"),
        (6.5, "vi", "6,5%"),
        (6.5, "es", f"6,5{NBSP}%"),
        (6.5, "de", f"6,5{NBSP}%"),
        (6.5, "pt", "6,5%"),
        (6.5, "en", "6.5%"),
        (12, "fr", f"12{NBSP}%"),
        (Decimal("0.25"), "vi", "0,25%"),
    ],
)
def test_format_percent(value: Decimal | int | float, lang: str, expected: str) -> None:
    assert format_percent(value, lang) == expected


@pytest.mark.parametrize(
    ("d", "lang", "style", "expected"),
    [
        (JUNE_5, "fr", "long", "5 juin 2025"),
        (JUNE_5, "vi", "long", "ngày 5 tháng 6 năm 2025"),
        (JUNE_5, "es", "long", "5 de junio de 2025"),
        (JUNE_5, "de", "long", "5. Juni 2025"),
        (JUNE_5, "pt", "long", "5 de junho de 2025"),
        (JUNE_5, "en", "long", "June 5, 2025"),
        (datetime.date(2025, 3, 1), "fr", "long", "1er mars 2025"),
        (JUNE_5, "fr", "short_day_month", "5 juin"),
        (JUNE_5, "vi", "short_day_month", "5/6"),
        (JUNE_5, "es", "short_day_month", "5 de junio"),
        (JUNE_5, "de", "short_day_month", "5. Juni"),
        (JUNE_5, "pt", "short_day_month", "5 de junho"),
        (JUNE_5, "en", "short_day_month", "June 5"),
        (datetime.date(2025, 3, 1), "fr", "short_day_month", "1er mars"),
        (JUNE_5, "fr", "month_year", "juin 2025"),
        (JUNE_5, "vi", "month_year", "tháng 6 năm 2025"),
        (JUNE_5, "es", "month_year", "junio de 2025"),
    ],
)
def test_format_date(d: datetime.date, lang: str, style: str, expected: str) -> None:
    assert format_date(d, lang, style) == expected  # type: ignore[arg-type]


def test_unknown_language_is_a_usage_error() -> None:
    with pytest.raises(UnknownLanguageError):
        format_number(1, "xx")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "fr",
            f'Write dates like "5 juin 2025", numbers like "1{NNBSP}234,5", percentages like "6,5{NBSP}%", '
            f"and use «{NBSP}guillemets{NBSP}».",
        ),
        (
            "vi",
            'Write dates like "ngày 5 tháng 6 năm 2025" or "5/6" (day/month), numbers like "1.234,5", '
            'percentages like "6,5%", and use “ngoặc kép”.',
        ),
        (
            "es",
            'Write dates like "5 de junio de 2025", numbers like "12.345,5" (but "1234"), '
            f'percentages like "6,5{NBSP}%", and use «comillas».',
        ),
    ],
)
def test_style_guide(lang: str, expected: str) -> None:
    assert style_guide(lang) == expected


@pytest.mark.parametrize("lang", ["de", "pt", "en"])
def test_style_guide_is_one_line_from_cldr(lang: str) -> None:
    guide = style_guide(lang)
    assert "\n" not in guide
    assert format_date(JUNE_5, lang) in guide
    assert format_percent(6.5, lang) in guide


# --- finding dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "raw", "ymd"),
    [
        ("Prices rose on June 5.", "en", "June 5", (None, 6, 5)),
        ("Prices rose on June 5, 2025.", "en", "June 5, 2025", (2025, 6, 5)),
        ("Prices rose on 5 June 2025.", "en", "5 June 2025", (2025, 6, 5)),
        ("Prices rose on June 5th.", "en", "June 5th", (None, 6, 5)),
        ("Sales fell in March 2023.", "en", "March 2023", (2023, 3, None)),
        ("Filed Jan. 5 in court.", "en", "Jan. 5", (None, 1, 5)),
        ("Due Sept 30.", "en", "Sept 30", (None, 9, 30)),
        ("Released 6/5/2025.", "en", "6/5/2025", (2025, 6, 5)),
        ("Les prix ont augmenté le 5 juin.", "fr", "5 juin", (None, 6, 5)),
        ("Les prix ont augmenté le 5 juin 2025.", "fr", "5 juin 2025", (2025, 6, 5)),
        ("Depuis le 1er mars, rien.", "fr", "1er mars", (None, 3, 1)),
        ("En juin 2025, rien.", "fr", "juin 2025", (2025, 6, None)),
        ("Publié le 5/6/2025.", "fr", "5/6/2025", (2025, 6, 5)),
        ("Juin 2025 fut chaud.", "fr", "Juin 2025", (2025, 6, None)),
        ("Le 12 sept. 2024, rien.", "fr", "12 sept. 2024", (2024, 9, 12)),
        ("Giá tăng ngày 5/6.", "vi", "ngày 5/6", (None, 6, 5)),
        ("Giá tăng 5/6/2025.", "vi", "5/6/2025", (2025, 6, 5)),
        ("Giá tăng ngày 5 tháng 6.", "vi", "ngày 5 tháng 6", (None, 6, 5)),
        ("Giá tăng ngày 5 tháng 6 năm 2025.", "vi", "ngày 5 tháng 6 năm 2025", (2025, 6, 5)),
        ("Trong tháng 6/2025, giá tăng.", "vi", "tháng 6/2025", (2025, 6, None)),
        ("Từ tháng 3/2023, giá tăng.", "vi", "tháng 3/2023", (2023, 3, None)),
        ("Trong tháng 6 năm 2025, giá tăng.", "vi", "tháng 6 năm 2025", (2025, 6, None)),
        ("Giá tăng 5-6-2025.", "vi", "5-6-2025", (2025, 6, 5)),
        ("Giá tăng 6/5.", "vi", "6/5", (None, 5, 6)),  # day/month: 6 May
        ("Ngày 5 tháng 6, 2025 giá tăng.", "vi", "Ngày 5 tháng 6, 2025", (2025, 6, 5)),
        ("El 5 de junio de 2025 subió.", "es", "5 de junio de 2025", (2025, 6, 5)),
        ("En junio de 2025 subió.", "es", "junio de 2025", (2025, 6, None)),
        ("Am 5. Juni 2025 stieg er.", "de", "5. Juni 2025", (2025, 6, 5)),
        ("Im Juni 2025 stieg er.", "de", "Juni 2025", (2025, 6, None)),
        ("Am 05.06.2025 stieg er.", "de", "05.06.2025", (2025, 6, 5)),
        ("Em 5 de junho de 2025 subiu.", "pt", "5 de junho de 2025", (2025, 6, 5)),
        ("Em junho de 2025 subiu.", "pt", "junho de 2025", (2025, 6, None)),
    ],
)
def test_find_dates(text: str, lang: str, raw: str, ymd: tuple[int | None, int, int | None]) -> None:
    (mention,) = find_dates(text, lang)
    assert mention.raw == raw
    assert text[mention.start : mention.end] == raw
    assert (mention.year, mention.month, mention.day) == ymd


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Growth was 6.5 in 2024.", "en"),
        ("It may 5 times fail.", "en"),  # "may" the verb
        ("About 3/4 of voters.", "en"),  # a fraction, not a US date
        ("La croissance était de 6,5 en 2024.", "fr"),
        ("Il a 5 ans, le 6.5 est faux, 2024 aussi.", "fr"),
        ("Tăng trưởng 6,5 năm 2024.", "vi"),
        ("Kéo dài 3 tháng 2 tuần.", "vi"),  # 3 months 2 weeks
        ("Con số 6.5 và 31/2 và 5/13.", "vi"),
        ("Im Jahr 2024 wuchs sie um 6,5.", "de"),
        ("El 31 de febrero no existe.", "es"),
    ],
)
def test_find_dates_ignores_non_dates(text: str, lang: str) -> None:
    assert find_dates(text, lang) == []


@pytest.mark.parametrize("lang", ["fr", "vi", "es", "de", "pt", "en"])
@pytest.mark.parametrize("style", ["long", "short_day_month", "month_year"])
@pytest.mark.parametrize("d", [JUNE_5, datetime.date(2024, 9, 1), datetime.date(2023, 12, 31)])
def test_find_dates_reads_what_format_date_writes(d: datetime.date, style: str, lang: str) -> None:
    text = format_date(d, lang, style)  # type: ignore[arg-type]
    (mention,) = find_dates(f"« {text} ».", lang)
    assert mention.raw == text
    assert mention.month == d.month
    assert mention.day in (d.day, None) and mention.year in (d.year, None)


def _m(year: int | None, month: int, day: int | None) -> DateMention:
    return DateMention(0, 0, "", year, month, day)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (_m(None, 6, 5), _m(2025, 6, 5), True),
        (_m(2025, 6, None), _m(2025, 6, 5), True),
        (_m(2024, 6, 5), _m(2025, 6, 5), False),
        (_m(None, 6, 5), _m(None, 5, 6), False),
        (_m(None, 6, 5), _m(None, 6, 6), False),
    ],
)
def test_same_date(a: DateMention, b: DateMention, expected: bool) -> None:
    assert same_date(a, b) is expected
    assert same_date(b, a) is expected


# --- checking and fixing dates ------------------------------------------------------------------------

SOURCE = "Prices rose on June 5."


@pytest.mark.parametrize(
    ("target", "lang", "codes"),
    [
        ("Giá tăng ngày 5/6.", "vi", []),
        ("Giá tăng 5/6.", "vi", []),
        ("Giá tăng ngày 5 tháng 6.", "vi", []),
        ("Giá tăng ngày 5 tháng 6 năm 2025.", "vi", []),
        ("Giá tăng 6/5.", "vi", ["date.shifted"]),
        ("Giá tăng ngày 6/5.", "vi", ["date.shifted"]),
        ("Giá tăng ngày 7/6.", "vi", ["date.shifted"]),
        ("Giá tăng June 5.", "vi", ["date.ambiguous_form"]),
        ("Giá tăng.", "vi", ["date.missing"]),
        ("Les prix ont augmenté le 5 juin.", "fr", []),
        ("Les prix ont augmenté le 6 juin.", "fr", ["date.shifted"]),
        ("Les prix ont augmenté le June 5.", "fr", ["date.ambiguous_form"]),
        ("Les prix ont augmenté.", "fr", ["date.missing"]),
        ("Los precios subieron el 5 de junio.", "es", []),
        ("Die Preise stiegen am 5. Juni.", "de", []),
        ("Os preços subiram em 5 de junho.", "pt", []),
    ],
)
def test_check_dates(target: str, lang: str, codes: list[str]) -> None:
    assert [p.code for p in check_dates(SOURCE, target, "en", lang)] == codes


def test_check_dates_explains_the_swapped_day_and_month() -> None:
    (problem,) = check_dates(SOURCE, "Giá tăng 6/5.", "en", "vi")
    assert problem.message.startswith('date "June 5" became "6/5" (6 May in Vietnamese)')
    assert problem.source.raw == "June 5"
    assert problem.target is not None and (problem.target.month, problem.target.day) == (5, 6)


def test_check_dates_missing_has_no_target() -> None:
    (problem,) = check_dates(SOURCE, "Giá tăng.", "en", "vi")
    assert problem.target is None
    assert "missing" in problem.message


def test_a_swapped_form_that_is_itself_a_source_date_is_right() -> None:
    source = "Prices rose on May 6 and June 5."
    assert check_dates(source, "Giá tăng ngày 6/5 và ngày 5/6.", "en", "vi") == []


@pytest.mark.parametrize(
    ("source", "target", "lang", "expected"),
    [
        (SOURCE, "Giá tăng 6/5.", "vi", "Giá tăng 5/6."),
        (SOURCE, "Giá tăng ngày 6/5.", "vi", "Giá tăng ngày 5/6."),
        (SOURCE, "Ngày 6/5, giá tăng.", "vi", "Ngày 5/6, giá tăng."),
        ("Released 6/5/2025.", "Phát hành 6/5/2025.", "vi", "Phát hành 5/6/2025."),
        ("Released 06/05/2025.", "Publié le 06/05/2025.", "fr", "Publié le 05/06/2025."),
        ("Due June 13.", "Hạn chót 6/13.", "vi", "Hạn chót 13/6."),  # 6/13 is no Vietnamese date
        (SOURCE, "Giá tăng June 5.", "vi", "Giá tăng ngày 5/6."),
        (SOURCE, "Giá tăng ngày June 5.", "vi", "Giá tăng ngày 5/6."),
        (SOURCE, "Les prix ont augmenté le June 5.", "fr", "Les prix ont augmenté le 5 juin."),
        ("On June 5, 2025.", "Le June 5, 2025.", "fr", "Le 5 juin 2025."),
        ("In March 2023.", "En March 2023.", "fr", "En mars 2023."),
        ("In March 2023.", "Vào March 2023.", "vi", "Vào tháng 3 năm 2023."),
        ("On June 5.", "Am June 5.", "de", "Am 5. Juni."),
        # not the source date in another form: left to an editor
        (SOURCE, "Les prix ont augmenté le 6 juin.", "fr", "Les prix ont augmenté le 6 juin."),
        (SOURCE, "Giá tăng ngày 7/6.", "vi", "Giá tăng ngày 7/6."),
        (SOURCE, "Giá tăng 5/6, rồi 3/4 số hộ.", "vi", "Giá tăng 5/6, rồi 3/4 số hộ."),
        ("Prices rose on May 6.", "Giá tăng 6/5.", "vi", "Giá tăng 6/5."),
    ],
)
def test_fix_dates(source: str, target: str, lang: str, expected: str) -> None:
    fixed, messages = fix_dates(source, target, "en", lang)
    assert fixed == expected
    assert len(messages) == (fixed != target)
    assert fix_dates(source, fixed, "en", lang) == (fixed, [])


def test_fix_dates_message_names_both_forms() -> None:
    _, (message,) = fix_dates(SOURCE, "Giá tăng 6/5.", "en", "vi")
    assert '"6/5"' in message and '"5/6"' in message and "June 5" in message


# --- numbers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target", "lang", "expected"),
    [
        ("Sold 1,250 cars.", "1,250 voitures vendues.", "fr", f"1{NNBSP}250 voitures vendues."),
        ("Sold 1,250 cars.", "Bán 1,250 xe.", "vi", "Bán 1.250 xe."),
        ("Sold 1,250 cars.", "1,250 coches.", "es", "1250 coches."),
        ("Sold 12,500 cars.", "12,500 coches.", "es", "12.500 coches."),
        ("Sold 1,250 cars.", "1,250 Autos.", "de", "1.250 Autos."),
        ("Growth was 6.5.", "Tăng trưởng 6.5.", "vi", "Tăng trưởng 6,5."),
        ("Up 4.5%.", "En hausse de 4.5%.", "fr", f"En hausse de 4,5{NBSP}%."),
        ("Up 4.5%.", "En hausse de 4.5 %.", "fr", f"En hausse de 4,5{NBSP}%."),
        ("Up 4.5%.", "Tăng 4.5%.", "vi", "Tăng 4,5%."),
        ("Up 1,234.50 dollars.", "1,234.50 dollars.", "fr", f"1{NNBSP}234,50 dollars."),
        # already local, or the local reading is a source value: untouched
        ("Rate 1.25.", "Taux 1,25.", "fr", "Taux 1,25."),
        ("Sold 1,250 and 1.25.", "1,250 et 1,25.", "fr", "1,250 et 1,25."),
        ("Sold 1,250 cars.", f"1{NNBSP}250 voitures.", "fr", f"1{NNBSP}250 voitures."),
        ("Sold 1,250 cars.", "Bán 1.250 xe.", "vi", "Bán 1.250 xe."),
        ("In 2025.", "En 2025.", "fr", "En 2025."),
        ("In 2025.", "Năm 2025.", "vi", "Năm 2025."),
        # not a source value, a version, a date, a time, a URL: untouched
        ("Sold 1,250 cars.", "6.5 voitures.", "fr", "6.5 voitures."),
        ("Version 1.2.3.", "Version 1.2.3.", "fr", "Version 1.2.3."),
        ("At 6.5 on 5.6.2025.", "Lúc 6,5 ngày 5.6.2025.", "vi", "Lúc 6,5 ngày 5.6.2025."),
        (
            "See 6.5 at https://x.com/v6.5.",
            "Voir 6,5 sur https://x.com/v6.5.",
            "fr",
            "Voir 6,5 sur https://x.com/v6.5.",
        ),
    ],
)
def test_fix_numbers(source: str, target: str, lang: str, expected: str) -> None:
    fixed, messages = fix_numbers(source, target, "en", lang)
    assert fixed == expected
    assert bool(messages) == (fixed != target)
    assert fix_numbers(source, fixed, "en", lang) == (fixed, [])


def test_fix_numbers_same_language_is_a_no_op() -> None:
    assert fix_numbers("6.5", "6.5", "en", "en") == ("6.5", [])


# --- typography ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Quoi? Non!", "fr", f"Quoi{NNBSP}? Non{NNBSP}!"),
        ("Quoi ? Non !", "fr", f"Quoi{NNBSP}? Non{NNBSP}!"),
        ("Vraiment?!", "fr", f"Vraiment{NNBSP}?!"),
        ("Un; deux", "fr", f"Un{NNBSP}; deux"),
        ("Note: rien", "fr", f"Note{NBSP}: rien"),
        ("Note : rien", "fr", f"Note{NBSP}: rien"),
        ("À 10:30, rien.", "fr", "À 10:30, rien."),
        ('Il a dit "bonjour".', "fr", f"Il a dit «{NBSP}bonjour{NBSP}»."),
        ("Il a dit “bonjour”.", "fr", f"Il a dit «{NBSP}bonjour{NBSP}»."),
        ("Il a dit «bonjour».", "fr", f"Il a dit «{NBSP}bonjour{NBSP}»."),
        ("Hausse de 6,5%.", "fr", f"Hausse de 6,5{NBSP}%."),
        ('Anh nói "xin chào".', "vi", "Anh nói “xin chào”."),
        ("Tăng 6,5 %.", "vi", "Tăng 6,5%."),
        ('Er sagte "hallo".', "de", "Er sagte „hallo“."),
        ("Er sagte “hallo”.", "de", "Er sagte „hallo“."),
        ('Dijo "hola".', "es", "Dijo «hola»."),
        ('Disse "olá".', "pt", "Disse «olá»."),
        ('He said "hi".', "en", "He said “hi”."),
        # unpaired quotes are not guessed at
        ('Un écran de 12" et "rien', "fr", 'Un écran de 12" et "rien'),
        # URLs, e-mail addresses, entities and placeholder tags stay as they are
        ("Voir https://ex.fr/a?b=1;c=2: ici", "fr", f"Voir https://ex.fr/a?b=1;c=2{NBSP}: ici"),
        ("Écrire à a.b@ex.fr? Oui", "fr", f"Écrire à a.b@ex.fr{NNBSP}? Oui"),
        ("A &amp; B", "fr", "A &amp; B"),
        ("Cliquez <a1>ici</a1>!", "fr", f"Cliquez <a1>ici</a1>{NNBSP}!"),
        ('Il dit "<em1>non</em1>".', "fr", f"Il dit «{NBSP}<em1>non</em1>{NBSP}»."),
        ("<b2>Quoi?</b2>", "fr", f"<b2>Quoi{NNBSP}?</b2>"),
    ],
)
def test_fix_typography(text: str, lang: str, expected: str) -> None:
    fixed, messages = fix_typography(text, lang)
    assert fixed == expected
    assert bool(messages) == (fixed != text)


@pytest.mark.parametrize("lang", ["fr", "vi", "de", "es", "pt", "en"])
@pytest.mark.parametrize(
    "text",
    [
        'Il a dit "bonjour" ; puis: quoi?! Voir https://x.fr/a?b=1 et <a1>ici</a1>! 6,5% à 10:30.',
        "« Oui » ? “Non” : “peut-être”!",
        'Mail a@b.fr; "x"\n"y" z?',
    ],
)
def test_fix_typography_is_idempotent(text: str, lang: str) -> None:
    once, _ = fix_typography(text, lang)
    assert fix_typography(once, lang) == (once, [])
    for protected in ("https://x.fr/a?b=1", "<a1>", "</a1>", "a@b.fr"):
        assert text.count(protected) == once.count(protected)
