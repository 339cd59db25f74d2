"""Sentence splitting for sentence-level engines: pysbd's rules per language, never inside a span."""

from __future__ import annotations

import pytest

from editions.sentences import join_sentences, split_sentences


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "en",
            "Mr. Smith said the U.S. economy grew 2.5% in Q3. \"We are pleased,\" he said. Really? Yes.",
            [
                "Mr. Smith said the U.S. economy grew 2.5% in Q3.",
                '"We are pleased," he said.',
                "Really?",
                "Yes.",
            ],
        ),
        ("en", "John F. Kennedy spoke at 3 p.m. on Friday. Then he left.", None),
        (
            "fr",
            "Le Dr. Martin a parlé. Puis M. Dupont est parti à 14 h 30.",
            ["Le Dr. Martin a parlé.", "Puis M. Dupont est parti à 14 h 30."],
        ),
        ("vi", "Ông Nguyễn Văn A nói. Giá tăng 2,5%.", ["Ông Nguyễn Văn A nói.", "Giá tăng 2,5%."]),
        ("en", "One sentence only", ["One sentence only"]),
    ],
)  # fmt: skip
def test_sentences_follow_the_languages_rules(lang: str, text: str, expected: list[str] | None) -> None:
    pieces = split_sentences(text, lang)
    if expected is not None:
        assert [p.text for p in pieces] == expected
    else:
        assert len(pieces) == 2 and pieces[0].text.endswith("Friday.")
    for piece in pieces:  # offsets point at the piece in the text
        assert text[piece.start : piece.end] == piece.text


def test_a_span_is_never_cut_and_its_tags_go_with_its_sentence() -> None:
    text = "It cost <a1>3.9 million euros</a1>. <em2>Prices rose. Then fell.</em2> The end."
    pieces = [p.text for p in split_sentences(text, "en")]
    assert pieces == ["It cost <a1>3.9 million euros</a1>.", "<em2>Prices rose. Then fell.</em2>", "The end."]
    assert split_sentences(text, "en")[1].tags == {"em2"}
    closing = [p.text for p in split_sentences("<b1>Hello there.</b1> Next one.", "en")]
    assert closing == ["<b1>Hello there.</b1>", "Next one."]


def test_empty_and_joined() -> None:
    assert split_sentences("  \n ", "en") == []
    assert join_sentences(["Il a dit.", " Puis est parti. "], "fr") == "Il a dit. Puis est parti."
    assert join_sentences(["他说。", "然后离开了。"], "zh") == "他说。然后离开了。"
