"""Condensed editions through the service: the job option, the edition's JSON, and the review page's
list of what was left out. The engine is the tests' FakeEngine (the source in capitals): what is
tested is the service, not translation (tests/condense has the rest)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from editions.service.context import ServiceConfig

from .conftest import live_service

ARTICLE = Path(__file__).parents[2] / "examples" / "condensed" / "a2-cork-budget.md"


def test_the_api_makes_condensed_editions_and_the_review_page_lists_what_was_left_out(
    tmp_path: Path, fake_engine: Any
) -> None:
    config = ServiceConfig(database_url=f"sqlite:///{tmp_path / 'e.db'}", workers=1, rate_per_minute=10_000)
    text = ARTICLE.read_text(encoding="utf-8")
    body: dict[str, Any] = {"text": text, "format": "md", "targets": ["fr"], "source_lang": "en"}
    with live_service(config, engine_factory=lambda options: fake_engine()) as live, live.client() as client:
        refused = client.post("/v1/articles", json={**body, "options": {"words": 300}})
        assert refused.status_code == 422 and "condensed" in refused.text
        job = client.post(
            "/v1/articles", json={**body, "options": {"mode": "condensed", "words": 300}}
        ).json()
        deadline = time.monotonic() + 60
        while (state := client.get(f"/v1/jobs/{job['job_id']}").json())["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert state["status"] == "done", state
        edition_id = state["articles"][0]["languages"]["fr"]["edition_id"]
        exported = client.get(f"/v1/editions/{edition_id}/export?format=json").json()["editions"][0]
        page = client.get(f"/editions/{edition_id}", headers={"Accept": "text/html"}).text
    adaptation = exported["adaptation"]
    assert adaptation["mode"] == "condensed" and adaptation["budget_words"] == 300
    assert abs(adaptation["words"] - 300) <= 30
    assert exported["provenance"]["adaptation"] == "condensed:300"
    assert "Condensed edition" in page and 'class="left-out"' in page
    assert page.count('<li><a href="#block-') >= len(adaptation["left_out"])
