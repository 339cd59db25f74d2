"""JSON: the full Edition structure, signed, and readable back into equal Editions."""

from __future__ import annotations

import json

from editions.document import Edition
from editions.render import render_edition, render_editions
from editions.render.jsonfmt import load


def test_round_trip(edition: Edition, vietnamese: Edition) -> None:
    payload = json.loads(render_editions([edition, vietnamese], "json"))
    assert payload["format"] == "editions/1"
    items = payload["editions"]
    originals = [edition, vietnamese]
    assert [item.pop("signature") for item in items] == [e.provenance.signature() for e in originals]
    assert [Edition.model_validate(item) for item in items] == originals


def test_load_reads_what_render_writes(edition: Edition, vietnamese: Edition) -> None:
    assert load(render_editions([edition, vietnamese], "json")) == [edition, vietnamese]


def test_full_structure(edition: Edition) -> None:
    (item,) = json.loads(render_edition(edition, "json"))["editions"]
    assert item["provenance"]["model_sha256"] == edition.provenance.model_sha256
    assert item["provenance"]["decoding"] == {"temperature": 0.0, "seed": 7}
    assert item["timings"]["engine_calls"] == 2
    assert item["blocks"][0]["marks"] == {
        "a1": {"kind": "link", "href": "https://example.org/report?a=1&b=2"}
    }
    assert item["signature"].startswith("engine:llamacpp|model:qwen2.5-1.5b|sha:cc324af00000|")


def test_text_is_not_ascii_escaped(vietnamese: Edition) -> None:
    output = render_edition(vietnamese, "json")
    assert "Tiêu đề đã dịch" in output
    assert '\n  "editions": [' in output


def test_no_editions() -> None:
    assert json.loads(render_editions([], "json")) == {"format": "editions/1", "editions": []}
