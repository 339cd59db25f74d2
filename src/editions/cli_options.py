"""Command-line options shared by several `editions` commands (translate, eval, serve)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from editions.ingest.ssrf import UrlPolicy

_Command = TypeVar("_Command", bound=Callable[..., None])


def engine_flags(command: _Command) -> _Command:
    """The engine options shared by `translate`, `eval` and `serve`."""
    options = [
        click.option("--engine", default="llamacpp", show_default=True, help="llamacpp or openai."),
        click.option(
            "--model", default=None, help="Local .gguf path, hub id (owner/repo[:file]) or served name."
        ),
        click.option(
            "--base-url", default=None, help="OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1."
        ),
        click.option(
            "--upstream-key",
            "api_key",
            default=None,
            help="Key for the openai engine's server (or EDITIONS_UPSTREAM_KEY, OPENAI_API_KEY); "
            "not an editions API key.",
        ),
        click.option("--threads", type=int, default=None, help="CPU threads for llamacpp (default: all)."),
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
