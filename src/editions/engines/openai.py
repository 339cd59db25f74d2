"""Any OpenAI-compatible server: vLLM, Ollama, llama.cpp server, LM Studio, hosted APIs.

Two ways to ask (`prompt`):
  chat    (default) /chat/completions, the passage in the last user turn: works with every server,
          hosted APIs included, but the model reads the passage as something said to it, and a small
          model sometimes answers an instruction in the article instead of translating it.
  chatml  /completions with the conversation written out in ChatML (Qwen, and many open models) and
          the assistant's turn begun with the parallel text, exactly as the in-process engine asks
          (engines/prompt.py `build_messages`): the article is never in a user turn. For self-hosted
          servers of a ChatML model (llama.cpp, vLLM, Ollama); hosted chat APIs have no /completions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

import httpx
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
from editions.engines.prompt import (
    PROMPT_VERSION,
    STOP,
    build_messages,
    chat_messages,
    chatml_prompt,
    clean_reply,
    max_new_tokens,
)
from editions.errors import EngineError, UsageError
from editions.settings import settings


class OpenAIOptions(EngineOptions):
    base_url: str | None = Field(None, description="OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1")
    api_key: str | None = None
    concurrency: int = Field(4, ge=1, le=64, description="requests sent to the server side by side")
    timeout_s: float = Field(300.0, gt=0)
    prompt: Literal["chat", "chatml"] = Field(
        "chat",
        description="chat: the passage in a user turn (any server); chatml: the in-process engine's "
        "prefilled parallel text through /completions (self-hosted ChatML models)",
    )


class OpenAIEngine(Engine):
    """Chat completions over HTTP. Requests run side by side, up to `concurrency`: the requests of a
    batch, and the languages of an article (the pipeline translates that many at once)."""

    name = "openai"
    options_class = OpenAIOptions
    options: OpenAIOptions

    def __init__(self, options: EngineOptions, *, transport: httpx.BaseTransport | None = None) -> None:
        """`transport`: how requests reach the server (httpx's own by default; tests may pass another)."""
        super().__init__(options)
        options = self.options
        env = settings()
        base_url = options.base_url or env.upstream_url
        if not base_url:
            raise UsageError("the openai engine needs --base-url (e.g. http://127.0.0.1:8000/v1)")
        self.base_url = base_url.rstrip("/")
        api_key = options.api_key or env.upstream_key or "none"
        self._client = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=httpx.Timeout(options.timeout_s, connect=10.0),
            transport=transport,
        )
        self.model_name = options.model or self._served_model()

    def _served_model(self) -> str:
        """The server's first model, when the user did not name one."""
        data = self._request("GET", "/models")
        models = data.get("data") or []
        if not models:
            raise EngineError(f"the server at {self.base_url} lists no models; pass --model")
        return str(models[0]["id"])

    def _request(self, method: str, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        """One HTTP call with every transport and server failure mapped to an EngineError."""
        try:
            response = self._client.request(method, path, json=payload)
        except httpx.TimeoutException as err:
            raise EngineError(f"the server at {self.base_url} did not answer in time") from err
        except httpx.HTTPError as err:
            raise EngineError(f"cannot reach the server at {self.base_url}: {err}") from err
        if response.status_code >= 400:
            detail = response.text.strip().replace("\n", " ")[:200]
            raise EngineError(f"the server at {self.base_url} answered {response.status_code}: {detail}")
        try:
            data: dict[str, Any] = response.json()
        except ValueError as err:
            raise EngineError(f"the server at {self.base_url} sent a reply that is not JSON") from err
        return data

    @property
    def parallel_requests(self) -> int:
        return self.options.concurrency

    @property
    def provenance(self) -> Provenance:
        decoding: dict[str, Any] = {"temperature": self.options.temperature, "seed": self.options.seed}
        if self.options.prompt != "chat":  # another prompt, other outputs: part of the signature
            decoding["prompt"] = self.options.prompt
        return Provenance(
            engine=self.name,
            model=self.model_name,
            model_sha256=None,  # a server does not tell us its weights' hash
            prompt_version=PROMPT_VERSION,
            decoding=decoding,
            package_version=__version__,
        )

    def translate_batch(self, requests: Sequence[TranslationRequest]) -> list[TranslationResult]:
        if len(requests) <= 1:
            return [self._translate_one(r) for r in requests]
        with ThreadPoolExecutor(max_workers=min(self.options.concurrency, len(requests))) as pool:
            return list(pool.map(self._translate_one, requests))

    def _translate_one(self, request: TranslationRequest) -> TranslationResult:
        if self.options.prompt == "chatml":
            messages, prefill = build_messages(request)
            result = self._completion(
                chatml_prompt(messages, prefill), max_new_tokens(request), request.sample
            )
        else:
            result = self.raw_chat(chat_messages(request), max_new_tokens(request), sample=request.sample)
        result.text = clean_reply(result.raw, request.text)
        return result

    def _completion(self, prompt: str, max_tokens: int, sample: int) -> TranslationResult:
        """One text completion of `prompt`, decoded as the in-process engine decodes (greedy at 0)."""
        greedy = not sample and self.options.temperature == 0
        extra = {
            "prompt": prompt,
            "stop": [*STOP, "<|im_start|>"],
            # llama.cpp and vLLM take these; llama.cpp's own default repeat penalty is 1.1
            "top_k": 1 if greedy else 40,
            "repeat_penalty": 1.0,
        }
        return self._complete("/completions", extra, max_tokens, sample, lambda choice: choice["text"])

    def raw_chat(self, messages: list[dict[str, str]], max_tokens: int, sample: int = 0) -> TranslationResult:
        """One chat completion, reply as given (`text` = `raw`); the baseline of `editions eval`."""
        return self._complete(
            "/chat/completions",
            {"messages": messages},
            max_tokens,
            sample,
            lambda choice: choice["message"]["content"],
        )

    def _complete(
        self,
        path: str,
        extra: dict[str, Any],
        max_tokens: int,
        sample: int,
        reply_of: Callable[[Any], str | None],
    ) -> TranslationResult:
        """POST `extra` with the model and decoding to `path`; the first choice as a result."""
        payload = {
            "model": self.model_name,
            "temperature": SAMPLE_TEMPERATURE if sample else self.options.temperature,
            "seed": self.options.seed + sample,
            "max_tokens": max_tokens,
            **extra,
        }
        started = time.perf_counter()
        data = self._request("POST", path, payload)
        elapsed = time.perf_counter() - started
        try:
            choice = data["choices"][0]
            raw = reply_of(choice) or ""
        except (KeyError, IndexError, TypeError):
            raise EngineError(f"the server at {self.base_url} sent no completion") from None
        usage = data.get("usage") or {}
        return TranslationResult(
            text=raw,
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            generated_tokens=int(usage.get("completion_tokens") or 0),
            engine_s=elapsed,
            finish_reason=choice.get("finish_reason"),
            raw=raw,
        )

    def close(self) -> None:
        self._client.close()
