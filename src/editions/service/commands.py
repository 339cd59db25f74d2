"""`editions serve`, `editions keys …` and `editions memory …`: the service's commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from editions.cli_options import CA_BUNDLE_HELP, EngineFlags, engine_flags, url_policy
from editions.errors import UsageError

_DB_HELP = "Database URL: sqlite:///… or postgresql+psycopg://… (default: EDITIONS_DATABASE_URL or SQLite)."


def register(cli: click.Group) -> None:
    cli.add_command(serve)
    cli.add_command(keys)
    cli.add_command(memory)
    from editions.service.xliff_commands import xliff

    cli.add_command(xliff)
    from editions.service.feeds_cli import watch

    cli.add_command(watch)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--db", "database_url", default=None, help=_DB_HELP)
@click.option("--workers", type=int, default=1, show_default=True, help="Background translation threads.")
@engine_flags
@click.option("--glossary", "glossary_path", default=None, help="Your glossary (CSV or TBX); overrides ours.")
@click.option("--require-keys/--no-require-keys", default=None, help="Default: required beyond loopback.")
@click.option("--rate", "rate_per_minute", type=int, default=60, show_default=True, help="Requests/minute.")
@click.option("--lease", "lease_s", type=float, default=30.0, show_default=True, help="Task lease, seconds.")
@click.option(
    "--max-queued", type=int, default=500, show_default=True, help="Tasks queued or running per key, at most."
)
@click.option(
    "--session-hours",
    type=float,
    default=12.0,
    show_default=True,
    help="How long a review-page sign-in lasts.",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="A Host name the server answers to besides loopback and --host (repeatable; '*': any).",
)
@click.option(
    "--forwarded-allow-ips",
    default=None,
    metavar="IPS",
    help="Proxies (comma-separated) whose X-Forwarded-For is believed; default: none.",
)
@click.option(
    "--header-timeout", "header_timeout_s", type=float, default=10.0, show_default=True,
    help="Seconds a client has to send its request headers.",
)  # fmt: skip
@click.option(
    "--body-timeout", "body_idle_timeout_s", type=float, default=15.0, show_default=True,
    help="Seconds a request body may stall before 408.",
)  # fmt: skip
@click.option("--ca-bundle", default=None, help=CA_BUNDLE_HELP)
@click.option("--log-level", default="info", show_default=True)
def serve(
    host: str,
    port: int,
    database_url: str | None,
    workers: int,
    flags: EngineFlags,
    glossary_path: str | None,
    require_keys: bool | None,
    rate_per_minute: int,
    lease_s: float,
    max_queued: int,
    session_hours: float,
    allowed_hosts: tuple[str, ...],
    forwarded_allow_ips: str | None,
    header_timeout_s: float,
    body_idle_timeout_s: float,
    ca_bundle: str | None,
    log_level: str,
) -> None:
    """Run the API, the background workers and the review page."""
    from editions.service.app import create_app
    from editions.service.context import ServiceConfig, ServiceContext, is_loopback
    from editions.service.edge import build_server
    from editions.service.observe import configure_logging
    from editions.store.keys import list_keys

    if workers < 0 or lease_s <= 0:
        raise UsageError("--workers must be ≥ 0 and --lease > 0")
    if max_queued < 1 or session_hours <= 0:
        raise UsageError("--max-queued must be ≥ 1 and --session-hours > 0")
    if header_timeout_s <= 0 or body_idle_timeout_s <= 0:
        raise UsageError("--header-timeout and --body-timeout must be > 0")
    proxies = tuple(ip.strip() for ip in (forwarded_allow_ips or "").split(",") if ip.strip())
    config = ServiceConfig(
        database_url=database_url,
        host=host,
        port=port,
        require_keys=require_keys,
        workers=workers,
        engine=flags.options(),
        glossary_path=glossary_path,
        rate_per_minute=rate_per_minute,
        lease_s=lease_s,
        max_pending_tasks_per_owner=max_queued,
        login_ttl_s=session_hours * 3600,
        allowed_hosts=tuple(allowed_hosts),
        forwarded_allow_ips=proxies,
        header_timeout_s=header_timeout_s,
        body_idle_timeout_s=body_idle_timeout_s,
        url_policy=url_policy(ca_bundle),
    )
    configure_logging(log_level)
    ctx = ServiceContext.open(config)
    if config.keys_required and not any(k.revoked_at is None for k in list_keys(ctx.store)):
        where = "beyond loopback" if not is_loopback(host) else "with --require-keys"
        raise UsageError(f"listening {where} needs an API key first: editions keys create --name NAME")
    runner = None
    if workers > 0:
        from editions.service.worker import JobRunner

        runner = JobRunner(ctx)
        runner.preload()
    app = create_app(config, ctx=ctx, runner=runner)
    build_server(app, config).run()


@click.group()
def keys() -> None:
    """API keys for the service (required whenever it listens beyond loopback)."""


_ROLES = ("submitter", "editor", "admin")  # vocabulary.KeyRole, spelt out so --help needs no import
_ROLE_HELP = "submitter: its own jobs only; editor: sees and reviews every job; admin: also imports TMX."


@keys.command("create")
@click.option("--name", required=True, help="Who the key is for, e.g. the CMS or an editor.")
@click.option("--rate", "rate_per_minute", type=int, default=60, show_default=True, help="Requests/minute.")
@click.option("--role", type=click.Choice(_ROLES), default="submitter", show_default=True, help=_ROLE_HELP)
@click.option("--db", "database_url", default=None, help=_DB_HELP)
def keys_create(name: str, rate_per_minute: int, role: str, database_url: str | None) -> None:
    """Create a key; it is printed once and stored only as a hash."""
    from editions.store.db import Store
    from editions.store.keys import create_key

    if rate_per_minute < 1:
        raise UsageError("--rate must be at least 1")
    secret, key = create_key(Store(database_url), name.strip() or "unnamed", rate_per_minute, role)
    click.echo(secret)
    click.echo(
        f"created key {key.prefix}… for {key.name!r} as {key.role}; it will not be shown again", err=True
    )


@keys.command("list")
@click.option("--db", "database_url", default=None, help=_DB_HELP)
def keys_list(database_url: str | None) -> None:
    from editions.store.db import Store
    from editions.store.keys import list_keys

    for key in list_keys(Store(database_url)):
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        click.echo(f"{key.id}\t{key.prefix}…\t{key.name}\t{key.role}\t{key.rate_per_minute}/min\t{state}")


@keys.command("revoke")
@click.argument("key")
@click.option("--db", "database_url", default=None, help=_DB_HELP)
def keys_revoke(key: str, database_url: str | None) -> None:
    """Revoke a key by its id or prefix (as `keys list` shows); its review-page sign-ins end with it."""
    from editions.store.db import Store
    from editions.store.keys import live_logins, revoke_key

    store = Store(database_url)
    sessions = live_logins(store, key.rstrip("…"))
    if not revoke_key(store, key.rstrip("…")):
        raise UsageError(f"no active key {key!r}")
    ended = f"{sessions} session" if sessions == 1 else f"{sessions} sessions"
    click.echo(f"revoked {key} and ended its {ended} on the review page", err=True)


@keys.command("role", help=f"Give a key (id or prefix) another role. {_ROLE_HELP}")
@click.argument("key")
@click.argument("role", type=click.Choice(_ROLES))
@click.option("--db", "database_url", default=None, help=_DB_HELP)
def keys_role(key: str, role: str, database_url: str | None) -> None:
    from editions.store.db import Store
    from editions.store.keys import set_role

    changed = set_role(Store(database_url), key.rstrip("…"), role)
    click.echo(f"{changed.prefix}… ({changed.name}) is now {changed.role}", err=True)


@click.group()
def memory() -> None:
    """The translation memory: TMX export and import."""


@memory.command("export")
@click.argument("output", type=click.Path(dir_okay=False, allow_dash=True), default="-")
@click.option("--approved-only", is_flag=True, help="Only editor corrections and imported entries.")
@click.option("--db", "database_url", default=None, help=_DB_HELP)
def memory_export(output: str, approved_only: bool, database_url: str | None) -> None:
    from editions.store.db import Store
    from editions.store.memory import TranslationMemory

    data = TranslationMemory(Store(database_url)).export_tmx(approved_only=approved_only)
    if output == "-":
        sys.stdout.buffer.write(data)
    else:
        Path(output).write_bytes(data)


@memory.command("import")
@click.argument("tmx", type=click.Path(exists=True, dir_okay=False))
@click.option("--db", "database_url", default=None, help=_DB_HELP)
def memory_import(tmx: str, database_url: str | None) -> None:
    from editions.ingest.decode import DEFAULT_MAX_BYTES
    from editions.store.db import Store
    from editions.store.memory import TranslationMemory

    path = Path(tmx)
    if path.stat().st_size > 50 * DEFAULT_MAX_BYTES:
        raise UsageError(f"{tmx} is over {50 * DEFAULT_MAX_BYTES // 2**20} MB")
    count = TranslationMemory(Store(database_url)).import_tmx(path.read_bytes())
    click.echo(f"imported {count} entries", err=True)
