"""The HTML round trip's outputs in a real browser: Playwright drives Debian's chromium (never a
downloaded one), as tests/service/test_browser.py does.

Every corpus file is read, translated (FakeEngine, capitals) and rendered to a file that chromium
opens from disk. Any request the page makes for something else (an image) is answered by the test with
a 1×1 PNG, so nothing leaves the machine and a missing picture is no console error. The page must
render (no console error, no script error, a visible non-empty body), every link of the source must be
in the DOM with its href, and every figure image must keep its src and carry its translated alt.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from html_corpus import CORPUS, FILES, capitals, dropped, kept_image, norm, round_trip, safe_href
from lxml.html import document_fromstring

from service import test_browser

_PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


# Debian's chromium through Playwright, launched as the review-page browser tests launch it
browser = test_browser.browser


@pytest.mark.parametrize("name", FILES)
def test_output_renders_with_every_link_and_alt(
    browser: Any, fake_engine: Any, tmp_path: Path, name: str
) -> None:
    trip = round_trip(name, fake_engine(capitals))
    page_file = tmp_path / f"{Path(name).stem}.fr.html"
    page_file.write_text(trip.html, encoding="utf-8")
    page_url = page_file.as_uri()

    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    problems: list[str] = []
    outside: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda err: problems.append(str(err)))

    def answer(route: Any) -> None:
        if route.request.url == page_url:
            route.continue_()
        else:  # an image: never fetched from anywhere
            outside.append(route.request.url)
            route.fulfill(status=200, content_type="image/png", body=_PIXEL)

    page.route("**/*", answer)
    try:
        page.goto(page_url, wait_until="load")
        body_text = page.inner_text("body")
        links = page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))")
        images = page.eval_on_selector_all(
            "figure img",
            "els => els.map(i => [i.getAttribute('src'), i.getAttribute('alt'), i.naturalWidth])",
        )
        lang = page.eval_on_selector("html", "el => el.lang")
        quoted = page.eval_on_selector_all(
            "q", "els => els.map(q => getComputedStyle(q, '::before').content)"
        )
    finally:
        context.close()

    assert problems == []
    assert body_text.strip() and page_file.stat().st_size > 0
    assert lang == "fr"
    source = document_fromstring((CORPUS / name).read_text(encoding="utf-8"))
    article = source.find(".//article")
    root = article if article is not None else source
    wanted = [a.get("href").strip() for a in root.iter("a") if not dropped(a) and safe_href(a.get("href"))]
    assert wanted and all(href in links for href in wanted)
    assert sorted(links) == sorted(wanted)
    figures = [img for img in root.iter("img") if kept_image(img) and img.getparent().tag == "figure"]
    expected = [(img.get("src"), norm(img.get("alt")).upper()) for img in figures]
    assert [(src, alt) for src, alt, _ in images] == expected
    assert all(width == 1 for _, _, width in images)  # drawn (our pixel), not a broken image
    assert all(content not in ("none", "normal", "") for content in quoted)  # the browser quotes a <q>
    assert len(outside) >= len(images)  # every image was asked of us, none of the network
