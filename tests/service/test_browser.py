"""The review page in a real browser: Playwright drives Debian's chromium (it never downloads one).

The service runs on SQLite only here (the HTTP tests cover PostgreSQL). One flow an editor follows,
hostile articles that try to run script, and the screenshot in docs/review-page.png.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from editions.document import Article, Block, Mark
from editions.service.context import ServiceConfig
from editions.store.editions import get_edition

from .conftest import LiveService, live_service, seed_edition
from .test_review import PORT, PORT_FR

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# docs/review-page.png is what the README shows; it is rewritten only when asked (make screenshot), so
# that a test run leaves the checkout clean. Otherwise the screenshot goes to the test's tmp folder.
DOCS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "review-page.png"
UPDATE_SCREENSHOT = os.environ.get("EDITIONS_UPDATE_SCREENSHOT") == "1"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's chromium is not installed at /usr/bin/chromium: install it with "
            "`apt-get install chromium` (scripts/test-services.sh start does); "
            "these tests never download a browser"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveService]:
    config = ServiceConfig(
        database_url=f"sqlite:///{tmp_path / 'editions.db'}", workers=0, rate_per_minute=10_000
    )
    with live_service(config) as service:
        yield service


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context; fails the test on any console error (a CSP violation shows up there)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.add_init_script("window.__pwned = 0;")
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda msg: tab.console_errors.append(msg.text) if msg.type == "error" else None)
    try:
        yield tab
    finally:
        context.close()


def test_editor_reviews_edits_approves_and_exports(live: LiveService, page: Any) -> None:
    from playwright.sync_api import expect

    job_id, edition_id = seed_edition(live.ctx, PORT, "fr", PORT_FR)
    page.goto(live.url + "/")
    expect(page.get_by_role("heading", name="Jobs")).to_be_visible()
    page.get_by_role("link", name="Port traffic rises").click()
    page.wait_for_url(f"**/jobs/{job_id}")
    page.get_by_role("link", name="Review edition").click()
    page.wait_for_url(f"**/editions/{edition_id}")

    row = page.locator("tr#block-b1")
    flag = row.locator("td.src mark.qa-error")
    expect(flag).to_be_visible()
    expect(flag).to_have_text("4,200")
    expect(row.locator("td.qa")).to_contain_text("number.missing")
    expect(row.locator("td.qa")).to_contain_text("the number 4200 is missing")
    expect(row.locator("td.tgt")).to_have_attribute("lang", "fr")

    # the edit form is folded away until the editor asks for it; review.js's span editor stands in for
    # the textarea (tests/service/test_browser_editing.py), which stays the form's field
    editor = row.locator(".span-editor")
    expect(editor).to_be_hidden()
    row.locator("summary", has_text="Edit").click()
    expect(editor).to_be_visible()
    expect(editor).to_be_focused()  # review.js focuses it
    expect(editor).to_have_text(PORT_FR["b1"])
    editor.fill("Le port a traité 4 200 conteneurs mardi.")
    row.get_by_role("button", name="Save and re-check").click()
    page.wait_for_url(f"**/editions/{edition_id}?notice=saved#block-b1")
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    expect(row.locator("td.tgt .text")).to_have_text("Le port a traité 4 200 conteneurs mardi.")
    expect(row.locator("mark")).to_have_count(0)
    expect(row.locator("td.qa")).not_to_contain_text("number.missing")
    assert get_edition(live.ctx.store, edition_id).revision == 2

    # Ctrl+Enter saves too; the link's markers stay where they are while the words around them change
    link_row = page.locator("tr#block-b2")
    link_row.locator("summary", has_text="Edit").click()
    area = link_row.locator("textarea")
    expect(area).to_have_value(PORT_FR["b2"])
    editor = link_row.locator(".span-editor")
    # review.js moves the caret to the end when the form opens: wait for it before typing
    expect(editor).to_be_focused()
    page.keyboard.press("Control+Home")  # (Home and End go to the ends of a wrapped line)
    for _ in range(len("Lisez")):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.type("Consultez")
    page.keyboard.press("Control+End")
    for _ in range(len("pour plus de détails.")):
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.type("pour en savoir plus.")
    expect(area).to_have_value("Consultez le <a1>rapport annuel</a1> pour en savoir plus.")
    editor.press("Control+Enter")
    page.wait_for_url(f"**/editions/{edition_id}?notice=saved#block-b2")
    expect(link_row.locator("td.tgt span.link")).to_have_text("rapport annuel")
    expect(link_row.locator("td.tgt a")).to_have_count(0)  # article links are text, not links

    # approve
    expect(page.locator(".edition-head .state")).to_have_text("draft")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(f"**/editions/{edition_id}?notice=approved#review")
    expect(page.locator(".edition-head .state")).to_have_text("approved")
    expect(page.get_by_role("button", name="Approve")).to_be_disabled()

    # export as Markdown
    with page.expect_download() as info:
        page.get_by_role("link", name="Markdown").click()
    download = info.value
    assert download.suggested_filename == f"{PORT.id}.fr.md"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert "# Le trafic portuaire augmente" in text
    assert "Le port a traité 4 200 conteneurs mardi." in text
    assert "[rapport annuel](https://example.com/report)" in text

    assert page.console_errors == []


PWN = "window.__pwned=1"
HOSTILE = Article(
    headline=f'<script>{PWN}</script><script>alert(1)</script> Council vote "><svg onload={PWN}>',
    blocks=[
        Block(id="b1", text=f'The mayor wrote <img src=x onerror="{PWN}"> on 3 May.'),
        Block(id="b2", text="Officials said <script>alert(document.cookie)</script> in the log."),
        Block(
            id="b3",
            text=f"Click <a1>here</a1> for details \"><svg onload=alert(1)> '><iframe src=javascript:{PWN}>",
            marks={"a1": Mark(kind="link", href=f"javascript:{PWN}")},
        ),
    ],
)
HOSTILE_FR = {
    "headline": f'<script>{PWN}</script><script>alert(1)</script> Vote du conseil "><svg onload={PWN}>',
    "b1": f'Le maire a écrit <img src=x onerror="{PWN}"> le 4 mai.',
    "b2": "Les responsables ont dit <script>alert(document.cookie)</script> dans le registre.",
    "b3": f"Cliquez <a1>ici</a1> pour les détails \"><svg onload=alert(1)> '><iframe src=javascript:{PWN}>",
}


def test_hostile_article_never_runs_script(live: LiveService, page: Any) -> None:
    from playwright.sync_api import expect

    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    job_id, edition_id = seed_edition(live.ctx, HOSTILE, "fr", HOSTILE_FR)

    def assert_clean() -> None:
        assert page.evaluate("window.__pwned") == 0
        assert page.evaluate("document.querySelectorAll('img, svg, iframe').length") == 0
        assert dialogs == []

    page.goto(live.url + "/")
    expect(page.locator("table.jobs")).to_contain_text("<script>window.__pwned=1</script>")
    assert_clean()
    page.goto(f"{live.url}/jobs/{job_id}")
    expect(page.locator("table.tasks")).to_contain_text('"><svg onload=window.__pwned=1>')
    assert_clean()

    page.goto(f"{live.url}/editions/{edition_id}")
    expect(page.locator("h1")).to_contain_text("<script>alert(1)</script> Vote du conseil")
    expect(page.locator("tr#block-b1 td.src")).to_contain_text('<img src=x onerror="window.__pwned=1">')
    expect(page.locator("tr#block-b1 td.tgt .text")).to_contain_text('<img src=x onerror="window.__pwned=1">')
    expect(page.locator("tr#block-b2 td.tgt .text")).to_contain_text(
        "<script>alert(document.cookie)</script>"
    )
    expect(page.locator("tr#block-b3 td.src")).to_contain_text("javascript:window.__pwned=1")
    expect(page.locator("tr#block-b1 td.tgt mark.qa-error")).to_have_text("4 mai")
    assert page.locator("a[href^='javascript' i]").count() == 0
    assert_clean()

    # interact: hover the highlights and findings, click the link text, open every edit box
    page.locator("tr#block-b1 td.tgt mark.qa").first.hover()
    page.locator("tr#block-b1 li.finding").first.hover()
    page.locator("tr#block-b3 td.src span.link").click()
    for box in page.locator("details.edit").all():
        box.locator("summary").click()
        expect(box).to_have_attribute("open", "")
    # toggle events run in order: once the last box's editor has focus, no handler is left to run
    expect(page.locator("details.edit").last.locator(".span-editor")).to_be_focused()
    assert_clean()

    # an editor pasting a payload gets it stored and shown as text, too
    pasted = f'Texte <script>{PWN}</script> <img src=y onerror="{PWN}"> fin.'
    row = page.locator("tr#block-b2")
    row.locator(".span-editor").fill(pasted)
    expect(row.locator("textarea")).to_have_value(pasted)
    row.get_by_role("button", name="Save and re-check").click()
    page.wait_for_url(f"**/editions/{edition_id}?notice=saved#block-b2")
    assert get_edition(live.ctx.store, edition_id).edition.blocks[1].text == pasted
    expect(row.locator("td.tgt .text")).to_have_text(pasted)
    page.locator("summary", has_text="Reject").click()
    page.locator("#reject-note").fill(f'<img src=z onerror="{PWN}">')
    page.get_by_role("button", name="Reject edition").click()
    page.wait_for_url(f"**/editions/{edition_id}?notice=rejected#review")
    expect(page.locator(".review-note")).to_contain_text(f'<img src=z onerror="{PWN}">')
    assert_clean()
    assert page.console_errors == []


SCREENSHOT_ARTICLE = Article(
    headline="Rotterdam port handles record volumes as dock strike ends",
    blocks=[
        Block(
            id="b1",
            text="The Port of Rotterdam handled a record 14,500 containers on Tuesday, two days after "
            "dockworkers ended a strike that had begun on 3 March.",
        ),
        Block(
            id="b2",
            text="Union leaders said the agreement raises wages by 6% over two years and limits night "
            "shifts, according to a <a1>statement published by the FNV union</a1>.",
            marks={"a1": Mark(kind="link", href="https://www.fnv.nl/nieuws")},
        ),
        Block(id="b3", kind="heading", level=2, text="The backlog is expected to clear by May"),
        Block(
            id="b4",
            kind="quote",
            text="“We are working around the clock to clear the backlog,” said Allard Castelein, the "
            "port's chief executive.",
        ),
        Block(
            id="b5",
            text="During the strike, shipping lines diverted about 30 vessels to other ports.",
        ),
    ],
)
SCREENSHOT_FR = {
    "headline": "Le port de Rotterdam traite des volumes record après la fin de la grève des dockers",
    "b1": "Le port de Rotterdam a traité un nombre record de 14 500 conteneurs mardi, deux jours après la "
    "fin d'une grève des dockers qui avait commencé le 4 mars.",
    "b2": "Selon un <a1>communiqué publié par le syndicat FNV</a1>, les dirigeants syndicaux ont indiqué "
    "que l'accord augmente les salaires de 6 % sur deux ans et limite le travail de nuit.",
    "b3": "L'arriéré devrait être résorbé d'ici mai",
    "b4": "«\u202fNous travaillons jour et nuit pour résorber l'arriéré\u202f», a déclaré Allard Castelein, "
    "directeur général du port.",
    "b5": "Pendant le strike, les compagnies maritimes ont dérouté environ 30 navires vers d'autres ports.",
}


def test_qa_flags_show_at_their_spans_in_a_full_page(live: LiveService, page: Any, tmp_path: Path) -> None:
    """Hand-written French with two known faults (the model's own output is the next test's)."""
    from playwright.sync_api import expect

    screenshot = tmp_path / "review-page-seeded.png"
    _, edition_id = seed_edition(live.ctx, SCREENSHOT_ARTICLE, "fr", SCREENSHOT_FR)
    page.goto(f"{live.url}/editions/{edition_id}")
    expect(page.locator("tr#block-b1 td.tgt mark.qa-error")).to_have_text("4 mars")
    expect(page.locator("tr#block-b5 td.tgt mark.qa-warning")).to_have_text("strike")
    page.locator("tr#block-b5 summary", has_text="Edit").click()  # one open edit form, as in use
    page.mouse.move(0, 0)
    page.evaluate("window.scrollTo(0, 0)")  # the sticky column headers belong at the top
    page.screenshot(path=str(screenshot), full_page=True)
    assert 10_000 < screenshot.stat().st_size < 400_000
    assert page.console_errors == []


@pytest.fixture(scope="module")
def model_live(llama_factory: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    db = tmp_path_factory.mktemp("browser") / "editions.db"
    config = ServiceConfig(database_url=f"sqlite:///{db}", workers=1, rate_per_minute=10_000)
    with live_service(config, engine_factory=llama_factory) as service:
        yield service


@pytest.mark.model
def test_screenshot_of_a_real_edition(model_live: LiveService, page: Any, tmp_path: Path) -> None:
    """The README's picture: this article through the API and the packaged default model, as it comes."""
    import time

    from playwright.sync_api import expect

    document = SCREENSHOT_ARTICLE.model_dump(mode="json", exclude={"id"})
    with model_live.client() as client:
        job_id = client.post("/v1/articles", json={"article": document, "targets": ["fr"]}).json()["job_id"]
        deadline = time.monotonic() + 600
        while (job := client.get(f"/v1/jobs/{job_id}").json())["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.5)
    assert job["status"] == "done" and job["engine_calls"] >= 6
    page.goto(f"{model_live.url}/jobs/{job_id}")
    page.get_by_role("link", name="Review edition").first.click()
    expect(page.locator("tr#block-b5 td.src")).to_contain_text("diverted about 30 vessels")
    expect(page.locator("body")).to_contain_text("engine:llamacpp|model:qwen2.5")
    assert page.locator("tbody tr").count() == 6  # headline and five blocks, side by side
    page.mouse.move(0, 0)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot = DOCS_SCREENSHOT if UPDATE_SCREENSHOT else tmp_path / "review-page.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert 10_000 < screenshot.stat().st_size < 400_000
    assert page.console_errors == []
