"""Command-line options shared by several `editions` commands (translate, eval, serve)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from editions.engines import EngineOptions
    from editions.ingest.ssrf import UrlPolicy

_Command = TypeVar("_Command", bound=Callable[..., None])


def engine_flags(command: _Command) -> _Command:
    """The engine options shared by `translate`, `eval` and `serve`."""
    return _engine_flags(command, many_base_urls=False)


def batch_engine_flags(command: _Command) -> _Command:
    """The same options for `batch`, where --base-url may be given once per server of a fleet."""
    return _engine_flags(command, many_base_urls=True)


def _engine_flags(command: _Command, *, many_base_urls: bool) -> _Command:
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
            "base_urls" if many_base_urls else "base_url",
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
    for option in reversed(options):
        command = option(command)
    return command


def flag_engine_options(
    engine: str,
    *,
    model: str | None,
    base_url: str | None,
    api_key: str | None,
    threads: int | None,
    prompt: str | None,
    device: str | None,
    compute_type: str | None,
    temperature: float | None = None,
) -> EngineOptions:
    """The engine options from `engine_flags`' values (a flag not given is left to the engine)."""
    from editions.engines import engine_options

    return engine_options(
        engine,
        model=model,
        base_url=base_url,
        api_key=api_key,
        temperature=temperature,
        n_threads=threads,
        prompt=prompt,
        device=device,
        compute_type=compute_type,
    )


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
