"""XLIFF 2.1 in the service: the /v1 routes and the review page's export button and import form.

GET  /v1/editions/{id}/xliff      one edition as XLIFF (whoever may see the edition)
GET  /v1/jobs/{id}/xliff[?lang=]  a job's editions into one language, one <file> each
POST /v1/editions/xliff           a translated file back (editor keys): one revision per edition,
                                  QA re-run, the memory taught ("translator"); refused whole
GET  /editions/{id}/xliff         the review page's XLIFF button (an attachment)
POST /editions/{id}/xliff         the review page's import form (multipart, field `file`)

The store does the work (`store/xliff.py`); downloads carry the same headers as every export.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from editions.errors import EditionsError, NotFoundError, StaleEditError, UsageError, XliffError
from editions.service.editing import attachment_headers
from editions.service.review import error_page
from editions.service.security import Principal, authenticate, context_of
from editions.service.tenancy import require_role, teaches_memory, visible_owner
from editions.store.xliff import XliffImport, export_edition_xliff, export_job_xliff, import_xliff
from editions.vocabulary import KeyRole
from editions.xliff import MAX_XLIFF_BYTES, read_xliff

MEDIA = "application/xliff+xml"
router = APIRouter(prefix="/v1", tags=["editions"])
page_router = APIRouter(include_in_schema=False)
Caller = Annotated[Principal, Depends(authenticate)]
_IMPORTING = "importing XLIFF (its edits become approved memory entries)"


def _summary(result: XliffImport) -> dict[str, Any]:
    return {
        "changed": [{"edition_id": e, "unit": u} for e, u in result.changed],
        "revisions": result.revisions,
        "unchanged": result.unchanged,
    }


@router.get("/editions/{edition_id}/xliff", summary="Export an edition as XLIFF 2.1")
def edition_xliff(edition_id: str, request: Request, principal: Caller) -> Response:
    data, name = export_edition_xliff(context_of(request).store, edition_id, visible_owner(principal))
    return Response(data, media_type=MEDIA, headers=attachment_headers(name))


@router.get("/jobs/{job_id}/xliff", summary="Export a job's editions into one language as XLIFF 2.1")
def job_xliff(job_id: str, request: Request, principal: Caller, lang: str | None = None) -> Response:
    data, name = export_job_xliff(context_of(request).store, job_id, lang, visible_owner(principal))
    return Response(data, media_type=MEDIA, headers=attachment_headers(name))


_BODY = {"content": {MEDIA: {"schema": {"type": "string", "format": "binary"}}}, "required": True}


@router.post(
    "/editions/xliff",
    summary="Import a translated XLIFF file (editor keys)",
    openapi_extra={"requestBody": _BODY},
)
async def import_xliff_route(request: Request, principal: Caller) -> dict[str, Any]:
    require_role(principal, KeyRole.EDITOR, _IMPORTING)
    data = await request.body()
    return _summary(await run_in_threadpool(_import, request, principal, data))


def _import(request: Request, principal: Principal, data: bytes) -> XliffImport:
    ctx = context_of(request)
    return import_xliff(ctx.store, data, ctx.glossary, visible_owner(principal), teaches_memory(principal))


# --- the review page -------------------------------------------------------------------------------


def _page_status(err: EditionsError) -> int:
    if isinstance(err, NotFoundError):
        return 404
    if isinstance(err, StaleEditError):
        return 409
    return 422


def _back(edition_id: str) -> tuple[str, str]:
    return f"/editions/{quote(edition_id, safe='')}", "Back to the edition"


@page_router.get("/editions/{edition_id}/xliff")
def page_export(request: Request, edition_id: str, principal: Caller) -> Response:
    try:
        data, name = export_edition_xliff(context_of(request).store, edition_id, visible_owner(principal))
    except (UsageError, XliffError) as err:
        return error_page(request, _page_status(err), str(err), back=_back(edition_id))
    return Response(data, media_type=MEDIA, headers=attachment_headers(name))


@page_router.post("/editions/{edition_id}/xliff")
async def page_import(
    request: Request, edition_id: str, principal: Caller, file: Annotated[UploadFile | None, File()] = None
) -> Response:
    back = _back(edition_id)
    if principal.role not in (KeyRole.EDITOR, KeyRole.ADMIN):
        return error_page(request, 403, f"{_IMPORTING} needs an editor key", back=back)
    if file is None:
        return error_page(request, 422, "choose an XLIFF file to import", back=back)
    data = await file.read(MAX_XLIFF_BYTES + 1)
    try:
        # the form is on one edition's page: a file for other editions is refused, not applied there
        named = {f.edition_id for f in (await run_in_threadpool(read_xliff, data)).files}
        if named != {edition_id}:
            raise XliffError(f"this XLIFF file is for edition {', '.join(sorted(named))}, not this one")
        result = await run_in_threadpool(_import, request, principal, data)
    except (UsageError, XliffError) as err:
        return error_page(request, _page_status(err), str(err), back=back)
    notice = "xliff" if result.changed else "xliff_unchanged"
    return RedirectResponse(f"{back[0]}?notice={notice}", status_code=303)
