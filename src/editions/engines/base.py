"""The one engine interface: `translate_batch`; everything else is derived here."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from editions.document import Provenance, SegmentKind


class EngineOptions(BaseModel):
    """Typed engine options, validated once; filled from CLI flags, a config file or API JSON alike."""

    model_config = ConfigDict(extra="forbid")

    engine: str = "llamacpp"
    model: str | None = Field(None, description="local .gguf path, hub id (owner/repo[:file]) or served name")
    base_url: str | None = Field(None, description="OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1")
    api_key: str | None = None
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    seed: int = 0
    n_ctx: int = Field(4096, ge=512)
    n_threads: int | None = Field(None, ge=1)
    concurrency: int = Field(4, ge=1, le=64, description="parallel requests to a server")
    timeout_s: float = Field(300.0, gt=0)


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


@dataclass
class TranslationResult:
    text: str
    prompt_tokens: int = 0
    generated_tokens: int = 0
    engine_s: float = 0.0  # time spent inside the engine for this request
    finish_reason: str | None = None
    raw: str = field(default="", repr=False)  # the reply before clean-up


class Engine(ABC):
    """A translation engine. Subclasses implement `translate_batch` and `provenance`."""

    name: ClassVar[str]
    # True when requests may run side by side (a server); False for one in-process model.
    concurrent: ClassVar[bool] = False

    def __init__(self, options: EngineOptions) -> None:
        self.options = options

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
