"""Structured logs (one JSON object a line on stderr), Prometheus metrics, and the request middleware
that counts, times and size-limits every request."""

from __future__ import annotations

import json
import logging
import sys
import time
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from sqlalchemy import func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from editions.redact import redact
from editions.store.db import Store
from editions.store.schema import TaskRow
from editions.vocabulary import TaskStatus

_logger = logging.getLogger("editions.service")
# Set in a request's state when its client went away mid-body: the edge has logged it already.
ABORTED = "aborted_upload"

# One registry per process (not the global default), so tests can build several apps.
REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "editions_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=REGISTRY
)
LATENCY = Histogram("editions_http_request_seconds", "HTTP request latency", ["route"], registry=REGISTRY)
ENGINE_CALLS = Counter("editions_engine_calls_total", "Engine requests made by workers", registry=REGISTRY)
MEMORY_HITS = Counter(
    "editions_memory_hits_total", "Segments taken from the translation memory", registry=REGISTRY
)
TASKS = Counter("editions_tasks_total", "Tasks finished by workers", ["outcome"], registry=REGISTRY)
SEGMENT_SECONDS = Histogram(
    "editions_task_seconds", "Wall time per (article, language) task", registry=REGISTRY
)
QUEUE = Gauge("editions_tasks_in_store", "Tasks in the store by status", ["status"], registry=REGISTRY)


def log(event: str, *, level: str = "info", **fields: Any) -> None:
    """One structured log line: {"ts", "level", "event", …fields}, credentials redacted (an error
    that names a server names it with its password, if it was given one)."""
    record = {"ts": round(time.time(), 3), "level": level, "event": event, **fields}
    line = json.dumps(record, ensure_ascii=False, default=str)
    _logger.log(logging.getLevelName(level.upper()), redact(line))


def configure_logging(level: str = "info") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    _logger.handlers[:] = [handler]
    _logger.setLevel(level.upper())
    _logger.propagate = False


def metrics_payload(store: Store) -> tuple[bytes, str]:
    with store.session() as session:
        counts = dict(session.execute(select(TaskRow.status, func.count()).group_by(TaskRow.status)).all())
    for status in TaskStatus:
        QUEUE.labels(status).set(int(counts.get(status, 0)))
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


class BodyLimit:
    """Refuses bodies over `limit` bytes: at once from Content-Length, or mid-stream when it lies."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        too_big = JSONResponse(
            {"error": f"request body over the {self.limit // 1024} KiB limit"}, status_code=413
        )
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await too_big(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await too_big(scope, receive, send)


class _TooLarge(Exception):
    pass


def install(app: FastAPI, max_body_bytes: int) -> None:
    app.add_middleware(BodyLimit, limit=max_body_bytes)

    @app.middleware("http")
    async def observe_request(request: Request, call_next: Any) -> Response:
        request_id = request.headers.get("x-request-id", "")[:64] or uuid.uuid4().hex[:16]
        started = time.perf_counter()
        response: Response = await call_next(request)
        elapsed = time.perf_counter() - started
        route = request.scope.get("route")
        name = getattr(route, "path", "unmatched")
        REQUESTS.labels(request.method, name, str(response.status_code)).inc()
        LATENCY.labels(name).observe(elapsed)
        response.headers["X-Request-ID"] = request_id
        if request.scope.get("state", {}).get(ABORTED):
            return response  # `request.aborted` was its one line; the app's answer went nowhere
        principal = getattr(request.state, "principal", None)
        log(
            "http.request",
            request_id=request_id,
            method=request.method,
            path=request.url.path,
            status=response.status_code,
            ms=round(elapsed * 1000, 1),
            caller=principal.name if principal else None,
        )
        return response
