"""Score the pipeline on a line-aligned test set (FLORES, WMT), side by side with a raw baseline.

    editions eval --src flores_dev.eng_Latn --ref flores_dev.fra_Latn --docid flores_dev.docid \\
        --to fr --baseline raw --out benchmarks/results/eval_fr.json

pipeline  consecutive lines sharing a docid become one `Article` (one `Block` per line, no headline), so
          each sentence is translated with the ones before it as context, checked, retried and repaired,
          exactly as an article would be. Block i of the edition is the hypothesis for line i.
raw       the baseline: the same engine asked, one sentence at a time, "Translate the following English
          text into French. Reply with the translation only." and the first line of the reply kept.
          That is what the usual "LLM, translate my document" scripts do; the gap between the two is
          what the pipeline is worth.

Scores are sacrebleu corpus chrF++ (`CHRF(word_order=2)`) and BLEU, with their signatures; the fact rate
is the share of the source's numbers and dates that the translation carries.
Translations are appended to `<out>.cache.jsonl` as they are made, keyed by system,
document, the document's source lines and the engine's provenance signature: a re-run with the same
arguments picks up where a killed one stopped, and loses at most the document in progress. The key does
not see the pipeline's own code (checks, repairs): delete the cache to measure a change to it.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from editions.document import Article, Block, MarkupBuilder, block_id
from editions.engines.base import Engine, TranslationRequest
from editions.engines.prompt import max_new_tokens
from editions.errors import InputError, UsageError
from editions.languages import get_language
from editions.localize import DateMention, check_dates, check_weekdays, find_dates, find_weekdays, same_date
from editions.localize.spans import replace_spans
from editions.qa.numbers import (
    clock_times,
    matched_times,
    missing_numbers,
    missing_times,
    number_values,
    without_times,
)

if TYPE_CHECKING:
    from editions.pipeline import Pipeline

System = Literal["pipeline", "raw"]
# Bump when the baseline prompt or its reply handling changes: it is part of the raw cache key.
RAW_PROMPT_VERSION = "raw1"
RAW_PROMPT = "Translate the following {src} text into {tgt}. Reply with the translation only.\n\n{text}"
N_EXAMPLES = 5

Progress = Callable[[str], None]


# --- the test set ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvalSet:
    """Line-aligned sources and references, already filtered and cut; `docids[i]` groups line i."""

    sources: list[str]
    references: list[str]
    docids: list[str] | None = None

    def documents(self) -> list[list[int]]:
        """Line indices per document: runs of consecutive lines sharing a docid (each line alone without)."""
        if self.docids is None:
            return [[i] for i in range(len(self.sources))]
        docs: list[list[int]] = []
        for i, docid in enumerate(self.docids):
            if docs and self.docids[docs[-1][-1]] == docid:
                docs[-1].append(i)
            else:
                docs.append([i])
        return docs


def read_lines(path: Path, what: str) -> list[str]:
    """The lines of a UTF-8 file, without their line ends."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as err:
        raise InputError(f"{what} file not found: {path}") from err
    except OSError as err:
        raise InputError(f"cannot read {what} file {path}: {err.strerror}") from err
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"{what} file {path} is not UTF-8 (byte {err.start})") from err
    return text.removeprefix("\ufeff").splitlines()


def load_test_set(
    src: Path,
    ref: Path,
    *,
    docid: Path | None = None,
    origlang: Path | None = None,
    origlang_keep: str | None = None,
    limit: int | None = None,
) -> EvalSet:
    """Read the files, keep the lines whose origlang is `origlang_keep`, then the first `limit` of those."""
    if origlang_keep is not None and origlang is None:
        raise UsageError("--origlang-keep needs --origlang FILE")
    if limit is not None and limit < 1:
        raise UsageError(f"--limit must be at least 1, not {limit}")
    sources = read_lines(src, "source")
    if not sources:
        raise InputError(f"the source file {src} is empty")
    columns: dict[str, list[str]] = {"reference": read_lines(ref, "reference")}
    if docid is not None:
        columns["docid"] = read_lines(docid, "docid")
    if origlang is not None:
        columns["origlang"] = read_lines(origlang, "origlang")
    for what, lines in columns.items():
        if len(lines) != len(sources):
            raise InputError(f"{what} file has {len(lines)} lines but the source has {len(sources)}")
    keep = list(range(len(sources)))
    if origlang is not None:
        wanted = (origlang_keep or "en").strip()
        keep = [i for i in keep if columns["origlang"][i].strip() == wanted]
        if not keep:
            raise InputError(f"no line of {origlang} has origlang {wanted!r}")
    keep = keep[:limit] if limit is not None else keep
    docids = columns.get("docid")
    return EvalSet(
        sources=[sources[i] for i in keep],
        references=[columns["reference"][i] for i in keep],
        docids=[docids[i].strip() for i in keep] if docids is not None else None,
    )


def article_for(lines: Sequence[str], source_lang: str) -> Article:
    """One article, one paragraph block per sentence, no headline (so no engine call is spent on one)."""
    blocks = []
    for i, line in enumerate(lines):
        builder = MarkupBuilder()
        builder.text(line)  # a literal "<a1>" in the data must not pass for one of our tags
        text, marks = builder.build()
        blocks.append(Block(id=block_id(i), text=text, marks=marks))
    return Article(headline="", source_lang=source_lang, blocks=blocks)


# --- the resumable cache ---------------------------------------------------------------------------


def _doc_hash(lines: Sequence[str], source_lang: str, target_lang: str) -> str:
    payload = json.dumps([source_lang, target_lang, list(lines)], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


class TranslationCache:
    """Append-only JSONL of finished documents. A line cut short by a kill is ignored on reading."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.records: dict[str, dict[str, Any]] = {}
        if path is not None and path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    record = json.loads(line)
                    self.records[record["key"]] = record
                except (ValueError, KeyError, TypeError):
                    continue

    @staticmethod
    def key(system: str, doc: int, doc_hash: str, signature: str) -> str:
        return f"{system}|{doc}|{doc_hash}|{signature}"

    def get(self, key: str) -> dict[str, Any] | None:
        return self.records.get(key)

    def put(self, record: dict[str, Any]) -> None:
        self.records[record["key"]] = record
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()


# --- the two systems -------------------------------------------------------------------------------


@dataclass
class SystemRun:
    """What one system wrote for the test set, and what it cost (cached documents count their cost)."""

    system: System
    signature: str
    hypotheses: list[str] = field(default_factory=list)
    qa_findings: int = 0
    retries: int = 0
    engine_calls: int = 0
    engine_s: float = 0.0
    wall_s: float = 0.0
    cached_docs: int = 0

    def add(self, record: dict[str, Any]) -> None:
        self.hypotheses += record["hyps"]
        for name in ("qa_findings", "retries", "engine_calls"):
            setattr(self, name, getattr(self, name) + int(record[name]))
        self.engine_s += float(record["engine_s"])
        self.wall_s += float(record["wall_s"])


Translator = Callable[[Sequence[str], str, str], dict[str, Any]]


def _pipeline_translator(engine: Engine, candidates: int = 1) -> tuple[Translator, str]:
    from editions.pipeline import Pipeline

    pipeline = Pipeline(engine, candidates=candidates)

    def translate(lines: Sequence[str], source_lang: str, target_lang: str) -> dict[str, Any]:
        return _translate_doc_pipeline(pipeline, lines, source_lang, target_lang)

    # what the editions' own provenance says: the engine's, plus what the pipeline adds (the glossary)
    return translate, pipeline.provenance().signature()


def _translate_doc_pipeline(
    pipeline: Pipeline, lines: Sequence[str], source_lang: str, target_lang: str
) -> dict[str, Any]:
    started = time.perf_counter()
    [edition] = pipeline.translate(article_for(lines, source_lang), target_lang)
    return {
        "hyps": [block.plain for block in edition.blocks],
        "qa_findings": sum(len(block.findings) for block in edition.blocks),
        "retries": sum(block.retries > 0 for block in edition.blocks),
        "engine_calls": edition.timings.engine_calls,
        "engine_s": edition.timings.engine_s,
        "wall_s": time.perf_counter() - started,
    }


def raw_messages(sentence: str, source_lang: str, target_lang: str) -> list[dict[str, str]]:
    """The baseline's whole prompt: one user turn, no system prompt, no context, no examples."""
    src, tgt = get_language(source_lang).name, get_language(target_lang).name
    return [{"role": "user", "content": RAW_PROMPT.format(src=src, tgt=tgt, text=sentence)}]


def _raw_translator(engine: Engine) -> tuple[Translator, str]:
    def translate(lines: Sequence[str], source_lang: str, target_lang: str) -> dict[str, Any]:
        return _translate_doc_raw(engine, lines, source_lang, target_lang)

    # the engine's provenance, naming the baseline's prompt instead of ours
    provenance = engine.provenance.model_copy(update={"prompt_version": RAW_PROMPT_VERSION})
    return translate, provenance.signature()


def _translate_doc_raw(
    engine: Engine, lines: Sequence[str], source_lang: str, target_lang: str
) -> dict[str, Any]:
    started = time.perf_counter()
    hyps, engine_s = [], 0.0
    for sentence in lines:
        if not sentence.strip():
            hyps.append("")
            continue
        budget = max_new_tokens(TranslationRequest(sentence, source_lang, target_lang))
        result = engine.raw_chat(raw_messages(sentence, source_lang, target_lang), budget)
        reply = result.text.strip()
        hyps.append(reply.splitlines()[0].strip() if reply else "")
        engine_s += result.engine_s
    return {
        "hyps": hyps,
        "qa_findings": 0,
        "retries": 0,
        "engine_calls": sum(bool(s.strip()) for s in lines),
        "engine_s": engine_s,
        "wall_s": time.perf_counter() - started,
    }


def run_system(
    system: System,
    engine: Engine,
    test_set: EvalSet,
    source_lang: str,
    target_lang: str,
    cache: TranslationCache,
    progress: Progress | None = None,
    quality: str = "fast",
) -> SystemRun:
    """Translate every document of the test set (or take it from the cache), in order.

    The pipeline's cache records are per document; the baseline's per line (a "document" of one line),
    since it has no context to keep.
    """
    from editions.pipeline import QUALITY_CANDIDATES

    if system == "pipeline":
        translate, signature = _pipeline_translator(engine, QUALITY_CANDIDATES[quality])
    else:
        translate, signature = _raw_translator(engine)
    run = SystemRun(system, signature)
    units = test_set.documents() if system == "pipeline" else [[i] for i in range(len(test_set.sources))]
    for n, indices in enumerate(units):
        lines = [test_set.sources[i] for i in indices]
        key = cache.key(system, n, _doc_hash(lines, source_lang, target_lang), signature)
        record = cache.get(key)
        if record is None:
            record = {"key": key, **translate(lines, source_lang, target_lang)}
            cache.put(record)
            state = f"{record['wall_s']:.1f} s"
        else:
            run.cached_docs += 1
            state = "cached"
        run.add(record)
        if progress and (system == "pipeline" or state != "cached" or n + 1 == len(units)):
            unit = "doc" if system == "pipeline" else "line"
            progress(f"[{system}] {unit} {n + 1}/{len(units)} ({len(lines)} lines) {state}")
    return run


# --- scores -----------------------------------------------------------------------------------------


@dataclass
class FactCount:
    numbers_total: int = 0
    numbers_carried: int = 0
    dates_total: int = 0
    dates_carried: int = 0
    weekdays_total: int = 0
    weekdays_carried: int = 0


def _blank_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    return replace_spans(text, ((start, end, " " * (end - start)) for start, end in spans))


def _blank(text: str, mentions: Sequence[DateMention]) -> str:
    return _blank_spans(text, [(m.start, m.end) for m in mentions])


def count_facts(
    sources: Sequence[str], hypotheses: Sequence[str], source_lang: str, target_lang: str
) -> FactCount:
    """Numbers, dates and weekdays of each source line, and how many its hypothesis carries.

    Date mentions are blanked before numbers are counted, as the QA checks do, so "June 5, 2023" counts
    once, as a date.
    """
    count = FactCount()
    for source, hyp in zip(sources, hypotheses, strict=True):
        source_dates = find_dates(source, source_lang)
        lost = {
            (p.source.start, p.source.end)
            for p in check_dates(source, hyp, source_lang, target_lang)
            if p.code not in ("date.ambiguous_form", "date.order") and p.source is not None
        }
        count.dates_total += len(source_dates)
        count.dates_carried += sum((m.start, m.end) not in lost for m in source_dates)
        weekdays = [m for m in find_weekdays(source, source_lang) if m.day is not None]
        wrong = sum(
            p.code in ("weekday.changed", "weekday.missing")
            for p in check_weekdays(source, hyp, source_lang, target_lang)
        )
        count.weekdays_total += len(weekdays)
        count.weekdays_carried += len(weekdays) - min(wrong, len(weekdays))
        # a clock time is one number fact: "11:00" is carried by « 11 heures »
        times = len(clock_times(source, source_lang))
        count.numbers_total += times
        count.numbers_carried += times - len(missing_times(source, hyp, source_lang, target_lang))
        # only the target's dates and times that stand for the source's are blanked: the numbers of a date
        # the source wrote another way ("Novemeber 26, 2008", "May of 1969") still count as carried
        hyp_dates = [d for d in find_dates(hyp, target_lang) if any(same_date(d, s) for s in source_dates)]
        source, hyp = _blank(source, source_dates), _blank(hyp, hyp_dates)
        hyp = _blank_spans(hyp, matched_times(source, hyp, source_lang, target_lang))
        source = without_times(source, source_lang)
        wanted = number_values(source, source_lang)
        missing = missing_numbers(source, hyp, source_lang, target_lang)
        count.numbers_total += sum(wanted.values())
        count.numbers_carried += sum(wanted.values()) - sum(wanted[v] for v in set(missing))
    return count


def score(
    sources: Sequence[str],
    references: Sequence[str],
    hypotheses: Sequence[str],
    source_lang: str,
    target_lang: str,
) -> dict[str, Any]:
    from sacrebleu.metrics.bleu import BLEU
    from sacrebleu.metrics.chrf import CHRF

    chrf, bleu = CHRF(word_order=2), BLEU()
    chrf_score = chrf.corpus_score(list(hypotheses), [list(references)])
    bleu_score = bleu.corpus_score(list(hypotheses), [list(references)])
    facts = count_facts(sources, hypotheses, source_lang, target_lang)
    total = facts.numbers_total + facts.dates_total + facts.weekdays_total
    carried = facts.numbers_carried + facts.dates_carried + facts.weekdays_carried
    return {
        "chrf": round(chrf_score.score, 2),
        "bleu": round(bleu_score.score, 2),
        "fact_rate": round(carried / total, 4) if total else None,
        "facts": {
            "numbers": [facts.numbers_carried, facts.numbers_total],
            "dates": [facts.dates_carried, facts.dates_total],
            "weekdays": [facts.weekdays_carried, facts.weekdays_total],
            "note": None,  # once why dates went uncounted; kept so that every report has the same keys
        },
        "metric_signatures": {"chrf": str(chrf.get_signature()), "bleu": str(bleu.get_signature())},
    }


# --- the report -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvalFiles:
    src: Path
    ref: Path
    docid: Path | None = None
    origlang: Path | None = None


def system_report(
    run: SystemRun, test_set: EvalSet, files: EvalFiles, source_lang: str, target_lang: str
) -> dict[str, Any]:
    scores = score(test_set.sources, test_set.references, run.hypotheses, source_lang, target_lang)
    signatures = scores.pop("metric_signatures")
    return {
        "system": run.system,
        **scores,
        "signature": {**signatures, "engine": run.signature},
        "n_sentences": len(test_set.sources),
        "n_docs": len(test_set.documents()) if run.system == "pipeline" else len(test_set.sources),
        "src": str(files.src),
        "ref": str(files.ref),
        "from": source_lang,
        "to": target_lang,
        "qa_findings": run.qa_findings,
        "retries": run.retries,
        "engine_calls": run.engine_calls,
        "engine_s": round(run.engine_s, 2),
        "wall_s": round(run.wall_s, 2),
        "cached_docs": run.cached_docs,
        # Hypotheses only, by position in the (filtered) test set: source and reference stay in the
        # test set's own files, which are read by path and never copied into reports we commit.
        "examples": [{"index": i, "hyp": h} for i, h in enumerate(run.hypotheses[:N_EXAMPLES])],
    }


def cache_path(out: Path) -> Path:
    return out.with_name(out.name + ".cache.jsonl")


def evaluate(
    engine: Engine,
    test_set: EvalSet,
    files: EvalFiles,
    *,
    source_lang: str,
    target_lang: str,
    baseline: Literal["raw"] | None = None,
    quality: str = "fast",
    out: Path | None = None,
    command: str = "",
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Run the pipeline (and the baseline) over the test set; write and return the report."""
    source_lang, target_lang = get_language(source_lang).code, get_language(target_lang).code
    cache = TranslationCache(cache_path(out) if out is not None else None)
    started = time.perf_counter()
    systems: list[System] = ["pipeline", *([baseline] if baseline else [])]
    reports = {}
    for system in systems:
        run = run_system(system, engine, test_set, source_lang, target_lang, cache, progress, quality)
        reports[system] = system_report(run, test_set, files, source_lang, target_lang)
    report = reports["pipeline"]
    report |= {
        "command": command,
        "docid": str(files.docid) if files.docid else None,
        "origlang": str(files.origlang) if files.origlang else None,
        "run_wall_s": round(time.perf_counter() - started, 2),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    if baseline:
        report["baseline"] = reports[baseline]
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return report


def _rows(report: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield "pipeline", report
    if "baseline" in report:
        yield report["baseline"]["system"], report["baseline"]


def format_table(report: dict[str, Any]) -> str:
    """A short side-by-side table for the terminal."""
    lines = [
        f"{report['n_sentences']} sentences, {report['from']}→{report['to']}",
        f"engine: {report['signature']['engine']}",
        f"{'system':<10}{'chrF++':>8}{'BLEU':>7}{'facts':>7}{'QA':>5}{'calls':>7}{'engine s':>10}",
    ]
    for name, r in _rows(report):
        facts = f"{r['fact_rate']:.3f}" if r["fact_rate"] is not None else "-"
        lines.append(
            f"{name:<10}{r['chrf']:>8.2f}{r['bleu']:>7.2f}{facts:>7}{r['qa_findings']:>5}"
            f"{r['engine_calls']:>7}{r['engine_s']:>10.1f}"
        )
    if "baseline" in report:
        delta = report["chrf"] - report["baseline"]["chrf"]
        lines.append(f"Δ chrF++ pipeline − {report['baseline']['system']}: {delta:+.2f}")
    lines.append(f"chrF: {report['signature']['chrf']}")
    lines.append(f"BLEU: {report['signature']['bleu']}")
    return "\n".join(lines)
