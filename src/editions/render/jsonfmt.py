"""JSON editions: the full `Edition` structure (provenance, timings, blocks with marks) plus its signature.

    {"format": "editions/1", "editions": [{...Edition fields..., "signature": "engine:…|…"}]}

`signature` is derived, not an `Edition` field: `load` drops it before validating each item.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from editions.document import Edition

FORMAT_ID = "editions/1"


def render(editions: Sequence[Edition]) -> str:
    """The editions as one JSON document (UTF-8 text, indented); ends with one newline."""
    payload = {"format": FORMAT_ID, "editions": [item(edition) for edition in editions]}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def item(edition: Edition) -> dict[str, Any]:
    data = edition.model_dump(mode="json")
    data["signature"] = edition.provenance.signature()
    return data


def load(text: str) -> list[Edition]:
    """Editions back from `render`'s output (the reverse of `render`)."""
    payload = json.loads(text)
    return [Edition.model_validate(_without_signature(data)) for data in payload["editions"]]


def _without_signature(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != "signature"}
