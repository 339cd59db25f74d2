"""Condensed editions within a word budget: pick the source sentences that carry the story, translate
them with the usual pipeline, and check that nothing was invented.

The plan is extractive and readable. The body is cut into units (a sentence; sentences that share a
quotation, or a span of inline markup, stay together) and each unit gets a score an editor can
recompute by hand (`score_unit`):

    lead        the first sentence of the first paragraph: always kept
    position    1 / (1 + p / 4) for paragraph p (0, 1, 2 …): the story comes first in news copy
    first       +0.3 for the first sentence of a paragraph (it usually says what the paragraph is about)
    facts       +0.3 a number, +0.2 a name (a capitalised word inside the sentence), at most +1.5
    quote       +0.6 for a direct quotation with its speaker
    conclusion  +0.5 for a sentence of the last paragraph

Units are taken best first while their estimated length in the target language fits the budget, and
put back in source order; subheads are left out. The edition's words (standfirst and body; the
headline is not counted) are then counted, and the plan is corrected a sentence at a time (the least
useful kept one out, or the most useful left-out one in) until they are within 10 % of the budget;
only the blocks that changed are translated again. The edition says it is an adaptation (its
`adaptation` and its provenance), and lists what was left out, and why, for the review page.

The invariants (no number, date, name or quotation that the source lacks, quotes whole, speakers kept,
the lead fact kept) are checked by `qa.condensed` with severity error, and they act: a kept sentence
whose translation adds or alters a fact (after the pipeline's own repairs and retry) is left out, its
block translated again, and the budget refilled from the sentences not yet tried. An extractive edition
can always say less; it must never say what the source does not. The lead is never left out: an error
on it stays for the editor.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from editions.document import (
    PLACEHOLDER_RE,
    Adaptation,
    Article,
    Block,
    Edition,
    LeftOut,
    plain_text,
)
from editions.errors import UsageError
from editions.pipeline import Pipeline, ProgressCallback
from editions.qa.align import sentences
from editions.qa.condensed import check_condensed, edition_words, inventions, quotes
from editions.vocabulary import FindingCode

RULE = "condense-r1"
MIN_WORDS, MAX_WORDS = 50, 5000
TOLERANCE = 0.10
_MAX_CORRECTIONS = 8  # budget steps
_MAX_STEPS = 24  # budget steps and sentences left out for an invention, together
_LEAD_CANDIDATES = 5  # a lead whose translation lost its fact: greedy + 4 sampled, the best kept,
_LEAD_RESCUES = 2  # at most twice (samples 1-4, then 5-8)
# Target words per English word, measured on our own articles (docs/QUALITY.md); a first guess only:
# the plan is corrected on the words actually written.
WORD_RATIO = {"fr": 1.2, "vi": 1.45, "es": 1.15, "de": 0.95, "pt": 1.15, "it": 1.1}
_BODY_KINDS = ("paragraph", "quote", "list_item")
_NAME_RE = re.compile(r"(?<=\s)[A-Z][\w'’-]+")
_NUMBER_RE = re.compile(r"\d")


@dataclass
class Unit:
    """A sentence (or sentences that must stay together) of one block."""

    block_id: str
    paragraph: int  # index among the body's paragraphs
    index: int  # order in its block
    text: str  # with its inline markup
    last_paragraph: bool
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    lead: bool = False

    @property
    def plain(self) -> str:
        return plain_text(self.text)

    @property
    def words(self) -> int:
        return len(self.plain.split())


@dataclass
class Plan:
    """Which units are kept; `kept` holds (block id, unit index) pairs."""

    units: list[Unit]
    kept: set[tuple[str, int]]
    budget: int
    # units left out because their translation added or altered a fact: never taken again
    dropped: dict[tuple[str, int], str] = field(default_factory=dict)

    def kept_units(self) -> list[Unit]:
        return [u for u in self.units if (u.block_id, u.index) in self.kept]

    def left_units(self) -> list[Unit]:
        return [u for u in self.units if (u.block_id, u.index) not in self.kept]


def check_budget(words: int) -> int:
    if not MIN_WORDS <= words <= MAX_WORDS:
        raise UsageError(f"--words must be between {MIN_WORDS} and {MAX_WORDS} (got {words})")
    return words


def split_units(article: Article) -> list[Unit]:
    """The body's sentences as units, in order; sentences that share a quote or a span are joined."""
    body = [block for block in article.blocks if block.kind in _BODY_KINDS]
    units: list[Unit] = []
    for paragraph, block in enumerate(body):
        pieces = [block.text[s:e] for s, e in sentences(block.text)] or [block.text]
        joined: list[str] = []
        for piece in pieces:
            if joined and not _closed(joined[-1]):
                joined[-1] = f"{joined[-1]} {piece}"
            else:
                joined.append(piece)
        for index, text in enumerate(joined):
            units.append(Unit(block.id, paragraph, index, text.strip(), paragraph == len(body) - 1))
    for unit in units:
        score_unit(unit)
    if units:
        units[0].lead = True
        units[0].reasons.insert(0, "lead")
    return units


def _closed(text: str) -> bool:
    """No quotation and no inline span is open at the end of `text`."""
    plain = plain_text(text)
    curly = plain.count("“") == plain.count("”") and plain.count("«") == plain.count("»")
    straight = plain.count('"') % 2 == 0
    tags = PLACEHOLDER_RE.findall(text)
    opened = sum(1 for m in PLACEHOLDER_RE.finditer(text) if not m.group(0).startswith("</"))
    return curly and straight and opened * 2 == len(tags)


def score_unit(unit: Unit) -> None:
    """The readable rule of the module docstring; `reasons` says what counted."""
    position = 1 / (1 + unit.paragraph / 4)
    unit.score = position
    unit.reasons = [f"position {position:.2f}"]
    if unit.index == 0:
        unit.score += 0.3
        unit.reasons.append("first sentence")
    plain = unit.plain
    numbers = len(re.findall(r"\d+(?:[.,]\d+)*", plain))
    names = len(_NAME_RE.findall(plain))
    facts = min(1.5, 0.3 * numbers + 0.2 * names)
    if facts:
        unit.score += facts
        unit.reasons.append(f"{numbers} numbers, {names} names")
    if quotes(plain, "en"):
        unit.score += 0.6
        unit.reasons.append("quote")
    if unit.last_paragraph:
        unit.score += 0.5
        unit.reasons.append("conclusion")


def plan(article: Article, budget: int, target_lang: str) -> Plan:
    """The first plan: best units first while their estimated target length fits the budget."""
    units = split_units(article)
    ratio = WORD_RATIO.get(target_lang, 1.15)
    room = budget / ratio - len((article.standfirst or "").split())
    kept: set[tuple[str, int]] = set()
    for unit in sorted(units, key=lambda u: (not u.lead, -u.score)):
        if unit.lead or unit.words <= room:
            kept.add((unit.block_id, unit.index))
            room -= unit.words
    return Plan(units, kept, budget)


def condensed_article(article: Article, chosen: Plan) -> Article:
    """The source with only the kept units: blocks keep their ids (the review page maps them back)."""
    by_block: dict[str, list[Unit]] = {}
    for unit in chosen.kept_units():
        by_block.setdefault(unit.block_id, []).append(unit)
    blocks: list[Block] = []
    for block in article.blocks:
        kept = by_block.get(block.id)
        if not kept:
            continue
        text = " ".join(unit.text for unit in kept)
        names = {f"{m.group(1)}{m.group(2)}" for m in PLACEHOLDER_RE.finditer(text)}
        marks = {name: mark for name, mark in block.marks.items() if name in names}
        blocks.append(block.model_copy(update={"text": text, "marks": marks}))
    kept_ids = {block.id for block in blocks}
    findings = [f for f in article.findings if f.block_id in kept_ids or not f.block_id.startswith("b")]
    return article.model_copy(update={"blocks": blocks, "findings": findings})


def translate_condensed(
    pipeline: Pipeline,
    article: Article,
    target_lang: str,
    budget: int,
    progress: ProgressCallback | None = None,
    *,
    leave_out_inventions: bool = True,
) -> Edition:
    """A condensed edition of `article` in `target_lang`, within ±10 % of `budget` words when the
    article has that many; the invariant checks' findings on its blocks and headline. Kept sentences
    whose translation adds or alters a fact are left out (`leave_out_inventions=False` only flags them:
    for tests of the budget alone)."""
    check_budget(budget)
    source_lang = article.source_lang or "en"
    chosen = plan(article, budget, target_lang)
    short = condensed_article(article, chosen)
    pipeline_ = pipeline.for_adaptation(f"condensed:{budget}")
    edition = pipeline_.translate_one(short, target_lang, source_lang, progress)
    calls = edition.timings
    corrections = 0
    lead_rescues = 0
    isolated = False
    for _ in range(_MAX_STEPS):
        checked = check_condensed(article, short, edition)
        lead_block = _lead_in_trouble(chosen, checked)
        if lead_block and lead_rescues < _LEAD_RESCUES:  # the lead cannot be left out: translate it
            # again as the best of several candidates (fewest QA errors), other samples each time
            rescue = pipeline_.with_candidates(_LEAD_CANDIDATES, 1 + lead_rescues * (_LEAD_CANDIDATES - 1))
            lead_rescues += 1
            edition, calls = rescue.retranslate(short, edition, {lead_block}, calls)
            continue
        if lead_block and not isolated and leave_out_inventions and _isolate_lead(chosen, lead_block):
            # still in trouble: the sentences beside it in its paragraph are left out, so that the
            # engine translates the lead sentence alone, and it gets its rescues again
            isolated, lead_rescues = True, 0
            short = condensed_article(article, chosen)
            edition, calls = pipeline_.retranslate(short, edition, {lead_block}, calls)
            continue
        before = len(chosen.dropped)
        changed = _drop_inventions(chosen, short, checked) if leave_out_inventions else set()
        if changed and corrections and len(chosen.dropped) > before:
            corrections -= 1  # the sentence a budget step took in was left out again: a free step
        if not changed:
            words = edition_words(edition)
            if abs(words - budget) <= TOLERANCE * budget or corrections >= _MAX_CORRECTIONS:
                break
            corrections += 1
            changed = _correct(chosen, words, budget, target_lang)
        if not changed:
            break
        short = condensed_article(article, chosen)
        edition, calls = pipeline_.retranslate(short, edition, changed, calls)
    edition = edition.model_copy(update={"timings": calls})
    return _finish(article, short, edition, chosen)


LEAD_ALONE = "left out so that the lead sentence, whose translation lost a fact, is translated alone"


def _isolate_lead(chosen: Plan, block_id: str) -> bool:
    """Leave out the kept units beside the lead in its block; False if there were none."""
    companions = [u for u in chosen.kept_units() if u.block_id == block_id and not u.lead]
    for unit in companions:
        key = (unit.block_id, unit.index)
        chosen.kept.discard(key)
        chosen.dropped[key] = LEAD_ALONE
    return bool(companions)


def _lead_in_trouble(chosen: Plan, checked: Edition) -> str | None:
    """The lead's block id when its translation lost the lead fact or invents one, else None."""
    lead = next((u for u in chosen.kept_units() if u.lead), None)
    if lead is None:
        return None
    block = next((b for b in checked.blocks if b.source_id == lead.block_id), None)
    lost = any(f.code == FindingCode.LEAD_MISSING for f in checked.findings)
    lost = lost or (block is not None and any(f.code == FindingCode.LEAD_MISSING for f in block.findings))
    return lead.block_id if lost or (block is not None and inventions(block)) else None


def _drop_inventions(chosen: Plan, short: Article, checked: Edition) -> set[str]:
    """Leave out the kept units whose translation adds or alters a fact; the ids of their blocks."""
    changed: set[str] = set()
    by_block: dict[str, list[Unit]] = {}
    for unit in chosen.kept_units():
        by_block.setdefault(unit.block_id, []).append(unit)
    for block in checked.blocks:
        for finding in inventions(block):
            units = by_block.get(block.source_id, [])
            for unit in _culprits(units, block.plain, finding.target_span, finding.code):
                key = (unit.block_id, unit.index)
                if unit.lead or key in chosen.dropped:
                    continue
                chosen.kept.discard(key)
                chosen.dropped[key] = finding.message
                changed.add(unit.block_id)
    return changed


def _culprits(units: list[Unit], target: str, span: tuple[int, int] | None, code: str) -> list[Unit]:
    """The kept units of a block that the target text at `span` translates: by sentence when the
    counts agree, else by the share of the source's length; every unit (the quoting ones for a quote
    finding) when the finding has no span."""
    if len(units) <= 1:
        return units
    if span is None:
        quoting = [u for u in units if quotes(u.plain, "en")]
        return quoting if code.startswith(("quote.", "speaker.")) and quoting else units
    counts = [max(1, len(sentences(u.plain))) for u in units]
    spans = sentences(target)
    if len(spans) == sum(counts):
        index = next((i for i, (s, e) in enumerate(spans) if s <= span[0] < e), len(spans) - 1)
        for unit, count in zip(units, counts, strict=True):
            if index < count:
                return [unit]
            index -= count
    share = span[0] / max(1, len(target))
    total = sum(len(u.plain) for u in units)
    edge = 0.0
    for unit in units:
        edge += len(unit.plain) / total
        if share < edge:
            return [unit]
    return [units[-1]]


def _correct(chosen: Plan, words: int, budget: int, target_lang: str) -> set[str]:
    """One step towards the budget: the least useful kept unit out, or the most useful left-out one
    in; the ids of the blocks that changed (empty: nothing can move closer)."""
    ratio = WORD_RATIO.get(target_lang, 1.15)
    if words > budget:
        candidates = [u for u in chosen.kept_units() if not u.lead]
        # the one whose removal lands closest to the budget, the least useful among equals
        best = min(
            candidates,
            key=lambda u: (abs(words - u.words * ratio - budget), u.score),
            default=None,
        )
        if best is None or abs(words - best.words * ratio - budget) >= abs(words - budget):
            return set()
        chosen.kept.discard((best.block_id, best.index))
        return {best.block_id}
    free = [u for u in chosen.left_units() if (u.block_id, u.index) not in chosen.dropped]
    fits = [u for u in free if words + u.words * ratio <= budget * (1 + TOLERANCE)]
    if fits:
        best = max(fits, key=lambda u: u.score)
    else:  # none fits: the one that lands closest, if closer than now (a later step takes one out)
        best = min(free, key=lambda u: (abs(words + u.words * ratio - budget), -u.score), default=None)
        if best is None or abs(words + best.words * ratio - budget) >= abs(words - budget):
            return set()
    chosen.kept.add((best.block_id, best.index))
    return {best.block_id}


def _finish(article: Article, short: Article, edition: Edition, chosen: Plan) -> Edition:
    left_out = [
        LeftOut(
            block_id=u.block_id,
            text=u.plain,
            whole_block=not any(b.id == u.block_id for b in short.blocks),
            reason=chosen.dropped.get((u.block_id, u.index), "budget"),
        )
        for u in chosen.left_units()
    ]
    left_out += [
        LeftOut(block_id=b.id, text=b.plain, whole_block=True, reason="not body text")
        for b in article.blocks
        if b.kind not in _BODY_KINDS
    ]
    left_out.sort(key=lambda item: [b.id for b in article.blocks].index(item.block_id))
    adaptation = Adaptation(
        mode="condensed",
        budget_words=chosen.budget,
        words=edition_words(edition),
        source_words=sum(len(b.plain.split()) for b in article.blocks)
        + len((article.standfirst or "").split()),
        rule=RULE,
        kept={block.id: block.text for block in short.blocks},
        left_out=left_out,
    )
    edition = edition.model_copy(update={"adaptation": adaptation})
    return check_condensed(article, short, edition)


def plan_table(article: Article, budget: int, target_lang: str) -> list[dict[str, object]]:
    """The first plan as rows (kept, score, reasons, words, text): what `editions condense-plan` prints."""
    chosen = plan(article, budget, target_lang)
    return [
        {
            "block": u.block_id,
            "kept": (u.block_id, u.index) in chosen.kept,
            "score": round(u.score, 2),
            "reasons": ", ".join(u.reasons),
            "words": u.words,
            "text": u.plain,
        }
        for u in chosen.units
    ]


__all__: Sequence[str] = (
    "RULE",
    "Plan",
    "Unit",
    "check_budget",
    "condensed_article",
    "plan",
    "plan_table",
    "split_units",
    "translate_condensed",
)
