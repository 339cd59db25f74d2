"""The span editor and bidi controls in a real browser (Debian's chromium, as tests/service/test_browser.py).

An editor edits a block with a link and an emphasis: the words change, a marker moves, the stored text
keeps its placeholder tags and the link its target. Deleting a marker or a span's last words is
refused on the page (and by the server, tests/service/test_span_editor.py). A headline sent with
U+202E is read without it: it shows left to right on the review page and in the exports, and the
editor is told with a fixed `bidi.control` finding.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from editions.document import BIDI_CONTROL_RE
from editions.service.context import ServiceConfig
from editions.store.editions import get_edition

from . import test_browser
from .conftest import LiveService, live_service, seed_edition
from .test_span_editor import LINKED, LINKED_FR

# test_browser's fixtures (module-scoped chromium, a service without workers, a tab that fails on
# console errors), registered here under their own names
browser, live, page = test_browser.browser, test_browser.live, test_browser.page


def _open_editor(page: Any, row: Any) -> Any:
    from playwright.sync_api import expect

    row.locator("summary", has_text="Edit").click()
    editor = row.locator(".span-editor")
    expect(editor).to_be_visible()
    expect(editor).to_be_focused()
    expect(row.locator("textarea")).to_be_hidden()  # still the form's field, filled by review.js
    return editor


def _select_text(page: Any, editor: Any, words: str) -> None:
    """Select `words` inside the editor, as a drag of the mouse would."""
    found = editor.evaluate(
        """(el, words) => {
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(words);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + words.length);
                    const selection = window.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    return true;
                }
            }
            return false;
        }""",
        words,
    )
    assert found, words


def test_span_editor_keeps_tags_and_link_targets(live: LiveService, page: Any) -> None:
    from playwright.sync_api import expect

    _, edition_id = seed_edition(live.ctx, LINKED, "fr", LINKED_FR)
    page.goto(f"{live.url}/editions/{edition_id}")
    row = page.locator("tr#block-b1")
    editor = _open_editor(page, row)
    chips = editor.locator(".chip")
    expect(chips).to_have_text(["link", "/link", "emphasis", "/emphasis"])
    expect(chips.first).to_have_attribute("contenteditable", "false")
    expect(editor).to_have_text("Lisez le linkrapport annuel/link et le texte emphasiscomplet/emphasis.")
    expect(row.locator(".span-legend")).to_contain_text("https://example.com/report")

    # change words outside and inside the link, with the keyboard
    _select_text(page, editor, "Lisez")
    page.keyboard.type("Consultez")
    _select_text(page, editor, "rapport")
    page.keyboard.type("bilan")
    # typing something that looks like a tag gives text, not a span
    _select_text(page, editor, "le texte")
    page.keyboard.type("le <b3>texte")
    # move the start of the emphasis five characters left, over "texte": click it, Alt+Left
    editor.locator(".chip-open[data-tag='em2']").click()
    for _ in range(6):
        page.keyboard.press("Alt+ArrowLeft")
    expect(row.locator(".span-problem")).to_be_hidden()
    expect(row.locator("textarea")).to_have_value(
        "Consultez le <a1>bilan annuel</a1> et le ‹b3›<em2>texte complet</em2>."
    )
    row.get_by_role("button", name="Save and re-check").click()
    page.wait_for_url(f"**/editions/{edition_id}?notice=saved#block-b1")
    block = get_edition(live.ctx.store, edition_id).edition.blocks[0]
    assert block.text == "Consultez le <a1>bilan annuel</a1> et le ‹b3›<em2>texte complet</em2>."
    assert block.marks["a1"].href == "https://example.com/report"
    expect(row.locator("td.tgt span.link")).to_have_text("bilan annuel")
    expect(row.locator("td.tgt em")).to_have_text("texte complet")

    # export: the link target is where it was
    with page.expect_download() as info:
        page.get_by_role("link", name="Markdown").click()
    markdown = Path(info.value.path()).read_text(encoding="utf-8")
    assert "[bilan annuel](https://example.com/report)" in markdown and "*texte complet*" in markdown
    assert page.console_errors == []


def test_span_editor_refuses_a_lost_marker_or_an_emptied_span(live: LiveService, page: Any) -> None:
    from playwright.sync_api import expect

    _, edition_id = seed_edition(live.ctx, LINKED, "fr", LINKED_FR)
    page.goto(f"{live.url}/editions/{edition_id}")
    row = page.locator("tr#block-b1")
    editor = _open_editor(page, row)
    problem = row.locator(".span-problem")
    save = row.get_by_role("button", name="Save and re-check")

    # Backspace right after the link's end marker deletes the marker whole, never a part of it
    _select_text(page, editor, " et le")
    page.keyboard.press("ArrowLeft")  # caret at the start of " et le", just after </a1>
    page.keyboard.press("Backspace")
    expect(editor.locator(".chip")).to_have_text(["link", "emphasis", "/emphasis"])
    expect(problem).to_have_text(
        "The link <a1> lost its end marker. Press “Put back”, Ctrl+Z, or Esc to start over."
    )
    save.click()
    expect(problem).to_be_visible()
    assert page.url.endswith(f"/editions/{edition_id}")  # nothing was sent
    # "Put back" puts the marker around the selected words again
    _select_text(page, editor, "rapport annuel")
    row.locator(".span-legend li[data-tag='a1']").get_by_role("button", name="Put back").click()
    expect(problem).to_be_hidden()
    expect(row.locator("textarea")).to_have_value(LINKED_FR["b1"])

    # deleting every word of the emphasis is refused too
    _select_text(page, editor, "complet")
    page.keyboard.press("Delete")
    expect(problem).to_contain_text("The emphasis <em2> has no words left")
    row.locator(".span-editor").press("Control+Enter")
    expect(problem).to_be_visible()
    stored = get_edition(live.ctx.store, edition_id)
    assert stored.revision == 1 and stored.edition.blocks[0].text == LINKED_FR["b1"]

    # Esc restores the block as it was
    editor.press("Escape")
    expect(row.locator("textarea")).to_have_value(LINKED_FR["b1"])
    assert page.console_errors == []


@pytest.fixture
def fake_live(tmp_path: Path, fake_engine: Any) -> Iterator[LiveService]:
    """The service with one worker whose engine is the tests' FakeEngine (a table, not a model)."""
    table = {
        "Council approves budget": "Le conseil approuve le budget",
        "The council voted on Tuesday.": "Le conseil a voté mardi.",
    }
    config = ServiceConfig(database_url=f"sqlite:///{tmp_path / 'e.db'}", workers=1, rate_per_minute=10_000)
    with live_service(
        config,
        engine_factory=lambda options: fake_engine(lambda request, _: table.get(request.text, request.text)),
    ) as service:
        yield service


def test_a_bidi_override_in_a_headline_is_removed_and_told(fake_live: LiveService, page: Any) -> None:
    from playwright.sync_api import expect

    article = {
        "headline": "Council \u202eapproves budget",
        "body": "The council \u2066voted\u2069 on Tuesday.",
    }
    with fake_live.client() as client:
        job = client.post(
            "/v1/articles", json={"article": article, "targets": ["fr"], "source_lang": "en"}
        ).json()
        deadline = time.monotonic() + 60
        while (state := client.get(f"/v1/jobs/{job['job_id']}").json())["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert state["status"] == "done", state
        edition_id = state["articles"][0]["languages"]["fr"]["edition_id"]
        exported = {
            fmt: client.get(f"/v1/editions/{edition_id}/export?format={fmt}").text
            for fmt in ("md", "html", "json")
        }
    for fmt, body in exported.items():
        assert not BIDI_CONTROL_RE.search(body), fmt
    assert "Le conseil approuve le budget" in exported["md"]
    assert "Council approves budget" in json.loads(exported["json"])["editions"][0]["source_headline"]

    page.goto(f"{fake_live.url}/editions/{edition_id}")
    original = page.locator(".edition-head .original")
    expect(original).to_have_text("Council approves budget")
    # rendered left to right: "approves" starts left of the last letter of "budget" (after U+202E the
    # run "approves budget" is drawn reversed, and "approves" ends up at the far right)
    approves_x, last_x = original.evaluate(
        """el => {
            const node = el.firstChild, range = document.createRange();
            const x = (i) => {
                range.setStart(node, i); range.setEnd(node, i + 1); return range.getBoundingClientRect().left;
            };
            return [x(node.data.indexOf("approves")), x(node.data.length - 1)];
        }"""
    )
    assert approves_x < last_x
    qa = page.locator("tr#block-headline td.qa")
    expect(qa).to_contain_text("bidi.control")
    expect(qa).to_contain_text("removed 1 bidi control character (U+202E RIGHT-TO-LEFT OVERRIDE)")
    expect(page.locator("tr#block-b1 td.qa")).to_contain_text("U+2066 LEFT-TO-RIGHT ISOLATE")
    assert page.console_errors == []


def test_a_marker_moves_by_dragging(live: LiveService, page: Any) -> None:
    from playwright.sync_api import expect

    _, edition_id = seed_edition(live.ctx, LINKED, "fr", LINKED_FR)
    page.goto(f"{live.url}/editions/{edition_id}")
    row = page.locator("tr#block-b1")
    editor = _open_editor(page, row)
    # the left edge of "texte", relative to the editor: drop the emphasis' start marker there
    x, y = editor.evaluate(
        """el => {
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf("texte");
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at); range.setEnd(node, at + 1);
                const b = range.getBoundingClientRect(), e = el.getBoundingClientRect();
                return [b.left - e.left + 1, b.top - e.top + b.height / 2];
            }
        }"""
    )
    editor.locator(".chip-open[data-tag='em2']").drag_to(editor, target_position={"x": x, "y": y})
    expect(row.locator("textarea")).to_have_value(
        "Lisez le <a1>rapport annuel</a1> et le <em2>texte complet</em2>."
    )
    expect(editor.locator(".chip")).to_have_count(4)
    assert page.console_errors == []
