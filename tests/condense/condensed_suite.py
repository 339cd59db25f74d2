"""The condensed-mode measures, shared by tests/condense and benchmarks/condensed.py.

The set: examples/condensed/*.md, English articles of 800-1,200 words we wrote, each with a sidecar
`*.facts.json` listing its lead sentence, its facts (numbers, dates, weekdays, names) and its quotes
with their speakers.

Measures of one condensed edition (`measure`):
  words / within      the edition's words (standfirst and body) and whether within ±10 % of the budget
  invented            numbers in the edition that the whole source lacks (read either language's way),
                      plus the invariant errors left in it (fact.invented, quote.altered, speaker.changed,
                      and name/date/weekday/number additions, raised to errors in a condensed edition)
  lead                the lead sentence is the first kept text and its numbers are in the first block
  facts kept          the share of the listed facts whose sentence was kept (numbers: and whose value is
                      in the edition's block)

Planted invented facts (`plant`): each edition's blocks are changed the way an unfaithful adaptation
would change them, one change at a time, and the block is checked again (block checks, then the
condensed invariants). A plant is caught when the block has an error it did not have before.
  number    a number the source has gets another last digit
  quote     a quotation cut to its first half; or its words after the first half replaced by the
            second half of another quotation of the article (two quotes merged)
  speaker   the speaker's surname in a quotation's sentence replaced by another speaker of the article
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from editions.document import Article, Edition, adapted_source
from editions.glossary import Glossary
from editions.ingest import read_article
from editions.qa import BlockPair, QaContext, check_block
from editions.qa.condensed import check_condensed, edition_words, quotes, speaker_of
from editions.qa.numbers import number_values, spelled_numbers, values_either_way

ROOT = Path(__file__).resolve().parents[2]
SET_DIR = ROOT / "examples" / "condensed"
ERROR_CODES = {
    "fact.invented",
    "quote.altered",
    "speaker.changed",
    "lead.missing",
    "number.added",
    "date.added",
    "weekday.added",
    "name.unsupported",
}
INVENTED_CODES = ERROR_CODES - {"lead.missing"}


@dataclass
class Case:
    name: str
    path: Path
    facts: dict[str, Any]

    def article(self) -> Article:
        return read_article(self.path, source_lang="en")


def load_set() -> list[Case]:
    cases = []
    for path in sorted(SET_DIR.glob("*.md")):
        facts = path.with_name(path.name + ".facts.json")
        data = json.loads(facts.read_text(encoding="utf-8")) if facts.exists() else {}
        cases.append(Case(path.stem, path, data))
    return cases


def _errors(edition: Edition) -> list[tuple[str, str]]:
    found = [*edition.findings, *(f for b in edition.blocks for f in b.findings)]
    return [(f.block_id, f.code) for f in found if f.severity == "error" and not f.fixed]


def measure(case: Case, article: Article, edition: Edition) -> dict[str, Any]:
    assert edition.adaptation is not None
    budget = edition.adaptation.budget_words
    words = edition_words(edition)
    whole = " ".join([article.headline, article.standfirst or "", *(b.plain for b in article.blocks)])
    wanted = number_values(whole, "en") + spelled_numbers(whole, "en")
    invented_numbers = [
        f"{value:f}"
        for block in edition.blocks
        for value in values_either_way(block.plain, edition.target_lang, "en", wanted)
        if value not in wanted
    ]
    errors = _errors(edition)
    kept = adapted_source(article, edition)
    kept_text = " ".join(b.plain for b in kept.blocks)
    lead = case.facts.get("lead", {}).get("sentence", "")
    lead_kept = (
        bool(kept.blocks)
        and kept.blocks[0].plain.startswith(lead[:60])
        and not any(code == "lead.missing" for _, code in errors)
    )
    listed = case.facts.get("facts", [])
    by_block = {b.source_id: b.plain for b in edition.blocks}
    kept_facts = 0
    for fact in listed:
        if fact["text"] not in kept_text:
            continue
        if fact["kind"] == "number":
            block = next((b for b in kept.blocks if fact["text"] in b.plain), None)
            values = number_values(fact["text"], "en")
            target = by_block.get(block.id, "") if block else ""
            found = values_either_way(target, edition.target_lang, "en", values)
            if any(found[v] == 0 for v in values):
                continue
        kept_facts += 1
    return {
        "article": case.name,
        "to": edition.target_lang,
        "budget": budget,
        "words": words,
        "within": abs(words - budget) <= 0.10 * budget,
        "source_words": edition.adaptation.source_words,
        "invented_numbers": invented_numbers,
        "invariant_errors": [f"{b}:{c}" for b, c in errors if c in INVENTED_CODES],
        "invented": len(invented_numbers) + sum(c in INVENTED_CODES for _, c in errors),
        "lead_kept": lead_kept,
        "facts": len(listed),
        "facts_kept": kept_facts,
        "left_out": len(edition.adaptation.left_out),
        "left_out_for_facts": sum(
            x.reason not in ("budget", "not body text") for x in edition.adaptation.left_out
        ),
        "engine_s": round(edition.timings.engine_s, 1),
        "engine_calls": edition.timings.engine_calls,
    }


# --- planted invented facts --------------------------------------------------------------------------


@dataclass
class Plant:
    kind: str
    block_id: str
    before: str
    after: str


def _block_errors(article: Article, edition: Edition, block_id: str, text: str) -> set[tuple[str, str]]:
    """The errors of `block_id` with `text` as its translation: block checks, then the invariants."""
    short = adapted_source(article, edition)
    source = next(b for b in short.blocks if b.id == block_id)
    ctx = QaContext(edition.source_lang, edition.target_lang, Glossary.starter())
    findings = check_block(BlockPair(block_id, source.text, text, dict(source.marks)), ctx)
    blocks = [
        b.model_copy(update={"text": text, "findings": findings}) if b.source_id == block_id else b
        for b in edition.blocks
    ]
    checked = check_condensed(article, short, edition.model_copy(update={"blocks": blocks}))
    block = next(b for b in checked.blocks if b.source_id == block_id)
    return {(f.code, f.message) for f in block.findings if f.severity == "error" and not f.fixed}


def plants(article: Article, edition: Edition) -> Iterator[Plant]:
    short = adapted_source(article, edition)
    sources = {b.id: b.plain for b in short.blocks}
    whole = " ".join(sources.values())
    wanted = number_values(whole, "en")
    speakers = sorted(
        {name for text in sources.values() for span in quotes(text, "en") if (name := speaker_of(text, span))}
    )
    all_quotes = [
        edition_block.plain[slice(*span)]
        for edition_block in edition.blocks
        for span in quotes(edition_block.plain, edition.target_lang)
    ]
    for n, block in enumerate(edition.blocks):
        text = block.text
        for match in re.finditer(r"\d+", text):
            digits = match.group(0)
            changed = digits[:-1] + str((int(digits[-1]) + 3) % 10)
            mutated = text[: match.start()] + changed + text[match.end() :]
            if Decimal(changed) not in wanted and number_values(
                mutated, edition.target_lang
            ) != number_values(text, edition.target_lang):
                yield Plant("number", block.source_id, text, mutated)
                break
        said = quotes(sources.get(block.source_id, ""), "en")
        written = quotes(text, edition.target_lang)
        if written and said:
            start, end = written[0]
            words = text[start:end].split()
            half = " ".join(words[: max(1, len(words) // 2)])
            if n % 2 == 0 or len(all_quotes) < 2:
                yield Plant("quote", block.source_id, text, text[:start] + half + text[end:])
            else:
                other = next(q for q in all_quotes if q != text[start:end])
                tail = " ".join(other.split()[len(other.split()) // 2 :])
                yield Plant("quote", block.source_id, text, text[:start] + f"{half} {tail}" + text[end:])
            own = speaker_of(sources[block.source_id], said[0])
            others = [s for s in speakers if own and not set(s.split()) & set(own.split())]
            words = [
                w
                for w in (own or "").split()
                if len(w) > 2 and re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)
            ]
            if words and others:
                swapped = text
                for word in words:  # every word of the name the edition wrote becomes the other's surname
                    swapped = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", others[0].split()[-1], swapped)
                yield Plant("speaker", block.source_id, text, re.sub(r"(\w+) \1\b", r"\1", swapped))


def caught(article: Article, edition: Edition, plant: Plant) -> bool:
    before = _block_errors(article, edition, plant.block_id, plant.before)
    after = _block_errors(article, edition, plant.block_id, plant.after)
    return bool(after - before)
