"""`editions batch`: many articles into several languages on Ray, resumable, nothing dropped silently.

The driver (this process) reads the input (a JSONL file of JSON articles, or a folder of articles in
any reader format), decides what is already done, and hands (article, languages) tasks to Ray actors,
each holding one engine and one `Pipeline`. It writes every edition itself, atomically, as
`OUT/<key>.<lang>.json`, where `<key>` is a hash of the whole article (`stored_article_id`).

- **Resumable.** An edition file counts as done only when its provenance signature is the one the
  actors' pipeline writes now (same engine, model hash, prompt, decoding, glossary, adaptation) and it
  is the edition of that article and language. A rerun skips those and makes no engine call.
- **Nothing dropped.** An article that cannot be read is reported at once. A task that fails is tried
  again (up to `attempts`); a dead actor (a native crash, a killed process) is restarted by Ray and its
  task retried there. What still fails is in the summary with its error, and the exit status says so.
- **Where the work runs.** A local Ray with this machine's cores, or an existing cluster
  (`--ray-address`). In-process engines get one actor per `workers` (each asks for its threads' CPUs,
  and a GPU when the engine uses one); the openai engine gets one actor per `--base-url`, so a fleet
  of vLLM servers is used side by side.

The service keeps its own durable queue; Ray is only here, for batches (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from editions.document import Article, Edition
from editions.engines import EngineOptions, engine_class
from editions.errors import EditionsError, InputError, UsageError
from editions.ingest import read_article
from editions.ingest.read import read_article_text
from editions.redact import redact
from editions.store.batches import BatchOutcome, Recorded, record_batch
from editions.store.db import Store
from editions.store.queue import stored_article_id

READER_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".text", ".html", ".htm", ".json"})
MAX_ITEMS = 100_000
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})


@dataclass
class BatchItem:
    """One article of the input, or why it could not be read."""

    label: str  # "story.md" or "feed.jsonl:12"
    article: Article | None = None
    error: str | None = None

    @property
    def key(self) -> str:
        assert self.article is not None
        return stored_article_id(self.article)


def read_inputs(path: Path, source_lang: str | None = None) -> list[BatchItem]:
    """The articles of a JSONL file (one JSON article per line) or of a folder (every file a reader
    knows, sorted by path); an item that cannot be read keeps its error."""
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and p.suffix.lower() in READER_SUFFIXES and not p.name.startswith(".")
        )
        if not files:
            raise UsageError(f"{path}: no article files ({', '.join(sorted(READER_SUFFIXES))})")
        return [
            _read_one(str(p.relative_to(path)), partial(read_article, p, source_lang=source_lang))
            for p in files
        ]
    if path.is_file() and path.suffix.lower() == ".jsonl":
        items: list[BatchItem] = []
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, 1):
                if len(items) >= MAX_ITEMS:
                    raise UsageError(f"{path}: more than {MAX_ITEMS:,} articles; split the file")
                if not raw.strip():
                    continue
                label = f"{path.name}:{number}"
                items.append(_read_one(label, partial(_json_line, raw, source_lang)))
        if not items:
            raise UsageError(f"{path}: no articles (one JSON article per line)")
        return items
    if path.is_file() and path.suffix.lower() in FEED_SUFFIXES:
        return _feed_items(path, source_lang)
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    raise UsageError(
        f"{path}: give a .jsonl file (one JSON article per line), a feed (.xml, .rss, .atom) or a folder"
    )


def _feed_items(path: Path, source_lang: str | None) -> list[BatchItem]:
    """One item per entry of an RSS or Atom file (`ingest.feed`); a summary-only entry is read from
    its page, fetched under the URL policy (EDITIONS_URL_ALLOW) as `translate URL` fetches one."""
    from editions.ingest.decode import read_file
    from editions.ingest.feed import FEED_MAX_BYTES, item_article, parse_feed
    from editions.ingest.ssrf import UrlPolicy

    feed = parse_feed(read_file(path, FEED_MAX_BYTES), path.name)
    if not feed.items:
        raise UsageError(f"{path}: the feed has no items")
    policy = UrlPolicy.from_env()
    return [
        _read_one(f"{path.name}:{n}", partial(item_article, item, policy, source_lang))
        for n, item in enumerate(feed.items, 1)
    ]


def _json_line(raw: bytes, source_lang: str | None) -> Article:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"not UTF-8 at byte {err.start}") from None
    return read_article_text(text, fmt="json", source_lang=source_lang)


def _read_one(label: str, read: Callable[[], Article]) -> BatchItem:
    try:
        return BatchItem(label, article=read())
    except EditionsError as err:
        return BatchItem(label, error=str(err))


@dataclass
class BatchConfig:
    targets: list[str]
    out: Path
    engines: list[EngineOptions]  # one per actor
    ray_address: str | None = None
    attempts: int = 2
    candidates: int = 1
    budget: int | None = None  # a condensed edition of this many words
    glossary_path: str | None = None
    cpus_per_actor: float = 1.0
    gpus_per_actor: float = 0.0


@dataclass
class Failure:
    label: str
    error: str
    languages: list[str] = field(default_factory=list)


@dataclass
class Summary:
    articles: int = 0
    editions_written: int = 0
    editions_skipped: int = 0  # already in OUT with the same signature
    failures: list[Failure] = field(default_factory=list)
    findings: dict[str, int] = field(default_factory=dict)  # by severity
    engine_calls: int = 0
    engine_s: float = 0.0
    wall_s: float = 0.0
    start_s: float = 0.0  # of wall_s: Ray and the workers starting, until the first task is sent
    actors: int = 0
    actor_restarts: int = 0
    signature: str = ""
    written: list[str] = field(default_factory=list)  # file names, in the order written

    @property
    def editions_per_minute(self) -> float:
        return round(60 * self.editions_written / self.wall_s, 2) if self.wall_s else 0.0

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["editions_per_minute"] = self.editions_per_minute
        return data


class BatchWorker:
    """A Ray actor: one engine, one pipeline. Made remote by `run_batch` (Ray imported only there)."""

    def __init__(
        self, options: dict[str, Any], candidates: int, budget: int | None, glossary_path: str | None
    ) -> None:
        from editions import langid
        from editions.engines import create_engine
        from editions.glossary import Glossary
        from editions.pipeline import Pipeline

        # the QA's language detector loads while the engine does; `signature` waits for both, so a
        # worker's first article does not pay for them (and the summary counts them in the start)
        self._detector = langid.preload()
        engine_options = engine_class(options["engine"]).options_class.model_validate(options)
        self.engine = create_engine(engine_options)
        pipeline = Pipeline(
            self.engine, glossary=Glossary.with_newsroom(glossary_path), candidates=candidates
        )
        self.pipeline = pipeline.for_adaptation(f"condensed:{budget}") if budget else pipeline
        self.budget = budget

    def signature(self) -> str:
        self._detector.join()
        return self.pipeline.provenance().signature()

    def pid(self) -> int:
        return os.getpid()

    def translate(self, article_json: str, languages: list[str]) -> tuple[int, list[str]]:
        """The editions of the article in each language, as JSON, with this process's id (the driver
        counts restarts by it)."""
        article = Article.model_validate_json(article_json)
        if self.budget:
            from editions.condense import translate_condensed

            editions = [translate_condensed(self.pipeline, article, lang, self.budget) for lang in languages]
        else:
            editions = self.pipeline.translate(article, languages)
        return os.getpid(), [edition.model_dump_json() for edition in editions]


def edition_path(out: Path, key: str, lang: str) -> Path:
    return out / f"{key}.{lang}.json"


def is_done(path: Path, article: Article, lang: str, signature: str) -> bool:
    """True when `path` holds this article's edition in `lang`, written with `signature`."""
    try:
        edition = Edition.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        edition.provenance.signature() == signature
        and edition.target_lang == lang
        and edition.article_id == article.id
        and edition.source_headline == article.headline
    )


def _write(path: Path, edition_json: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(edition_json, encoding="utf-8")
    os.replace(tmp, path)


ProgressHook = Callable[[int, int, str], None]  # (editions finished, editions in all, last label)


def run_batch(
    items: Sequence[BatchItem], config: BatchConfig, progress: ProgressHook | None = None
) -> Summary:
    """Translate every readable item into every target language on Ray; see the module doc."""
    import ray
    from ray.exceptions import ActorDiedError, RayActorError, RayTaskError

    started = time.perf_counter()
    config.out.mkdir(parents=True, exist_ok=True)
    summary = Summary(articles=len(items))
    summary.failures += [
        Failure(i.label, i.error or "unreadable", list(config.targets)) for i in items if i.article is None
    ]
    readable = [i for i in items if i.article is not None]
    started_ray = not ray.is_initialized()
    if started_ray:
        _init_ray(ray, config.ray_address)
    remote = ray.remote(
        num_cpus=config.cpus_per_actor,
        num_gpus=config.gpus_per_actor,
        max_restarts=config.attempts,
        max_task_retries=config.attempts,
    )(BatchWorker)
    actors: list[Any] = [
        remote.remote(options.model_dump(), config.candidates, config.budget, config.glossary_path)
        for options in config.engines
    ]
    summary.actors = len(actors)
    try:
        try:
            # no retry here: a worker that cannot start (no model, bad options) fails the same again
            signatures = ray.get([actor.signature.options(max_task_retries=0).remote() for actor in actors])
        except (RayActorError, RayTaskError) as err:
            raise EditionsError(f"the batch workers could not start: {_cause(err)}") from None
        summary.signature = signatures[0]
        if len(set(signatures)) > 1:  # e.g. two servers serving different models
            raise UsageError(
                "the batch workers write different provenance signatures: " + "; ".join(set(signatures))
            )
        todo: list[tuple[BatchItem, list[str], int]] = []
        for item in readable:
            assert item.article is not None
            missing = [
                lang
                for lang in config.targets
                if not is_done(
                    edition_path(config.out, item.key, lang), item.article, lang, summary.signature
                )
            ]
            summary.editions_skipped += len(config.targets) - len(missing)
            if missing:
                todo.append((item, missing, 1))
        total = sum(len(langs) for _, langs, _ in todo)
        summary.start_s = round(time.perf_counter() - started, 1)
        finished = 0
        idle = list(range(len(actors)))
        pending: dict[Any, tuple[int, BatchItem, list[str], int]] = {}
        severities: Counter[str] = Counter()
        pids: list[set[int]] = [{pid} for pid in ray.get([actor.pid.remote() for actor in actors])]
        while todo or pending:
            while todo and idle:
                item, langs, attempt = todo.pop(0)
                index = idle.pop(0)
                assert item.article is not None
                ref = actors[index].translate.remote(item.article.model_dump_json(), langs)
                pending[ref] = (index, item, langs, attempt)
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                index, item, langs, attempt = pending.pop(ref)
                idle.append(index)
                try:
                    pid, results = ray.get(ref)
                    pids[index].add(pid)
                except (RayActorError, RayTaskError, ActorDiedError) as err:
                    message = _cause(err)
                    if attempt < config.attempts and not _deterministic(err):
                        todo.append((item, langs, attempt + 1))
                        continue
                    summary.failures.append(Failure(item.label, message, langs))
                    finished += len(langs)
                    if progress:
                        progress(finished, total, item.label)
                    continue
                for lang, edition_json in zip(langs, results, strict=True):
                    edition = Edition.model_validate_json(edition_json)
                    path = edition_path(config.out, item.key, lang)
                    _write(path, edition_json)
                    summary.written.append(path.name)
                    summary.editions_written += 1
                    summary.engine_calls += edition.timings.engine_calls
                    summary.engine_s += edition.timings.engine_s
                    for finding in _findings(edition):
                        severities[finding] += 1
                finished += len(langs)
                if progress:
                    progress(finished, total, item.label)
        summary.findings = dict(severities)
        summary.actor_restarts = sum(len(seen) - 1 for seen in pids)  # a restarted actor has a new pid
    finally:
        for actor in actors:
            ray.kill(actor)
        if started_ray:
            ray.shutdown()
    summary.engine_s = round(summary.engine_s, 1)
    summary.wall_s = round(time.perf_counter() - started, 1)
    (config.out / "summary.json").write_text(json.dumps(summary.as_json(), indent=1) + "\n", encoding="utf-8")
    return summary


def store_batch(store: Store, items: Sequence[BatchItem], config: BatchConfig, summary: Summary) -> Recorded:
    """Record the batch in the service's store as one job (`store.batches`), for the review page: every
    edition in OUT that this batch's signature wrote (this run's and earlier runs'), and the failures."""
    failed: dict[str, Failure] = {f.label: f for f in summary.failures}
    outcomes = []
    for item in items:
        failure = failed.get(item.label)
        errors = dict.fromkeys(failure.languages, failure.error) if failure else {}
        editions: dict[str, Edition] = {}
        if item.article is not None:
            for lang in config.targets:
                path = edition_path(config.out, item.key, lang)
                if lang not in errors and is_done(path, item.article, lang, summary.signature):
                    editions[lang] = Edition.model_validate_json(path.read_text(encoding="utf-8"))
        outcomes.append(BatchOutcome(item.label, item.article, editions, errors))
    options: dict[str, Any] = {"mode": "condensed", "words": config.budget} if config.budget else {}
    return record_batch(store, str(config.out.resolve()), config.targets, outcomes, options)


def _init_ray(ray: Any, address: str | None) -> None:
    quiet: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.ERROR}
    if address:
        ray.init(address=address, **quiet)
        return
    ray.init(
        num_cpus=os.cpu_count() or 1,
        include_dashboard=False,
        object_store_memory=200 * 1024 * 1024,  # editions are small; the default takes 30 % of memory
        **quiet,
    )


def _findings(edition: Edition) -> list[str]:
    found: list[str] = [f.severity for f in edition.findings if not f.fixed]
    found += [f.severity for block in edition.blocks for f in block.findings if not f.fixed]
    return found


_OUR_ERROR_RE = re.compile(r"editions\.errors\.\w+: (.+)")


def _cause(err: BaseException) -> str:
    """The one-line reason behind a Ray error: our own error's message when there is one."""
    cause = getattr(err, "cause", None)
    if isinstance(cause, EditionsError):
        return str(cause)
    ours = _OUR_ERROR_RE.findall(str(err))  # an actor that died in its constructor: only text is left
    if ours:
        return redact(ours[-1].strip())
    if cause is not None and not isinstance(cause, type(err)):
        return redact(f"{type(cause).__name__}: {str(cause).splitlines()[0] if str(cause) else ''}")
    text = str(err).strip().splitlines()
    died = next((line for line in text if "died" in line.lower() or "exit" in line.lower()), None)
    return redact((died or (text[0] if text else type(err).__name__)).strip()[:300])


def _deterministic(err: BaseException) -> bool:
    """An error that another try would repeat (bad input, a language the model lacks)."""
    return isinstance(getattr(err, "cause", None), (InputError, UsageError))


def actor_options(
    options: EngineOptions, base_urls: Sequence[str], workers: int, cpus: int
) -> tuple[list[EngineOptions], float, float]:
    """The engine options of each actor, and the CPUs and GPUs each asks Ray for.

    The openai engine: one actor per server (a fleet is used side by side), each asking for little
    CPU. An in-process engine: `workers` actors, the machine's cores shared between them (the threads
    of each engine), and a GPU each when the engine runs on one."""
    data = options.model_dump(exclude_unset=True)
    if options.engine == "openai":
        urls = list(base_urls) or [str(data.get("base_url") or "")]
        if not any(urls):
            raise UsageError("the openai engine needs --base-url (repeat it for several servers)")
        opts = [type(options).model_validate({**data, "base_url": url}) for url in urls]
        return opts, 0.25, 0.0
    if base_urls:
        raise UsageError(f"--base-url is for the openai engine, not {options.engine}")
    if workers < 1:
        raise UsageError("--workers must be at least 1")
    threads = data.get("n_threads") or max(1, cpus // workers)
    if "n_threads" in type(options).model_fields:
        data["n_threads"] = threads
    gpu = 1.0 if data.get("device") == "cuda" else 0.0
    return [type(options).model_validate(data) for _ in range(workers)], float(min(threads, cpus)), gpu


def summary_table(summary: Summary) -> str:
    """The final table `editions batch` prints."""
    findings = ", ".join(f"{n} {sev}" for sev, n in sorted(summary.findings.items())) or "none"
    rows = [
        ("articles", str(summary.articles)),
        ("editions written", str(summary.editions_written)),
        ("editions already done", str(summary.editions_skipped)),
        ("failures", str(len(summary.failures))),
        ("QA findings", findings),
        ("workers (restarts)", f"{summary.actors} ({summary.actor_restarts})"),
        ("engine calls / time", f"{summary.engine_calls} / {summary.engine_s:.1f} s"),
        ("wall time", f"{summary.wall_s:.1f} s ({summary.start_s:.1f} s starting the workers)"),
        ("throughput", f"{summary.editions_per_minute} editions/min"),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [f"{name:<{width}}  {value}" for name, value in rows]
    lines += [f"FAILED {f.label} ({', '.join(f.languages)}): {f.error}" for f in summary.failures]
    return "\n".join(lines)
