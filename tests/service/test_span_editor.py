"""Editing a block keeps its inline spans: the server refuses an edit that loses, repeats, crosses,
empties or invents a placeholder tag, or that carries a bidi control, with one clear line (the review
page's span editor checks the same before it sends; tests/service/test_browser_editing.py)."""

from __future__ import annotations

import pytest

from editions.document import Article, Block, Mark
from editions.store.editions import get_edition

from .conftest import LiveService, seed_edition
from .test_review import post

LINKED = Article(
    headline="Port report published",
    blocks=[
        Block(
            id="b1",
            text="Read the <a1>annual report</a1> and the <em2>full</em2> text.",
            marks={"a1": Mark(kind="link", href="https://example.com/report"), "em2": Mark(kind="em")},
        ),
    ],
)
LINKED_FR = {
    "headline": "Le rapport du port est publié",
    "b1": "Lisez le <a1>rapport annuel</a1> et le texte <em2>complet</em2>.",
}

REFUSED = [
    ("Lisez le rapport annuel</a1> et le texte <em2>complet</em2>.", "the link <a1> lost its opening tag"),
    ("Lisez le <a1>rapport annuel et le texte <em2>complet</em2>.", "the link <a1> lost its closing tag"),
    ("Lisez le rapport annuel et le texte <em2>complet</em2>.", "the link <a1>…</a1> was deleted"),
    ("Lisez le <a1></a1> et le texte <em2>complet</em2>.", "the link <a1> has no words left"),
    ("Lisez le <a1> </a1> et le texte <em2>complet</em2>.", "the link <a1> has no words left"),
    ("Lisez le </a1>rapport<a1> et le texte <em2>complet</em2>.", "</a1> comes before <a1>"),
    ("Lisez le <a1>rapport <em2>annuel</a1> complet</em2>.", "<a1> and <em2> overlap"),
    ("Lisez le <a1>rapport</a1> <a1>annuel</a1> et <em2>complet</em2>.", "<a1> appears 2 times"),
    ("Lisez le <a1>rapport</a1> et <em2>complet</em2> <b3>gras</b3>.", "unknown inline tag <b3>"),
    (
        "Lisez le <a1>rapport \u202eannuel</a1> et le texte <em2>complet</em2>.",
        "U+202E RIGHT-TO-LEFT OVERRIDE",
    ),
]


@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_an_edit_that_breaks_a_span_is_refused(service: LiveService, text: str, message: str) -> None:
    _, edition_id = seed_edition(service.ctx, LINKED, "fr", LINKED_FR)
    with service.client() as client:
        page = post(client, service, f"/editions/{edition_id}/blocks/b1", {"text": text, "revision": "1"})
        assert page.status_code == 422, page.text
        assert message in page.text.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"')
        assert "Lisez le" in page.text  # the editor's text is kept on the error page
        api = client.put(f"/v1/editions/{edition_id}/blocks/b1", json={"text": text})
        assert api.status_code == 422
        error = api.json()["error"]
        assert message in error and "\n" not in error
    stored = get_edition(service.ctx.store, edition_id)
    assert stored.revision == 1 and stored.edition.blocks[0].text == LINKED_FR["b1"]


def test_an_edit_that_keeps_the_spans_is_saved_with_its_link(service: LiveService) -> None:
    _, edition_id = seed_edition(service.ctx, LINKED, "fr", LINKED_FR)
    moved = "Consultez le <a1>bilan annuel</a1> et le <em2>texte complet</em2>."
    with service.client() as client:
        saved = post(client, service, f"/editions/{edition_id}/blocks/b1", {"text": moved, "revision": "1"})
        assert saved.status_code == 303
        # nesting is fine (the readers make it: a link in bold), and so is a span in the headline-free block
    block = get_edition(service.ctx.store, edition_id).edition.blocks[0]
    assert block.text == moved
    assert block.marks["a1"].href == "https://example.com/report"
    assert [f.code for f in block.findings if f.code == "markup.broken"] == []


def test_a_segment_without_spans_refuses_tags(service: LiveService) -> None:
    _, edition_id = seed_edition(service.ctx, LINKED, "fr", LINKED_FR)
    with service.client() as client:
        api = client.put(f"/v1/editions/{edition_id}/blocks/headline", json={"text": "Le <a1>rapport</a1>"})
    assert api.status_code == 422
    assert api.json()["error"] == "unknown inline tag <a1>: this segment has no inline spans"
