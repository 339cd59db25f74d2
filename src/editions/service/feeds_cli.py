"""`editions watch FEED --to fr,vi [--every 5m] [--once]`: a feed's new and changed items, translated.

The feed is registered in the store (as the service's `POST /v1/feeds` would, owner "local"), polled
(`service.feeds.poll_feed`: a conditional GET, only new and changed items), and the job a poll queues is
translated here, in-process, by the service's own worker code (`JobRunner.run_task`, on this job's
tasks only): so the editions are in the store, on the review page, and a changed item's editions get a
new revision. One line per item: new, revised, unchanged, later, waiting, or error with its message.
A poll that fails whole (not a feed, unreachable) is one line; with --once it is the command's error.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import click

from editions.cli_options import CA_BUNDLE_HELP, EngineFlags, engine_flags, url_policy
from editions.errors import UsageError

if TYPE_CHECKING:
    from editions.service.context import ServiceContext
    from editions.service.worker import JobRunner

_DB_HELP = "Database URL: sqlite:///… or postgresql+psycopg://… (default: EDITIONS_DATABASE_URL or SQLite)."


@click.command("watch")
@click.argument("feed_url", metavar="FEED")
@click.option("--to", "targets", required=True, help="Target languages, comma-separated, e.g. fr,vi.")
@click.option("--every", default="5m", show_default=True, help="How often to poll: 30s, 5m, 1h.")
@click.option("--once", is_flag=True, help="Poll once, translate what is new or changed, and exit.")
@click.option("--db", "database_url", default=None, help=_DB_HELP)
@click.option("--glossary", "glossary_path", default=None, help="Your glossary (CSV or TBX); overrides ours.")
@click.option("--ca-bundle", default=None, help=CA_BUNDLE_HELP)
@engine_flags
def watch(
    feed_url: str,
    targets: str,
    every: str,
    once: bool,
    database_url: str | None,
    glossary_path: str | None,
    ca_bundle: str | None,
    flags: EngineFlags,
) -> None:
    """Watch the RSS or Atom feed at FEED (http or https) and translate its new and changed items.

    Internal addresses are refused as for `translate` (EDITIONS_URL_ALLOW lists host:port exceptions).
    """
    from editions.languages import parse_targets
    from editions.service.context import ServiceConfig, ServiceContext
    from editions.service.feeds import parse_every
    from editions.service.worker import JobRunner
    from editions.store.feeds import MIN_EVERY_S, add_feed
    from editions.store.queue import worker_identity

    languages = parse_targets(targets)
    every_s = parse_every(every, "--every")
    if every_s < MIN_EVERY_S:
        raise UsageError(f"--every {every}: a feed is polled at most every {MIN_EVERY_S} s")
    config = ServiceConfig(
        database_url=database_url,
        workers=0,
        engine=flags.options(),
        glossary_path=glossary_path,
        url_policy=url_policy(ca_bundle),
    )
    ctx = ServiceContext.open(config)
    feed, _ = add_feed(ctx.store, feed_url, languages, owner="local", every_s=every_s)
    runner = JobRunner(ctx)
    owner = worker_identity()
    try:
        while True:
            _poll_once(ctx, runner, feed.id, owner, once)
            if once:
                return
            time.sleep(every_s)
    finally:
        runner.stop()
        ctx.store.close()


def _poll_once(ctx: ServiceContext, runner: JobRunner, feed_id: str, owner: str, once: bool) -> None:
    from editions.service.feeds import poll_feed
    from editions.store.feeds import claim_feed

    claimed = claim_feed(ctx.store, owner, feed_id=feed_id)
    if claimed is None:
        message = "another process is polling this feed now"
        if once:
            raise UsageError(message)
        click.echo(f"waiting   {message}", err=True)
        return
    report = poll_feed(ctx.store, claimed, owner, ctx.config.url_policy)
    if report.error is not None:
        if once:
            raise report.error
        click.echo(f"error     {report.url}: {report.error}")
        return
    if report.not_modified:
        click.echo("not modified: nothing new in the feed")
        return
    failed = _translate(ctx, runner, report.job_id, owner) if report.job_id else []
    for line in report.lines:
        click.echo(str(line))
    for message in failed:
        click.echo(f"error     {message}")


def _translate(ctx: ServiceContext, runner: JobRunner, job_id: str, owner: str) -> list[str]:
    """Run the job's tasks here, one by one; the tasks that failed, as lines."""
    from editions.store.queue import claim_task
    from editions.store.views import job_view

    while (task := claim_task(ctx.store, owner, ctx.config.lease_s, job_id=job_id)) is not None:
        runner.run_task(task, owner)
    failed = []
    for article in job_view(ctx.store, job_id).articles:
        for lang, progress in article.languages.items():
            if progress.error:
                failed.append(f"{article.headline or article.article_id} ({lang}): {progress.error}")
    return failed
