"""Article → editions: segment, translate with document context, check, retry once, repair markup.

Data flows one way: an `Article` comes in, the engine is called through its one batch method, and an
`Edition` per target language comes out. Languages are translated one after the other on an engine
that runs one request at a time (so its prompt cache stays warm), side by side on one that doesn't.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from editions.document import (
    Article,
    Block,
    Edition,
    EditionBlock,
    Mark,
    Timings,
    markup_problems,
    plain_text,
)
from editions.engines.base import Engine, TranslationRequest, TranslationResult
from editions.langid import detect_language
from editions.languages import parse_targets
from editions.qa.numbers import missing_numbers
from editions.segment import Segment, repair_markup, segments

ProgressCallback = Callable[[str, int, int], None]  # (target language, segments done, segments total)

# Below this many letters lingua's verdict on a block is not worth a retry.
_MIN_LETTERS_FOR_LANGID = 24


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


def problems_with(segment: Segment, text: str, source_lang: str, target_lang: str) -> list[str]:
    """What makes a translation unusable as it stands (worth one retry with this as feedback)."""
    if not text.strip():
        return ["the translation is empty"]
    problems = markup_problems(text, segment.marks)
    source_len = len(segment.text)
    if source_len >= 40 and len(text) < 0.4 * source_len:
        problems.append("the translation is much shorter than the passage; something was left out")
    lost = missing_numbers(plain_text(segment.text), plain_text(text), source_lang, target_lang)
    if lost:
        shown = ", ".join(format(value, "f") for value in lost)
        problems.append(f"numbers missing from the translation: {shown}")
    if sum(ch.isalpha() for ch in text) >= _MIN_LETTERS_FOR_LANGID:
        found = detect_language(text)
        if found is not None and found != target_lang:
            problems.append(f"the translation is not in the target language (looks like {found!r})")
    return problems


@dataclass
class _Outcome:
    text: str
    notes: list[str]
    results: list[TranslationResult]


class Pipeline:
    """Translates articles with one engine; `translate` fans one article out to several languages."""

    def __init__(self, engine: Engine, *, context_chars: int = 2400, retries: int = 1) -> None:
        self.engine = engine
        self.context_chars = context_chars
        self.retries = retries

    def translate(
        self,
        article: Article,
        targets: str | Sequence[str],
        progress: ProgressCallback | None = None,
    ) -> list[Edition]:
        languages = parse_targets(list(targets) if not isinstance(targets, str) else targets)
        source_lang = article.source_lang or "en"
        workers = len(languages) if self.engine.concurrent else 1
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
        for index, segment in enumerate(parts):
            if segment.text.strip() and source_lang != target_lang:
                outcome = self._translate_segment(segment, source_lang, target_lang, window)
            else:  # nothing to translate, or already in the target language
                outcome = _Outcome(segment.text, [], [])
            done[segment.id] = outcome
            window.add(segment.text, outcome.text)
            if progress:
                progress(target_lang, index + 1, len(parts))
        results = [r for outcome in done.values() for r in outcome.results]
        timings = Timings(
            wall_s=time.perf_counter() - started,
            engine_s=sum(r.engine_s for r in results),
            prompt_tokens=sum(r.prompt_tokens for r in results),
            generated_tokens=sum(r.generated_tokens for r in results),
            engine_calls=len(results),
        )
        return _assemble(article, source_lang, target_lang, done, self.engine, timings)

    def _translate_segment(
        self, segment: Segment, source_lang: str, target_lang: str, window: ContextWindow
    ) -> _Outcome:
        request = TranslationRequest(
            text=segment.text,
            source_lang=source_lang,
            target_lang=target_lang,
            kind=segment.kind,
            context=window.snapshot(),
        )
        results = self.engine.translate_batch([request])
        best = results[0].text
        problems = problems_with(segment, best, source_lang, target_lang)
        for _ in range(self.retries):
            if not problems:
                break
            retry = TranslationRequest(**{**request.__dict__, "feedback": "; ".join(problems)})
            results += self.engine.translate_batch([retry])
            retry_problems = problems_with(segment, results[-1].text, source_lang, target_lang)
            if len(retry_problems) < len(problems):
                best, problems = results[-1].text, retry_problems
        notes = [f"after retry: {p}" for p in problems] if len(results) > 1 else []
        if not best.strip():
            notes.append("engine returned nothing; source text kept for the editor")
            return _Outcome(segment.text, notes, results)
        if segment.marks and markup_problems(best, segment.marks):
            translate_span = self._translate_span(source_lang, target_lang, results)
            best, repair_notes = repair_markup(segment, best, translate_span)
            notes += repair_notes
        return _Outcome(best, notes, results)

    def _translate_span(
        self, source_lang: str, target_lang: str, results: list[TranslationResult]
    ) -> Callable[[str], str]:
        """Translate a lost span's words alone (counted in `results`, so timings stay honest)."""

        def translate(text: str) -> str:
            request = TranslationRequest(text=text, source_lang=source_lang, target_lang=target_lang)
            results.extend(self.engine.translate_batch([request]))
            return results[-1].text

        return translate


def _assemble(
    article: Article,
    source_lang: str,
    target_lang: str,
    done: dict[str, _Outcome],
    engine: Engine,
    timings: Timings,
) -> Edition:
    def text_of(segment_id: str) -> str | None:
        outcome = done.get(segment_id)
        return outcome.text if outcome else None

    def edition_block(block: Block) -> EditionBlock:
        outcome = done[block.id]
        return EditionBlock(
            source_id=block.id,
            kind=block.kind,
            text=outcome.text,
            marks={name: Mark(kind=m.kind, href=m.href) for name, m in block.marks.items()},
            level=block.level,
            ordered=block.ordered,
            notes=outcome.notes,
        )

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
        provenance=engine.provenance,
        timings=timings,
    )
