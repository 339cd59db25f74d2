"""The one engine interface: `translate_batch`; everything else is derived here."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from editions.document import Provenance, SegmentKind


class EngineOptions(BaseModel):
    """What every engine takes, validated once; filled from CLI flags, a config file or API JSON alike.

    Each engine extends it with its own fields (`Engine.options_class`); `engines.engine_options`
    builds the right one from a name and values, and refuses a value the engine has no use for.
    """

    model_config = ConfigDict(extra="forbid")

    engine: str = "llamacpp"
    model: str | None = Field(None, description="local .gguf path, hub id (owner/repo[:file]) or served name")
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    seed: int = 0


@dataclass(frozen=True)
class TranslationRequest:
    """One segment to translate, with the document context that precedes it."""

    text: str
    source_lang: str
    target_lang: str
    kind: SegmentKind = "paragraph"
    # Preceding (source, translation) pairs of the same article, oldest first.
    context: tuple[tuple[str, str], ...] = ()
    # What was wrong with a previous attempt, for a retry.
    feedback: str | None = None
    # Glossary terms found in this text: (source term as written, required translation).
    hints: tuple[tuple[str, str], ...] = ()
    # The target language's house style for names, dates and numbers, one line (`localize.style_guide`),
    # put in by the pipeline: the engines know nothing of localization.
    style: str = ""
    # 0: the engine's own decoding (greedy by default); n >= 1: the n-th sampled candidate, decoded at
    # SAMPLE_TEMPERATURE with the engine's seed + n (so candidates are reproducible).
    sample: int = 0


SAMPLE_TEMPERATURE = 0.7


@dataclass
class TranslationResult:
    text: str
    prompt_tokens: int = 0
    generated_tokens: int = 0
    engine_s: float = 0.0  # time spent inside the engine for this request
    finish_reason: str | None = None
    raw: str = field(default="", repr=False)  # the reply before clean-up


class Engine(ABC):
    """A translation engine. Subclasses implement `translate_batch` and `provenance`.

    A third-party engine is a subclass in any package, made known with `engines.register_engine`
    or an entry point in the `editions.engines` group (name = "module:Class").
    """

    name: ClassVar[str]
    options_class: ClassVar[type[EngineOptions]] = EngineOptions
    # True for an engine that runs native code in this process (a model loaded here): the service
    # then runs it in a worker process it supervises (`engines.isolated`), so a crash in that code
    # kills the worker, not the server. An engine that talks to a server over HTTP stays in-thread.
    in_process: ClassVar[bool] = False
    # True for a sentence-level engine (NMT: no document context, no prompt): the pipeline splits
    # blocks into sentences for it and sends an article's sentences in one `translate_batch`.
    translates_sentences: ClassVar[bool] = False

    def __init__(self, options: EngineOptions) -> None:
        if not isinstance(options, self.options_class):  # the common options, given for this engine
            options = self.options_class.model_validate(options.model_dump(exclude_unset=True))
        self.options = options

    @property
    def parallel_requests(self) -> int:
        """How many requests may run side by side: 1 for one in-process model, more for a server."""
        return 1

    @property
    def sentence_level(self) -> bool:
        return self.translates_sentences

    @abstractmethod
    def translate_batch(self, requests: Sequence[TranslationRequest]) -> list[TranslationResult]:
        """Translate each request; results in the same order."""

    @property
    @abstractmethod
    def provenance(self) -> Provenance:
        """What decides this engine's output (model hash, prompt version, decoding)."""

    def raw_chat(self, messages: list[dict[str, str]], max_tokens: int) -> TranslationResult:
        """Send `messages` as they are, with this engine's decoding settings; the reply is not cleaned.

        Only for baselines (`editions eval --baseline raw`): the pipeline never calls it.
        """
        raise NotImplementedError(f"the {self.name} engine has no raw chat")

    def translate(self, text: str, source_lang: str, target_lang: str) -> str:
        request = TranslationRequest(text=text, source_lang=source_lang, target_lang=target_lang)
        return self.translate_batch([request])[0].text

    def close(self) -> None:  # noqa: B027 - engines with nothing to release need not override it
        """Release the model or connections. Safe to call twice."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
