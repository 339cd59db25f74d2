"""The named vocabularies: every state and code that is stored, sent over the API or compared in logic.

Each is a `StrEnum`, so a member *is* its string: it goes into JSON, SQL and templates as written
here, compares equal to that string, and a misspelt member is an error where it is written, not a
silent mismatch in a query. Adding a member is a schema change for whoever reads these values.
"""

from __future__ import annotations

from enum import StrEnum


class JobStatus(StrEnum):
    """A job: a submission of one or more articles into one or more languages."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"  # every task finished, at least one with an edition
    FAILED = "failed"  # every task failed

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED)


class TaskStatus(StrEnum):
    """A task: one article into one language, claimed by one worker at a time under a lease."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (TaskStatus.DONE, TaskStatus.FAILED)


class ReviewState(StrEnum):
    """An edition's review: editing an approved edition puts it back to draft."""

    DRAFT = "draft"
    APPROVED = "approved"
    REJECTED = "rejected"


class KeyRole(StrEnum):
    """What an API key may do. A key sees the jobs it submitted; an editor sees and reviews every job;
    an admin also imports TMX into the memory, whose entries become approved and win over machine output."""

    SUBMITTER = "submitter"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def sees_all(self) -> bool:
        """Whether every key's jobs are visible, not only this key's own."""
        return self in (KeyRole.EDITOR, KeyRole.ADMIN)


class MemoryOrigin(StrEnum):
    """Where a translation-memory entry came from; the earlier in this list, the more it is trusted."""

    EDITOR = "editor"  # a correction saved on the review page
    # a human translator's edit imported from XLIFF: approved, but after the desk's own corrections,
    # since the editor reviews what the translator hands back
    TRANSLATOR = "translator"
    IMPORT = "import"  # a TMX file
    MACHINE = "machine"  # the pipeline's own output


class FindingCode(StrEnum):
    """What a QA finding is about. The text of a finding's message is for people; logic uses the code."""

    EMPTY = "empty"
    MARKUP_BROKEN = "markup.broken"
    NUMBER_MISSING = "number.missing"
    NUMBER_ADDED = "number.added"
    NUMBER_FORM = "number.form"  # fixed: written the source's way
    DATE_MISSING = "date.missing"
    DATE_SHIFTED = "date.shifted"
    DATE_ADDED = "date.added"
    DATE_AMBIGUOUS_FORM = "date.ambiguous_form"
    DATE_FORM = "date.form"  # fixed: written the source's way
    GLOSSARY_TERM = "glossary.term"
    NAME_MISSING = "name.missing"
    LINK_CHANGED = "link.changed"
    LANG_WRONG = "lang.wrong"
    UNTRANSLATED = "untranslated"
    OMISSION = "omission"
    OMISSION_SENTENCE = "omission.sentence"
    ADDITION = "addition"
    REPEAT_LOOP = "repeat.loop"
    TYPOGRAPHY = "typography"  # fixed: the target language's spacing and quotes
    WEEKDAY_CHANGED = "weekday.changed"  # another weekday, or a relative day ("today"), for the source's
    WEEKDAY_MISSING = "weekday.missing"
    WEEKDAY_ADDED = "weekday.added"
    TIME_OF_DAY = "time_of_day.changed"  # "on Thursday morning" → "jeudi soir"
    SCRIPT_FOREIGN = "script.foreign"  # letters of a script neither language uses (« Deux十七 »)
    NAME_UNSUPPORTED = "name.unsupported"  # a name or title in the translation the source does not support
    DATE_ORDER = "date.order"  # the source language's word order (« février 2, 2026 »)
    CURRENCY_PLACEMENT = "currency.placement"  # the symbol on the source language's side (« $5,62 »)
    OMISSION_CLAUSE = "omission.clause"  # a source sentence or clause that left no trace
    NEGATION_CHANGED = "negation.changed"  # a negation added or lost ("Ignore" → "Đừng bỏ qua")
    BIDI_CONTROL = "bidi.control"  # fixed: bidi overrides/embeddings/isolates removed from the input
    NOT_TRANSLATION = "translation.not"  # a reply to the text ("OK", a poem), or an instruction in it dropped
    # condensed editions (qa/condensed.py), all errors
    FACT_INVENTED = "fact.invented"  # a number the whole source does not have
    QUOTE_ALTERED = "quote.altered"  # a quotation cut, merged, added, or its numbers/negation/length changed
    SPEAKER_CHANGED = "speaker.changed"  # a quotation given to another speaker of the article
    LEAD_MISSING = "lead.missing"  # the lead sentence's facts are not in the first paragraph
