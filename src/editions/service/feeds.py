"""Polling a watched feed: a conditional GET, its new and changed items read, queued as one job.

    poll_feed(store, feed, owner, policy, quota=None) -> PollReport     one leased feed, once
    poll_due(ctx, owner) -> PollReport | None                           what the service's workers run

The feed is fetched with the ETag and Last-Modified of the last poll (`ingest.feed.fetch_feed`, through
the SSRF-checked fetcher); a 304 is nothing to do. Otherwise each item is compared with what the store
saw (`store.feeds`): an unchanged one is skipped, a new or changed one is read into its article (its
own HTML, or its page when the feed has only a summary) and queued, the changed ones as revisions of
their editions. An item that cannot be read is one error line, recorded with the feed; the others go
on. The translation itself is the workers' ordinary job (`editions watch` runs it in-process).

Items left for later (past the per-poll cap, a page that could not be fetched, a changed item whose
last job is still running) make the poll forget the feed's ETag, so that the next poll reads the whole
feed again instead of hearing 304 and never coming back to them.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Literal

from editions.errors import EditionsError, FetchError, UsageError
from editions.ingest.feed import MAX_ITEMS, FeedItem, fetch_feed, item_article
from editions.ingest.ssrf import UrlPolicy
from editions.service.context import ServiceContext
from editions.store.db import Store
from editions.store.feeds import (
    FEED_LEASE_S,
    ClaimedFeed,
    Poll,
    PolledItem,
    claim_feed,
    record_poll,
    release_feed,
    seen_items,
)
from editions.store.queue import Quota

_EVERY_RE = re.compile(r"^\s*(\d+)\s*([smh]?)\s*$")
_UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600}
MAX_ITEMS_PER_POLL = 50  # a job's articles at most, as POST /v1/articles takes
# Reading items (their pages, for summary-only ones) stops after this, well inside the feed's lease, so
# that no other worker takes the feed over while this one still polls it; the rest wait for the next.
POLL_BUDGET_S = FEED_LEASE_S / 2

ItemState = Literal["new", "revised", "unchanged", "waiting", "later", "error", "left out"]


@dataclass(frozen=True)
class ItemLine:
    state: ItemState
    item: str  # the item's title, else its id
    message: str | None = None

    def __str__(self) -> str:
        tail = f": {self.message}" if self.message else ""
        return f"{self.state:<9} {self.item}{tail}"


@dataclass
class PollReport:
    """One poll: 304 (`not_modified`), a failure of the whole poll (`error`), or a line per item."""

    feed_id: str
    url: str
    not_modified: bool = False
    error: EditionsError | None = None
    job_id: str | None = None
    lines: list[ItemLine] = field(default_factory=list)


def parse_every(value: str | int, name: str = "every") -> int:
    """ "30s", "5m", "1h" (or plain seconds) → seconds."""
    match = _EVERY_RE.match(str(value))
    if match is None or int(match.group(1)) == 0:
        raise UsageError(f"{name} {value!r}: give a period such as 30s, 5m or 1h")
    return int(match.group(1)) * _UNIT_S[match.group(2)]


def poll_feed(
    store: Store, feed: ClaimedFeed, owner: str, policy: UrlPolicy, quota: Quota | None = None
) -> PollReport:
    """Poll `feed`, which `owner` holds the lease of, and record the poll (see the module doc)."""
    report = PollReport(feed.id, feed.url)
    quota = quota or Quota()
    try:
        fetched = fetch_feed(feed.url, policy, feed.etag, feed.last_modified)
    except EditionsError as err:
        release_feed(store, feed, owner, str(err))
        report.error = err
        return report
    poll = Poll(etag=fetched.etag, last_modified=fetched.last_modified)
    if fetched.feed is None:
        report.not_modified = True
        record_poll(store, feed, owner, poll, quota)
        return report
    seen = seen_items(store, feed.id)
    room = min(MAX_ITEMS_PER_POLL, (quota.tasks_per_job or 10**9) // max(1, len(feed.targets)))
    lines: list[tuple[str, ItemLine]] = []
    ends = time.monotonic() + POLL_BUDGET_S
    for item in fetched.feed.items:
        if seen.get(item.item_id) == item.content_hash:
            poll.unchanged.append(item.item_id)
            lines.append((item.item_id, ItemLine("unchanged", item.label)))
        elif any(item.item_id == earlier for earlier, _ in lines):
            continue  # a feed that lists one id twice: its first entry counts
        elif len(poll.items) >= room:
            lines.append((item.item_id, ItemLine("later", item.label, "past this poll's share of items")))
        elif time.monotonic() > ends:
            lines.append((item.item_id, ItemLine("later", item.label, "past this poll's time")))
        else:
            lines.append((item.item_id, _read_item(item, policy, poll)))
    if fetched.feed.left_out:
        more = f"{fetched.feed.left_out} more items"
        lines.append(("", ItemLine("left out", more, f"a feed is read in its first {MAX_ITEMS} items")))
    later = any(line.state == "later" for _, line in lines)
    try:
        recorded = record_poll(store, feed, owner, _forgetting(poll) if later else poll, quota)
    except EditionsError as err:  # over the key's quota: nothing of this poll was recorded
        release_feed(store, feed, owner, str(err))
        report.error = err
        return report
    report.job_id = recorded.job_id
    revised, waiting = set(recorded.revised), set(recorded.waiting)
    for item_id, line in lines:
        if line.state == "new" and item_id in revised:
            line = ItemLine("revised", line.item)
        elif line.state == "new" and item_id in waiting:
            line = ItemLine("waiting", line.item, "its last edition is still being translated")
        report.lines.append(line)
    return report


def _read_item(item: FeedItem, policy: UrlPolicy, poll: Poll) -> ItemLine:
    """The item read into the poll, or its error recorded: the line it gets so far."""
    try:
        article = item_article(item, policy)
    except FetchError as err:  # the page may be back next time: read it again then
        poll.errors.append((item.item_id, str(err)))
        return ItemLine("later", item.label, str(err))
    except EditionsError as err:
        poll.errors.append((item.item_id, str(err)))
        return ItemLine("error", item.label, str(err))
    poll.items.append(PolledItem(item.item_id, item.title, item.link, item.content_hash, article))
    return ItemLine("new", item.label)


def _forgetting(poll: Poll) -> Poll:
    """The poll without the feed's validators: the next poll gets the whole feed, not a 304."""
    return Poll(None, None, poll.items, poll.unchanged, poll.errors)


def poll_due(ctx: ServiceContext, owner: str) -> PollReport | None:
    """Lease the feed most overdue for a poll and poll it; None when no feed is due."""
    feed = claim_feed(ctx.store, owner)
    if feed is None:
        return None
    quota = Quota(ctx.config.max_tasks_per_job, ctx.config.max_pending_tasks_per_owner)
    return poll_feed(ctx.store, feed, owner, ctx.config.url_policy, quota)
