"""Command-line options shared by several `editions` commands (translate, eval, serve)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

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
            "--api-key", default=None, envvar="EDITIONS_API_KEY", help="Server key (or OPENAI_API_KEY)."
        ),
        click.option("--threads", type=int, default=None, help="CPU threads for llamacpp (default: all)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command
