"""A batch recorded in the store: one job per output folder, reruns add to it, editors' work kept."""

from __future__ import annotations

from editions.document import Article, Block, Edition, EditionBlock, Provenance, QaFinding, Timings
from editions.store.batches import BATCH_OWNER, BatchOutcome, record_batch
from editions.store.db import Store
from editions.store.editions import get_edition, job_editions, save_edition, set_review
from editions.store.views import job_view, list_jobs
from editions.vocabulary import JobStatus, ReviewState

FIRST = Provenance(engine="handmade", model="one", prompt_version="test", package_version="0")
SECOND = Provenance(engine="handmade", model="two", prompt_version="test", package_version="0")


def _article(n: int) -> Article:
    return Article(
        headline=f"Ferry {n} resumes",
        source_lang="en",
        blocks=[Block(id="b1", text=f"Ferry {n} sailed on Monday with {n * 10} passengers.")],
    )


def _edition(article: Article, lang: str, provenance: Provenance = FIRST) -> Edition:
    return Edition(
        article_id=article.id,
        source_lang="en",
        target_lang=lang,
        headline=f"[{lang}:{provenance.model}] {article.headline}",
        source_headline=article.headline,
        blocks=[
            EditionBlock(
                source_id="b1",
                kind="paragraph",
                text=f"[{lang}] {article.blocks[0].text}",
                findings=[QaFinding(code="number.missing", severity="warning", message="m", block_id="b1")],
            )
        ],
        provenance=provenance,
        timings=Timings(engine_calls=1),
    )


def test_a_batch_is_one_job_that_reruns_add_to(store: Store) -> None:
    one, two, three = _article(1), _article(2), _article(3)
    outcomes = [
        BatchOutcome("in.jsonl:1", one, {"fr": _edition(one, "fr"), "vi": _edition(one, "vi")}),
        BatchOutcome("in.jsonl:2", None),  # unreadable
        BatchOutcome("in.jsonl:3", two, {"fr": _edition(two, "fr")}, {"vi": "the engine died; failed"}),
    ]
    first = record_batch(store, "/data/out", ["fr", "vi"], outcomes, {})
    assert (first.added, first.failed, first.unchanged) == (3, 1, 0)
    view = job_view(store, first.job_id)
    assert view.status == JobStatus.DONE and view.tasks.done == 3 and view.tasks.failed == 1
    assert view.error is not None and "1 of 4 editions failed" in view.error and "in.jsonl:2" in view.error
    assert [j.id for j in list_jobs(store)] == [first.job_id]  # editors see it; its owner is `batch`
    assert list_jobs(store, owner=BATCH_OWNER)[0].id == first.job_id
    stored = job_editions(store, first.job_id)
    assert [(e.edition.source_headline, e.edition.target_lang) for e in stored] == [
        (one.headline, "fr"),
        (one.headline, "vi"),
        (two.headline, "fr"),
    ]
    assert stored[0].edition.blocks[0].findings[0].code == "number.missing"

    # an editor approves one edition and edits another before the rerun
    set_review(store, stored[0].id, ReviewState.APPROVED)
    edited = get_edition(store, stored[1].id)
    edited.edition.blocks[0].text = "Le texte de la rédaction."
    save_edition(store, edited, "b1")

    # the rerun: the failure now succeeds, a new article comes, one edition is from another model
    outcomes = [
        BatchOutcome("in.jsonl:1", one, {"fr": _edition(one, "fr"), "vi": _edition(one, "vi")}),
        BatchOutcome("in.jsonl:3", two, {"fr": _edition(two, "fr", SECOND), "vi": _edition(two, "vi")}),
        BatchOutcome("in.jsonl:4", three, {"fr": _edition(three, "fr")}),
    ]
    again = record_batch(store, "/data/out", ["fr", "vi"], outcomes, {})
    assert again.job_id == first.job_id
    assert (again.added, again.revised, again.unchanged, again.failed) == (2, 1, 2, 0)
    assert get_edition(store, stored[0].id).review == ReviewState.APPROVED  # kept
    assert get_edition(store, stored[1].id).edition.blocks[0].text == "Le texte de la rédaction."
    revised = get_edition(store, stored[2].id)
    assert revised.revision == 2 and revised.edition.provenance.model == "two"
    view = job_view(store, first.job_id)
    assert view.tasks.done == 5 and view.tasks.failed == 0
    assert [a.headline for a in view.articles] == [one.headline, two.headline, three.headline]
    assert len(job_editions(store, first.job_id)) == 5

    other = record_batch(
        store, "/data/other", ["fr", "vi"], outcomes[:1], {"mode": "condensed", "words": 300}
    )
    assert other.job_id != first.job_id and other.added == 2
