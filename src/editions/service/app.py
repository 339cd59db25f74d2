"""The FastAPI application: API routes, review pages, health and metrics, one error handler."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from editions import __version__
from editions.errors import (
    AuthError,
    EditionsError,
    IdempotencyConflictError,
    InputError,
    InputTooLargeError,
    NotFoundError,
    QuotaExceededError,
    StaleEditError,
    UsageError,
)
from editions.redact import redact
from editions.service import edge, observe
from editions.service.context import ServiceConfig, ServiceContext
from editions.service.limits import Edge
from editions.service.security import Principal, authenticate
from editions.service.worker import JobRunner

STATIC = Path(__file__).parent / "static"
HEALTH_TIMEOUT_S = 5.0
Caller = Annotated[Principal, Depends(authenticate)]


def _status_for(err: EditionsError) -> int:
    if isinstance(err, NotFoundError):
        return 404
    if isinstance(err, IdempotencyConflictError | StaleEditError):
        return 409
    if isinstance(err, InputTooLargeError):
        return 413
    if isinstance(err, QuotaExceededError):
        return 429
    if isinstance(err, InputError | UsageError):
        return 422
    return 500


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/v1/") and "text/html" in request.headers.get("accept", "")


def _document_raw_bodies(app: FastAPI, schemas: dict[str, Any]) -> None:
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            schema.setdefault("components", {}).setdefault("schemas", {}).update(schemas)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(
    config: ServiceConfig | None = None, *, ctx: ServiceContext | None = None, runner: JobRunner | None = None
) -> FastAPI:
    """The service on `config`'s store; its workers (`runner`, or `config.workers` new ones) start and
    stop with the app and live on `app.state.runner`."""
    config = config or ServiceConfig()
    context = ctx or ServiceContext.open(config)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.runner is None and config.workers > 0:
            app.state.runner = JobRunner(context)
        if app.state.runner is not None:
            app.state.runner.start()
        observe.log(
            "service.start",
            version=__version__,
            keys_required=config.keys_required,
            workers=config.workers,
            database=context.store.dialect,
        )
        try:
            yield
        finally:
            if app.state.runner is not None:
                app.state.runner.stop()
            app.state.edge.shutdown()
            observe.log("service.stop")

    app = FastAPI(
        title="editions",
        version=__version__,
        description="Faithful editions of news articles: submit, follow, review, approve, export.",
        lifespan=lifespan,
        # Swagger UI and ReDoc load their scripts from a public CDN (offline: a blank page; online: a
        # third party's code on our origin). The schema is at /openapi.json, behind a key when keys are.
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.ctx = context
    app.state.runner = runner
    app.state.edge = Edge.for_config(config)
    app.state.limiter = app.state.edge.requests
    app.state.hosts = edge.HostPolicy(config)
    observe.install(app, config.max_body_bytes)
    edge.install(app, config)

    @app.exception_handler(AuthError)
    async def auth_error(request: Request, err: AuthError) -> Response:
        if err.status == 401 and _wants_html(request):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        headers = {"Retry-After": str(max(1, round(err.retry_after)))} if err.retry_after else None
        if _wants_html(request):
            from editions.service.review import error_page

            page = error_page(request, err.status, err.message)
            page.headers.update(headers or {})
            return page
        return JSONResponse({"error": err.message}, status_code=err.status, headers=headers)

    @app.exception_handler(EditionsError)
    async def editions_error(request: Request, err: EditionsError) -> Response:
        status = _status_for(err)
        if status == 500:
            observe.log("error", level="error", path=request.url.path, error=str(err))
        if _wants_html(request):
            from editions.service.review import error_page

            return error_page(request, status, str(err))
        return JSONResponse({"error": str(err)}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, err: RequestValidationError) -> Response:
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body')}: {e.get('msg')}"
            for e in err.errors()
        ]
        return JSONResponse({"error": "invalid request", "problems": problems[:20]}, status_code=422)

    def ping_database() -> None:
        with context.store.session() as session:
            session.connection().exec_driver_sql("SELECT 1")

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        """On the edge's own threads: a request pool full of slow work does not make us look dead."""
        ping = app.state.edge.on(app.state.edge.health, ping_database)
        try:
            await asyncio.wait_for(ping, HEALTH_TIMEOUT_S)
        except TimeoutError:
            return JSONResponse({"status": "error", "database": "no answer in time"}, status_code=503)
        except Exception as err:
            return JSONResponse({"status": "error", "database": redact(str(err))[:200]}, status_code=503)
        runner: JobRunner | None = app.state.runner
        return JSONResponse(
            {
                "status": "ok",
                "version": __version__,
                "database": context.store.dialect,
                "workers": runner.alive() if runner else 0,
                "engine": runner.engine_health() if runner else None,
            }
        )

    @app.get("/metrics", include_in_schema=False)
    def metrics(principal: Caller) -> PlainTextResponse:
        body, media = observe.metrics_payload(context.store)
        return PlainTextResponse(body, media_type=media)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi(principal: Caller) -> JSONResponse:
        return JSONResponse(app.openapi())

    from editions.service import api, feeds_api, review

    app.include_router(api.router)
    app.include_router(feeds_api.router)
    _document_raw_bodies(app, api.openapi_schemas())
    app.include_router(review.router)
    from editions.service import xliff_api

    app.include_router(xliff_api.router)  # XLIFF 2.1 export and import, /v1 and the review page
    app.include_router(xliff_api.page_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
