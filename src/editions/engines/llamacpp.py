"""In-process GGUF models through llama-cpp-python: the offline default engine."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

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
from editions.engines.models import ResolvedModel, resolve_model
from editions.engines.prompt import (
    PROMPT_VERSION,
    STOP,
    Message,
    build_messages,
    clean_reply,
    max_new_tokens,
)
from editions.errors import BackendMissingError, EngineError, ModelUnavailableError
from editions.native.check import ensure_runs


def _import_llama() -> Any:
    try:
        from llama_cpp import Llama
    except ImportError:
        raise BackendMissingError(
            "the llamacpp engine needs llama-cpp-python: pip install 'editions[llamacpp]'"
        ) from None
    return Llama


def _chat_formatter(llm: Any) -> Callable[[list[Message]], tuple[str, list[str]]]:
    """Render messages with the model's own chat template (from the GGUF), ready for a prefill."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    metadata = llm.metadata
    template = metadata.get("tokenizer.chat_template")
    if not template:
        raise ModelUnavailableError(
            "the model has no chat template in its GGUF metadata; use an instruct model"
        )

    def token_text(key: str) -> str:
        token_id = metadata.get(key)
        if token_id is None:
            return ""
        return str(llm.detokenize([int(token_id)], special=True).decode("utf-8", "ignore"))

    formatter = Jinja2ChatFormatter(
        template=template,
        eos_token=token_text("tokenizer.ggml.eos_token_id"),
        bos_token=token_text("tokenizer.ggml.bos_token_id"),
        add_generation_prompt=True,
    )

    def render(messages: list[Message]) -> tuple[str, list[str]]:
        result = formatter(messages=messages)  # type: ignore[arg-type]  # plain role/content dicts
        stop = result.stop if isinstance(result.stop, list) else [result.stop] if result.stop else []
        return result.prompt, [s for s in stop if s]

    return render


class LlamaCppOptions(EngineOptions):
    n_ctx: int = Field(4096, ge=512, description="context window, in tokens")
    n_threads: int | None = Field(None, ge=1, description="CPU threads (default: all cores)")


class LlamaCppEngine(Engine):
    """A GGUF chat model loaded in this process. Requests run one at a time (one model, one context).

    Consecutive requests that share a prompt prefix (system prompt, examples, the article so far)
    reuse llama.cpp's KV cache, so document context costs little after the first block.
    """

    name = "llamacpp"
    options_class = LlamaCppOptions
    in_process = True
    options: LlamaCppOptions

    def __init__(self, options: EngineOptions) -> None:
        super().__init__(options)
        options = self.options
        llama_class = _import_llama()
        self.model: ResolvedModel = resolve_model(options.model)
        # A library built for another CPU would kill this process at the first matrix product:
        # find out in a child process first (once per build and model; remembered).
        ensure_runs(self.model.path)
        threads = options.n_threads or max(1, os.cpu_count() or 1)
        started = time.perf_counter()
        try:
            self._llm = llama_class(
                model_path=str(self.model.path),
                n_ctx=options.n_ctx,
                n_threads=threads,
                n_threads_batch=threads,
                seed=options.seed,
                verbose=False,
            )
        except (ValueError, RuntimeError) as err:
            raise ModelUnavailableError(f"cannot load model {self.model.path}: {err}") from err
        self.load_s = time.perf_counter() - started
        self._lock = threading.Lock()
        self._format = _chat_formatter(self._llm)

    @property
    def provenance(self) -> Provenance:
        return Provenance(
            engine=self.name,
            model=self.model.name,
            model_sha256=self.model.sha256,
            prompt_version=PROMPT_VERSION,
            decoding={
                "temperature": self.options.temperature,
                "seed": self.options.seed,
                "top_k": self._top_k,
            },
            package_version=__version__,
        )

    @property
    def _top_k(self) -> int:
        return 1 if self.options.temperature == 0 else 40

    def translate_batch(self, requests: Sequence[TranslationRequest]) -> list[TranslationResult]:
        with self._lock:
            return [self._translate_one(request) for request in requests]

    def _translate_one(self, request: TranslationRequest) -> TranslationResult:
        messages, prefill = build_messages(request)
        prompt, stop = self._format(messages)
        started = time.perf_counter()
        try:
            sampled = request.sample > 0
            reply = self._llm.create_completion(
                prompt + prefill,
                temperature=SAMPLE_TEMPERATURE if sampled else self.options.temperature,
                top_k=40 if sampled else self._top_k,
                seed=self.options.seed + request.sample,
                max_tokens=max_new_tokens(request),
                repeat_penalty=1.0,
                stop=[*STOP, *stop],
            )
        except ValueError as err:  # e.g. prompt longer than the context window
            raise EngineError(f"llama.cpp could not translate a block: {err}") from err
        elapsed = time.perf_counter() - started
        choice = reply["choices"][0]
        raw = choice["text"] or ""
        usage = reply.get("usage") or {}
        return TranslationResult(
            text=clean_reply(raw, request.text),
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            generated_tokens=int(usage.get("completion_tokens", 0)),
            engine_s=elapsed,
            finish_reason=choice.get("finish_reason"),
            raw=raw,
        )

    def raw_chat(self, messages: list[dict[str, str]], max_tokens: int) -> TranslationResult:
        started = time.perf_counter()
        with self._lock:
            try:
                reply = self._llm.create_chat_completion(
                    messages=messages,
                    temperature=self.options.temperature,
                    top_k=self._top_k,
                    seed=self.options.seed,
                    max_tokens=max_tokens,
                    repeat_penalty=1.0,
                )
            except ValueError as err:
                raise EngineError(f"llama.cpp could not answer a chat: {err}") from err
        elapsed = time.perf_counter() - started
        choice = reply["choices"][0]
        raw = choice["message"]["content"] or ""
        usage = reply.get("usage") or {}
        return TranslationResult(
            text=raw,
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            generated_tokens=int(usage.get("completion_tokens", 0)),
            engine_s=elapsed,
            finish_reason=choice.get("finish_reason"),
            raw=raw,
        )

    def close(self) -> None:
        llm = getattr(self, "_llm", None)
        if llm is not None:
            llm.close()
            self._llm = None
