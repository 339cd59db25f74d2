"""The REST API through a real uvicorn server on 127.0.0.1 (tests/service/conftest.py).

Most tests submit and inspect jobs without translating (workers=0); `test_full_job_*` runs the real
default model on one article into French and Vietnamese, then re-submits it to the translation memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from editions.service.context import ServiceConfig
from editions.store.keys import create_key

from .conftest import LiveService, live_service

ARTICLE_MD = (
    "# Dockers strike at Le Havre\n\n"
    "Workers at the port of Le Havre stopped work on Tuesday, 4 March 2025, over pay.\n\n"
    "The union said [1,200 dockers](https://example.org/union) joined the strike.\n"
)


def _submit(client: httpx.Client, **body: Any) -> httpx.Response:
    body.setdefault("targets", ["fr"])
    return client.post("/v1/articles", json=body)


def test_submit_returns_a_job_at_once_with_links(service: LiveService) -> None:
    with service.client() as client:
        response = _submit(client, text=ARTICLE_MD, format="md", targets=["fr", "vi"])
        assert response.status_code == 202
        body = response.json()
        assert body["status"] == "queued" and body["links"]["job"] == f"/v1/jobs/{body['job_id']}"
        assert response.headers["location"] == body["links"]["job"]
        job = client.get(body["links"]["job"]).json()
    assert job["status"] == "queued"
    assert job["tasks"] == {"total": 2, "done": 0, "failed": 0}
    languages = job["articles"][0]["languages"]
    assert set(languages) == {"fr", "vi"} and languages["fr"]["status"] == "pending"
    assert job["articles"][0]["headline"] == "Dockers strike at Le Havre"


@pytest.mark.parametrize(
    ("content_type", "body", "headline"),
    [
        ("text/markdown", ARTICLE_MD, "Dockers strike at Le Havre"),
        ("text/html", "<h1>Port &amp; city</h1><p>The port reopened on Monday.</p>", "Port & city"),
        ("text/plain; charset=utf-8", "Port reopens\n\nThe port reopened on Monday.", "Port reopens"),
    ],
)
def test_raw_bodies_in_each_format(service: LiveService, content_type: str, body: str, headline: str) -> None:
    with service.client() as client:
        response = client.post(
            "/v1/articles?to=fr,vi", content=body.encode(), headers={"content-type": content_type}
        )
        assert response.status_code == 202, response.text
        job = client.get(f"/v1/jobs/{response.json()['job_id']}").json()
    assert job["articles"][0]["headline"] == headline
    assert job["targets"] == ["fr", "vi"]


def test_several_articles_and_json_articles(service: LiveService) -> None:
    article = {"headline": "Rain in Hanoi", "blocks": [{"id": "b1", "text": "It rained all day."}]}
    with service.client() as client:
        response = _submit(client, articles=[{"text": ARTICLE_MD, "format": "md"}, {"article": article}])
        assert response.status_code == 202, response.text
        job = client.get(f"/v1/jobs/{response.json()['job_id']}").json()
    assert [a["headline"] for a in job["articles"]] == ["Dockers strike at Le Havre", "Rain in Hanoi"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"text": "", "targets": ["fr"]}, "empty"),
        ({"text": "   \n  ", "targets": ["fr"]}, "empty"),
        ({"text": "Hello", "targets": ["xx"]}, "xx"),
        ({"text": "Hello", "targets": []}, "language"),
        ({"targets": ["fr"]}, "exactly one of"),
        ({"text": "Hello", "url": "http://example.org/", "targets": ["fr"]}, "exactly one of"),
        ({"text": "Hello", "targets": ["fr"], "engine": "openai"}, "engine"),
        ({"text": "Hello", "targets": ["fr"], "options": {"temperature": 9}}, "temperature"),
        ({"text": "{not json", "format": "json", "targets": ["fr"]}, "JSON"),
        ({"url": "http://127.0.0.1:1/secret", "targets": ["fr"]}, "loopback"),
        ({"url": "http://169.254.169.254/latest/meta-data/", "targets": ["fr"]}, "169.254.169.254"),
        ({"articles": [], "targets": ["fr"]}, "1 to"),
    ],
)
def test_bad_submissions_are_clear_errors(service: LiveService, body: dict[str, Any], fragment: str) -> None:
    with service.client() as client:
        response = client.post("/v1/articles", json=body)
        assert response.status_code in (400, 413, 422), response.text
        payload = response.json()
        assert fragment.lower() in json.dumps(payload).lower(), payload
        assert "Traceback" not in response.text
        assert client.get("/v1/jobs").json() == []  # nothing was stored


def test_malformed_and_binary_bodies(service: LiveService) -> None:
    with service.client() as client:
        bad_json = client.post("/v1/articles", content=b"{", headers={"content-type": "application/json"})
        assert bad_json.status_code == 422
        binary = client.post(
            "/v1/articles?to=fr", content=b"\x00\x01\x02\xff" * 100, headers={"content-type": "text/plain"}
        )
        assert binary.status_code == 422 and "binary" in binary.json()["error"]
        latin1 = client.post(
            "/v1/articles?to=fr",
            content="Café à Paris\n\nIl pleut.".encode("latin-1"),
            headers={"content-type": "text/plain"},
        )
        assert latin1.status_code == 422 and "UTF-8" in latin1.json()["error"]
        odd = client.post("/v1/articles?to=fr", content=b"x", headers={"content-type": "image/png"})
        assert odd.status_code == 422 and "content type" in odd.json()["error"]


def test_request_size_limit(db_url: str) -> None:
    config = ServiceConfig(database_url=db_url, workers=0, max_body_bytes=64 * 1024)
    with live_service(config) as live, live.client() as client:
        big = "Word " * 20_000  # 100 KB
        response = client.post(
            "/v1/articles?to=fr", content=big.encode(), headers={"content-type": "text/plain"}
        )
        assert response.status_code == 413

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies while streaming
            for _ in range(20):
                yield b"Word " * 1000

        streamed = client.post("/v1/articles?to=fr", content=chunks(), headers={"content-type": "text/plain"})
        assert streamed.status_code == 413
        assert client.get("/v1/jobs").json() == []


def test_article_over_the_reader_limit_is_413(service: LiveService) -> None:
    with service.client() as client:
        response = _submit(client, text="Word " * 500_000)  # 2.5 MB of text in a 4 MB request
        assert response.status_code == 413
        assert "MB" in response.json()["error"]


def test_idempotency_keys(service: LiveService) -> None:
    with service.client() as client:
        first = client.post(
            "/v1/articles",
            json={"text": ARTICLE_MD, "targets": ["fr"]},
            headers={"Idempotency-Key": "cms-42"},
        )
        again = client.post(
            "/v1/articles",
            json={"text": ARTICLE_MD, "targets": ["fr"]},
            headers={"Idempotency-Key": "cms-42"},
        )
        other = client.post(
            "/v1/articles",
            json={"text": ARTICLE_MD, "targets": ["vi"]},
            headers={"Idempotency-Key": "cms-42"},
        )
        fresh = client.post("/v1/articles", json={"text": ARTICLE_MD, "targets": ["fr"]})
        jobs = client.get("/v1/jobs").json()
    assert first.status_code == 202
    assert again.status_code == 200 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["job_id"] == first.json()["job_id"]
    assert other.status_code == 409 and "Idempotency-Key" in other.json()["error"]
    assert fresh.json()["job_id"] != first.json()["job_id"]
    assert len(jobs) == 2


def test_an_idempotency_key_covers_the_content_and_the_source_language(service: LiveService) -> None:
    """A corrected article under the same key and article id is a new request (409), not a replay that
    silently drops the correction; so is the same body declared in another language (`from=`)."""
    article = {"id": "cms-7781", "headline": "Mayor resigns", "blocks": [{"id": "b1", "text": "He left."}]}
    corrected = {
        **article,
        "headline": "Mayor does not resign",
        "blocks": [{"id": "b1", "text": "He stays."}],
    }

    def send(client: httpx.Client, key: str, **body: Any) -> httpx.Response:
        return client.post("/v1/articles", json={"targets": ["fr"], **body}, headers={"Idempotency-Key": key})

    with service.client() as client:
        first = send(client, "story-7781", article=article)
        retry = send(client, "story-7781", article=article)
        fixed = send(client, "story-7781", article=corrected)
        other_lang = send(client, "story-7781", article=article, source_lang="fr")

        raw = {"Idempotency-Key": "raw-1", "Content-Type": "text/markdown"}
        raw_first = client.post("/v1/articles?to=fr&from=en", content=ARTICLE_MD, headers=raw)
        raw_retry = client.post("/v1/articles?to=fr&from=en", content=ARTICLE_MD, headers=raw)
        raw_from = client.post("/v1/articles?to=fr&from=fr", content=ARTICLE_MD, headers=raw)
    assert first.status_code == 202
    assert retry.status_code == 200 and retry.json()["job_id"] == first.json()["job_id"]
    assert fixed.status_code == 409, f"a corrected article was replayed: {fixed.json()}"
    assert "Idempotency-Key" in fixed.json()["error"]
    assert other_lang.status_code == 409, f"another source language was replayed: {other_lang.json()}"
    assert raw_first.status_code == 202 and raw_retry.status_code == 200
    assert raw_from.status_code == 409, f"from=fr was replayed as from=en: {raw_from.json()}"


def test_unknown_ids_are_404(service: LiveService) -> None:
    with service.client() as client:
        for path in ("/v1/jobs/nope", "/v1/jobs/nope/editions", "/v1/editions/nope", "/v1/jobs/nope/events"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert "nope" in response.json()["error"]


def test_openapi_schema_describes_the_api(service: LiveService) -> None:
    with service.client() as client:
        schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/v1/articles",
        "/v1/jobs/{job_id}",
        "/v1/jobs/{job_id}/events",
        "/v1/editions/{edition_id}",
    ):
        assert path in paths
    content = paths["/v1/articles"]["post"]["requestBody"]["content"]
    assert {"application/json", "text/markdown", "text/html", "text/plain"} <= set(content)
    assert "SubmitIn" in schema["components"]["schemas"]
    # the responses are typed views, so the schema says what a job and an edition look like
    job = paths["/v1/jobs/{job_id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert job == {"$ref": "#/components/schemas/JobView"}
    views = schema["components"]["schemas"]
    assert views["JobView"]["properties"]["status"] == {"$ref": "#/components/schemas/JobStatus"}
    assert set(views["JobStatus"]["enum"]) == {"queued", "running", "done", "failed"}
    assert {"EditionView", "JobSummary", "LanguageProgress"} <= set(views)


def test_health_and_metrics(service: LiveService) -> None:
    with service.client() as client:
        health = client.get("/healthz").json()
        client.get("/v1/jobs")
        metrics = client.get("/metrics")
    assert health["status"] == "ok" and health["database"] in ("sqlite", "postgresql")
    assert metrics.headers["content-type"].startswith("text/plain")
    assert 'editions_http_requests_total{method="GET",route="/v1/jobs",status="200"}' in metrics.text
    assert "editions_tasks_in_store" in metrics.text


def test_keys_required_beyond_loopback_or_when_asked(db_url: str) -> None:
    assert ServiceConfig(host="0.0.0.0").keys_required
    assert ServiceConfig(host="10.1.2.3").keys_required
    assert not ServiceConfig(host="127.0.0.1").keys_required
    assert not ServiceConfig(host="::1").keys_required
    config = ServiceConfig(database_url=db_url, workers=0, require_keys=True)
    with live_service(config) as live, live.client() as client:
        secret, _ = create_key(live.ctx.store, "cms")
        assert client.get("/v1/jobs").status_code == 401
        assert client.get("/v1/jobs", headers={"Authorization": "Bearer ed_wrong"}).status_code == 401
        assert client.get("/v1/jobs", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
        assert client.get("/v1/jobs", headers={"X-API-Key": secret}).status_code == 200
        assert client.get("/healthz").status_code == 200  # for load balancers
        submitted = client.post(
            "/v1/articles", json={"text": ARTICLE_MD, "targets": ["fr"]}, headers={"X-API-Key": secret}
        )
        assert submitted.status_code == 202


def test_rate_limit_per_key(db_url: str) -> None:
    config = ServiceConfig(database_url=db_url, workers=0, require_keys=True)
    with live_service(config) as live, live.client() as client:
        slow, _ = create_key(live.ctx.store, "slow", rate_per_minute=5)
        fast, _ = create_key(live.ctx.store, "fast", rate_per_minute=1000)
        codes = [client.get("/v1/jobs", headers={"X-API-Key": slow}).status_code for _ in range(8)]
        assert codes[:5] == [200] * 5 and codes[5:] == [429] * 3
        limited = client.get("/v1/jobs", headers={"X-API-Key": slow})
        assert int(limited.headers["retry-after"]) >= 1
        # another key is not affected
        assert all(client.get("/v1/jobs", headers={"X-API-Key": fast}).status_code == 200 for _ in range(8))


def test_cross_site_posts_are_refused(service: LiveService) -> None:
    with service.client() as client:
        response = client.post(
            "/v1/articles",
            json={"text": ARTICLE_MD, "targets": ["fr"]},
            headers={"Origin": "https://evil.example"},
        )
        assert response.status_code == 403
        same = client.post(
            "/v1/articles", json={"text": ARTICLE_MD, "targets": ["fr"]}, headers={"Origin": service.url}
        )
        assert same.status_code == 202


def _events(client: httpx.Client, job_id: str) -> list[tuple[str, dict[str, Any]]]:
    events: list[tuple[str, dict[str, Any]]] = []
    with client.stream("GET", f"/v1/jobs/{job_id}/events", timeout=600) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        name = ""
        for line in response.iter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                events.append((name, json.loads(line[6:])))
                if name == "end":
                    break
    return events


@pytest.fixture(scope="module")
def model_service(llama_factory: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    db = tmp_path_factory.mktemp("api") / "editions.db"
    config = ServiceConfig(database_url=f"sqlite:///{db}", workers=1)
    with live_service(config, engine_factory=llama_factory) as live:
        yield live


@pytest.mark.model
def test_full_job_fr_vi_with_progress_events(model_service: LiveService) -> None:
    with model_service.client() as client:
        submitted = _submit(client, text=ARTICLE_MD, format="md", targets=["fr", "vi"])
        job_id = submitted.json()["job_id"]
        events = _events(client, job_id)
        job = client.get(f"/v1/jobs/{job_id}").json()
        editions = client.get(f"/v1/jobs/{job_id}/editions").json()
        exported = client.get(f"/v1/editions/{editions[0]['id']}/export", params={"format": "html"})
    progress = [data for name, data in events if name == "progress"]
    assert events[-1] == ("end", {"status": "done"})
    assert len(progress) >= 3  # queued, moving, done at least
    seen = [p["segments"]["done"] for p in progress]
    assert seen == sorted(seen) and seen[-1] == 6  # 3 segments × 2 languages, monotone
    assert job["status"] == "done" and job["tasks"] == {"total": 2, "done": 2, "failed": 0}
    assert job["engine_calls"] >= 6
    assert sorted(e["edition"]["target_lang"] for e in editions) == ["fr", "vi"]
    for stored in editions:
        edition = stored["edition"]
        assert len(edition["blocks"]) == 2
        assert edition["blocks"][1]["marks"]["a1"]["href"] == "https://example.org/union"
        assert "<a1>" in edition["blocks"][1]["text"]
        assert edition["provenance"]["model_sha256"]
        assert stored["signature"].startswith("engine:llamacpp|")
    assert exported.status_code == 200 and 'href="https://example.org/union"' in exported.text


@pytest.mark.model
def test_resubmitting_an_unchanged_article_makes_no_engine_calls(model_service: LiveService) -> None:
    text = ARTICLE_MD.replace("Dockers strike", "Dockers walk out").replace("Tuesday", "Wednesday")
    body = {"text": text, "format": "md", "targets": ["fr"]}
    with model_service.client() as client:
        first = client.post("/v1/articles", json=body).json()["job_id"]
        _events(client, first)
        before = client.get(f"/v1/jobs/{first}").json()
        again = client.post("/v1/articles", json=body).json()["job_id"]
        _events(client, again)
        after = client.get(f"/v1/jobs/{again}").json()
        texts = [
            [b["text"] for b in client.get(f"/v1/jobs/{j}/editions").json()[0]["edition"]["blocks"]]
            for j in (first, again)
        ]
    assert before["engine_calls"] > 0 and before["memory_hits"] == 0
    assert after["engine_calls"] == 0 and after["memory_hits"] == 3
    assert texts[0] == texts[1]


@pytest.mark.model
def test_an_editor_correction_wins_next_time(model_service: LiveService) -> None:
    body = {"text": "# Bridge closed\n\nThe old bridge closed on Friday for repairs.", "targets": ["fr"]}
    with model_service.client() as client:
        job = client.post("/v1/articles", json=body).json()["job_id"]
        _events(client, job)
        edition = client.get(f"/v1/jobs/{job}/editions").json()[0]
        corrected = "Le vieux pont a fermé vendredi pour des travaux."
        put = client.put(
            f"/v1/editions/{edition['id']}/blocks/b1",
            json={"text": corrected, "revision": edition["revision"]},
        )
        assert put.status_code == 200 and put.json()["revision"] == edition["revision"] + 1
        stale = client.put(
            f"/v1/editions/{edition['id']}/blocks/b1",
            json={"text": corrected, "revision": edition["revision"]},
        )
        assert stale.status_code == 409
        approved = client.post(f"/v1/editions/{edition['id']}/review", json={"state": "approved"})
        assert approved.json()["review"] == "approved"
        again = client.post("/v1/articles", json=body).json()["job_id"]
        _events(client, again)
        second = client.get(f"/v1/jobs/{again}/editions").json()[0]["edition"]
        tmx = client.get("/v1/memory/tmx", params={"approved_only": True})
    assert second["blocks"][0]["text"] == corrected
    assert client is not None and corrected in tmx.text
    assert 'x-editions-origin">editor' in tmx.text
