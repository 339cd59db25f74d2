"""Article → editions: segment, translate with document context, check, retry once, repair markup.

Data flows one way: an `Article` comes in, the engine is called through its one batch method, and an
`Edition` per target language comes out. Languages are translated one after the other on an engine
that runs one request at a time (so its prompt cache stays warm), side by side on one that doesn't.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from editions.document import (
    Article,
    Block,
    Edition,
    EditionBlock,
    Provenance,
    QaFinding,
    SegmentKind,
    Timings,
    markup_problems,
    plain_text,
    spans,
)
from editions.engines.base import Engine, TranslationRequest, TranslationResult
from editions.glossary import Glossary
from editions.languages import parse_targets
from editions.localize import style_guide
from editions.memory import MemoryKey, SegmentMemory, with_contexts
from editions.qa import ENGINE_FIXABLE, BlockPair, QaContext, check_block, repair_block, repair_markup
from editions.qa.replies import reply_instead
from editions.segment import Segment, segments
from editions.sentences import Piece, join_sentences, split_sentences
from editions.vocabulary import FindingCode

ProgressCallback = Callable[[str, int, int], None]  # (target language, segments done, segments total)

# `--quality`: how many candidates each block gets (greedy, then sampled); "best" cost 1.2-1.7× the
# engine time of "fast" on FLORES (3 calls a block, fewer retries), and did not raise chrF++ (QUALITY.md).
QUALITY_CANDIDATES = {"fast": 1, "best": 3}


@dataclass
class ContextWindow:
    """Preceding (source, translation) pairs given to the engine with each block.

    The window grows until it holds `max_chars`, then restarts from the last pair: a growing window
    keeps the engine's prompt prefix identical from one block to the next, so its KV cache is reused;
    a sliding one would re-read the whole window for every block.
    """

    max_chars: int = 2400
    pairs: list[tuple[str, str]] = field(default_factory=list)

    def add(self, source: str, translation: str) -> None:
        self.pairs.append((source, translation))
        if sum(len(s) + len(t) for s, t in self.pairs) > self.max_chars:
            self.pairs = self.pairs[-1:]

    def snapshot(self) -> tuple[tuple[str, str], ...]:
        return tuple(self.pairs)


def _score(findings: list[QaFinding]) -> tuple[int, int]:
    """Lower is better: (errors, warnings)."""
    errors = sum(f.severity == "error" for f in findings)
    return errors, sum(f.severity == "warning" for f in findings)


def _chrf(hypothesis: str, reference: str) -> float:
    from sacrebleu.metrics.chrf import CHRF

    return float(CHRF(word_order=2).sentence_score(hypothesis, [reference]).score)


def _feedback(findings: list[QaFinding]) -> list[str]:
    return [f.message for f in findings if f.code in ENGINE_FIXABLE and f.severity != "info"]


@dataclass
class _Outcome:
    text: str
    notes: list[str]
    results: list[TranslationResult]
    findings: list[QaFinding] = field(default_factory=list)
    retries: int = 0
    kept_source: bool = False  # the source text stands in for a translation: never remembered as one


def _source_kept(
    segment: Segment,
    text: str,
    ctx: QaContext,
    notes: list[str],
    results: list[TranslationResult],
    findings: list[QaFinding],
    retries: int,
) -> _Outcome | None:
    """The source text in place of the engine's best `text`, when that cannot be published: it is
    empty, or it answers the text instead of translating it ("OK", a poem) on the retry too, so an
    instruction in the article would run. The editor gets the source and a note (and for a reply an
    error); the memory never learns it. None: `text` stands."""
    if not text.strip():
        notes.append("engine returned nothing; source text kept for the editor")
        return _Outcome(segment.text, notes, results, findings, retries, kept_source=True)
    reply = reply_instead(plain_text(segment.text), plain_text(text), ctx.target_lang)
    if reply is None:
        return None
    notes.append("the engine replied to this text instead of translating it; source text kept for the editor")
    kept = QaFinding(
        code=FindingCode.NOT_TRANSLATION,
        severity="error",
        message=f"{reply}; the source text is kept in its place: translate it by hand",
        block_id=segment.id,
    )
    findings = check_block(BlockPair(segment.id, segment.text, segment.text, segment.marks), ctx)
    return _Outcome(segment.text, notes, results, [kept, *findings], retries, kept_source=True)


class Pipeline:
    """Translates articles with one engine; `translate` fans one article out to several languages."""

    def __init__(
        self,
        engine: Engine,
        *,
        glossary: Glossary | None = None,
        context_chars: int = 2400,
        retries: int = 1,
        repair: bool = True,
        memory: SegmentMemory | None = None,
        candidates: int = 1,
    ) -> None:
        self.engine = engine
        self.candidates = max(1, candidates)
        self.first_sample = 1  # the sampled candidates are samples first_sample, first_sample + 1, …
        self.memory = memory
        self.glossary = glossary if glossary is not None else Glossary.starter()
        self.context_chars = context_chars
        self.retries = retries
        self.repair = repair
        self.adaptation: str | None = None  # "condensed:400" on a pipeline that writes adaptations

    def for_adaptation(self, adaptation: str) -> Pipeline:
        """This pipeline, writing editions that say they are `adaptation` (in their provenance, so
        they never share a memory entry or a signature with full translations)."""
        other = copy.copy(self)
        other.adaptation = adaptation
        return other

    def with_candidates(self, candidates: int, first_sample: int = 1) -> Pipeline:
        """This pipeline, giving each block `candidates` candidates: greedy first, then the samples
        numbered from `first_sample` (another number, other samples)."""
        other = copy.copy(self)
        other.candidates = max(1, candidates)
        other.first_sample = max(1, first_sample)
        return other

    def _samples(self) -> range:
        return range(self.first_sample, self.first_sample + self.candidates - 1)

    def translate(
        self,
        article: Article,
        targets: str | Sequence[str],
        progress: ProgressCallback | None = None,
    ) -> list[Edition]:
        languages = parse_targets(list(targets) if not isinstance(targets, str) else targets)
        source_lang = article.source_lang or "en"
        workers = max(1, min(len(languages), self.engine.parallel_requests))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [
                pool.submit(self.translate_one, article, lang, source_lang, progress) for lang in languages
            ]
            return [future.result() for future in futures]

    def translate_one(
        self,
        article: Article,
        target_lang: str,
        source_lang: str,
        progress: ProgressCallback | None = None,
    ) -> Edition:
        started = time.perf_counter()
        window = ContextWindow(self.context_chars)
        parts = segments(article)
        done: dict[str, _Outcome] = {}
        signature = self._signature() if self.memory is not None else ""
        hits = 0
        # a sentence-level engine gets the article's sentences in one batch, after this loop
        pending: list[tuple[Segment, MemoryKey]] = []
        for segment, context in with_contexts(parts):
            if segment.text.strip() and source_lang != target_lang:
                key = MemoryKey(source_lang, target_lang, segment.text, context, signature)
                recalled = self.memory.recall(key) if self.memory is not None else None
                if recalled is not None:
                    outcome = self._recalled(segment, recalled, source_lang, target_lang)
                    hits += 1
                elif self.engine.sentence_level:
                    pending.append((segment, key))
                    continue
                else:
                    outcome = self._translate_segment(segment, source_lang, target_lang, window)
                    self._remember(key, outcome)
            else:  # nothing to translate, or already in the target language
                outcome = _Outcome(segment.text, [], [])
            done[segment.id] = outcome
            if segment.text.strip():
                window.add(segment.text, outcome.text)
            if progress:
                progress(target_lang, len(done), len(parts))
        if pending:
            outcomes = self._translate_sentencewise([s for s, _ in pending], source_lang, target_lang)
            for segment, key in pending:
                done[segment.id] = outcomes[segment.id]
                self._remember(key, outcomes[segment.id])
                if progress:
                    progress(target_lang, len(done), len(parts))
        results = [r for outcome in done.values() for r in outcome.results]
        timings = Timings(
            wall_s=time.perf_counter() - started,
            engine_s=sum(r.engine_s for r in results),
            prompt_tokens=sum(r.prompt_tokens for r in results),
            generated_tokens=sum(r.generated_tokens for r in results),
            engine_calls=len(results),
            memory_hits=hits,
        )
        return _assemble(article, source_lang, target_lang, done, self.provenance(), timings)

    def provenance(self) -> Provenance:
        """The engine's provenance, plus what the pipeline adds: the glossary, and candidates if > 1."""
        provenance = self.engine.provenance
        decoding = provenance.decoding | ({"candidates": self.candidates} if self.candidates > 1 else {})
        return provenance.model_copy(
            update={
                "glossary_version": self.glossary.version,
                "decoding": decoding,
                "adaptation": self.adaptation,
            }
        )

    def retranslate(
        self, article: Article, edition: Edition, changed: set[str], timings: Timings
    ) -> tuple[Edition, Timings]:
        """`edition` made to follow `article` again after some of its blocks changed: blocks in
        `changed` (or new) are translated with the blocks before them as context, the others kept,
        blocks no longer in `article` dropped. Returns it with `timings` plus what this cost."""
        started = time.perf_counter()
        src, tgt = edition.source_lang, edition.target_lang
        old = {block.source_id: block for block in edition.blocks}
        window = ContextWindow(self.context_chars)
        window.add(article.headline, edition.headline)
        if article.standfirst and edition.standfirst:
            window.add(article.standfirst, edition.standfirst)
        read = _read_findings(article)
        blocks: list[EditionBlock] = []
        results: list[TranslationResult] = []
        for block in article.blocks:
            kept = old.get(block.id)
            if kept is None or block.id in changed:
                segment = Segment(block.id, block.kind, block.text, dict(block.marks))
                outcome = self._translate_segment(segment, src, tgt, window)
                results += outcome.results
                kept = _edition_block(block, outcome, read.get(block.id, []))
            window.add(block.text, kept.text)
            blocks.append(kept)
        added = Timings(
            wall_s=timings.wall_s + time.perf_counter() - started,
            engine_s=timings.engine_s + sum(r.engine_s for r in results),
            prompt_tokens=timings.prompt_tokens + sum(r.prompt_tokens for r in results),
            generated_tokens=timings.generated_tokens + sum(r.generated_tokens for r in results),
            engine_calls=timings.engine_calls + len(results),
            memory_hits=timings.memory_hits,
        )
        return edition.model_copy(update={"blocks": blocks}), added

    def _signature(self) -> str:
        return self.provenance().signature()

    def _remember(self, key: MemoryKey, outcome: _Outcome) -> None:
        if self.memory is not None and outcome.results and outcome.text.strip() and not outcome.kept_source:
            self.memory.remember(key, outcome.text)

    def _recalled(self, segment: Segment, text: str, source_lang: str, target_lang: str) -> _Outcome:
        """A memory hit, checked like fresh output (the checks may have changed since it was stored)."""
        ctx = QaContext(source_lang, target_lang, self.glossary)
        findings = check_block(BlockPair(segment.id, segment.text, text, segment.marks), ctx)
        return _Outcome(text, ["from the translation memory"], [], findings)

    def _translate_segment(
        self, segment: Segment, source_lang: str, target_lang: str, window: ContextWindow
    ) -> _Outcome:
        if self.engine.sentence_level:
            return self._translate_sentencewise([segment], source_lang, target_lang)[segment.id]
        ctx = QaContext(source_lang, target_lang, self.glossary)
        request = TranslationRequest(
            text=segment.text,
            source_lang=source_lang,
            target_lang=target_lang,
            kind=segment.kind,
            context=window.snapshot(),
            hints=tuple(self.glossary.hints(plain_text(segment.text), target_lang)),
            style=style_guide(target_lang),
        )
        results = self.engine.translate_batch([request])
        # deterministic repairs come first: what they fix (a weekday, a date's order) needs no retry
        best, fixed = self._repaired(segment, results[0].text, ctx)
        findings = check_block(BlockPair(segment.id, segment.text, best, segment.marks), ctx)
        if self.candidates > 1:  # `--quality best`: sampled candidates, the fewest findings kept
            samples = [replace(request, sample=n) for n in self._samples()]
            results += self.engine.translate_batch(samples)
            best, fixed, findings = self._choose(segment, [r.text for r in results], ctx)
        for _ in range(self.retries):
            problems = _feedback(findings)
            if not problems:
                break
            retry = replace(request, feedback="; ".join(problems))
            results += self.engine.translate_batch([retry])
            retry_text, retry_fixed = self._repaired(segment, results[-1].text, ctx)
            retry_findings = check_block(BlockPair(segment.id, segment.text, retry_text, segment.marks), ctx)
            if _score(retry_findings) < _score(findings):
                best, findings, fixed = retry_text, retry_findings, retry_fixed
        retries = len(results) - self.candidates
        notes = []
        if retries:
            left = "; ".join(_feedback(findings))
            notes.append(
                f"retried once; still: {left}" if left else "retried once; the retry passed the checks"
            )
        kept = _source_kept(segment, best, ctx, notes, results, findings, retries)
        if kept is not None:
            return kept
        if segment.marks and markup_problems(best, segment.marks):
            translate_span = self._translate_span(source_lang, target_lang, results)
            best, repair_notes = repair_markup(segment, best, translate_span)
            notes += repair_notes
        best, fixed_after_markup = self._repaired(segment, best, ctx)
        findings = check_block(BlockPair(segment.id, segment.text, best, segment.marks), ctx)
        return _Outcome(best, notes, results, fixed + fixed_after_markup + findings, retries)

    def _translate_sentencewise(
        self, segs: list[Segment], source_lang: str, target_lang: str
    ) -> dict[str, _Outcome]:
        """For a sentence-level engine: every sentence of `segs` (and every inline span's words, for
        putting the markup back) in one `translate_batch`; each block put back together, its spans
        placed sentence by sentence, repaired and checked as usual. Blocks with findings the engine
        can fix are retried together in one more batch (the engine decodes a retry with a wider beam);
        `--quality best` adds a batch per sampled candidate."""
        ctx = QaContext(source_lang, target_lang, self.glossary)
        batch = _SentenceBatch(self.engine, segs, source_lang, target_lang)
        first = batch.run({s.id for s in segs}, with_spans=True)
        texts = {s.id: batch.assemble(s, first[s.id]) for s in segs}
        best: dict[str, tuple[str, list[QaFinding], list[QaFinding]]] = {}
        for seg in segs:
            text, fixed = self._repaired(seg, texts[seg.id], ctx)
            best[seg.id] = (text, fixed, check_block(BlockPair(seg.id, seg.text, text, seg.marks), ctx))
        if self.candidates > 1:
            options = {s.id: [texts[s.id]] for s in segs}
            for n in self._samples():
                sampled = batch.run({s.id for s in segs}, sample=n)
                for seg in segs:
                    options[seg.id].append(batch.assemble(seg, sampled[seg.id]))
            for seg in segs:
                text, fixed, findings = self._choose(seg, options[seg.id], ctx)
                best[seg.id] = (text, fixed, findings)
        retried: set[str] = set()
        for _ in range(self.retries):
            problems = {s.id: _feedback(best[s.id][2]) for s in segs if _feedback(best[s.id][2])}
            if not problems:
                break
            again = batch.run(set(problems), feedback={k: "; ".join(v) for k, v in problems.items()})
            for seg in (s for s in segs if s.id in problems):
                retried.add(seg.id)
                text, fixed = self._repaired(seg, batch.assemble(seg, again[seg.id]), ctx)
                findings = check_block(BlockPair(seg.id, seg.text, text, seg.marks), ctx)
                if _score(findings) < _score(best[seg.id][2]):
                    best[seg.id] = (text, fixed, findings)
        outcomes: dict[str, _Outcome] = {}
        for seg in segs:
            text, fixed, findings = best[seg.id]
            notes = list(dict.fromkeys(batch.notes.get(seg.id, [])))
            retries = int(seg.id in retried)
            if retries:
                left = "; ".join(_feedback(findings))
                notes.append(
                    f"retried once; still: {left}" if left else "retried once; the retry passed the checks"
                )
            results = batch.results[seg.id]
            kept = _source_kept(seg, text, ctx, notes, results, findings, retries)
            if kept is not None:
                outcomes[seg.id] = kept
                continue
            if seg.marks and markup_problems(text, seg.marks):
                text, repair_notes = repair_markup(seg, text, batch.span_translation)
                notes += repair_notes
            text, fixed_after_markup = self._repaired(seg, text, ctx)
            findings = check_block(BlockPair(seg.id, seg.text, text, seg.marks), ctx)
            outcomes[seg.id] = _Outcome(text, notes, results, fixed + fixed_after_markup + findings, retries)
        return outcomes

    def _choose(
        self, segment: Segment, texts: list[str], ctx: QaContext
    ) -> tuple[str, list[QaFinding], list[QaFinding]]:
        """The candidate with the fewest QA findings (errors first); ties go to the one closest to the
        others (minimum Bayes risk on chrF), the greedy one first among equals."""
        scored = []
        for text in texts:
            repaired, fixed = self._repaired(segment, text, ctx)
            findings = check_block(BlockPair(segment.id, segment.text, repaired, segment.marks), ctx)
            scored.append((repaired, fixed, findings))
        plain = [plain_text(text) for text, _, _ in scored]
        consensus = [
            sum(_chrf(hyp, other) for j, other in enumerate(plain) if j != i) for i, hyp in enumerate(plain)
        ]
        order = sorted(range(len(scored)), key=lambda i: (_score(scored[i][2]), -consensus[i], i))
        text, fixed, findings = scored[order[0]]
        return text, fixed, findings

    def _repaired(self, segment: Segment, text: str, ctx: QaContext) -> tuple[str, list[QaFinding]]:
        if not self.repair or not text.strip():
            return text, []
        return repair_block(BlockPair(segment.id, segment.text, text, segment.marks), ctx)

    def _translate_span(
        self, source_lang: str, target_lang: str, results: list[TranslationResult]
    ) -> Callable[[str], str]:
        """Translate a lost span's words alone (counted in `results`, so timings stay honest)."""

        def translate(text: str) -> str:
            request = TranslationRequest(
                text=text, source_lang=source_lang, target_lang=target_lang, style=style_guide(target_lang)
            )
            results.extend(self.engine.translate_batch([request]))
            return results[-1].text

        return translate


class _SentenceBatch:
    """The sentences of some segments, sent to a sentence-level engine in one batch per pass."""

    def __init__(self, engine: Engine, segs: list[Segment], source_lang: str, target_lang: str) -> None:
        self.engine = engine
        self.segs = segs
        self.source_lang, self.target_lang = source_lang, target_lang
        self.pieces: dict[str, list[Piece]] = {s.id: split_sentences(s.text, source_lang) for s in segs}
        self.results: dict[str, list[TranslationResult]] = {s.id: [] for s in segs}
        self.notes: dict[str, list[str]] = {}
        self.spans: dict[str, str] = {}  # a span's source words → their translation

    def run(
        self,
        ids: set[str],
        *,
        sample: int = 0,
        feedback: dict[str, str] | None = None,
        with_spans: bool = False,
    ) -> dict[str, list[str]]:
        """Translate the sentences of the segments `ids`; their translations, sentence by sentence."""
        requests: list[TranslationRequest] = []
        owners: list[str] = []
        for seg in (s for s in self.segs if s.id in ids):
            for piece in self.pieces[seg.id]:
                requests.append(
                    self._request(plain_text(piece.text), seg.kind, sample, (feedback or {}).get(seg.id))
                )
                owners.append(seg.id)
        words: list[str] = []
        if with_spans:
            words = sorted(
                {inner.strip() for seg in self.segs for name, inner in spans(seg.text) if name} - {""}
            )
            requests += [self._request(text, "paragraph", 0, None) for text in words]
        answers = self.engine.translate_batch(requests) if requests else []
        out: dict[str, list[str]] = {i: [] for i in ids}
        for owner, answer in zip(owners, answers, strict=False):
            out[owner].append(answer.text)
            self.results[owner].append(answer)
        for text, answer in zip(words, answers[len(owners) :], strict=True):
            self.spans[text] = answer.text
            if self.segs:  # counted once, with the first segment, so timings stay whole
                self.results[self.segs[0].id].append(answer)
        return out

    def _request(self, text: str, kind: SegmentKind, sample: int, feedback: str | None) -> TranslationRequest:
        return TranslationRequest(
            text=text,
            source_lang=self.source_lang,
            target_lang=self.target_lang,
            kind=kind,
            sample=sample,
            feedback=feedback,
        )

    def span_translation(self, words: str) -> str:
        """A span's words, translated in the first batch (or now, if they were not)."""
        key = plain_text(words).strip()
        if key not in self.spans:
            answer = self.engine.translate_batch([self._request(key, "paragraph", 0, None)])[0]
            self.spans[key] = answer.text
            if self.segs:
                self.results[self.segs[0].id].append(answer)
        return self.spans[key]

    def assemble(self, seg: Segment, translated: list[str]) -> str:
        """A block from its translated sentences, each sentence's spans put back around its words."""
        parts: list[str] = []
        for piece, text in zip(self.pieces[seg.id], translated, strict=True):
            names = [n for n in piece.tags if n in seg.marks]
            if names and text.strip():
                marks = {n: seg.marks[n] for n in names}
                text, notes = repair_markup(
                    Segment(seg.id, seg.kind, piece.text, marks), text, self.span_translation
                )
                for note in notes:
                    if "whole block" in note:
                        self.notes.setdefault(seg.id, []).append(
                            note.replace("whole block", "whole sentence")
                        )
            parts.append(text)
        return join_sentences(parts, self.target_lang)


def _assemble(
    article: Article,
    source_lang: str,
    target_lang: str,
    done: dict[str, _Outcome],
    provenance: Provenance,
    timings: Timings,
) -> Edition:
    def text_of(segment_id: str) -> str | None:
        outcome = done.get(segment_id)
        return outcome.text if outcome else None

    # What reading the article fixed (bidi controls removed …) sits next to the segment's QA findings.
    block_ids = {block.id for block in article.blocks}
    read_findings = _read_findings(article)

    def edition_block(block: Block) -> EditionBlock:
        return _edition_block(block, done[block.id], read_findings.get(block.id, []))

    return Edition(
        article_id=article.id,
        source_lang=source_lang,
        target_lang=target_lang,
        headline=text_of("headline") or article.headline,
        source_headline=article.headline,
        standfirst=text_of("standfirst"),
        byline=article.byline,
        dateline=text_of("dateline"),
        blocks=[edition_block(block) for block in article.blocks],
        findings=[f for f in article.findings if f.block_id not in block_ids]
        + [f for key in ("headline", "standfirst", "dateline") if key in done for f in done[key].findings],
        provenance=provenance,
        timings=timings,
    )


def _read_findings(article: Article) -> dict[str, list[QaFinding]]:
    found: dict[str, list[QaFinding]] = {}
    for finding in article.findings:
        found.setdefault(finding.block_id, []).append(finding)
    return found


def _edition_block(block: Block, outcome: _Outcome, read_findings: list[QaFinding]) -> EditionBlock:
    return EditionBlock(
        source_id=block.id,
        kind=block.kind,
        text=outcome.text,
        marks=dict(block.marks),
        level=block.level,
        ordered=block.ordered,
        path=list(block.path),
        src=block.src,
        notes=outcome.notes,
        findings=read_findings + outcome.findings,
        retries=outcome.retries,
    )
