"""The review page: jobs, their progress, and each edition side by side with its source.

Server-rendered with Jinja2 (autoescape on, and nothing from an article is ever marked safe): every
page works with plain HTML forms, and /static/review.js only adds conveniences. QA findings are
highlighted at their offsets in the plain text (placeholder tags removed), computed in
`service.highlight` as runs of text that the templates escape. Article links are shown as text,
never followed. Every page carries a strict Content-Security-Policy, so even a slip in escaping could
not run an inline script.

    GET  /                                  job list
    GET  /jobs/{job_id}                     progress per article × language, links to editions
    GET  /editions/{id}                     the edition: source | translation | QA, one row per block
    POST /editions/{id}/blocks/{block_id}   save an edited block (re-runs QA, teaches the memory)
    POST /editions/{id}/approve|reject      set the review state
    GET  /editions/{id}/export/{fmt}        text, md, html or json as an attachment
    GET/POST /editions/{id}/xliff           XLIFF 2.1 out, a translated file back in (service/xliff_api.py)
    GET  /login, POST /login, POST /logout  sign in with an API key: a short-lived login token (never
                                            the key) in an HttpOnly SameSite=Strict cookie; sign out
                                            ends the token on the server

A key sees only the jobs it submitted (`service.tenancy`); another key's job or edition is a 404 page.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

import jinja2
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from editions.document import plain_text
from editions.errors import AuthError, NotFoundError, StaleEditError, UsageError
from editions.render import FORMATS
from editions.service.context import ServiceContext
from editions.service.editing import MAX_BLOCK_CHARS, attachment_headers, edit_block, export_edition
from editions.service.highlight import SEVERITIES, edition_rows
from editions.service.security import COOKIE, Principal, authenticate, checked_key, context_of, this_site
from editions.service.tenancy import teaches_memory, visible_owner
from editions.store.editions import StoredEdition, get_edition, set_review
from editions.store.keys import create_login_token, end_login
from editions.store.views import job_view, list_jobs
from editions.vocabulary import ReviewState

TEMPLATES = Path(__file__).parent / "templates"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
MAX_NOTE_CHARS = 2000
LEGACY_COOKIE = "editions_key"
LEGACY_COOKIE = "editions_key"
FORMAT_LABELS = {"text": "Text", "md": "Markdown", "html": "HTML", "json": "JSON"}
LANGUAGE_NAMES = {"en": "English", "fr": "French", "vi": "Vietnamese"}
# What a redirect back to the edition says; only these fixed texts can appear (no echo of the URL).
NOTICES = {
    "saved": "Saved. QA re-checked this block and the correction went into the translation memory.",
    "saved_own": "Saved. QA re-checked this block (only an editor's corrections go into the shared memory).",
    "xliff": "Imported from XLIFF: QA re-checked the changed blocks; they went into the translation memory.",
    "xliff_unchanged": "The XLIFF file changed nothing: every unit was as it is here.",
    ReviewState.APPROVED: "Edition approved.",
    ReviewState.REJECTED: "Edition rejected.",
}

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=_env)

router = APIRouter(include_in_schema=False)

Auth = Annotated[Principal, Depends(authenticate)]


# --- responses -------------------------------------------------------------------------------------


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    principal: Principal | None = getattr(request.state, "principal", None)
    ctx = context_of(request)
    base = {
        "principal": principal,
        "keys_required": ctx.config.keys_required,
        "title": "",
    }
    return templates.TemplateResponse(
        request, name, {**base, **context}, status_code=status, headers=PAGE_HEADERS
    )


def error_page(
    request: Request,
    status: int,
    message: str,
    *,
    back: tuple[str, str] | None = None,
    kept_text: str | None = None,
) -> Response:
    """An HTML error page with `status`; `back` is a (local url, label) link, `kept_text` the editor's
    unsaved text, shown again so a conflict does not lose their work."""
    titles = {
        400: "Bad request",
        401: "Sign-in needed",
        403: "Not allowed",
        404: "Not found",
        409: "Edit conflict",
        413: "Too large",
        422: "Cannot do that",
        429: "Slow down",
    }
    context = {
        "title": titles.get(status, "Something went wrong"),
        "status": status,
        "message": message,
        "back": back,
        "kept_text": kept_text,
    }
    return _page(request, "error.html", context, status)


def _status(err: UsageError) -> int:
    if isinstance(err, NotFoundError):
        return 404
    if isinstance(err, StaleEditError):
        return 409
    return 422


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _when(value: str | datetime | None) -> str:
    """An ISO timestamp as "2024-05-01 14:03 UTC" ('' for None)."""
    if value is None:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.strftime("%Y-%m-%d %H:%M") + (" UTC" if not moment.utcoffset() else moment.strftime(" %z"))


def _language(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


_env.filters["when"] = _when
_env.filters["language"] = _language
_env.filters["plain"] = plain_text
_env.filters["urlpart"] = lambda value: quote(str(value), safe="")
_env.globals["FORMATS"] = FORMATS
_env.globals["FORMAT_LABELS"] = FORMAT_LABELS


def _edition_url(edition_id: str, notice: str | None = None, anchor: str | None = None) -> str:
    url = f"/editions/{quote(edition_id, safe='')}"
    if notice:
        url += f"?notice={notice}"
    if anchor:
        url += f"#{quote(anchor, safe='')}"
    return url


def _local_path(target: str | None) -> str:
    """`target` if it is a path on this site ("/…", not "//…" or "/\\…"), else "/"."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if re.search(r"[\x00-\x20\x7f]", target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


# --- pages -----------------------------------------------------------------------------------------


@router.get("/")
def jobs_page(request: Request, principal: Auth) -> Response:
    ctx = context_of(request)
    jobs = list_jobs(ctx.store, limit=100, owner=visible_owner(principal))
    return _page(request, "jobs.html", {"title": "Jobs", "jobs": jobs})


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str, principal: Auth) -> Response:
    ctx = context_of(request)
    try:
        job = job_view(ctx.store, job_id, visible_owner(principal))
    except UsageError as err:
        return error_page(request, _status(err), str(err), back=("/", "All jobs"))
    live = not job.status.finished
    headline = next((a.headline for a in job.articles if a.headline), None)
    return _page(request, "job.html", {"title": headline or f"Job {job_id[:8]}", "job": job, "live": live})


def _load(ctx: ServiceContext, edition_id: str, principal: Principal) -> StoredEdition:
    return get_edition(ctx.store, edition_id, visible_owner(principal))


@router.get("/editions/{edition_id}")
def edition_page(request: Request, edition_id: str, principal: Auth, notice: str | None = None) -> Response:
    ctx = context_of(request)
    try:
        stored = _load(ctx, edition_id, principal)
    except UsageError as err:
        return error_page(request, _status(err), str(err), back=("/", "All jobs"))
    rows = edition_rows(stored)
    counts = {
        severity: sum(
            f.finding.severity == severity and not f.finding.fixed for r in rows for f in r.findings
        )
        for severity in SEVERITIES
    }
    first_issue = next((r.id for r in rows if r.worst in ("error", "warning")), None)
    context = {
        "title": stored.edition.headline or stored.edition.source_headline,
        "stored": stored,
        "edition": stored.edition,
        "rows": rows,
        "counts": counts,
        "first_issue": first_issue,
        "notice": NOTICES.get(notice or ""),
        "max_block_chars": MAX_BLOCK_CHARS,
        "max_note_chars": MAX_NOTE_CHARS,
    }
    return _page(request, "edition.html", context)


@router.post("/editions/{edition_id}/blocks/{block_id}")
def save_block(
    request: Request,
    edition_id: str,
    block_id: str,
    principal: Auth,
    text: Annotated[str, Form()] = "",
    revision: Annotated[int | None, Form()] = None,
) -> Response:
    ctx = context_of(request)
    back = (_edition_url(edition_id, anchor=f"block-{block_id}"), "Back to the edition")
    try:
        teach = teaches_memory(principal)
        stored = edit_block(ctx, edition_id, block_id, text, revision, visible_owner(principal), teach)
    except UsageError as err:
        kept = text if not isinstance(err, NotFoundError) else None
        return error_page(request, _status(err), str(err), back=back, kept_text=kept)
    return _see_other(_edition_url(stored.id, "saved" if teach else "saved_own", f"block-{block_id}"))


def _review(
    request: Request, principal: Principal, edition_id: str, state: str, note: str | None
) -> Response:
    ctx = context_of(request)
    back = (_edition_url(edition_id), "Back to the edition")
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE_CHARS:
        return error_page(request, 422, f"a note is limited to {MAX_NOTE_CHARS} characters", back=back)
    try:
        set_review(ctx.store, edition_id, state, note, visible_owner(principal))
    except UsageError as err:
        return error_page(request, _status(err), str(err), back=back)
    return _see_other(_edition_url(edition_id, state, "review"))


@router.post("/editions/{edition_id}/approve")
def approve(
    request: Request, edition_id: str, principal: Auth, note: Annotated[str, Form()] = ""
) -> Response:
    return _review(request, principal, edition_id, ReviewState.APPROVED, note)


@router.post("/editions/{edition_id}/reject")
def reject(request: Request, edition_id: str, principal: Auth, note: Annotated[str, Form()] = "") -> Response:
    return _review(request, principal, edition_id, ReviewState.REJECTED, note)


@router.get("/editions/{edition_id}/export/{fmt}")
def export(request: Request, edition_id: str, fmt: str, principal: Auth) -> Response:
    ctx = context_of(request)
    try:
        body, media, name = export_edition(_load(ctx, edition_id, principal), fmt)
    except UsageError as err:
        return error_page(request, _status(err), str(err), back=(_edition_url(edition_id), "Back"))
    return Response(body, media_type=media, headers=attachment_headers(name))


# --- signing in ------------------------------------------------------------------------------------


def _login_form(request: Request, next_url: str, error: str | None = None, status: int = 200) -> Response:
    context = {"title": "Sign in", "next_url": next_url, "error": error}
    return _page(request, "login.html", context, status)


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return _login_form(request, _local_path(next))


@router.post("/login")
async def login(
    request: Request,
    key: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    target = _local_path(next)
    origin = request.headers.get("origin")
    if origin is not None and (origin == "null" or not this_site(request, origin)):
        return error_page(request, 403, "cross-site sign-in refused")
    secret = key.strip()
    ctx = context_of(request)
    try:
        found = await checked_key(
            request, secret
        )  # failed sign-ins count against the address (429 past them)
    except AuthError as err:
        if err.status != 401:
            raise
        return _login_form(request, target, "That key is unknown or has been revoked.", 401)
    ttl = ctx.config.login_ttl_s
    token = await run_in_threadpool(create_login_token, ctx.store, found, ttl)
    response = _see_other(target)
    response.delete_cookie(LEGACY_COOKIE, path="/")  # an earlier version's cookie held the key itself
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(ttl),
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
def logout(request: Request, principal: Auth) -> Response:
    """Sign out: the token is deleted on the server, so a copy of the cookie kept anywhere is dead too."""
    token = request.cookies.get(COOKIE)
    if principal.via_cookie and token:
        end_login(context_of(request).store, token)
    response = _see_other("/login")
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )
    return response
