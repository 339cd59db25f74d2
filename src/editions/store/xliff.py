"""XLIFF out of the store and a translator's XLIFF back in (the format itself is `editions.xliff`).

An import is checked whole before anything is written: every file must name an edition the caller
may see, at the revision it was exported from, and every unit must be one of that edition's segments
with the same source text (and source hash) as when it was exported, its inline codes those of the
source, each once, nested, with words inside. Then the edited units go into their editions in one
transaction, one new revision per edition; QA is re-run on each changed segment, and each change
is taught to the translation memory as a `translator` entry. Units whose target did not change (or
that have none) change nothing, and a file that changes nothing writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from editions.document import BIDI_CONTROL_RE, Mark, QaFinding, markup_problems, normalize_space, plain_text
from editions.errors import NotFoundError, StaleEditError, XliffError
from editions.glossary import Glossary
from editions.memory import MemoryKey, segment_contexts
from editions.qa import BlockPair, QaContext, check_block
from editions.segment import segments
from editions.store.db import Store
from editions.store.editions import (
    FRONT_MATTER,
    StoredEdition,
    get_edition,
    job_editions,
    put_translation,
    save_editions,
)
from editions.store.memory import TranslationMemory
from editions.store.views import job_view
from editions.vocabulary import ReviewState
from editions.xliff import ExportedEdition, UnitIn, read_xliff, source_sha256, validate, write_xliff

MAX_UNIT_CHARS = 20_000  # as a block edited on the review page
TRANSLATOR_NOTE = "edited by a translator (XLIFF)"


@dataclass
class XliffImport:
    """What an import did: the new revision of each edition it changed, and the units it changed."""

    revisions: dict[str, int] = field(default_factory=dict)
    changed: list[tuple[str, str]] = field(default_factory=list)  # (edition id, unit id)
    unchanged: int = 0


def _exported(stored: StoredEdition) -> ExportedEdition:
    return ExportedEdition(
        edition_id=stored.id,
        revision=stored.revision,
        signature=stored.signature,
        article=stored.article,
        edition=stored.edition,
        job_id=stored.job_id,
        reviewed=stored.review == ReviewState.APPROVED,
    )


def _checked(data: bytes) -> bytes:
    validate(etree.fromstring(data))  # our own output is valid XLIFF, or this is a bug to see at once
    return data


def export_edition_xliff(store: Store, edition_id: str, owner: str | None = None) -> tuple[bytes, str]:
    """(XLIFF document, file name) of one edition."""
    stored = get_edition(store, edition_id, owner)
    edition = stored.edition
    name = f"{edition.article_id}.{edition.source_lang}-{edition.target_lang}.xlf"
    return _checked(write_xliff([_exported(stored)])), name


def export_job_xliff(
    store: Store, job_id: str, target_lang: str | None = None, owner: str | None = None
) -> tuple[bytes, str]:
    """(XLIFF document, file name) of a job's finished editions into `target_lang`: one `<file>` per
    edition. XLIFF holds one target language, so a job into several needs `target_lang`."""
    job_view(store, job_id, owner)  # an unknown job (or another key's) is not found
    stored = job_editions(store, job_id, owner)
    langs = sorted({s.edition.target_lang for s in stored})
    if target_lang is not None:
        stored = [s for s in stored if s.edition.target_lang == target_lang]
        if not stored:
            found = ", ".join(langs) or "none yet"
            raise XliffError(f"job {job_id} has no finished edition in {target_lang!r} (it has: {found})")
    elif len(langs) > 1:
        raise XliffError(
            f"job {job_id} has editions in {', '.join(langs)}; an XLIFF file holds one target language, "
            "so choose one"
        )
    if not stored:
        raise XliffError(f"job {job_id} has no finished edition yet")
    lang = stored[0].edition.target_lang
    return _checked(write_xliff([_exported(s) for s in stored])), f"job-{job_id}.{lang}.xlf"


def import_xliff(
    store: Store,
    data: bytes,
    glossary: Glossary | None = None,
    owner: str | None = None,
    teach_memory: bool = True,
) -> XliffImport:
    """Apply a translator's XLIFF (see the module's docstring); refuses the whole file with one line
    naming the file's edition and unit when anything in it does not fit."""
    document = read_xliff(data)
    result = XliffImport()
    saves: list[tuple[StoredEdition, list[str], int | None]] = []
    lessons: list[tuple[MemoryKey, str]] = []
    seen: set[str] = set()
    for file in document.files:
        if file.edition_id in seen:
            raise XliffError(f"edition {file.edition_id} is in the file twice")
        seen.add(file.edition_id)
        try:
            stored = get_edition(store, file.edition_id, owner)
        except NotFoundError:
            raise NotFoundError(
                f"the XLIFF file is for edition {file.edition_id!r}, which is not here"
            ) from None
        edition = stored.edition
        if (_lang(document.source_lang), _lang(document.target_lang)) != (
            edition.source_lang,
            edition.target_lang,
        ):
            raise XliffError(
                f"the file is {document.source_lang}→{document.target_lang}; edition {stored.id} is "
                f"{edition.source_lang}→{edition.target_lang}"
            )
        if file.revision is not None and file.revision != stored.revision:
            raise StaleEditError(
                f"edition {stored.id} changed since this XLIFF was exported (revision {stored.revision} now, "
                f"the file has {file.revision}); export it again and redo the changes there"
            )
        changed = _apply(stored, file.units, glossary, result)
        if changed:
            saves.append((stored, [seg_id for seg_id, _, _ in changed], stored.revision))
            contexts = segment_contexts(stored.article)
            for seg_id, source, text in changed:
                lessons.append(
                    (MemoryKey(edition.source_lang, edition.target_lang, source, contexts[seg_id]), text)
                )
                result.changed.append((stored.id, seg_id))
    if not saves:
        return result
    revisions = save_editions(store, saves)  # one transaction: every edition, or none
    result.revisions = {
        stored.id: revision for (stored, _, _), revision in zip(saves, revisions, strict=True)
    }
    if teach_memory:
        memory = TranslationMemory(store)
        for key, text in lessons:
            memory.translated(key, text)
    return result


def _lang(tag: str) -> str:
    return tag.lower().replace("_", "-").split("-")[0]


def _apply(
    stored: StoredEdition, units: list[UnitIn], glossary: Glossary | None, result: XliffImport
) -> list[tuple[str, str, str]]:
    """Check every unit against `stored` and put the changed targets into its document (in memory
    only); (segment id, source text, new text) of each change."""
    edition = stored.edition
    source = {s.id: s for s in segments(stored.article)}
    current = {"headline": edition.headline, "standfirst": edition.standfirst, "dateline": edition.dateline}
    current.update({b.source_id: b.text for b in edition.blocks})
    qa = QaContext(edition.source_lang, edition.target_lang, glossary)
    blocks = {b.source_id: b for b in edition.blocks}
    changes: list[tuple[str, str, str, list[QaFinding]]] = []
    seen: set[str] = set()
    for unit in units:
        where = f"edition {stored.id}, unit {unit.id}"
        if unit.id in seen:
            raise XliffError(f"{where}: the unit is in the file twice")
        seen.add(unit.id)
        segment = source.get(unit.id)
        if segment is None or (unit.id not in FRONT_MATTER and unit.id not in blocks):
            raise XliffError(f"{where}: the edition has no such segment")
        if unit.source_plain != normalize_space(plain_text(segment.text)) or (
            unit.source_sha256 is not None and unit.source_sha256 != source_sha256(segment.text)
        ):
            raise XliffError(
                f"{where}: its source no longer matches the edition's source ({_clip(unit.source_plain)!r} "
                f"in the file, {_clip(plain_text(segment.text))!r} now); export the edition again"
            )
        _check_codes(where, unit, segment.marks)
        if unit.target is None or unit.target == normalize_space(current.get(unit.id) or ""):
            result.unchanged += 1
            continue
        _check_target(where, unit.target, segment.marks)
        findings = check_block(BlockPair(unit.id, segment.text, unit.target, segment.marks), qa)
        changes.append((unit.id, segment.text, unit.target, findings))
    for seg_id, _, text, findings in changes:
        put_translation(edition, seg_id, text, findings, TRANSLATOR_NOTE)
    return [(seg_id, src, text) for seg_id, src, text, _ in changes]


def _check_codes(where: str, unit: UnitIn, marks: dict[str, Mark]) -> None:
    """The inline codes the file recorded must be the segment's own: a link still points where it did."""
    for name, recorded in unit.codes.items():
        mark = marks.get(name)
        if mark is None:
            raise XliffError(f"{where}: the file records an inline code {name!r} the source does not have")
        stored = {k: str(v) for k, v in mark.model_dump(mode="json", exclude_none=True).items()}
        if recorded != stored:
            attr = next(k for k in sorted(set(recorded) | set(stored)) if recorded.get(k) != stored.get(k))
            raise XliffError(
                f"{where}: the code {name} has {attr}={recorded.get(attr)!r} in the file but "
                f"{stored.get(attr)!r} in the edition; codes are not edited through XLIFF"
            )


def _check_target(where: str, text: str, marks: dict[str, Mark]) -> None:
    if not plain_text(text).strip():
        raise XliffError(f"{where}: the target is empty; leave the unit out or translate it")
    if len(text) > MAX_UNIT_CHARS:
        raise XliffError(f"{where}: the target is over {MAX_UNIT_CHARS} characters")
    if "\x00" in text:
        raise XliffError(f"{where}: the target contains a NUL character")
    control = BIDI_CONTROL_RE.search(text)
    if control:
        raise XliffError(f"{where}: the target contains U+{ord(control.group(0)):04X}, a bidi control")
    unknown = [n for n in re.findall(r"</?([a-z]+\d+)>", text) if n not in marks]
    if unknown:
        known = ", ".join(marks) or "none"
        raise XliffError(f"{where}: unknown inline code {unknown[0]!r} in the target (the source's: {known})")
    problems = markup_problems(text, marks)
    if problems:
        raise XliffError(f"{where}: {problems[0]}")


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
