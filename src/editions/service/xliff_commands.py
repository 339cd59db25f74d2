"""`editions xliff export|import`: an edition (or a job's editions) out to a CAT tool and back.

The store does the work (`store/xliff.py`); these commands open the database and say what happened.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from editions.errors import NotFoundError, XliffError

_DB_HELP = "Database URL: sqlite:///… or postgresql+psycopg://… (default: EDITIONS_DATABASE_URL or SQLite)."


@click.group()
def xliff() -> None:
    """XLIFF 2.1 for human translators: export an edition or a job, import the translated file."""


@xliff.command("export")
@click.argument("edition_or_job")
@click.option(
    "-o",
    "--output",
    default="-",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="File (default: stdout).",
)
@click.option("--to", "target_lang", default=None, help="For a job into several languages: which one.")
@click.option("--db", "database_url", default=None, help=_DB_HELP)
def xliff_export(edition_or_job: str, output: str, target_lang: str | None, database_url: str | None) -> None:
    """Write EDITION_OR_JOB (an edition id, or a job id: all its editions) as XLIFF 2.1."""
    from editions.store.db import Store
    from editions.store.xliff import export_edition_xliff, export_job_xliff

    store = Store(database_url)
    try:
        try:
            data, name = export_edition_xliff(store, edition_or_job)
        except NotFoundError:
            try:
                data, name = export_job_xliff(store, edition_or_job, target_lang)
            except NotFoundError:
                raise NotFoundError(f"no edition or job {edition_or_job!r}") from None
    finally:
        store.close()
    if output == "-":
        sys.stdout.buffer.write(data)
    else:
        Path(output).write_bytes(data)
        click.echo(f"wrote {output} ({name})", err=True)


@xliff.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--glossary", "glossary_path", default=None, help="The newsroom's glossary, as for `serve`.")
@click.option("--db", "database_url", default=None, help=_DB_HELP)
def xliff_import(file: str, glossary_path: str | None, database_url: str | None) -> None:
    """Apply a translated XLIFF file: one new revision per edition it changes, QA re-run, memory taught."""
    from editions.glossary import Glossary
    from editions.store.db import Store
    from editions.store.xliff import import_xliff
    from editions.xliff import MAX_XLIFF_BYTES

    path = Path(file)
    if path.stat().st_size > MAX_XLIFF_BYTES:
        raise XliffError(f"{file} is over {MAX_XLIFF_BYTES // 2**20} MB")
    glossary = Glossary.with_newsroom(glossary_path)
    store = Store(database_url)
    try:
        result = import_xliff(store, path.read_bytes(), glossary)
    finally:
        store.close()
    if not result.changed:
        click.echo(f"nothing changed ({result.unchanged} units as they were)", err=True)
        return
    for edition_id, revision in result.revisions.items():
        units = [unit for e, unit in result.changed if e == edition_id]
        click.echo(
            f"edition {edition_id}: revision {revision}, {len(units)} units changed ({', '.join(units)})",
            err=True,
        )
    click.echo(f"{result.unchanged} units unchanged", err=True)
