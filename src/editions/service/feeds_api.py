"""The feed routes, under /v1: watched RSS and Atom feeds, polled by the service's workers.

POST   /v1/feeds          {url, to, every}: watch a feed for the caller's key (201; 200 if it was)
GET    /v1/feeds          the caller's feeds (every feed for editors and admins)
GET    /v1/feeds/{id}     one feed: its state and its recorded per-item errors
DELETE /v1/feeds/{id}     stop watching (the editions its items became stay)

The feed's address is checked against the SSRF policy when it is registered (and again at every poll,
every redirect hop). Tenancy is the jobs': another key's feed is a 404, as an id that does not exist.
"""

from __future__ import annotations

import contextlib
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from editions.errors import FetchError, UsageError
from editions.ingest.ssrf import check_url
from editions.languages import parse_targets
from editions.service.feeds import parse_every
from editions.service.security import Principal, authenticate, context_of
from editions.service.tenancy import visible_owner
from editions.store import feeds
from editions.store.feeds import FeedView

router = APIRouter(prefix="/v1", tags=["feeds"])
Caller = Annotated[Principal, Depends(authenticate)]


class FeedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(..., max_length=2000, description="the feed's http(s) address (RSS 2.0 or Atom 1.0)")
    to: list[str] | str = Field(..., description='target languages, e.g. ["fr", "vi"] or "fr,vi"')
    every: str | int = Field("5m", description="how often to poll: 30s, 5m, 1h, or seconds")


@router.post("/feeds", status_code=201, response_model=FeedView, summary="Watch a feed")
async def add_feed(body: FeedIn, request: Request, principal: Caller) -> Response:
    ctx = context_of(request)
    targets = parse_targets(body.to if isinstance(body.to, str) else ",".join(body.to))
    every_s = parse_every(body.every)
    if every_s < feeds.MIN_EVERY_S:
        raise UsageError(f"every {body.every!r}: a feed is polled at most every {feeds.MIN_EVERY_S} s")
    # An internal address is refused now, not at each poll; a name that does not resolve now may
    # tomorrow (each poll checks it again).
    with contextlib.suppress(FetchError):
        await run_in_threadpool(check_url, body.url, ctx.config.url_policy)
    view, created = await run_in_threadpool(
        feeds.add_feed, ctx.store, body.url.strip(), targets, principal.owner, every_s
    )
    if request.app.state.runner is not None:
        request.app.state.runner.wake()
    headers = {"Location": f"/v1/feeds/{view.id}"}
    return JSONResponse(view.model_dump(mode="json"), status_code=201 if created else 200, headers=headers)


@router.get("/feeds", summary="Watched feeds")
def list_feeds(request: Request, principal: Caller) -> list[FeedView]:
    return feeds.list_feeds(context_of(request).store, visible_owner(principal))


@router.get("/feeds/{feed_id}", summary="A feed's state and its per-item errors")
def get_feed(feed_id: str, request: Request, principal: Caller) -> FeedView:
    return feeds.feed_view(context_of(request).store, feed_id, visible_owner(principal))


@router.delete("/feeds/{feed_id}", status_code=204, summary="Stop watching a feed")
def delete_feed(feed_id: str, request: Request, principal: Caller) -> Response:
    feeds.delete_feed(context_of(request).store, feed_id, visible_owner(principal))
    return Response(status_code=204)
