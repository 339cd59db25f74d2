"""Bidi controls in an article: the embeddings, overrides and isolates are removed when it is read.

U+202E (RIGHT-TO-LEFT OVERRIDE) shows "Council approves\u202e tegdub" as "Council approves budget"
on screen while the text says otherwise ("Trojan Source"), and reverses everything after it in a
headline. A French or Vietnamese edition never needs them, the engine would only garble them, and the
review page and exports would pass them on. So reading an article drops U+202A–U+202E and
U+2066–U+2069 everywhere, and records a fixed `bidi.control` finding per segment that the editor sees.
The marks U+200E, U+200F and U+061C stay: they have no scope (they cannot reorder a run of text),
and Arabic or Hebrew names quoted in an article may need them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from editions.document import BIDI_CONTROL_RE
from editions.ingest import read_article_text

RLO, PDF, LRI, PDI, RLM = "\u202e", "\u202c", "\u2066", "\u2069", "\u200f"

SOURCES = {
    "text": f"Council {RLO}approves{PDF} budget\n\nThe council {LRI}voted{PDI} on Tuesday.\n",
    "md": f"# Council {RLO}approves{PDF} budget\n\nThe council {LRI}voted{PDI} on Tuesday.\n",
    "html": (
        f"<html><head><title>x</title></head><body><article><h1>Council {RLO}approves{PDF} budget</h1>"
        f"<p>The council {LRI}voted{PDI} on Tuesday, and the vote was close but clear in the end.</p>"
        "</article></body></html>"
    ),
    # escapes in JSON strings decode after the byte-level clean-up: they must be caught too
    "json": json.dumps(
        {"headline": f"Council {RLO}approves{PDF} budget", "body": f"The council {LRI}voted{PDI} on Tuesday."}
    ),
}


@pytest.mark.parametrize("fmt", sorted(SOURCES))
def test_bidi_controls_are_removed_and_noted(fmt: str) -> None:
    article = read_article_text(SOURCES[fmt], fmt=fmt, source_lang="en")
    assert article.headline == "Council approves budget"
    assert article.blocks[0].text.startswith("The council voted on Tuesday")
    texts = [article.headline, *(b.text for b in article.blocks)]
    assert not any(BIDI_CONTROL_RE.search(t) for t in texts)
    found = {f.block_id: f for f in article.findings}
    assert set(found) == {"headline", "b1"}
    headline = found["headline"]
    assert headline.code == "bidi.control" and headline.fixed and headline.severity == "warning"
    assert headline.message == (
        "removed 2 bidi control characters (U+202E RIGHT-TO-LEFT OVERRIDE, U+202C POP DIRECTIONAL "
        "FORMATTING) that reorder text on screen"
    )


def test_marks_stay_and_clean_text_has_no_findings() -> None:
    article = read_article_text(f"Talks in Tel Aviv {RLM}end\n\nA plain paragraph.\n", source_lang="en")
    assert RLM in article.headline and article.findings == []


def test_json_schema_cannot_smuggle_findings_or_controls() -> None:
    document = {
        "headline": f"A {RLO}headline",
        "blocks": [
            {
                "id": "b1",
                "text": f"Read <a1>the {RLO}report</a1>.",
                "marks": {"a1": {"kind": "link", "href": "https://example.com/r"}},
            }
        ],
        "findings": [{"code": "empty", "severity": "error", "message": "planted", "block_id": "b1"}],
    }
    article = read_article_text(json.dumps(document), fmt="json", source_lang="en")
    assert article.blocks[0].text == "Read <a1>the report</a1>."
    assert [(f.block_id, f.code) for f in article.findings] == [
        ("headline", "bidi.control"),
        ("b1", "bidi.control"),
    ]


def test_each_edition_carries_the_removals_next_to_the_segment(fake_engine: Any) -> None:
    from editions.pipeline import Pipeline

    article = read_article_text(SOURCES["md"], fmt="md", source_lang="en")
    [edition] = Pipeline(fake_engine()).translate(article, ["fr"])
    assert not BIDI_CONTROL_RE.search(edition.headline + edition.source_headline)
    assert [(f.block_id, f.code, f.fixed) for f in edition.findings if f.code == "bidi.control"] == [
        ("headline", "bidi.control", True)
    ]
    assert [f.code for f in edition.blocks[0].findings if f.code == "bidi.control"] == ["bidi.control"]
