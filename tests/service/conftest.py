"""A real uvicorn server on 127.0.0.1 in a thread, and editions seeded without the model."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn

from editions.document import Article, Edition, EditionBlock, Provenance
from editions.service.app import create_app
from editions.service.context import ServiceConfig, ServiceContext
from editions.service.edge import build_server
from editions.store.queue import Submission, SubmittedArticle, claim_task, complete_task, submit_job


@dataclass
class LiveService:
    url: str
    ctx: ServiceContext
    server: uvicorn.Server

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_service(config: ServiceConfig, engine_factory: Any = None) -> Iterator[LiveService]:
    """`create_app(config)` served by uvicorn on 127.0.0.1 until the block ends; `engine_factory`
    (e.g. `llama_factory`, lending the session's loaded model) makes the workers' engines."""
    config.host = "127.0.0.1"
    config.port = free_port()
    ctx = ServiceContext.open(config)
    runner = None
    if engine_factory is not None:
        from editions.service.worker import JobRunner

        runner = JobRunner(ctx, engine_factory=engine_factory)
    app = create_app(config, ctx=ctx, runner=runner)
    server = build_server(app, config)  # as `editions serve` builds it
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield LiveService(f"http://127.0.0.1:{config.port}", ctx, server)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        ctx.store.close()


@pytest.fixture
def service(db_url: str) -> Iterator[LiveService]:
    """The service without workers (jobs stay queued unless a test seeds editions itself)."""
    with live_service(ServiceConfig(database_url=db_url, workers=0)) as live:
        yield live


FAKE_PROVENANCE = Provenance(engine="seeded", model="none", prompt_version="test", package_version="0")


def seed_edition(
    ctx: ServiceContext, article: Article, lang: str, translations: dict[str, str], owner: str = "local"
) -> tuple[str, str]:
    """Submit `article` (as `owner`: a key's prefix, or "local") and finish its task with hand-written
    `translations` (block id → text, and "headline"); stands in for the model where the model's output
    is not what a test is about. Returns (job id, edition id). QA runs on the hand-written text as it
    would on the engine's."""
    from editions.qa import BlockPair, QaContext, check_block

    job_id, _ = submit_job(ctx.store, Submission([SubmittedArticle(article)], [lang], owner=owner))
    task = claim_task(ctx.store, "seed", 30)
    assert task is not None and task.job_id == job_id
    qa = QaContext(article.source_lang or "en", lang, ctx.glossary)
    blocks = [
        EditionBlock(
            source_id=b.id,
            kind=b.kind,
            text=translations[b.id],
            marks=dict(b.marks),
            findings=check_block(BlockPair(b.id, b.text, translations[b.id], b.marks), qa),
        )
        for b in article.blocks
    ]
    edition = Edition(
        article_id=article.id,
        source_lang=article.source_lang or "en",
        target_lang=lang,
        headline=translations["headline"],
        source_headline=article.headline,
        blocks=blocks,
        findings=check_block(BlockPair("headline", article.headline, translations["headline"], {}), qa),
        provenance=FAKE_PROVENANCE,
    )
    edition_id = complete_task(ctx.store, task, "seed", edition)
    assert edition_id is not None
    return job_id, edition_id
