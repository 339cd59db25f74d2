"""The feed routes through a real uvicorn server on 127.0.0.1, with keys required: POST /v1/feeds, a
worker's poll (`service.feeds.poll_due`, as the workers' feed thread calls it) and the job it queues
translated by the worker's own code, GET /v1/feeds/{id} with the item errors, another key's 404, and
DELETE. A worker's feed thread polls a registered feed by itself, too. On SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from editions.engines.base import EngineOptions
from editions.service.context import ServiceConfig
from editions.service.feeds import poll_due
from editions.service.worker import JobRunner
from editions.store.editions import job_editions
from editions.store.keys import create_key
from editions.store.queue import claim_task

from .conftest import LiveService, live_service
from .feed_server import Entry, FeedServer, paragraphs
from .isolated_fake import FakeEngine

STORY = paragraphs(
    "The harbour bridge reopened on Monday after eight months of repairs, the city council said.",
    "Traffic was light in the morning, but the council expects 40,000 vehicles a day by Friday.",
    "The repairs cost 12 million euros, two million more than planned.",
)


@pytest.fixture
def publisher() -> Iterator[FeedServer]:
    running = FeedServer()
    yield running
    running.stop()


@pytest.fixture
def keyed(db_url: str, publisher: FeedServer) -> Iterator[LiveService]:
    config = ServiceConfig(database_url=db_url, workers=0, require_keys=True, url_policy=publisher.policy)
    with live_service(config) as live:
        yield live


def _fake(options: EngineOptions) -> FakeEngine:
    return FakeEngine(options=options)


def test_a_registered_feed_is_polled_translated_and_its_errors_listed(
    keyed: LiveService, publisher: FeedServer
) -> None:
    secret_a, key_a = create_key(keyed.ctx.store, "desk a")
    secret_b, _ = create_key(keyed.ctx.store, "desk b")
    a, b = {"X-API-Key": secret_a}, {"X-API-Key": secret_b}
    publisher.publish([Entry("g-1", "Harbour bridge reopens", STORY), Entry("g-2", "", None, " ")], '"v1"')
    with keyed.client() as client:
        created = client.post(
            "/v1/feeds", json={"url": publisher.url("/feed.xml"), "to": "fr,vi", "every": "5m"}, headers=a
        )
        assert created.status_code == 201, created.text
        feed = created.json()
        assert feed["targets"] == ["fr", "vi"] and feed["every_s"] == 300 and feed["items"] == 0
        assert created.headers["location"] == f"/v1/feeds/{feed['id']}"
        again = client.post(
            "/v1/feeds", json={"url": publisher.url("/feed.xml"), "to": ["fr", "vi"]}, headers=a
        )
        assert again.status_code == 200 and again.json()["id"] == feed["id"]

        report = poll_due(keyed.ctx, "worker-1")  # what the workers' feed thread runs
        assert report is not None and report.job_id and report.error is None
        assert [line.state for line in report.lines] == ["new", "error"]
        assert poll_due(keyed.ctx, "worker-2") is None  # polled: not due again for 5 minutes

        runner = JobRunner(keyed.ctx, engine_factory=_fake)
        while (task := claim_task(keyed.ctx.store, "worker-1", 30, job_id=report.job_id)) is not None:
            runner.run_task(task, "worker-1")
        translated = job_editions(keyed.ctx.store, report.job_id, key_a.prefix)
        assert sorted(e.edition.target_lang for e in translated) == ["fr", "vi"]
        assert translated[0].edition.headline == "HARBOUR BRIDGE REOPENS"
        job = client.get(f"/v1/jobs/{report.job_id}", headers=a)
        assert job.status_code == 200 and job.json()["status"] == "done"  # the caller's own job

        shown = client.get(f"/v1/feeds/{feed['id']}", headers=a)
        assert shown.status_code == 200
        body = shown.json()
        assert body["items"] == 1 and body["etag"] == '"v1"' and body["last_polled_at"]
        assert [(e["item"], e["message"]) for e in body["errors"]] == [
            ("g-2", "the item has no title and no text")
        ]
        assert [f["id"] for f in client.get("/v1/feeds", headers=a).json()] == [feed["id"]]

        # another key cannot see, list or delete it: answered as an id that does not exist
        assert client.get(f"/v1/feeds/{feed['id']}", headers=b).status_code == 404
        assert client.get("/v1/feeds/nope", headers=b).status_code == 404
        assert client.get("/v1/feeds", headers=b).json() == []
        assert client.delete(f"/v1/feeds/{feed['id']}", headers=b).status_code == 404
        assert client.get(f"/v1/jobs/{report.job_id}", headers=b).status_code == 404
        assert client.get("/v1/feeds").status_code == 401

        assert client.delete(f"/v1/feeds/{feed['id']}", headers=a).status_code == 204
        assert client.get(f"/v1/feeds/{feed['id']}", headers=a).status_code == 404
        assert len(job_editions(keyed.ctx.store, report.job_id)) == 2  # its editions stay


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"url": "http://10.0.0.5/feed.xml", "to": "fr"}, 422, "a private address"),
        ({"url": "file:///etc/passwd", "to": "fr"}, 422, "only http:// and https://"),
        ({"url": "https://news.example/feed.xml", "to": "xx"}, 422, "xx"),
        ({"url": "https://news.example/feed.xml", "to": "fr", "every": "5s"}, 422, "at most every 30 s"),
        ({"url": "https://news.example/feed.xml", "to": "fr", "every": "often"}, 422, "give a period"),
        ({"url": "https://news.example/feed.xml", "to": "fr", "extra": 1}, 422, "extra"),
    ],
)
def test_a_bad_feed_is_refused_when_registered(
    keyed: LiveService, body: dict[str, object], status: int, says: str
) -> None:
    secret, _ = create_key(keyed.ctx.store, "desk")
    with keyed.client() as client:
        answer = client.post("/v1/feeds", json=body, headers={"X-API-Key": secret})
    assert answer.status_code == status and says in answer.text


def test_the_workers_poll_a_registered_feed_by_themselves(db_url: str, publisher: FeedServer) -> None:
    publisher.publish([Entry("g-1", "Harbour bridge reopens", STORY)], '"v1"')
    config = ServiceConfig(database_url=db_url, workers=1, url_policy=publisher.policy, poll_s=0.05)
    with live_service(config, engine_factory=_fake) as live, live.client() as client:
        feed = client.post("/v1/feeds", json={"url": publisher.url("/feed.xml"), "to": "fr"}).json()
        deadline = time.monotonic() + 30
        jobs: list[dict[str, object]] = []
        while time.monotonic() < deadline:
            jobs = client.get("/v1/jobs").json()
            if jobs and jobs[0]["status"] == "done":
                break
            time.sleep(0.1)
        assert jobs and jobs[0]["status"] == "done" and jobs[0]["headline"] == "Harbour bridge reopens"
        assert client.get(f"/v1/feeds/{feed['id']}").json()["items"] == 1
        assert ("/feed.xml", 200) in publisher.hits


def test_a_feed_that_fails_whole_is_its_last_error(keyed: LiveService, publisher: FeedServer) -> None:
    secret, _ = create_key(keyed.ctx.store, "desk")
    publisher.pages["/feed.txt"] = b"not a feed at all"
    with keyed.client() as client:
        feed = client.post(
            "/v1/feeds", json={"url": publisher.url("/feed.txt"), "to": "fr"}, headers={"X-API-Key": secret}
        ).json()
        report = poll_due(keyed.ctx, "worker-1")
        assert report is not None and report.job_id is None and report.error is not None
        shown: httpx.Response = client.get(f"/v1/feeds/{feed['id']}", headers={"X-API-Key": secret})
    body = shown.json()
    assert "is not a feed: not XML" in body["last_error"]
    assert body["errors"][0]["item"] is None and "not a feed" in body["errors"][0]["message"]


def test_items_left_for_later_make_the_next_poll_read_the_whole_feed(
    keyed: LiveService, publisher: FeedServer
) -> None:
    """A job may hold so many tasks: the rest of the items wait, and the ETag is forgotten so that the
    next poll is not a 304 that never comes back to them."""
    from editions.service.feeds import poll_feed
    from editions.store.feeds import add_feed, claim_feed, feed_view
    from editions.store.queue import Quota

    store = keyed.ctx.store
    publisher.publish([Entry("g-1", "First story", STORY), Entry("g-2", "Second story", STORY)], '"v1"')
    feed, _ = add_feed(store, publisher.url("/feed.xml"), ["fr", "vi"])
    small = Quota(tasks_per_job=2)  # one article into two languages
    claimed = claim_feed(store, "w", feed_id=feed.id)
    assert claimed is not None
    first = poll_feed(store, claimed, "w", publisher.policy, small)
    assert [(line.state, line.item) for line in first.lines] == [
        ("new", "First story"),
        ("later", "Second story"),
    ]
    assert feed_view(store, feed.id).etag is None
    claimed = claim_feed(store, "w", feed_id=feed.id)
    assert claimed is not None
    second = poll_feed(store, claimed, "w", publisher.policy, small)
    assert publisher.hits[-1] == ("/feed.xml", 200)  # not a 304: the ETag was not sent
    assert [(line.state, line.item) for line in second.lines] == [
        ("unchanged", "First story"),
        ("new", "Second story"),
    ]
    assert feed_view(store, feed.id).etag == '"v1"' and second.job_id not in (None, first.job_id)
