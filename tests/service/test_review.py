"""The review page over HTTP: lists, the side-by-side edition with QA highlights, editing, review,
exports, escaping of hostile articles, security headers and signing in with a key."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
import pytest

from editions.document import Article, Block, Mark
from editions.service.context import ServiceConfig
from editions.service.security import COOKIE
from editions.store.editions import get_edition
from editions.store.keys import create_key, revoke_key

from .conftest import LiveService, live_service, seed_edition

PORT = Article(
    headline="Port traffic rises",
    blocks=[
        Block(id="b1", text="The port handled 4,200 containers on Tuesday."),
        Block(
            id="b2",
            text="Read the <a1>annual report</a1> for details.",
            marks={"a1": Mark(kind="link", href="https://example.com/report")},
        ),
    ],
)
PORT_FR = {
    "headline": "Le trafic portuaire augmente",
    "b1": "Le port a traité des conteneurs mardi.",  # the number is gone: QA number.missing
    "b2": "Lisez le <a1>rapport annuel</a1> pour plus de détails.",
}

XSS_HEADLINE = '<script>alert(1)</script> Breaking news "><svg onload=alert(1)>'
XSS = Article(
    headline=XSS_HEADLINE,
    blocks=[
        Block(id="b1", text="The mayor said <img src=x onerror=alert(1)> was posted on 3 May."),
        Block(id="b2", text="Officials wrote <script>alert(2)</script> in the log."),
        Block(
            id="b3",
            text='Click <a1>here</a1> now "><svg onload=alert(3)>',
            marks={"a1": Mark(kind="link", href="javascript:alert(4)")},
        ),
    ],
)
XSS_FR = {
    "headline": '<script>alert(1)</script> Dernières nouvelles "><svg onload=alert(1)>',
    # "4 mai" for "3 May": a date.shifted highlight lands right next to the payload
    "b1": "Le maire a déclaré que <img src=x onerror=alert(1)> a été publié le 4 mai.",
    "b2": "Les responsables ont écrit <script>alert(2)</script> dans le registre.",
    "b3": 'Cliquez <a1>ici</a1> maintenant "><svg onload=alert(3)>',
}

HTML = {"Accept": "text/html"}


def post(client: httpx.Client, service: LiveService, url: str, data: dict[str, str]) -> httpx.Response:
    """A form post as a browser on this site sends it (security.py refuses cross-site posts)."""
    return client.post(url, data=data, headers={"Origin": service.url, **HTML})


class Tags(HTMLParser):
    """Every start tag with its attributes, to check what a page would make a browser do."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(body: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(body)
    return parser.tags


def row_html(body: str, block_id: str) -> str:
    match = re.search(rf'<tr id="block-{block_id}".*?</tr>', body, re.DOTALL)
    assert match, f"no row for {block_id}"
    return match.group(0)


def cell(row: str, cls: str) -> str:
    match = re.search(rf'<td class="{cls}"[^>]*>(.*?)</td>', row, re.DOTALL)
    assert match, f"no {cls} cell"
    return match.group(0)


def test_job_list_and_job_page(service: LiveService) -> None:
    job_id, edition_id = seed_edition(service.ctx, PORT, "fr", PORT_FR)
    with service.client() as client:
        jobs = client.get("/")
        assert jobs.status_code == 200
        assert jobs.headers["content-type"].startswith("text/html")
        assert "Port traffic rises" in jobs.text
        assert f'href="/jobs/{job_id}"' in jobs.text
        assert "1/1 done" in jobs.text

        job = client.get(f"/jobs/{job_id}")
        assert job.status_code == 200
        assert f'href="/editions/{edition_id}"' in job.text
        assert "status-done" in job.text and "French" in job.text
        assert "data-live" not in job.text  # a finished job does not refresh itself

        missing = client.get("/jobs/nope")
        assert missing.status_code == 404
        assert "no job" in missing.text


def test_edition_side_by_side_with_highlighted_findings(service: LiveService) -> None:
    job_id, edition_id = seed_edition(service.ctx, PORT, "fr", PORT_FR)
    stored = get_edition(service.ctx.store, edition_id)
    codes = {f.code for b in stored.edition.blocks for f in b.findings}
    assert "number.missing" in codes  # what QA says about the dropped number (checked, not assumed)

    with service.client() as client:
        page = client.get(f"/editions/{edition_id}")
    assert page.status_code == 200
    body = page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'; script-src 'self'")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"

    # header: headline, languages, review state, provenance
    assert "Le trafic portuaire augmente" in body and "Port traffic rises" in body
    assert 'class="state state-draft"' in body
    assert stored.signature in body
    assert f'href="/jobs/{job_id}"' in body

    # reading order: headline row first, then the blocks
    order = [m.group(1) for m in re.finditer(r'<tr id="block-([^"]+)"', body)]
    assert order == ["headline", "b1", "b2"]

    row = row_html(body, "b1")
    src, tgt = cell(row, "src"), cell(row, "tgt")
    assert 'lang="en"' in src and 'dir="auto"' in src
    assert 'lang="fr"' in tgt and 'dir="auto"' in tgt
    assert "Le port a traité des conteneurs mardi." in tgt
    # the dropped number is highlighted in the source at the finding's span, with its message
    mark = re.search(r'<mark class="qa qa-error" title="([^"]*)"[^>]*>([^<]*)</mark>', src)
    assert mark is not None
    assert mark.group(2) == "4,200"
    assert "4200" in mark.group(1)
    assert "number.missing" in cell(row, "qa")
    assert 'class="block kind-paragraph worst-error"' in row

    # the link is shown as text with its target, not as a clickable article link
    row2 = row_html(body, "b2")
    assert '<span class="link" title="Link: https://example.com/report">rapport annuel</span>' in row2
    assert 'href="https://example.com/report"' not in body
    # the edit form carries the text WITH its placeholder tags, escaped in the textarea
    assert "&lt;a1&gt;rapport annuel&lt;/a1&gt;" in row2
    assert f'action="/editions/{edition_id}/blocks/b2"' in row2
    assert '<input type="hidden" name="revision" value="1">' in row2

    # no inline script or style attributes anywhere (CSP would block them)
    for tag, attrs in tags_of(body):
        assert "style" not in attrs and tag != "style"
        if tag == "script":
            assert attrs.get("src") == "/static/review.js"


def test_highlight_on_target_span(service: LiveService) -> None:
    article = Article(headline="Talks", blocks=[Block(id="b1", text="The talks resume on 12 March 2024.")])
    _, edition_id = seed_edition(
        service.ctx,
        article,
        "fr",
        {"headline": "Pourparlers", "b1": "Les pourparlers reprennent le 13 mars 2024."},
    )
    stored = get_edition(service.ctx.store, edition_id)
    shifted = [f for f in stored.edition.blocks[0].findings if f.code == "date.shifted"]
    assert shifted and shifted[0].target_span is not None
    with service.client() as client:
        body = client.get(f"/editions/{edition_id}").text
    row = row_html(body, "b1")
    assert re.search(r'<mark class="qa qa-error" title="[^"]*"[^>]*>13 mars 2024</mark>', cell(row, "tgt"))
    assert re.search(r'<mark class="qa qa-error" title="[^"]*"[^>]*>12 March 2024</mark>', cell(row, "src"))


def test_edit_block_rechecks_and_guards_revisions(service: LiveService) -> None:
    _, edition_id = seed_edition(service.ctx, PORT, "fr", PORT_FR)
    url = f"/editions/{edition_id}/blocks/b1"
    fixed = "Le port a traité 4 200 conteneurs mardi."
    with service.client() as client:
        saved = post(client, service, url, {"text": fixed, "revision": "1"})
        assert saved.status_code == 303
        assert saved.headers["location"] == f"/editions/{edition_id}?notice=saved#block-b1"

        page = client.get(saved.headers["location"])
        row = row_html(page.text, "b1")
        assert fixed in cell(row, "tgt")
        assert "number.missing" not in row and "<mark" not in row
        assert "worst-error" not in row
        assert "Saved." in page.text
        assert '<input type="hidden" name="revision" value="2">' in page.text

        stored = get_edition(service.ctx.store, edition_id)
        assert stored.revision == 2
        assert stored.edition.blocks[0].text == fixed
        assert not [f for f in stored.edition.blocks[0].findings if f.code == "number.missing"]

        # a second editor still holding revision 1 is told, and keeps their text
        stale = post(client, service, url, {"text": "Autre texte 4 200.", "revision": "1"})
        assert stale.status_code == 409
        assert stale.headers["content-type"].startswith("text/html")
        assert "changed since you opened it" in stale.text
        assert "Autre texte 4 200." in stale.text
        assert get_edition(service.ctx.store, edition_id).edition.blocks[0].text == fixed

        # the tags survive an edit of a block with a link
        linked = "Consultez le <a1>rapport annuel</a1> pour en savoir plus."
        edited = post(client, service, f"/editions/{edition_id}/blocks/b2", {"text": linked, "revision": "2"})
        assert edited.status_code == 303
        assert get_edition(service.ctx.store, edition_id).edition.blocks[1].text == linked

        # the headline row is editable too
        headline = {"text": "Le trafic du port augmente", "revision": "3"}
        assert post(client, service, f"/editions/{edition_id}/blocks/headline", headline).status_code == 303
        assert get_edition(service.ctx.store, edition_id).edition.headline == "Le trafic du port augmente"

        # usage errors are pages, not tracebacks
        empty = post(client, service, url, {"text": "   ", "revision": "4"})
        assert empty.status_code == 422 and "cannot be empty" in empty.text
        unknown = post(client, service, f"/editions/{edition_id}/blocks/b99", {"text": "x", "revision": "4"})
        assert unknown.status_code == 422 and "no block" in unknown.text
        gone = post(client, service, "/editions/nope/blocks/b1", {"text": "x"})
        assert gone.status_code == 404

        # another site cannot post on the editor's behalf
        forged = client.post(url, data={"text": "pwned"}, headers={"Origin": "https://evil.example"})
        assert forged.status_code == 403
        assert get_edition(service.ctx.store, edition_id).edition.blocks[0].text == fixed


def test_approve_and_reject(service: LiveService) -> None:
    _, edition_id = seed_edition(service.ctx, PORT, "fr", PORT_FR)
    with service.client() as client:
        approved = post(client, service, f"/editions/{edition_id}/approve", {})
        assert approved.status_code == 303
        assert approved.headers["location"].startswith(f"/editions/{edition_id}?notice=approved")
        page = client.get(f"/editions/{edition_id}").text
        assert 'class="state state-approved"' in page
        assert get_edition(service.ctx.store, edition_id).review == "approved"

        rejected = post(client, service, f"/editions/{edition_id}/reject", {"note": "Number <missing> in b1"})
        assert rejected.status_code == 303
        page = client.get(rejected.headers["location"]).text
        assert 'class="state state-rejected"' in page
        assert "Number &lt;missing&gt; in b1" in page
        assert "Edition rejected." in page
        stored = get_edition(service.ctx.store, edition_id)
        assert (stored.review, stored.review_note) == ("rejected", "Number <missing> in b1")

        # an edit after approval sends the edition back to draft
        post(client, service, f"/editions/{edition_id}/approve", {})
        post(client, service, f"/editions/{edition_id}/blocks/b1", {"text": "Le port a traité 4 200."})
        assert get_edition(service.ctx.store, edition_id).review == "draft"

        assert post(client, service, "/editions/nope/approve", {}).status_code == 404


@pytest.mark.parametrize(
    ("fmt", "media", "extension", "expected"),
    [
        ("text", "text/plain", "txt", "Le trafic portuaire augmente"),
        ("md", "text/markdown", "md", "[rapport annuel](https://example.com/report)"),
        ("html", "text/html", "html", "<h1>Le trafic portuaire augmente</h1>"),
        ("json", "application/json", "json", '"target_lang": "fr"'),
    ],
)
def test_exports(service: LiveService, fmt: str, media: str, extension: str, expected: str) -> None:
    _, edition_id = seed_edition(service.ctx, PORT, "fr", PORT_FR)
    with service.client() as client:
        page = client.get(f"/editions/{edition_id}").text
        assert f'href="/editions/{edition_id}/export/{fmt}"' in page
        got = client.get(f"/editions/{edition_id}/export/{fmt}")
    assert got.status_code == 200
    assert got.headers["content-type"] == f"{media}; charset=utf-8"
    name = f"{PORT.id}.fr.{extension}"
    assert got.headers["content-disposition"] == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert expected in got.text.replace('":"', '": "')
    assert "Le port a traité des conteneurs mardi." in got.text


def test_unknown_export_format_is_a_page(service: LiveService) -> None:
    _, edition_id = seed_edition(service.ctx, PORT, "fr", PORT_FR)
    with service.client() as client:
        got = client.get(f"/editions/{edition_id}/export/pdf")
    assert got.status_code == 422
    assert "unknown format" in got.text


def test_hostile_article_is_only_ever_text(service: LiveService) -> None:
    job_id, edition_id = seed_edition(service.ctx, XSS, "fr", XSS_FR)
    with service.client() as client:
        pages = {
            "list": client.get("/").text,
            "job": client.get(f"/jobs/{job_id}").text,
            "edition": client.get(f"/editions/{edition_id}").text,
        }
    for name, body in pages.items():
        assert "<script>alert" not in body, name
        assert "<img src=x" not in body, name
        assert "<svg onload" not in body, name
        assert '"><svg' not in body, name
        for tag, attrs in tags_of(body):
            assert tag not in ("img", "svg", "iframe", "object", "embed"), (name, tag)
            assert not [a for a in attrs if a.startswith("on")], (name, tag, attrs)
            if tag == "script":
                assert attrs == {"src": "/static/review.js", "defer": None}, name
            for value in attrs.values():
                assert not (value or "").strip().lower().startswith("javascript:"), (name, tag, attrs)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, name

    body = pages["edition"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in body
    assert "&#34;&gt;&lt;svg onload=alert(3)&gt;" in body or "&quot;&gt;&lt;svg onload=alert(3)&gt;" in body
    # the javascript: link is shown as text inside an attribute value and a list, never as a link
    assert '<a href="javascript' not in body.lower()
    assert "javascript:alert(4)" in body
    # the date highlight sits next to the payload and is still escaped
    assert re.search(r'<mark class="qa qa-error"[^>]*>4 mai</mark>', body)


def test_error_pages_are_escaped_and_html(service: LiveService) -> None:
    with service.client() as client:
        got = client.get("/editions/<img src=x onerror=alert(1)>", headers=HTML)
    assert got.status_code == 404
    assert got.headers["content-type"].startswith("text/html")
    assert "<img" not in got.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in got.text
    assert got.headers["content-security-policy"].startswith("default-src 'self'")


def test_login_with_keys_required(db_url: str) -> None:
    with live_service(ServiceConfig(database_url=db_url, workers=0, require_keys=True)) as service:
        _, edition_id = seed_edition(service.ctx, PORT, "fr", PORT_FR)
        secret, key = create_key(service.ctx.store, "desk", role="editor")  # reviews every key's jobs
        with service.client() as client:
            # a browser without a key is sent to the login form, and comes back after
            first = client.get(f"/editions/{edition_id}", headers=HTML)
            assert first.status_code == 303
            assert first.headers["location"] == f"/login?next=/editions/{edition_id}"
            assert client.get("/", headers={"Accept": "application/json"}).status_code == 401

            form = client.get(first.headers["location"])
            assert form.status_code == 200
            assert 'type="password"' in form.text
            assert f'value="/editions/{edition_id}"' in form.text
            assert "content-security-policy" in form.headers

            bad = post(client, service, "/login", {"key": "ed_not_a_key", "next": "/"})
            assert bad.status_code == 401
            assert "unknown or has been revoked" in bad.text
            assert "set-cookie" not in bad.headers

            good = post(client, service, "/login", {"key": secret, "next": f"/editions/{edition_id}"})
            assert good.status_code == 303
            assert good.headers["location"] == f"/editions/{edition_id}"
            cookie = next(c for c in good.headers.get_list("set-cookie") if c.startswith(f"{COOKIE}="))
            assert secret not in cookie  # a login token, not the key (tests/service/test_sessions.py)
            assert "HttpOnly" in cookie
            assert re.search(r"SameSite=strict", cookie, re.IGNORECASE)
            assert "Path=/" in cookie

            page = client.get(f"/editions/{edition_id}")
            assert page.status_code == 200
            assert "Le trafic portuaire augmente" in page.text
            assert key.prefix in page.text  # who is signed in
            assert post(client, service, f"/editions/{edition_id}/approve", {}).status_code == 303

            # with the cookie, a post needs our Origin (or Referer)
            assert client.post(f"/editions/{edition_id}/reject", data={}).status_code == 403
            forged = client.post(
                f"/editions/{edition_id}/reject", data={}, headers={"Origin": "https://evil.example"}
            )
            assert forged.status_code == 403
            assert get_edition(service.ctx.store, edition_id).review == "approved"

            out = post(client, service, "/logout", {})
            assert out.status_code == 303 and out.headers["location"] == "/login"
            assert f'{COOKIE}=""' in out.headers["set-cookie"] or "Max-Age=0" in out.headers["set-cookie"]
            assert client.get("/", headers=HTML).status_code == 303

            # a revoked key stops working, cookie or not
            post(client, service, "/login", {"key": secret, "next": "/"})
            assert client.get("/").status_code == 200
            revoke_key(service.ctx.store, key.prefix)
            assert client.get("/", headers=HTML).status_code == 303


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/jobs/abc", "/jobs/abc"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_login_next_stays_on_this_site(service: LiveService, given: str, expected: str) -> None:
    secret, _ = create_key(service.ctx.store, "desk")
    with service.client() as client:
        got = post(client, service, "/login", {"key": secret, "next": given})
    assert got.status_code == 303
    assert got.headers["location"] == expected


def test_login_refuses_other_sites(service: LiveService) -> None:
    secret, _ = create_key(service.ctx.store, "desk")
    with service.client() as client:
        got = client.post("/login", data={"key": secret}, headers={"Origin": "https://evil.example"})
    assert got.status_code == 403
    assert "set-cookie" not in got.headers


def test_standfirst_and_dateline_rows_are_editable(service: LiveService) -> None:
    article = Article(
        headline="Talks resume",
        standfirst="Negotiators meet again on Monday.",
        dateline="GENEVA",
        blocks=[Block(id="b1", text="The talks resume.")],
    )
    # seeded editions leave the standfirst and dateline untranslated: the page says so
    _, edition_id = seed_edition(
        service.ctx,
        article,
        "fr",
        {"headline": "Reprise des pourparlers", "b1": "Les pourparlers reprennent."},
    )
    with service.client() as client:
        body = client.get(f"/editions/{edition_id}").text
        order = [m.group(1) for m in re.finditer(r'<tr id="block-([^"]+)"', body)]
        assert order == ["headline", "standfirst", "dateline", "b1"]
        assert "Not translated" in row_html(body, "standfirst")

        text = "Les négociateurs se retrouvent lundi."
        saved = post(
            client, service, f"/editions/{edition_id}/blocks/standfirst", {"text": text, "revision": "1"}
        )
        assert saved.status_code == 303
        assert text in row_html(client.get(saved.headers["location"]).text, "standfirst")
    assert get_edition(service.ctx.store, edition_id).edition.standfirst == text
