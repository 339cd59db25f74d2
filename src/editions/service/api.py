"""The REST API, under /v1. Submitting returns at once; workers translate in the background.

POST /v1/articles                    an article (or several) and target languages → a job (202)
GET  /v1/jobs, /v1/jobs/{id}         status, and progress per article, language and segment
GET  /v1/jobs/{id}/events            the same as server-sent events, until the job ends
GET  /v1/jobs/{id}/editions          the finished editions
GET  /v1/editions/{id}[/export]      one edition, as JSON or exported (text, md, html, json)
PUT  /v1/editions/{id}/blocks/{b}    an editor's correction (QA re-run; kept in the memory)
POST /v1/editions/{id}/review        approve or reject
GET/POST /v1/memory/tmx              translation memory out (editors) and in (admins), as TMX
POST/GET /v1/feeds, GET/DELETE /v1/feeds/{id}   watched RSS/Atom feeds, polled by the workers
                                     (`service.feeds_api`; GET one lists its per-item errors)

A key sees only the jobs it submitted (`service.tenancy`); another key's job or edition is a 404.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from starlette.concurrency import run_in_threadpool

from editions.document import Article
from editions.errors import UsageError
from editions.ingest import read_article, read_article_text, read_article_url
from editions.languages import parse_targets
from editions.service.context import ServiceContext
from editions.service.editing import attachment_headers, edit_block, export_edition
from editions.service.limits import Edge, SlottedStream
from editions.service.security import Principal, authenticate, caller_name, context_of
from editions.service.tenancy import require_role, teaches_memory, visible_owner
from editions.store import editions, queue, views
from editions.store.editions import EditionView
from editions.store.queue import Quota, Submission, SubmittedArticle
from editions.store.views import JobSummary, JobView, job_view
from editions.vocabulary import KeyRole, ReviewState

router = APIRouter(prefix="/v1", tags=["editions"])
Caller = Annotated[Principal, Depends(authenticate)]

MAX_ARTICLES_PER_JOB = 50
RAW_TYPES = {
    "text/plain": "text",
    "text/markdown": "md",
    "text/x-markdown": "md",
    "text/html": "html",
    "application/xhtml+xml": "html",
}

Format = Literal["text", "md", "html", "json"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArticleIn(_In):
    """One article: exactly one of `text` (with its `format`), `article` (our JSON) or `url`."""

    text: str | None = Field(None, description="the article as text, Markdown, HTML or JSON")
    format: Format | None = Field(None, description="format of `text` (default: sniffed)")
    article: dict[str, Any] | None = Field(None, description="an article in editions' JSON form")
    url: str | None = Field(None, description="http(s) address to fetch (internal addresses are refused)")
    source_lang: str | None = Field(None, description="source language (default: detected)")


class JobOptions(_In):
    temperature: float | None = Field(None, ge=0.0, le=2.0)
    seed: int | None = None
    mode: Literal["full", "condensed"] | None = Field(
        None, description="condensed: an adaptation within `words`, nothing added (default: full)"
    )
    words: int | None = Field(None, ge=50, le=5000, description="the word budget of a condensed edition")

    @model_validator(mode="after")
    def _budget_with_condensed(self) -> JobOptions:
        if (self.mode == "condensed") != (self.words is not None):
            raise ValueError("`words` goes with mode 'condensed', and mode 'condensed' needs `words`")
        return self


class SubmitIn(ArticleIn):
    targets: list[str] | str = Field(..., description='target languages, e.g. ["fr", "vi"] or "fr,vi"')
    articles: list[ArticleIn] | None = Field(None, description=f"several articles (≤ {MAX_ARTICLES_PER_JOB})")
    options: JobOptions = Field(default_factory=JobOptions)


class Submitted(BaseModel):
    job_id: str
    status: str
    replayed: bool
    links: dict[str, str]


class BlockEdit(_In):
    text: str = Field(..., max_length=20_000)
    revision: int | None = Field(None, description="the revision you edited; 409 if it changed since")


class ReviewIn(_In):
    state: ReviewState
    note: str | None = Field(None, max_length=2000)


def openapi_schemas() -> dict[str, Any]:
    """Schemas the routes read by hand (so bodies may also be raw text) for the OpenAPI document."""
    schema = SubmitIn.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    return {"SubmitIn": schema, **defs}


def _targets(value: list[str] | str) -> list[str]:
    return parse_targets(value if isinstance(value, str) else ",".join(value))


def _read_one(ctx: ServiceContext, item: ArticleIn) -> SubmittedArticle:
    given = [name for name in ("text", "article", "url") if getattr(item, name) is not None]
    if len(given) != 1:
        raise UsageError("give each article as exactly one of text, article or url")
    if item.url is not None:
        article = read_article_url(item.url, source_lang=item.source_lang, policy=ctx.config.url_policy)
        return SubmittedArticle(article, "url", item.url)
    if item.article is not None:
        text = json.dumps(item.article, ensure_ascii=False)
        return SubmittedArticle(read_article_text(text, fmt="json", source_lang=item.source_lang), "json")
    assert item.text is not None
    article = read_article_text(item.text, fmt=item.format, source_lang=item.source_lang)
    return SubmittedArticle(article, item.format)


async def _read(request: Request, item: ArticleIn, deadline: float) -> SubmittedArticle:
    """A URL is fetched on the edge's bounded fetch pool (a slow server holds one of its threads, never
    one of the request pool's); anything else is read on the request pool."""
    ctx = context_of(request)
    if item.url is not None:
        edge: Edge = request.app.state.edge
        return await edge.fetches.run(deadline, _read_one, ctx, item)
    return await run_in_threadpool(_read_one, ctx, item)


def _submitted(job_id: str, created: bool) -> JSONResponse:
    body = Submitted(
        job_id=job_id,
        status="queued" if created else "replayed",
        replayed=not created,
        links={
            "job": f"/v1/jobs/{job_id}",
            "events": f"/v1/jobs/{job_id}/events",
            "editions": f"/v1/jobs/{job_id}/editions",
            "review": f"/jobs/{job_id}",
        },
    )
    headers = {"Location": f"/v1/jobs/{job_id}"}
    if not created:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(body.model_dump(), status_code=202 if created else 200, headers=headers)


@router.post(
    "/articles",
    status_code=202,
    response_model=Submitted,
    summary="Submit articles for translation",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/SubmitIn"}},
                "text/markdown": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
                "text/plain": {"schema": {"type": "string"}},
            },
            "required": True,
        }
    },
)
async def submit(
    request: Request,
    principal: Caller,
    to: Annotated[str | None, Query(description="target languages for a raw body, e.g. fr,vi")] = None,
    source_lang: Annotated[str | None, Query(alias="from")] = None,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    """JSON (`SubmitIn`), or the article itself as text/markdown, text/html or text/plain with `?to=`.

    Send an `Idempotency-Key` header to make retries safe: the same key with the same request returns
    the first job (200, `Idempotent-Replayed: true`); with a different request it is refused (409).
    """
    ctx = context_of(request)
    media = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    body = await request.body()
    if media == "application/json":
        try:
            payload = SubmitIn.model_validate_json(body)  # malformed JSON is a ValidationError too
        except ValidationError as err:
            raise RequestValidationError(err.errors(include_url=False)) from None  # the app's one handler
        targets = _targets(payload.targets)
        items = payload.articles if payload.articles is not None else [payload]
        if payload.articles is not None and any(
            getattr(payload, n) is not None for n in ("text", "article", "url")
        ):
            raise UsageError("give either articles or a single article, not both")
        if not 1 <= len(items) <= MAX_ARTICLES_PER_JOB:
            raise UsageError(f"a job takes 1 to {MAX_ARTICLES_PER_JOB} articles")
        _quota(ctx).check_job(len(items), len(targets))  # before fetching any URL
        options = payload.options.model_dump(exclude_none=True)
        deadline = time.monotonic() + ctx.config.fetch_deadline_s  # for all the job's URLs together
        read = [await _read(request, item, deadline) for item in items]
    elif media in RAW_TYPES:
        if not to:
            raise UsageError("give the target languages as ?to=fr,vi with a raw article body")
        targets = _targets(to)
        article: Article = await run_in_threadpool(
            read_article, body, fmt=RAW_TYPES[media], source_lang=source_lang
        )
        read, options = [SubmittedArticle(article, RAW_TYPES[media])], {}
    else:
        raise UsageError(f"unsupported content type {media!r}: send JSON, Markdown, HTML or plain text")
    submission = Submission(read, targets, options, principal.owner, idempotency_key)
    job_id, created = await run_in_threadpool(queue.submit_job, ctx.store, submission, _quota(ctx))
    if created and request.app.state.runner is not None:
        request.app.state.runner.wake()
    return _submitted(job_id, created)


def _quota(ctx: ServiceContext) -> Quota:
    return Quota(ctx.config.max_tasks_per_job, ctx.config.max_pending_tasks_per_owner)


@router.get("/jobs", summary="Recent jobs")
def list_jobs(
    request: Request, principal: Caller, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[JobSummary]:
    return views.list_jobs(context_of(request).store, limit, visible_owner(principal))


@router.get("/jobs/{job_id}", summary="A job's status and progress")
def get_job(job_id: str, request: Request, principal: Caller) -> JobView:
    return job_view(context_of(request).store, job_id, visible_owner(principal))


@router.get("/jobs/{job_id}/events", summary="Progress as server-sent events")
async def job_events(job_id: str, request: Request, principal: Caller) -> Response:
    """`event: progress` whenever the job changes, then `event: end` once it is done or failed.

    A caller may hold a few streams at once (`sse_max_per_caller`, and `sse_max_streams` overall; 429
    beyond), each for at most `sse_max_lifetime_s`, after which it ends with `event: timeout`: reconnect."""
    ctx, owner = context_of(request), visible_owner(principal)
    first = await run_in_threadpool(job_view, ctx.store, job_id, owner)  # 404 before the stream starts
    edge: Edge = request.app.state.edge
    slot = edge.streams.acquire(caller_name(request, principal))
    ends = time.monotonic() + ctx.config.sse_max_lifetime_s

    async def stream() -> AsyncIterator[str]:
        view, last = first, ""
        while True:
            data = json.dumps(view.model_dump(mode="json"), ensure_ascii=False)
            if data != last:
                yield f"event: progress\ndata: {data}\n\n"
                last = data
            if view.status.finished:
                yield f"event: end\ndata: {json.dumps({'status': view.status})}\n\n"
                return
            if await request.is_disconnected():
                return
            if time.monotonic() >= ends:
                limit = {"lifetime_s": ctx.config.sse_max_lifetime_s}
                yield f"event: timeout\ndata: {json.dumps(limit)}\n\n"
                return
            await asyncio.sleep(min(0.5, max(0.0, ends - time.monotonic())))
            view = await run_in_threadpool(job_view, ctx.store, job_id, owner)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return SlottedStream(stream(), slot, media_type="text/event-stream", headers=headers)


@router.get("/jobs/{job_id}/editions", summary="A job's finished editions")
def get_job_editions(job_id: str, request: Request, principal: Caller) -> list[EditionView]:
    store, owner = context_of(request).store, visible_owner(principal)
    job_view(store, job_id, owner)  # 404 for an unknown job (or another key's)
    return [EditionView.of(e) for e in editions.job_editions(store, job_id, owner)]


@router.get("/editions/{edition_id}", summary="One edition with its QA findings and provenance")
def get_edition(edition_id: str, request: Request, principal: Caller) -> EditionView:
    return EditionView.of(
        editions.get_edition(context_of(request).store, edition_id, visible_owner(principal))
    )


@router.get("/editions/{edition_id}/export", summary="Export an edition")
def export(
    edition_id: str,
    request: Request,
    principal: Caller,
    format: Annotated[Format, Query()] = "md",
) -> Response:
    stored = editions.get_edition(context_of(request).store, edition_id, visible_owner(principal))
    body, media, name = export_edition(stored, format)
    return Response(body, media_type=media, headers=attachment_headers(name))


@router.put("/editions/{edition_id}/blocks/{block_id}", summary="Correct one block")
def put_block(
    edition_id: str,
    block_id: str,
    edit: BlockEdit,
    request: Request,
    principal: Caller,
) -> EditionView:
    ctx, owner = context_of(request), visible_owner(principal)
    stored = edit_block(ctx, edition_id, block_id, edit.text, edit.revision, owner, teaches_memory(principal))
    return EditionView.of(stored)


@router.post("/editions/{edition_id}/review", summary="Approve or reject an edition")
def review(edition_id: str, body: ReviewIn, request: Request, principal: Caller) -> EditionView:
    store, owner = context_of(request).store, visible_owner(principal)
    editions.set_review(store, edition_id, body.state, body.note, owner)
    return EditionView.of(editions.get_edition(store, edition_id, owner))


@router.get("/memory", summary="Translation memory size")
def memory_stats(request: Request, principal: Caller) -> dict[str, Any]:
    stats = context_of(request).memory.stats()
    return {"entries": stats.entries, "by_origin": stats.by_origin}


@router.get("/memory/tmx", summary="Export the translation memory as TMX")
def memory_export(request: Request, principal: Caller, approved_only: bool = False) -> Response:
    require_role(principal, KeyRole.EDITOR, "exporting the memory (every key's text)")
    data = context_of(request).memory.export_tmx(approved_only=approved_only)
    return Response(data, media_type="application/x-tmx+xml", headers=attachment_headers("memory.tmx"))


@router.post("/memory/tmx", summary="Import a TMX file (entries become approved; admin keys only)")
async def memory_import(request: Request, principal: Caller) -> dict[str, int]:
    require_role(principal, KeyRole.ADMIN, "importing TMX (its entries become approved)")
    data = await request.body()
    imported = await run_in_threadpool(context_of(request).memory.import_tmx, data)
    return {"imported": imported}
