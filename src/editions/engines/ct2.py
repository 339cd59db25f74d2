"""Sentence-level NMT models through CTranslate2: OPUS-MT/Marian, NLLB-200, M2M-100, MADLAD-400 and
Argos Translate packages (`engines.nmt` finds them and knows their codes).

The engine translates sentences, not documents: it has no context, takes no glossary hint or
feedback text, and the pipeline splits blocks into sentences for it (`Engine.sentence_level`) and sends
an article's sentences in one `translate_batch`. Here they are cut into batches of at most
`max_batch_tokens` source tokens (longest first, so little padding), translated, and put back in order.
A retry (a request with feedback) is decoded with a wider beam; a sampled candidate (`sample` n ≥ 1)
with top-k sampling at the engine's seed + n.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field

from editions import __version__
from editions.document import Provenance
from editions.engines.base import (
    SAMPLE_TEMPERATURE,
    Engine,
    EngineOptions,
    TranslationRequest,
    TranslationResult,
)
from editions.engines.nmt import FamilyName, NmtModel, resolve_nmt_model
from editions.errors import BackendMissingError, EngineError, ModelUnavailableError, UsageError

PROMPT_VERSION = "nmt1"  # no prompt: the version of how sentences are encoded and decoded here
MAX_INPUT_TOKENS = 512  # longer sentences are cut by CTranslate2 (news sentences are far shorter)


def _import_ct2() -> tuple[Any, Any]:
    try:
        import ctranslate2
        import sentencepiece
    except ImportError:
        raise BackendMissingError(
            "the ctranslate2 engine needs ctranslate2 and sentencepiece: pip install 'editions[ctranslate2]'"
        ) from None
    return ctranslate2, sentencepiece


class CTranslate2Options(EngineOptions):
    device: Literal["auto", "cpu", "cuda"] = "auto"
    compute_type: Literal["auto", "int8", "int8_float32", "int8_float16", "float16", "float32"] = Field(
        "auto", description="auto: int8 on CPU, int8_float16 on GPU"
    )
    n_threads: int | None = Field(None, ge=1, description="CPU threads (default: all cores)")
    beam_size: int = Field(4, ge=1, le=16)
    retry_beam_size: int = Field(8, ge=1, le=32, description="the beam of a retry")
    max_batch_tokens: int = Field(2048, ge=16, description="source tokens per CTranslate2 batch")
    family: FamilyName | None = Field(None, description="override the model family read from its files")


class CTranslate2Engine(Engine):
    """A CTranslate2 model loaded in this process; one request batch at a time."""

    name = "ctranslate2"
    options_class = CTranslate2Options
    in_process = True
    translates_sentences = True
    options: CTranslate2Options

    def __init__(self, options: EngineOptions) -> None:
        super().__init__(options)
        ct2, spm = _import_ct2()
        self._ct2 = ct2
        self.model: NmtModel = resolve_nmt_model(self.options.model, self.options.family)
        self.device = self._device()
        self.compute_type = self._compute_type()
        threads = self.options.n_threads or max(1, os.cpu_count() or 1)
        started = time.perf_counter()
        try:
            self._translator = ct2.Translator(
                str(self.model.directory),
                device=self.device,
                compute_type=self.compute_type,
                intra_threads=threads if self.device == "cpu" else 0,
            )
            self._source_spm = spm.SentencePieceProcessor(model_file=str(self.model.source_spm))
            self._target_spm = (
                self._source_spm
                if self.model.target_spm == self.model.source_spm
                else spm.SentencePieceProcessor(model_file=str(self.model.target_spm))
            )
        except (RuntimeError, ValueError, OSError) as err:
            raise ModelUnavailableError(f"cannot load {self.model.name}: {str(err).splitlines()[0]}") from err
        self.load_s = time.perf_counter() - started
        self._sha256 = self.model.sha256  # read once: provenance is asked for every edition
        self._lock = threading.Lock()
        # source tokens of each CTranslate2 batch of the last call (tests read the token budget here)
        self.last_batches: list[list[int]] = []

    def _device(self) -> str:
        if self.options.device != "auto":
            if self.options.device == "cuda" and self._ct2.get_cuda_device_count() == 0:
                raise UsageError("--device cuda: CTranslate2 sees no CUDA device on this machine")
            return self.options.device
        return "cuda" if self._ct2.get_cuda_device_count() > 0 else "cpu"

    def _compute_type(self) -> str:
        wanted = self.options.compute_type
        if wanted == "auto":
            wanted = "int8" if self.device == "cpu" else "int8_float16"
        supported = set(self._ct2.get_supported_compute_types(self.device))
        if wanted not in supported:
            raise UsageError(
                f"compute type {wanted} is not supported on {self.device} here; "
                f"supported: {', '.join(sorted(supported))}"
            )
        return wanted

    @property
    def provenance(self) -> Provenance:
        return Provenance(
            engine=self.name,
            model=self.model.name,
            model_sha256=self._sha256,
            prompt_version=PROMPT_VERSION,
            decoding={
                "family": self.model.family,
                "beam": self.options.beam_size,
                "compute": self.compute_type,
                "seed": self.options.seed,
            },
            package_version=__version__,
        )

    def translate_batch(self, requests: Sequence[TranslationRequest]) -> list[TranslationResult]:
        results: list[TranslationResult | None] = [None] * len(requests)
        groups: dict[tuple[str, str, int, bool], list[int]] = {}
        for index, request in enumerate(requests):
            self.model.check_pair(request.source_lang, request.target_lang)
            key = (request.source_lang, request.target_lang, request.sample, request.feedback is not None)
            groups.setdefault(key, []).append(index)
        with self._lock:
            self.last_batches = []
            for (source, target, sample, retry), indexes in groups.items():
                texts = [requests[i].text for i in indexes]
                for index, result in zip(
                    indexes, self._translate(texts, source, target, sample, retry), strict=True
                ):
                    results[index] = result
        return [r for r in results if r is not None]

    def _translate(
        self, texts: list[str], source: str, target: str, sample: int, retry: bool
    ) -> list[TranslationResult]:
        encoded = [
            self.model.source_tokens(
                self._source_spm.encode(self.model.source_text(text, target), out_type=str), source, target
            )
            if text.strip()
            else []
            for text in texts
        ]
        out: list[TranslationResult] = [TranslationResult(text="") for _ in texts]
        prefix = self.model.target_prefix(target)
        for batch in _batches(encoded, self.options.max_batch_tokens):
            self.last_batches.append([len(encoded[i]) for i in batch])
            started = time.perf_counter()
            tokens = [encoded[i] for i in batch]
            try:
                translated = self._translator.translate_batch(
                    tokens,
                    target_prefix=[prefix] * len(batch) if prefix else None,
                    max_input_length=MAX_INPUT_TOKENS,
                    max_decoding_length=min(MAX_INPUT_TOKENS, 2 * max(len(t) for t in tokens) + 16),
                    **self._decoding(sample, retry),
                )
            except (RuntimeError, ValueError) as err:
                raise EngineError(f"CTranslate2 could not translate a batch: {err}") from err
            elapsed = time.perf_counter() - started
            total = sum(len(t) for t in tokens) or 1
            for i, result in zip(batch, translated, strict=True):
                pieces = self.model.output_pieces(result.hypotheses[0], target)
                text = self._target_spm.decode(pieces).strip() if pieces else ""
                out[i] = TranslationResult(
                    text=text,
                    prompt_tokens=len(encoded[i]),
                    generated_tokens=len(result.hypotheses[0]),
                    engine_s=elapsed * len(encoded[i]) / total,  # the batch's time, shared by tokens
                    finish_reason="stop",
                    raw=" ".join(result.hypotheses[0]),
                )
        return out

    def _decoding(self, sample: int, retry: bool) -> dict[str, Any]:
        if sample > 0:
            self._ct2.set_random_seed(self.options.seed + sample)
            return {"beam_size": 1, "sampling_topk": 40, "sampling_temperature": SAMPLE_TEMPERATURE}
        beam = self.options.retry_beam_size if retry else self.options.beam_size
        return {"beam_size": beam, "num_hypotheses": 1}

    def close(self) -> None:
        translator = getattr(self, "_translator", None)
        if translator is not None:
            del self._translator
            self._translator = None


def _batches(encoded: list[list[str]], budget: int) -> list[list[int]]:
    """Indexes of the non-empty sequences in batches of at most `budget` tokens (padding counted:
    a batch costs its longest sequence × its size), longest first; a sequence over the budget alone."""
    order = sorted((i for i, tokens in enumerate(encoded) if tokens), key=lambda i: -len(encoded[i]))
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        longest = len(encoded[current[0]]) if current else len(encoded[index])
        if current and longest * (len(current) + 1) > budget:
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches
