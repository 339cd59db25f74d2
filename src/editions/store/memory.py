"""Translation memory: segment-level reuse, keyed by source text, languages, context and signature.

Four kinds of entry, best first when several match:

- `editor`: a correction saved on the review page. Approved; keyed without the engine signature, so
  it wins over machine output from any model next time the same segment comes in the same context.
- `translator`: a human translator's edit, imported from XLIFF (`store/xliff.py`). Approved and keyed
  like an editor's correction.
- `import`: from a TMX file. Approved; keyed by its context if the file carries ours, else none, so it
  matches that segment anywhere.
- `machine`: what the pipeline wrote. Keyed by the full signature (model, prompt and glossary
  versions), so a new model or prompt never reuses an old model's output.

TMX import and export go through translate-toolkit; our context and origin ride along as `<prop>`s.
A segment's whitespace is content in TMX and is kept as it is, both ways.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Any

from sqlalchemy import func, select, update

from editions.errors import TmxError
from editions.memory import MemoryKey
from editions.store.db import Store
from editions.store.schema import MemoryRow, utcnow
from editions.vocabulary import MemoryOrigin

_PREFERENCE: dict[str, int] = {origin: rank for rank, origin in enumerate(MemoryOrigin)}  # best first
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CONTEXT_PROP = "x-editions-context"
_ORIGIN_PROP = "x-editions-origin"


@dataclass(frozen=True)
class MemoryStats:
    entries: int
    by_origin: dict[str, int]


class TranslationMemory:
    """The store's memory, as the pipeline's `SegmentMemory` (recall/remember) and for the review page."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @staticmethod
    def _candidates(key: MemoryKey) -> list[str]:
        unsigned = MemoryKey(key.source_lang, key.target_lang, key.text, key.context)
        anywhere = MemoryKey(key.source_lang, key.target_lang, key.text)
        return [unsigned.digest(), anywhere.digest(), key.digest()]

    def recall(self, key: MemoryKey) -> str | None:
        digests = self._candidates(key)
        signed = key.digest()
        with self.store.session() as session:
            rows = session.scalars(select(MemoryRow).where(MemoryRow.key.in_(digests))).all()
            usable = [
                row
                for row in rows
                if (row.approved and row.origin != MemoryOrigin.MACHINE)
                or (row.origin == MemoryOrigin.MACHINE and row.key == signed)
            ]
            if not usable:
                return None
            best = min(usable, key=lambda r: (_PREFERENCE.get(r.origin, 9), digests.index(r.key)))
            session.execute(update(MemoryRow).where(MemoryRow.id == best.id).values(uses=MemoryRow.uses + 1))
            return best.target_text

    def remember(self, key: MemoryKey, translation: str) -> None:
        self._put(key, translation, MemoryOrigin.MACHINE, approved=False)

    def correct(self, key: MemoryKey, translation: str) -> None:
        """An editor's correction: approved, and keyed without the engine signature."""
        unsigned = MemoryKey(key.source_lang, key.target_lang, key.text, key.context)
        self._put(unsigned, translation, MemoryOrigin.EDITOR, approved=True)

    def translated(self, key: MemoryKey, translation: str) -> None:
        """A human translator's edit (an XLIFF import): approved and unsigned, like a correction."""
        unsigned = MemoryKey(key.source_lang, key.target_lang, key.text, key.context)
        self._put(unsigned, translation, MemoryOrigin.TRANSLATOR, approved=True)

    def _put(self, key: MemoryKey, translation: str, origin: MemoryOrigin, *, approved: bool) -> None:
        digest = key.digest()
        with self.store.session() as session:
            row = session.scalars(
                select(MemoryRow).where(MemoryRow.key == digest, MemoryRow.origin == origin)
            ).first()
            if row is None:
                session.add(
                    MemoryRow(
                        key=digest,
                        origin=origin,
                        approved=approved,
                        source_lang=key.source_lang,
                        target_lang=key.target_lang,
                        source_text=key.text,
                        target_text=translation,
                        context=key.context,
                        signature=key.signature,
                    )
                )
            else:
                row.target_text = translation
                row.approved = approved
                row.updated_at = utcnow()

    def stats(self) -> MemoryStats:
        with self.store.session() as session:
            counts = dict(
                session.execute(select(MemoryRow.origin, func.count()).group_by(MemoryRow.origin)).all()
            )
        return MemoryStats(
            entries=sum(counts.values()), by_origin={str(k): int(v) for k, v in counts.items()}
        )

    # --- TMX -------------------------------------------------------------------------------------

    def export_tmx(self, *, source_lang: str | None = None, approved_only: bool = False) -> bytes:
        from translate.storage.tmx import tmxfile

        tmx: Any = tmxfile(sourcelanguage=source_lang or "en")
        with self.store.session() as session:
            query = select(MemoryRow).order_by(MemoryRow.id)
            if source_lang:
                query = query.where(MemoryRow.source_lang == source_lang)
            if approved_only:
                query = query.where(MemoryRow.approved.is_(True))
            rows = session.scalars(query).all()
        from lxml import etree

        for row in rows:
            tmx.addtranslation(row.source_text, row.source_lang, row.target_text, row.target_lang)
            unit = tmx.units[-1]
            element = unit.xmlelement
            for prop_type, value in ((_ORIGIN_PROP, row.origin), (_CONTEXT_PROP, row.context)):
                prop = etree.Element("prop", type=prop_type)
                prop.text = value
                element.insert(0, prop)
        out = BytesIO()
        tmx.serialize(out)
        return out.getvalue()

    def import_tmx(self, data: bytes) -> int:
        """Add each translation unit of a TMX file as an approved entry; returns how many.

        Units our own export marked as machine output are skipped: they were never approved.
        """
        from lxml import etree
        from translate.storage.tmx import tmxfile

        if not data.strip():
            raise TmxError("the TMX file is empty")
        try:
            tmx: Any = tmxfile(BytesIO(data))
        except (etree.XMLSyntaxError, ValueError) as err:
            raise TmxError(f"not a TMX file: {str(err).splitlines()[0][:160]}") from err
        except AssertionError:  # translate-toolkit asserts the root element is <tmx>
            raise TmxError("not a TMX file: the root element is not <tmx>") from None
        source_default = (tmx.getsourcelanguage() or "en").lower()
        added = 0
        for unit in tmx.units:
            element = unit.xmlelement
            texts: dict[str, str] = {}
            for tuv in element.iter("tuv"):
                lang = (tuv.get(_XML_LANG) or tuv.get("lang") or "").lower().split("-")[0]
                seg = tuv.find("seg")
                if lang and seg is not None:
                    # a segment's spaces and line breaks are its content (TMX 1.4b): kept as they are
                    texts[lang] = "".join(seg.itertext())
            props = {p.get("type"): (p.text or "") for p in element.findall("prop")}
            if props.get(_ORIGIN_PROP) == MemoryOrigin.MACHINE:
                continue  # machine output is only reused under its own signature, never as approved
            context = props.get(_CONTEXT_PROP, "")
            # each unit's own srclang first: one memory holds fr→en next to en→vi
            unit_lang = (element.get("srclang") or "").lower()
            source_lang = (unit_lang if unit_lang and unit_lang != "*all*" else source_default).split("-")[0]
            source = texts.pop(source_lang, None)
            if source is None or not source.strip():
                continue
            for target_lang, target in texts.items():
                if target.strip():
                    key = MemoryKey(source_lang, target_lang, source, context)
                    self._put(key, target, MemoryOrigin.IMPORT, approved=True)
                    added += 1
        return added
