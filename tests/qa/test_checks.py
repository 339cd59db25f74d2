"""Every QA check, table-driven: a passing and a failing case we wrote, in fr and vi."""

from __future__ import annotations

import pytest

from editions.document import Mark
from editions.glossary import Glossary
from editions.qa import CHECKS, BlockPair, QaContext, check_block

GLOSSARY = Glossary.starter()
LINK = {"a1": Mark(kind="link", href="https://example.org/r")}

# (check, lang, source, target, marks, expected code or None for "no finding from this check")
CASES = [
    ("empty", "fr", "The port closed.", "Le port a fermé.", {}, None),
    ("empty", "vi", "The port closed.", "  ", {}, "empty"),
    ("markup", "fr", "Read <a1>the report</a1>.", "Lisez <a1>le rapport</a1>.", LINK, None),
    ("markup", "vi", "Read <a1>the report</a1>.", "Đọc báo cáo.", LINK, "markup.broken"),
    ("markup", "fr", "Read <a1>the report</a1>.", "Lisez <a1>le rapport.", LINK, "markup.broken"),
    ("numbers", "fr", "It cost $1,250.5 million.", "Cela a coûté 1 250,5 millions de dollars.", {}, None),
    ("numbers", "vi", "It cost $1,250.5 million.", "Chi phí là 1.250,5 triệu USD.", {}, None),
    ("numbers", "fr", "A 90-day truce.", "Une trêve de 90 jours.", {}, None),
    ("numbers", "vi", "A 90-day truce.", "Thỏa thuận ngừng bắn 90 ngày.", {}, None),
    (
        "numbers",
        "fr",
        "It cost $1,250 million.",
        "Cela a coûté 1 520 millions de dollars.",
        {},
        "number.missing",
    ),
    ("numbers", "vi", "Prices rose 4.5%.", "Giá tăng 5,4%.", {}, "number.missing"),
    ("numbers", "fr", "Prices rose.", "Les prix ont augmenté de 7 %.", {}, "number.added"),
    ("dates", "fr", "On June 5, talks resumed.", "Le 5 juin, les pourparlers ont repris.", {}, None),
    ("dates", "vi", "On June 5, talks resumed.", "Ngày 5/6, các cuộc đàm phán đã nối lại.", {}, None),
    (
        "dates",
        "vi",
        "On June 5, talks resumed.",
        "Ngày 6/5, các cuộc đàm phán đã nối lại.",
        {},
        "date.shifted",
    ),
    (
        "dates",
        "fr",
        "On June 5, talks resumed.",
        "Le 6 juin, les pourparlers ont repris.",
        {},
        "date.shifted",
    ),
    ("dates", "fr", "On June 5, talks resumed.", "Les pourparlers ont repris.", {}, "date.missing"),
    (
        "dates",
        "fr",
        "Workers returned on Tuesday, two days after the strike.",
        "Les ouvriers sont revenus le 2 février, deux jours après la grève.",
        {},
        "date.added",
    ),
    ("dates", "vi", "Talks resumed on Monday.", "Đàm phán đã nối lại vào ngày 3/3.", {}, "date.added"),
    ("dates", "vi", "Talks resumed on Monday.", "Các cuộc đàm phán đã nối lại vào thứ Hai.", {}, None),
    ("glossary", "fr", "Officials in Beijing agreed.", "Les responsables à Pékin ont accepté.", {}, None),
    ("glossary", "vi", "Officials in Beijing agreed.", "Các quan chức ở Bắc Kinh đã đồng ý.", {}, None),
    (
        "glossary",
        "fr",
        "Officials in Beijing agreed.",
        "Les responsables à Beijing ont accepté.",
        {},
        "glossary.term",
    ),
    ("glossary", "vi", "Xi Jinping spoke.", "Xi Jinping đã phát biểu.", {}, "glossary.term"),
    ("names", "fr", "Marieke de Vries signed.", "Marieke de Vries a signé.", {}, None),
    ("names", "vi", "Marieke de Vries signed.", "Marieke de Vries đã ký.", {}, None),
    ("names", "fr", "Marieke de Vries signed.", "La négociatrice a signé.", {}, "name.missing"),
    (
        "links",
        "fr",
        "Write to desk@example.org or see https://example.org/a.",
        "Écrivez à desk@example.org ou voyez https://example.org/a.",
        {},
        None,
    ),
    (
        "links",
        "vi",
        "Follow @newsdesk for updates.",
        "Theo dõi @tongbientap để cập nhật.",
        {},
        "link.changed",
    ),
    (
        "language",
        "fr",
        "The council approved the plan on Monday evening.",
        "Le conseil a approuvé le plan lundi soir.",
        {},
        None,
    ),
    (
        "language",
        "vi",
        "The council approved the plan on Monday evening.",
        "The council approved the plan on Monday evening.",
        {},
        "lang.wrong",
    ),
    (
        "untranslated",
        "fr",
        "Shortages of rare earths worry carmakers.",
        "Les pénuries de terres rares inquiètent les constructeurs automobiles.",
        {},
        None,
    ),
    (
        "untranslated",
        "fr",
        "Shortages of rare earths worry carmakers.",
        "Les shortages de terres rares inquiètent les constructeurs automobiles.",
        {},
        "untranslated",
    ),
    (
        "untranslated",
        "vi",
        "The union signed the deal.",
        "Công đoàn đã ký thỏa thuận deal.",
        {},
        "untranslated",
    ),
    (
        "length",
        "fr",
        "The port reopened on Sunday. Ships left at dawn.",
        "Le port a rouvert dimanche. Les navires sont partis à l'aube.",
        {},
        None,
    ),
    (
        "length",
        "vi",
        "The port reopened on Sunday. Ships left at dawn.",
        "Cảng đã mở cửa trở lại vào Chủ nhật.",
        {},
        "omission.sentence",
    ),
    (
        "length",
        "fr",
        "The port reopened on Sunday after a long and costly strike by dockworkers.",
        "Le port a rouvert.",
        {},
        "omission",
    ),
    ("repetition", "vi", "The talks went on and on.", "Các cuộc đàm phán kéo dài mãi.", {}, None),
    ("repetition", "vi", "Talks resumed.", "Đàm phán nối lại nối lại nối lại nối lại.", {}, "repeat.loop"),
    ("repetition", "fr", "Talks resumed.", "Les pourparlers ont ont repris.", {}, "repeat.loop"),
]


@pytest.mark.parametrize(("check", "lang", "source", "target", "marks", "expected"), CASES)
def test_check(
    check: str, lang: str, source: str, target: str, marks: dict[str, Mark], expected: str | None
) -> None:
    findings = CHECKS[check](BlockPair("b1", source, target, marks), QaContext("en", lang, GLOSSARY))
    codes = [f.code for f in findings]
    if expected is None:
        assert codes == [], [f.message for f in findings]
    else:
        assert expected in codes
        finding = next(f for f in findings if f.code == expected)
        assert finding.message and finding.block_id == "b1" and finding.severity in ("error", "warning")


def test_every_check_has_a_passing_and_a_failing_case() -> None:
    for check in CHECKS:
        expected = [case[5] for case in CASES if case[0] == check]
        assert None in expected and any(expected), check


def test_spans_point_at_the_text() -> None:
    pair = BlockPair("b2", "It cost $1,250 million.", "Cela a coûté 1 520 millions de dollars.")
    [finding] = [f for f in check_block(pair, QaContext("en", "fr", GLOSSARY)) if f.code == "number.missing"]
    assert finding.source_text == "1,250" and finding.source_span is not None
