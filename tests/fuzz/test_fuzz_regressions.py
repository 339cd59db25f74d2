"""Bugs the fuzz tests found, minimised, one plain test each (the fuzz tests also carry them as
@example). Each says the input, what happened before the fix, and what must happen now."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from editions.document import Mark, MarkupBuilder, markup_problems
from editions.errors import ArticleFormatError, BinaryInputError, EncodingError, InputError
from editions.ingest import read_article, read_article_text
from editions.ingest.decode import decode_with_charset
from editions.localize import (
    check_weekdays,
    find_dates,
    find_weekdays,
    fix_currency,
    fix_dates,
    fix_weekdays,
    read_number,
)
from editions.qa import BlockPair, QaContext, check_block, repair_block
from editions.qa.checks import check_numbers
from editions.qa.numbers import clock_times, missing_numbers, number_values


def test_a_span_nested_in_another_is_well_formed_markup() -> None:
    """`[**bold link**](url)` and `<a><b>…</b></a>` gave `<a1><b2>…</b2></a1>`, which markup_problems
    called "inline span <b2> lost or broken": QA flagged every translation of it as markup.broken, and
    the JSON reader refused the article the Markdown reader had just written."""
    article = read_article_text("# H\n\nSee [**the report**](https://example.org) now.", fmt="md")
    block = article.blocks[0]
    assert block.text == "See <a1><b2>the report</b2></a1> now."
    assert markup_problems(block.text, block.marks) == []
    again = read_article_text(article.model_dump_json(), fmt="json")
    assert again.blocks[0].text == block.text


def test_crossing_spans_are_still_broken_markup() -> None:
    marks = {"a1": Mark(kind="link", href="https://example.org"), "b2": Mark(kind="strong")}
    assert markup_problems("<a1><b2>x</a1></b2>", marks) == ["inline spans <a1> and <b2> overlap"]
    assert markup_problems("<a1>x</a1>", marks) == ["inline span <b2> lost or broken"]


def test_a_span_that_held_only_an_empty_span_is_dropped_too() -> None:
    """`0 *[](0)*`: the empty link was dropped but the emphasis around it stayed, `0 <em1></em1>`, so
    the headline read "0 " (a trailing space the JSON reader then trimmed: no round trip)."""
    builder = MarkupBuilder()
    builder.text("0 ")
    em = builder.open("em")
    link = builder.open("link", "0")
    builder.close(link)
    builder.close(em)
    assert builder.build() == ("0", {})
    assert read_article_text("0 *[](0)*", fmt="md").headline == "0"


@pytest.mark.parametrize(
    ("document", "fmt"),
    [
        ('<a href="https://example.org/x">The </a>', "html"),
        ("*0 **[]()***", "md"),
        ("<EM>0 </EM></EM>", None),
    ],
)
def test_a_headline_whose_span_ends_in_a_space_is_trimmed(document: str, fmt: str | None) -> None:
    """The headline was the first block's plain text, a span's inner space kept: "The " (the JSON
    reader, reading that article back, trimmed it)."""
    headline = read_article_text(document, fmt=fmt, source_lang="en").headline
    assert headline == headline.strip()


@pytest.mark.parametrize("charset", ["hex", "base64", "rot13", "uu", "zlib", "bz2", "quopri"])
def test_a_meta_naming_a_codec_that_is_not_a_text_encoding(charset: str) -> None:
    """`<meta charset="hex">` over bytes that are not UTF-8 raised LookupError ("'hex' is not a text
    encoding"): Python knows the name, but as a bytes-to-bytes codec. Read as an unknown charset."""
    raw = f'<html><meta charset="{charset}"><p>caf\xe9</p></html>'.encode("latin-1")
    with pytest.raises(EncodingError, match="not valid UTF-8"):
        read_article(raw, fmt="html", source_lang="en")
    # an HTTP Content-Type naming it is ignored the same way (then the bytes are read as a file is)
    with pytest.raises(EncodingError, match="not valid UTF-8"):
        decode_with_charset(b"caf\xe9", "https://example.org/a", charset, maybe_html=False)


def test_a_file_name_with_a_newline_keeps_the_message_on_one_line(tmp_path: Path) -> None:
    """A name is part of every message about its file; "a\\nb.md" (legal on Linux, and any upload's
    name) split the message in two."""
    with pytest.raises(BinaryInputError) as err:
        read_article(b"# Title\n\nBody.\x00", name="a\nb.md")
    assert str(err.value) == r"a\nb.md looks like binary data (it contains NUL bytes), not an article"
    with pytest.raises(InputError) as missing:
        read_article(tmp_path / "a\u2028b.md")
    assert "\u2028" not in str(missing.value) and r"a\u2028b.md" in str(missing.value)
    path = tmp_path / "c\nd.md"
    path.write_bytes(b"\x00")
    with pytest.raises(BinaryInputError, match=r"c\\nd\.md looks like binary"):
        read_article(path)


def test_a_json_number_with_too_many_digits() -> None:
    """A 5000-digit number raised ValueError ("Exceeds the limit (4300 digits) for integer string
    conversion") from json.loads: not a JSONDecodeError, so it escaped the reader."""
    document = '{"headline": "x", "blocks": [{"id": "b", "text": "t", "level": ' + "9" * 5000 + "}]}"
    with pytest.raises(ArticleFormatError, match="a number with too many digits"):
        read_article_text(document, fmt="json")


@pytest.mark.parametrize(
    ("lang", "text", "day"),
    [("es", "jueves", 3), ("de", "am Donnerstag", 3), ("it", "giovedì", 3), ("pt", "quinta-feira", 3)],
)
def test_weekdays_in_a_language_without_times_of_day(lang: str, text: str, day: int) -> None:
    """Every weekday in Spanish, German, Italian, Portuguese … raised IndexError ("no such group"):
    their pattern has no time-of-day group, and find_weekdays asked for it. So did the QA weekday
    check, and with it every translation into those languages that named a day."""
    assert [m.day for m in find_weekdays(text, lang)] == [day]
    assert check_weekdays("On Thursday.", text, "en", lang) == []


def test_read_number_with_no_group_symbols() -> None:
    """groups="" built the regex "[]" and raised re.error; no grouping at all is a fair request."""
    assert read_number("1234.5", ".", "") == Decimal("1234.5")
    assert read_number("1,234", ".", "") is None


def test_a_sign_already_after_an_amount_stays() -> None:
    """es "$750 million 5 de junio de 2025": the first pass wrote "750 million $ 5 de junio", and the
    second took "$ 5" (the date's day) for an amount: "750 million 5 $ de junio" (not idempotent, and
    the date broken). "12 $345" became "12 345 $", one number, 12345."""
    once, _ = fix_currency("$750 million 5 de junio de 2025", "es")
    assert once == "750 million $ 5 de junio de 2025"
    assert fix_currency(once, "es") == (once, [])
    assert fix_currency("12 $345", "fr") == ("12 $345", [])


def test_a_rewritten_date_keeps_the_year_the_target_gave() -> None:
    """Source "June 5 … June 5, 2025", target "6/5/2025" (es): the date was rewritten "5/6", from the
    first source mention, which has no year; the year 2025 was lost."""
    text, _ = fix_dates("June 5 June 5, 2025", "6/5/2025", "en", "es")
    assert text == "5/6/2025"


def test_a_date_without_a_year_is_written_in_words_where_digits_are_no_date() -> None:
    """Source "June 5, 2025 May 2025", target "6/5" (es) became "5/6", which Spanish does not read as a
    date: a second pass took it for the English "May 6" and wrote "mayo de 2025" (not idempotent)."""
    once, _ = fix_dates("June 5, 2025 May 2025", "6/5", "en", "es")
    assert once == "5 de junio de 2025"  # the source's date, in words, with the year it gives
    assert fix_dates("June 5, 2025 May 2025", once, "en", "es") == (once, [])


def test_a_date_the_source_gives_in_digits_is_not_taken_for_an_invented_one() -> None:
    """Source "6/5 Thursday" (a US date English dates do not count without a year), target "5 juin
    2025": the weekday repair called the date invented and replaced it by « jeudi », losing 5 and 2025."""
    assert fix_weekdays("6/5 Thursday", "5 juin 2025", "en", "fr") == ("5 juin 2025", [])
    # the repair still replaces a date the source never gave
    assert fix_weekdays("On Monday, scientists spoke.", "Le 4 avril, des scientifiques", "en", "fr")[0] == (
        "Lundi, des scientifiques"
    )


# --- found by the `make fuzz` run (10,000 examples per target) ---------------------------------------


@pytest.mark.parametrize(
    "document", ["**\n\n*0<SCRIPT>*", "> > [<script>[</script>](https://example.org/x)", "[x<script>](/a)"]
)
def test_spans_stay_balanced_around_script_in_markdown(document: str) -> None:
    """Inside inline <script>…</script> every token was dropped, span ends included: "*0<SCRIPT>*"
    gave the block "<em1>0" (an unclosed span), and a link opened inside the script but closed after
    it raised IndexError (pop from empty list)."""
    article = read_article_text(document, fmt="md", source_lang="en")
    for block in article.blocks:
        assert markup_problems(block.text, block.marks) == []


def test_an_xml_declaration_in_markdown_raw_html() -> None:
    """Raw HTML in Markdown that starts with <?xml … encoding="utf-8"?> raised lxml's ValueError
    ("Unicode strings with encoding declaration are not supported")."""
    document = '<?xml version="1.0" encoding="utf-8"?><html><body><p>Hello there</p></body></html>'
    assert read_article_text(document, fmt="md", source_lang="en").headline == "Hello there"


@pytest.mark.parametrize(("raw", "charset"), [(b" ", "punycode"), (b"", "utf-8\x00"), (b"\xff", "idna")])
def test_http_charsets_that_fail_oddly(raw: bytes, charset: str) -> None:
    """punycode raised a bare UnicodeError (not UnicodeDecodeError); a charset with a NUL in it made
    codecs.lookup raise ValueError ("embedded null character")."""
    try:
        decode_with_charset(raw, "https://example.org/a", charset, maybe_html=False)
    except EncodingError as err:
        assert "\n" not in str(err)


def test_a_file_name_the_file_system_cannot_encode() -> None:
    """A lone surrogate in a path raised UnicodeEncodeError from os.stat; a NUL, ValueError."""
    for name in ("/tmp/a\ud800b.md", "/tmp/a\x00b.md"):
        with pytest.raises(InputError, match="not a valid file name"):
            read_article(name)


def test_language_detection_of_text_with_a_lone_surrogate() -> None:
    """An engine's JSON reply may hold "\\ud800": lingua raised UnicodeEncodeError in check_language."""
    target = "Le port a rouvert jeudi après une longue grève des dockers \ud800."
    check_block(
        BlockPair("b1", "The port reopened on Thursday after a long strike.", target), QaContext("en", "fr")
    )


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("$5 $5 $5", "es", "5\u00a0$ 5\u00a0$ 5\u00a0$"),  # was "5 $ 5 5 $ $" on a second pass
        ("€12€12", "es", "12\u00a0€€12"),  # the second sign, glued to the first, stays
        ("US$ $750 millions", "fr", "US$ $750 millions"),  # two signs, one amount: left alone
        ("Thu.$1,0875", "fr", "Thu.$1,0875"),  # moved, "Thu.1,0875" reads as no number at all
        ("$1.0875 3 p.m.", "fr", "1.0875\u00a0$ 3 p.m."),  # was "1.0875 3 $ p.m.": a time joined in
    ],
)
def test_currency_repairs_found_by_fuzzing(text: str, lang: str, expected: str) -> None:
    once, _ = fix_currency(text, lang)
    assert once == expected
    assert fix_currency(once, lang) == (once, [])


def test_a_year_then_a_grouped_number_are_two_numbers() -> None:
    """ "5 juin 2025 1 250" read as 2025, 1 and 250 (the run "2025 1 250" was split everywhere since
    "2025" is no thousands group), so the QA check called the repaired 1 250 missing; "5 6.5" (en)
    was taken for one grouped number and read as 5, 6 and 5."""
    assert number_values("5 juin 2025 1\u202f250", "fr") == Counter(map(Decimal, ["5", "2025", "1250"]))
    assert number_values("6/5 6.5%", "en") == Counter(map(Decimal, ["6", "5", "6.5"]))


def test_a_translation_with_numbers_in_both_forms_carries_them_all() -> None:
    """Source "$1.0875" three times; the French "1,0875 … 1.0875juin … 1,0875": each number stands for
    1.0875, read its own way. The check counted the larger of two whole-text readings (2), and called
    one missing."""
    source = "$1.0875 $1.0875 $1.0875"
    target = "$1,0875 $1.0875juin 2025 $1,0875"
    assert missing_numbers(source, target, "en", "fr") == []


def test_a_numeric_date_the_source_also_writes_as_numbers_is_left() -> None:
    """Source "June 5, 2025 … 6/5" (no year: numbers to English dates), target "6/5": the date repair
    rewrote it « 5 juin 2025 », and the source's 6 and 5 went missing."""
    assert fix_dates("June 5, 2025 and 6/5", "6/5", "en", "fr") == ("6/5", [])
    assert fix_dates("Released June 5, 2025.", "Phát hành 6/5/2025.", "en", "vi")[0] == "Phát hành 5/6/2025."


@pytest.mark.parametrize(
    ("document", "fmt"), [("<h1>Title</h1><p>&#x1F600;&#x1;</p>", "html"), ("# Title\n\nA&#x1;b &#7;", "md")]
)
def test_character_references_to_control_characters_are_removed(document: str, fmt: str) -> None:
    """ "&#x1;" decodes after the bytes were cleaned of control characters: the block kept a U+0001
    (the JSON reader, reading the article back, removed it: no round trip)."""
    article = read_article_text(document, fmt=fmt, source_lang="en")
    assert all(not any(ord(c) < 0x20 for c in block.text) for block in article.blocks), article.blocks


def test_an_ordinal_before_a_date_is_not_a_weekday() -> None:
    """vi "lần thứ hai 5/6" (the second time, 5 June) counted as Monday because a date follows, so
    the weekday repair rewrote it "lần thứ năm" (the fifth time) for a source Thursday."""
    assert find_weekdays("lần thứ hai 5/6", "vi") == []
    assert [m.day for m in find_weekdays("vào thứ hai 5/6", "vi")] == [0]
    target = "lần thứ hai 5/6 Thứ hai, "
    assert fix_weekdays("June 5, 2025 Thursday US$ 2 billion", target, "en", "vi")[0] == target


def test_a_number_before_a_colon_is_repaired_in_one_pass() -> None:
    """fr "1,250:" was left by the number repair (a colon: maybe a clock time), then typography wrote
    "1,250 :", which the next pass did convert: repair_block was not idempotent."""
    source, target = "It cost 1,250 dollars: a record.", "Il a coûté 1,250: un record."
    once, _ = repair_block(BlockPair("b1", source, target), QaContext("en", "fr"))
    assert once == "Il a coûté 1\u202f250\u00a0: un record."
    assert repair_block(BlockPair("b1", source, once), QaContext("en", "fr"))[0] == once


def test_numbers_grouped_with_different_spaces_are_two_numbers() -> None:
    """ "1 250 750 millions" with U+202F inside the first number and a plain space after it: the
    repaired 1 250 (U+202F) was read together with the next number as 1250750."""
    assert number_values("1\u202f250 750 millions", "fr") == Counter(map(Decimal, ["1250", "750"]))


def test_a_clock_time_before_a_colon_is_a_time_on_both_sides() -> None:
    """ "10:00: " (a time, then a colon as punctuation) was not read as a time, but after typography
    wrote « 10:00 : » the French side was: the repair turned two matching numbers into two
    `number.missing`. A colon that a digit follows still ends the match (10:00:30 is not 10:00)."""
    source = "June 5, 2025 10:00: "
    target = "5 juin 2025 10:00: "
    once, _ = repair_block(BlockPair("b1", source, target), QaContext("en", "fr"))
    assert once == "5 juin 2025 10:00\u00a0: "
    assert check_numbers(BlockPair("b1", source, once), QaContext("en", "fr")) == []
    assert [(h, m) for _, _, h, m in clock_times("at 10:00: the vote", "en")] == [(10, 0)]
    assert clock_times("at 10:00:30", "en") == []


def test_a_json_block_with_no_words_is_left_out() -> None:
    """`{"id": "", "text": ""}` blocks came through as empty blocks (the JSON reader checked their
    markup, not their words)."""
    document = '{"headline": "The", "id": "", "blocks": [{"id": "", "text": ""}, {"id": "x", "text": "Hi."}]}'
    article = read_article_text(document, fmt="json")
    assert [(b.id, b.text) for b in article.blocks] == [("b1", "Hi.")]


def test_vietnamese_thu_before_an_amount_is_not_a_weekday() -> None:
    """The currency repair wrote "thứ 2 billion USD", and "thứ 2" was then read as Monday: the
    amount's 2 was gone from the numbers."""
    assert find_weekdays("thứ 2 billion USD", "vi") == []
    assert find_weekdays("thứ 2,5 tỷ đồng", "vi") == []
    assert [m.day for m in find_weekdays("vào thứ 2 tuần này", "vi")] == [0]
    assert number_values("thứ 2 billion USD", "vi") == Counter({Decimal("2"): 1})


def test_a_month_before_a_clock_time_is_not_a_date() -> None:
    """ "June 12:30" was repaired to « 12 juin:30 », the time 12:30 broken in two."""
    assert find_dates("June 12:30 ", "en") == []
    target = "June 12:30 "
    once, _ = repair_block(BlockPair("b1", "June 5, 2025 June 12:30 ", target), QaContext("en", "fr"))
    assert "12:30" in once


def test_a_month_before_an_hour_with_pm_is_not_a_date() -> None:
    """ "June 3 p.m." was repaired to « 3 juin p.m. », the time 3 p.m. lost."""
    assert find_dates("June 3 p.m. ", "en") == []
    assert [d.day for d in find_dates("June 3, 2025 at 3 p.m.", "en")] == [3]
    pair = BlockPair("b1", "June 5, 2025 June 3 p.m. ", "June 3 p.m. ")
    once, _ = repair_block(pair, QaContext("en", "fr"))
    assert "3 p.m." in once or "15" in once
