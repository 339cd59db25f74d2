"""Tenancy: each key sees only the jobs it submitted; editors see all; only admins import TMX.

Through a real uvicorn server on 127.0.0.1, on SQLite and on PostgreSQL (the `db_url` fixture). A job
or edition of another key answers exactly as one that does not exist (404, same message shape), so a
key cannot even learn that an id is in use.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from editions.document import Article, Block
from editions.service.context import ServiceConfig
from editions.store.editions import get_edition
from editions.store.keys import create_key

from .conftest import LiveService, live_service, seed_edition

HTML = {"Accept": "text/html"}

STORM = Article(
    headline="Storm closes the harbour", blocks=[Block(id="b1", text="The harbour closed on Monday.")]
)
STORM_FR = {"headline": "La tempête ferme le port", "b1": "Le port a fermé lundi."}
BUDGET = Article(headline="Council passes the budget", blocks=[Block(id="b1", text="The vote was 31 to 9.")])
BUDGET_FR = {"headline": "Le conseil adopte le budget", "b1": "Le vote a été de 31 contre 9."}

TMX = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" '
    b'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" '
    b'datatype="PlainText"/><body><tu><tuv xml:lang="en"><seg>Good morning.</seg></tuv>'
    b'<tuv xml:lang="fr"><seg>Pirate bonjour.</seg></tuv></tu></body></tmx>'
)


@pytest.fixture
def keyed(db_url: str) -> Iterator[LiveService]:
    with live_service(ServiceConfig(database_url=db_url, workers=0, require_keys=True)) as live:
        yield live


def _headers(secret: str, html: bool = False) -> dict[str, str]:
    return {"X-API-Key": secret, **(HTML if html else {})}


def _probe(client: httpx.Client, secret: str, job_id: str, edition_id: str) -> dict[str, httpx.Response]:
    """Every route that reads or changes a job or an edition, as `secret` (API and review page)."""
    api, page = _headers(secret), _headers(secret, html=True)
    return {
        "GET /v1/jobs/{id}": client.get(f"/v1/jobs/{job_id}", headers=api),
        "GET /v1/jobs/{id}/events": client.get(f"/v1/jobs/{job_id}/events", headers=api),
        "GET /v1/jobs/{id}/editions": client.get(f"/v1/jobs/{job_id}/editions", headers=api),
        "GET /v1/editions/{id}": client.get(f"/v1/editions/{edition_id}", headers=api),
        "GET /v1/editions/{id}/export": client.get(f"/v1/editions/{edition_id}/export", headers=api),
        "PUT /v1/editions/{id}/blocks/b1": client.put(
            f"/v1/editions/{edition_id}/blocks/b1", json={"text": "Pirate."}, headers=api
        ),
        "POST /v1/editions/{id}/review": client.post(
            f"/v1/editions/{edition_id}/review", json={"state": "rejected", "note": "pirate"}, headers=api
        ),
        "GET /jobs/{id}": client.get(f"/jobs/{job_id}", headers=page),
        "GET /editions/{id}": client.get(f"/editions/{edition_id}", headers=page),
        "GET /editions/{id}/export/md": client.get(f"/editions/{edition_id}/export/md", headers=page),
        "POST /editions/{id}/blocks/b1": client.post(
            f"/editions/{edition_id}/blocks/b1", data={"text": "Pirate."}, headers=page
        ),
        "POST /editions/{id}/approve": client.post(f"/editions/{edition_id}/approve", data={}, headers=page),
        "POST /editions/{id}/reject": client.post(
            f"/editions/{edition_id}/reject", data={"note": "pirate"}, headers=page
        ),
    }


def test_a_key_cannot_see_or_touch_another_keys_jobs(keyed: LiveService) -> None:
    store = keyed.ctx.store
    secret_a, key_a = create_key(store, "desk a")
    secret_b, key_b = create_key(store, "desk b")
    job_a, edition_a = seed_edition(keyed.ctx, STORM, "fr", STORM_FR, owner=key_a.prefix)
    job_b, edition_b = seed_edition(keyed.ctx, BUDGET, "fr", BUDGET_FR, owner=key_b.prefix)
    with keyed.client() as client:
        # the list holds only one's own jobs, on the API and on the review page
        listed = client.get("/v1/jobs", headers=_headers(secret_a)).json()
        assert [j["id"] for j in listed] == [job_a]
        page = client.get("/", headers=_headers(secret_a, html=True)).text
        assert STORM.headline in page and BUDGET.headline not in page and job_b not in page

        # B's job and edition answer as unknown ones do: 404, on every route
        leaks = {
            route: got.status_code
            for route, got in _probe(client, secret_a, job_b, edition_b).items()
            if got.status_code != 404
        }
        assert leaks == {}, f"key A reached key B's job through {leaks}"
        unknown = client.get("/v1/jobs/" + "0" * 32, headers=_headers(secret_a)).json()
        hidden = client.get(f"/v1/jobs/{job_b}", headers=_headers(secret_a)).json()
        assert hidden == {"error": f"no job {job_b!r}"} and unknown == {"error": f"no job {'0' * 32!r}"}

        # nothing of B's changed
        stored = get_edition(store, edition_b)
        assert (stored.review, stored.revision) == ("draft", 1)
        assert stored.edition.blocks[0].text == BUDGET_FR["b1"]

        # A's own job works on every route (the probe is not simply broken)
        own = _probe(client, secret_a, job_a, edition_a)
        assert {route: got.status_code for route, got in own.items()} == {
            "GET /v1/jobs/{id}": 200,
            "GET /v1/jobs/{id}/events": 200,
            "GET /v1/jobs/{id}/editions": 200,
            "GET /v1/editions/{id}": 200,
            "GET /v1/editions/{id}/export": 200,
            "PUT /v1/editions/{id}/blocks/b1": 200,
            "POST /v1/editions/{id}/review": 200,
            "GET /jobs/{id}": 200,
            "GET /editions/{id}": 200,
            "GET /editions/{id}/export/md": 200,
            "POST /editions/{id}/blocks/b1": 303,
            "POST /editions/{id}/approve": 303,
            "POST /editions/{id}/reject": 303,
        }
        # and B still sees its own, untouched by A
        assert [j["id"] for j in client.get("/v1/jobs", headers=_headers(secret_b)).json()] == [job_b]


def test_an_idempotency_key_of_another_key_is_not_replayed(keyed: LiveService) -> None:
    secret_a, _ = create_key(keyed.ctx.store, "desk a")
    secret_b, _ = create_key(keyed.ctx.store, "desk b")
    body = {"text": "# Storm\n\nThe harbour closed on Monday.", "targets": ["fr"]}
    with keyed.client() as client:
        first = client.post(
            "/v1/articles", json=body, headers={**_headers(secret_a), "Idempotency-Key": "k1"}
        )
        other = client.post(
            "/v1/articles", json=body, headers={**_headers(secret_b), "Idempotency-Key": "k1"}
        )
    assert first.status_code == 202 and other.status_code == 202
    assert first.json()["job_id"] != other.json()["job_id"]


def test_editors_see_and_review_every_job_and_admins_import_tmx(keyed: LiveService) -> None:
    store = keyed.ctx.store
    _, key_a = create_key(store, "desk a")
    _, key_b = create_key(store, "desk b")
    editor, editor_key = create_key(store, "review desk", role="editor")
    admin, admin_key = create_key(store, "ops", role="admin")
    submitter, submitter_key = create_key(store, "cms")
    assert (editor_key.role, admin_key.role, submitter_key.role) == ("editor", "admin", "submitter")
    job_a, _ = seed_edition(keyed.ctx, STORM, "fr", STORM_FR, owner=key_a.prefix)
    job_b, edition_b = seed_edition(keyed.ctx, BUDGET, "fr", BUDGET_FR, owner=key_b.prefix)
    with keyed.client() as client:
        for secret in (editor, admin):
            assert {j["id"] for j in client.get("/v1/jobs", headers=_headers(secret)).json()} == {
                job_a,
                job_b,
            }
        seen = _probe(client, editor, job_b, edition_b)
        assert all(got.status_code in (200, 303) for got in seen.values()), {
            route: got.status_code for route, got in seen.items()
        }
        assert get_edition(store, edition_b).review == "rejected"  # the editor's review went through

        # TMX: entries become approved, so only an admin may import them
        for secret, role in ((submitter, "submitter"), (editor, "editor")):
            refused = client.post("/v1/memory/tmx", content=TMX, headers=_headers(secret))
            assert refused.status_code == 403, role
            assert "admin" in refused.json()["error"]
        assert keyed.ctx.memory.stats().by_origin.get("import", 0) == 0
        imported = client.post("/v1/memory/tmx", content=TMX, headers=_headers(admin))
        assert imported.status_code == 200 and imported.json() == {"imported": 1}
        # the whole memory holds every key's text: a submitter cannot download it either
        assert client.get("/v1/memory/tmx", headers=_headers(submitter)).status_code == 403
        assert client.get("/v1/memory/tmx", headers=_headers(editor)).status_code == 200


def test_a_new_key_cannot_import_tmx_or_download_the_memory(keyed: LiveService) -> None:
    """A key made without a role is a submitter: imported entries become approved, and the memory
    holds every key's text, so neither import nor export is for it."""
    secret, _ = create_key(keyed.ctx.store, "cms")
    with keyed.client() as client:
        refused = client.post("/v1/memory/tmx", content=TMX, headers=_headers(secret))
        assert refused.status_code == 403, refused.text
        assert keyed.ctx.memory.stats().entries == 0
        assert client.get("/v1/memory/tmx", headers=_headers(secret)).status_code == 403


def test_only_editors_corrections_teach_the_shared_memory(keyed: LiveService) -> None:
    """The memory serves every key, and an editor's correction is approved and wins over machine output
    next time the segment comes in the same context, for anyone (a wire story many desks translate).
    A submitter's edit changes its own edition only; an editor's also teaches the memory."""
    store = keyed.ctx.store
    submitter, key = create_key(store, "cms")
    editor, _ = create_key(store, "review desk", role="editor")
    _, edition = seed_edition(keyed.ctx, STORM, "fr", STORM_FR, owner=key.prefix)
    with keyed.client() as client:
        own = client.put(
            f"/v1/editions/{edition}/blocks/b1", json={"text": "Pirate."}, headers=_headers(submitter)
        )
        assert own.status_code == 200 and get_edition(store, edition).edition.blocks[0].text == "Pirate."
        assert keyed.ctx.memory.stats().by_origin.get("editor", 0) == 0, (
            "a submitter taught every key's memory"
        )
        page = client.post(
            f"/editions/{edition}/blocks/b1",
            data={"text": "Pirate again."},
            headers=_headers(submitter, True),
        )
        assert page.status_code == 303 and "notice=saved_own" in page.headers["location"]
        assert keyed.ctx.memory.stats().by_origin.get("editor", 0) == 0
        fixed = client.put(
            f"/v1/editions/{edition}/blocks/b1",
            json={"text": "Le port a fermé lundi."},
            headers=_headers(editor),
        )
        assert fixed.status_code == 200
        assert keyed.ctx.memory.stats().by_origin == {"editor": 1}


def test_loopback_without_keys_still_sees_everything(service: LiveService) -> None:
    _, key_a = create_key(service.ctx.store, "desk a")
    job_a, edition_a = seed_edition(service.ctx, STORM, "fr", STORM_FR, owner=key_a.prefix)
    with service.client() as client:
        assert [j["id"] for j in client.get("/v1/jobs").json()] == [job_a]
        assert client.get(f"/v1/editions/{edition_a}").status_code == 200
        assert client.post("/v1/memory/tmx", content=TMX).json() == {"imported": 1}


def test_an_unknown_role_is_refused(keyed: LiveService) -> None:
    from editions.errors import UsageError

    with pytest.raises(UsageError, match="role"):
        create_key(keyed.ctx.store, "x", role="root")


# --- quotas on queued work ---------------------------------------------------------------------------

ALL_LANGUAGES = ["en", "fr", "vi", "es", "de", "pt", "it", "nl", "pl", "id", "zh", "ja", "ko", "ru", "ar"]


def _counts(live: LiveService) -> tuple[int, int, int]:
    """(articles, jobs, tasks) in the store."""
    from sqlalchemy import func, select

    from editions.store.schema import ArticleRow, JobRow, TaskRow

    with live.ctx.store.session() as session:
        return tuple(  # type: ignore[return-value]
            int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in (ArticleRow, JobRow, TaskRow)
        )


def _articles(n: int, tag: str = "") -> list[dict[str, str]]:
    return [
        {"text": f"# Story {tag}{i}\n\nParagraph {tag}{i} of the story.", "format": "md"} for i in range(n)
    ]


def test_one_request_cannot_queue_750_tasks(service: LiveService) -> None:
    """50 articles × 15 languages in one small request: refused whole (413), naming the limit."""
    assert ServiceConfig().max_tasks_per_job == 200
    with service.client() as client:
        got = client.post("/v1/articles", json={"articles": _articles(50), "targets": ALL_LANGUAGES})
    assert got.status_code == 413, got.text
    assert got.json()["error"] == (
        "this job would queue 750 tasks (50 articles × 15 languages); the limit is 200 tasks a job"
    )
    assert _counts(service) == (0, 0, 0)  # nothing half-queued


def test_queued_tasks_per_key_are_capped(db_url: str) -> None:
    config = ServiceConfig(database_url=db_url, workers=0, require_keys=True, max_pending_tasks_per_owner=5)
    with live_service(config) as live, live.client() as client:
        secret_a, key_a = create_key(live.ctx.store, "desk a")
        secret_b, _ = create_key(live.ctx.store, "desk b")
        first = client.post(
            "/v1/articles",
            json={"articles": _articles(2, "a"), "targets": ["fr", "vi"]},
            headers=_headers(secret_a),
        )
        assert first.status_code == 202
        before = _counts(live)
        over = client.post(
            "/v1/articles",
            json={"articles": _articles(1, "c"), "targets": ["fr", "vi"]},
            headers=_headers(secret_a),
        )
        assert over.status_code == 429, over.text
        assert over.json()["error"] == (
            "this key has 4 tasks queued or running and this job would add 2; the limit is 5: "
            "wait for some to finish"
        )
        assert _counts(live) == before  # nothing half-queued: no job, no task, no article
        # another key has its own allowance
        other = client.post(
            "/v1/articles",
            json={"articles": _articles(1, "b"), "targets": ["fr", "vi"]},
            headers=_headers(secret_b),
        )
        assert other.status_code == 202
        # finished work no longer counts
        from sqlalchemy import update

        from editions.store.schema import JobRow, TaskRow

        with live.ctx.store.session() as session:
            jobs = [job_id for (job_id,) in session.query(JobRow.id).filter(JobRow.owner == key_a.prefix)]
            session.execute(update(TaskRow).where(TaskRow.job_id.in_(jobs)).values(status="done"))
        again = client.post(
            "/v1/articles",
            json={"articles": _articles(1, "c"), "targets": ["fr", "vi"]},
            headers=_headers(secret_a),
        )
        assert again.status_code == 202


def test_a_json_article_id_cannot_reach_another_keys_article(keyed: LiveService) -> None:
    """A JSON article names its own id. Another key that sends the same id with other content must get
    a translation of what it sent, never the stored article of the first key (which it could then read
    back through its own job), and a corrected article under the same id must be translated as corrected."""
    from editions.store.queue import claim_task

    secret_a, _ = create_key(keyed.ctx.store, "desk a")
    secret_b, _ = create_key(keyed.ctx.store, "desk b")
    secret_story = {
        "id": "cms-1",
        "headline": "Embargoed: minister to resign",
        "blocks": [{"id": "b1", "text": "Secret."}],
    }
    probe = {"id": "cms-1", "headline": "Anything", "blocks": [{"id": "b1", "text": "Nothing."}]}
    with keyed.client() as client:
        a = client.post(
            "/v1/articles", json={"article": secret_story, "targets": ["fr"]}, headers=_headers(secret_a)
        )
        b = client.post(
            "/v1/articles", json={"article": probe, "targets": ["fr"]}, headers=_headers(secret_b)
        )
        assert a.status_code == 202 and b.status_code == 202
        view = client.get(f"/v1/jobs/{b.json()['job_id']}", headers=_headers(secret_b)).json()
    assert view["articles"][0]["headline"] == "Anything", "key B's job shows key A's article"
    assert view["articles"][0]["article_id"] == "cms-1"  # the id the client gave is what it sees
    claimed = [claim_task(keyed.ctx.store, "w", 30), claim_task(keyed.ctx.store, "w", 30)]
    translated = {task.job_id: task.article.headline for task in claimed if task is not None}
    assert translated == {
        a.json()["job_id"]: "Embargoed: minister to resign",
        b.json()["job_id"]: "Anything",
    }, "a job translates another submission's article"
    # an id of any length is the client's business: rows are keyed by the content hash (PostgreSQL
    # refused ids over 32 characters with a traceback when the id was the row's key)
    long_id = {**probe, "id": "x" * 100}
    with keyed.client() as client:
        got = client.post(
            "/v1/articles", json={"article": long_id, "targets": ["fr"]}, headers=_headers(secret_b)
        )
        assert got.status_code == 202, got.text
        view = client.get(f"/v1/jobs/{got.json()['job_id']}", headers=_headers(secret_b)).json()
    assert view["articles"][0]["article_id"] == "x" * 100
