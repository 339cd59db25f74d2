"""`editions serve`, `editions keys …` and `editions memory …`: the service's commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from editions.cli_options import CA_BUNDLE_HELP, engine_flags, url_policy
from editions.errors import UsageError

_DB_HELP = "Database URL: sqlite:///… or postgresql+psycopg://… (default: EDITIONS_DATABASE_URL or SQLite)."


def register(cli: click.Group) -> None:
    cli.add_command(serve)
    cli.add_command(keys)
    cli.add_command(memory)


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
@click.option("--ca-bundle", default=None, help=CA_BUNDLE_HELP)
@click.option("--log-level", default="info", show_default=True)
def serve(
    host: str,
    port: int,
    database_url: str | None,
    workers: int,
    engine: str,
    model: str | None,
    base_url: str | None,
    api_key: str | None,
    threads: int | None,
    glossary_path: str | None,
    require_keys: bool | None,
    rate_per_minute: int,
    lease_s: float,
    ca_bundle: str | None,
    log_level: str,
) -> None:
    """Run the API, the background workers and the review page."""
    import uvicorn

    from editions.engines import engine_options
    from editions.service.app import create_app
    from editions.service.context import ServiceConfig, ServiceContext, is_loopback
    from editions.service.observe import configure_logging
    from editions.store.keys import list_keys

    if workers < 0 or lease_s <= 0:
        raise UsageError("--workers must be ≥ 0 and --lease > 0")
    config = ServiceConfig(
        database_url=database_url,
        host=host,
        port=port,
        require_keys=require_keys,
        workers=workers,
        engine=engine_options(engine, model=model, base_url=base_url, api_key=api_key, n_threads=threads),
        glossary_path=glossary_path,
        rate_per_minute=rate_per_minute,
        lease_s=lease_s,
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
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


@click.group()
def keys() -> None:
    """API keys for the service (required whenever it listens beyond loopback)."""


@keys.command("create")
@click.option("--name", required=True, help="Who the key is for, e.g. the CMS or an editor.")
@click.option("--rate", "rate_per_minute", type=int, default=60, show_default=True, help="Requests/minute.")
@click.option("--db", "database_url", default=None, help=_DB_HELP)
def keys_create(name: str, rate_per_minute: int, database_url: str | None) -> None:
    """Create a key; it is printed once and stored only as a hash."""
    from editions.store.db import Store
    from editions.store.keys import create_key

    if rate_per_minute < 1:
        raise UsageError("--rate must be at least 1")
    secret, key = create_key(Store(database_url), name.strip() or "unnamed", rate_per_minute)
    click.echo(secret)
    click.echo(f"created key {key.prefix}… for {key.name!r}; it will not be shown again", err=True)


@keys.command("list")
@click.option("--db", "database_url", default=None, help=_DB_HELP)
def keys_list(database_url: str | None) -> None:
    from editions.store.db import Store
    from editions.store.keys import list_keys

    for key in list_keys(Store(database_url)):
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        click.echo(f"{key.id}\t{key.prefix}…\t{key.name}\t{key.rate_per_minute}/min\t{state}")


@keys.command("revoke")
@click.argument("key")
@click.option("--db", "database_url", default=None, help=_DB_HELP)
def keys_revoke(key: str, database_url: str | None) -> None:
    """Revoke a key by its id or prefix (as `keys list` shows)."""
    from editions.store.db import Store
    from editions.store.keys import revoke_key

    if not revoke_key(Store(database_url), key.rstrip("…")):
        raise UsageError(f"no active key {key!r}")
    click.echo(f"revoked {key}", err=True)


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
