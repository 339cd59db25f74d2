"""Command-line options shared by several `editions` commands (translate, eval, serve)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from editions.engines import EngineOptions
    from editions.ingest.ssrf import UrlPolicy

_Command = TypeVar("_Command", bound=Callable[..., None])


@dataclass(frozen=True)
class EngineFlags:
    """What the engine flags said, handed to a command as one `flags` argument."""

    engine: str
    model: str | None = None
    base_urls: tuple[str, ...] = ()
    api_key: str | None = None
    threads: int | None = None
    prompt: str | None = None
    device: str | None = None
    compute_type: str | None = None

    @property
    def base_url(self) -> str | None:
        return self.base_urls[0] if self.base_urls else None

    def options(self, *, temperature: float | None = None) -> EngineOptions:
        """The engine options (a flag not given is left to the engine)."""
        from editions.engines import engine_options

        return engine_options(
            self.engine,
            model=self.model,
            base_url=self.base_url,
            api_key=self.api_key,
            temperature=temperature,
            n_threads=self.threads,
            prompt=self.prompt,
            device=self.device,
            compute_type=self.compute_type,
        )


def engine_flags(command: _Command) -> _Command:
    """The engine options shared by `translate`, `eval` and `serve`, given to the command as `flags`."""
    return _engine_flags(command, many_base_urls=False)


def batch_engine_flags(command: _Command) -> _Command:
    """The same options for `batch`, where --base-url may be given once per server of a fleet."""
    return _engine_flags(command, many_base_urls=True)


def _engine_flags(command: _Command, *, many_base_urls: bool) -> _Command:
    url_key = "base_urls" if many_base_urls else "base_url"

    @functools.wraps(command)
    def with_flags(*args: Any, **kwargs: Any) -> None:
        urls = kwargs.pop(url_key)
        flags = EngineFlags(
            engine=kwargs.pop("engine"),
            model=kwargs.pop("model"),
            base_urls=tuple(urls) if many_base_urls else ((urls,) if urls else ()),
            api_key=kwargs.pop("api_key"),
            threads=kwargs.pop("threads"),
            prompt=kwargs.pop("prompt"),
            device=kwargs.pop("device"),
            compute_type=kwargs.pop("compute_type"),
        )
        command(*args, flags=flags, **kwargs)

    options = [
        click.option(
            "--engine", default="llamacpp", show_default=True, help="llamacpp, openai or ctranslate2."
        ),
        click.option(
            "--model",
            default=None,
            help="llamacpp: a .gguf path or hub id (owner/repo[:file]); openai: the served name; "
            "ctranslate2: a CTranslate2 directory, an .argosmodel file or Argos package, or an alias "
            "(editions models list).",
        ),
        click.option(
            "--base-url",
            url_key,
            multiple=many_base_urls,
            default=None,
            help="OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1"
            + ("; repeat it for several servers (one batch worker each)." if many_base_urls else "."),
        ),
        click.option(
            "--upstream-key",
            "api_key",
            default=None,
            help="Key for the openai engine's server (or EDITIONS_UPSTREAM_KEY, OPENAI_API_KEY); "
            "not an editions API key.",
        ),
        click.option(
            "--threads",
            type=int,
            default=None,
            help="CPU threads for llamacpp and ctranslate2 (default: all).",
        ),
        click.option(
            "--device",
            type=click.Choice(["auto", "cpu", "cuda"]),
            default=None,
            help="ctranslate2: where the model runs (default: auto, a GPU if CTranslate2 sees one).",
        ),
        click.option(
            "--compute-type",
            "compute_type",
            type=click.Choice(["auto", "int8", "int8_float32", "int8_float16", "float16", "float32"]),
            default=None,
            help="ctranslate2: weights and arithmetic (default: auto, int8 on CPU, int8_float16 on GPU).",
        ),
        click.option(
            "--prompt",
            "prompt",
            type=click.Choice(["chat", "chatml"]),
            default=None,
            help="openai engine: chat (default; any server) or chatml (the in-process engine's prefilled "
            "prompt through /completions; self-hosted ChatML models such as the default Qwen).",
        ),
    ]
    decorated: Callable[..., None] = with_flags
    for option in reversed(options):
        decorated = option(decorated)
    return decorated  # type: ignore[return-value]  # the same command, its engine flags as one argument


# `--quality`, shared by `translate` and `eval`: the pipeline's QUALITY_CANDIDATES says what each costs.
quality_flag = click.option(
    "--quality",
    type=click.Choice(["fast", "best"]),
    default="fast",
    show_default=True,
    help="best: 3 candidates per block (greedy + 2 sampled), fewest QA findings kept; 1.2-1.7× engine time.",
)


CA_BUNDLE_HELP = "PEM file of private CAs to trust when fetching URLs (or EDITIONS_CA_BUNDLE)."


def url_policy(ca_bundle: str | None = None, **changes: Any) -> UrlPolicy:
    """The URL policy from the environment, with `--ca-bundle` (which wins over EDITIONS_CA_BUNDLE)."""
    from dataclasses import replace

    from editions.ingest.ssrf import UrlPolicy

    policy = UrlPolicy.from_env(ca_bundle=ca_bundle)
    return replace(policy, **changes) if changes else policy
