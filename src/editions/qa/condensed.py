"""The invariants of a condensed edition, checked against the whole source, each an error:

fact.invented     a number in the edition that the whole source does not have (read either
                  language's way); names, dates and weekdays the block's source lacks are already
                  found by the block checks (`name.unsupported`, `date.added`, `weekday.added`),
                  which a condensed edition raises to errors
quote.altered     a block's quotations (4 words or more) in another number than its source's, or one
                  whose numbers, negation or length (0.5–2.0 of what the language expects) changed:
                  quotes are kept whole or left out, never shortened or merged
speaker.changed   the sentence of a quotation names another speaker of the article and not its own
lead.missing      the lead sentence is not the first kept text, or its numbers are not in the
                  edition's first paragraph

Speakers are read from the source: the capitalised words outside the quotation in its sentence, the
nearest to an attribution verb ("said Maria Keller", "Keller said"); a speaker counts as named
in the edition when any word of the name is there.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

from editions.document import Article, Edition, EditionBlock, QaFinding
from editions.qa.align import negation_changed, sentences
from editions.qa.numbers import missing_numbers, number_values, span_of, spelled_numbers, values_either_way
from editions.qa.text import LENGTH_RATIO
from editions.vocabulary import FindingCode

MIN_QUOTE_WORDS = 4
_QUOTE_RES = (
    re.compile(r"“([^“”]+)”"),
    re.compile(r"«\s*([^«»]+?)\s*»"),
    re.compile(r'"([^"]+)"'),
    re.compile(r"„([^„“]+)“"),
)
_VERBS = r"(?:said|says|told|added|asked|warned|explained|noted|wrote|insisted|replied|argued|according to)"
_NAME = r"(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*)"
_NOT_NAMES = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July "
    "August September October November December The This That It He She They We I In On At".split()
)
_ATTRIBUTION = (
    re.compile(rf"\b{_VERBS}\s+{_NAME}"),
    re.compile(rf"{_NAME}\s+{_VERBS}\b"),
    re.compile(rf"{_NAME},[^,\"“”«»]{{1,80}},\s+{_VERBS}\b"),  # "Dahlqvist, the chief executive, said"
    re.compile(rf"\b{_VERBS}\s+[^,\"“”«»]{{1,40}},\s+{_NAME}"),  # "said his daughter, Karen Fraser"
)
# Raised to errors in a condensed edition: the block's source lacks what they point at.
_INVENTED_IN_BLOCK = frozenset(
    {
        FindingCode.NUMBER_ADDED,
        FindingCode.DATE_ADDED,
        FindingCode.WEEKDAY_ADDED,
        FindingCode.NAME_UNSUPPORTED,
    }
)


def quotes(text: str, lang: str) -> list[tuple[int, int]]:
    """Spans of the quotations of `text` (4 words or more; a scare-quoted word is not a quotation),
    in order. `lang` is kept for symmetry: every language's quotation marks are looked for."""
    del lang
    found: list[tuple[int, int]] = []
    for pattern in _QUOTE_RES:
        for match in pattern.finditer(text):
            span = match.span(1)
            if len(match.group(1).split()) < MIN_QUOTE_WORDS:
                continue
            if not any(s <= span[0] < e or span[0] <= s < span[1] for s, e in found):
                found.append(span)
    return sorted(found)


def edition_words(edition: Edition) -> int:
    """The words a budget counts: standfirst and body (the headline is not counted)."""
    return len((edition.standfirst or "").split()) + sum(len(b.plain.split()) for b in edition.blocks)


def speaker_of(text: str, span: tuple[int, int]) -> str | None:
    """The name that the sentence of the quotation at `span` gives it ("said Maria Keller", "Keller
    said:", "said his daughter, Karen Fraser", "according to Keller"), the nearest to the quotation;
    None for "she said"."""
    for start, end in sentences(text):
        if start <= span[0] < end:
            found = [
                (min(abs(m.start() - span[1]), abs(m.end() - span[0])), m.group("name"))
                for pattern in _ATTRIBUTION
                for m in pattern.finditer(text, start, end)
                if not span[0] <= m.start("name") < span[1] and m.group("name").split()[-1] not in _NOT_NAMES
            ]
            return min(found)[1] if found else None
    return None


def check_condensed(article: Article, short: Article, edition: Edition) -> Edition:
    """`edition` with the invariant findings added (on its blocks, or on the headline for the lead)."""
    src, tgt = edition.source_lang, edition.target_lang
    whole = " ".join([article.headline, article.standfirst or "", *(b.plain for b in article.blocks)])
    source_values = number_values(whole, src) + spelled_numbers(whole, src)
    speakers = _speakers(article)
    by_id = {b.id: b for b in short.blocks}
    # every quotation the edition writes, to tell one that took another's words (two merged)
    written = [
        (block.source_id, span, _shingles(block.plain[slice(*span)]))
        for block in edition.blocks
        for span in quotes(block.plain, tgt)
    ]
    blocks: list[EditionBlock] = []
    for block in edition.blocks:
        source = by_id.get(block.source_id)
        if source is None:
            blocks.append(block)
            continue
        findings = [_raised(f) for f in block.findings]
        findings += _invented(block, source_values, src, tgt)
        others = [grams for bid, span, grams in written if bid != block.source_id]
        findings += _quote_findings(block, source.plain, speakers, src, tgt, others)
        blocks.append(block.model_copy(update={"findings": findings}))
    edition = edition.model_copy(update={"blocks": blocks})
    lead = _lead_finding(article, short, edition)
    if lead is not None:
        edition = edition.model_copy(update={"findings": [*edition.findings, lead]})
    return edition


def _raised(finding: QaFinding) -> QaFinding:
    if finding.code in _INVENTED_IN_BLOCK and not finding.fixed and finding.severity != "error":
        return finding.model_copy(
            update={"severity": "error", "message": finding.message + " (a condensed edition adds nothing)"}
        )
    return finding


def _invented(block: EditionBlock, wanted: Counter[Decimal], src: str, tgt: str) -> list[QaFinding]:
    found = values_either_way(block.plain, tgt, src, wanted)
    return [
        QaFinding(
            code=FindingCode.FACT_INVENTED,
            severity="error",
            message=f"the number {value.normalize():f} is nowhere in the source article",
            block_id=block.source_id,
            target_span=(span := span_of(value, block.plain, tgt)),
            target_text=block.plain[slice(*span)] if span else None,
        )
        for value in sorted(found)
        if value not in wanted
    ]


def _speakers(article: Article) -> set[str]:
    """Every surname the source gives a quotation."""
    names: set[str] = set()
    for block in article.blocks:
        for span in quotes(block.plain, "en"):
            name = speaker_of(block.plain, span)
            if name:
                names.add(name)
    return names


_SHINGLE = 5  # words in a row that two different quotations do not share by chance
# A translated quotation's length against what a translation of it would have (LENGTH_RATIO): our
# own human translations run 0.79-1.32 of it; a quotation cut to half runs under 0.7.
QUOTE_LENGTH = (0.7, 1.6)


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)}


def _quote_findings(
    block: EditionBlock,
    source: str,
    speakers: set[str],
    src: str,
    tgt: str,
    other_quotes: list[set[tuple[str, ...]]] | None = None,
) -> list[QaFinding]:
    target = block.plain
    said, written = quotes(source, src), quotes(target, tgt)
    if len(said) != len(written):
        return [
            _finding(
                block,
                FindingCode.QUOTE_ALTERED,
                f"the source has {len(said)} quotation(s) here and the edition {len(written)}: "
                "quotes are kept whole or left out",
            )
        ]
    out: list[QaFinding] = []
    expected = LENGTH_RATIO.get(tgt, 1.1)
    for s_span, t_span in zip(said, written, strict=True):
        s_text, t_text = source[slice(*s_span)], target[slice(*t_span)]
        problems = []
        lost = missing_numbers(s_text, t_text, src, tgt)
        extra = missing_numbers(t_text, s_text, tgt, src)
        if lost or extra:
            problems.append("its numbers changed")
        negation = negation_changed(s_text, t_text, tgt)
        if negation:
            problems.append(f"a negation was {negation}")
        ratio = len(t_text) / max(1, len(s_text)) / expected
        if not QUOTE_LENGTH[0] <= ratio <= QUOTE_LENGTH[1]:
            problems.append(f"its length is {ratio:.1f} times what a translation would have")
        own_words = _shingles(t_text)
        pool = [
            *(other_quotes or []),
            *(_shingles(target[slice(*span)]) for span in written if span != t_span),
        ]
        if any(own_words & grams for grams in pool):
            problems.append(f"it shares {_SHINGLE} or more words in a row with another quotation")
        if problems:
            out.append(
                _finding(
                    block,
                    FindingCode.QUOTE_ALTERED,
                    f"the quotation “{_short(s_text)}” was altered: {', '.join(problems)}",
                    target=t_span,
                    target_text=t_text,
                )
            )
        own = speaker_of(source, s_span)
        if own is None:
            continue
        sentence = _sentence_of(target, t_span)
        if _named(own, sentence):
            continue
        others = sorted(
            name for name in speakers if not set(name.split()) & set(own.split()) and _named(name, sentence)
        )
        if others:
            out.append(
                _finding(
                    block,
                    FindingCode.SPEAKER_CHANGED,
                    f"the quotation “{_short(s_text)}” is {own}'s in the source; the edition gives it to "
                    f"{', '.join(others)}",
                    target=t_span,
                    target_text=t_text,
                )
            )
    return out


def _named(name: str, text: str) -> bool:
    """Any word of `name` (a surname, a given name, one of two surnames) is in `text`."""
    return any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) for word in name.split() if len(word) > 2)


def _sentence_of(text: str, span: tuple[int, int]) -> str:
    for start, end in sentences(text):
        if start <= span[0] < end:
            return text[start:end]
    return text


def _lead_finding(article: Article, short: Article, edition: Edition) -> QaFinding | None:
    body = [b for b in article.blocks if b.kind in ("paragraph", "quote", "list_item")]
    if not body:
        return None
    spans = sentences(body[0].plain)
    lead = body[0].plain[slice(*spans[0])] if spans else body[0].plain
    first = edition.blocks[0] if edition.blocks else None
    kept = bool(short.blocks) and short.blocks[0].plain.startswith(lead)
    lost = missing_numbers(lead, first.plain, edition.source_lang, edition.target_lang) if first else [1]
    if kept and not lost:
        return None
    what = "is not the first kept text" if not kept else f"lost {', '.join(f'{v:f}' for v in lost)}"
    return QaFinding(
        code=FindingCode.LEAD_MISSING,
        severity="error",
        message=f"the lead sentence “{_short(lead)}” {what} in the edition's first paragraph",
        block_id=first.source_id if first else "headline",
    )


def _finding(
    block: EditionBlock,
    code: FindingCode,
    message: str,
    *,
    target: tuple[int, int] | None = None,
    target_text: str | None = None,
) -> QaFinding:
    return QaFinding(
        code=code,
        severity="error",
        message=message,
        block_id=block.source_id,
        target_span=target,
        target_text=target_text,
    )


def _short(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


# What a condensed edition must not publish: a sentence whose translation shows one of these is left out.
INVENTION_CODES = frozenset(
    {FindingCode.FACT_INVENTED, FindingCode.QUOTE_ALTERED, FindingCode.SPEAKER_CHANGED} | _INVENTED_IN_BLOCK
)


def inventions(block: EditionBlock) -> list[QaFinding]:
    """The block's findings that say it adds or alters something (errors not fixed)."""
    return [f for f in block.findings if f.code in INVENTION_CODES and f.severity == "error" and not f.fixed]


def invariant_errors(editions: Iterable[Edition]) -> int:
    """Errors of the condensed invariants over `editions` (the eval's count)."""
    codes = INVENTION_CODES | {FindingCode.LEAD_MISSING}
    return sum(
        1
        for edition in editions
        for finding in [*edition.findings, *(f for b in edition.blocks for f in b.findings)]
        if finding.code in codes and finding.severity == "error" and not finding.fixed
    )
