"""Jobs and tasks: idempotent submission, leases, exactly-once completion, orphans, review."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from editions.document import Article, Block, Edition, EditionBlock, Provenance, QaFinding, Timings
from editions.errors import IdempotencyConflictError, NotFoundError, StaleEditError, UsageError
from editions.store.db import Store
from editions.store.editions import count_editions, get_edition, job_editions, save_edition, set_review
from editions.store.queue import (
    MAX_ATTEMPTS,
    ClaimedTask,
    Submission,
    SubmittedArticle,
    claim_task,
    complete_task,
    fail_task,
    reclaim_orphans,
    record_progress,
    release_task,
    renew_lease,
    submit_job,
)
from editions.store.schema import ArticleRow, EditionRow, FindingRow, JobRow, TaskRow
from editions.store.views import JobView, LanguageProgress, SegmentCounts, TaskCounts, job_view, list_jobs

PROVENANCE = Provenance(engine="handmade", model="none", prompt_version="test", package_version="0")


def article(n: int = 1) -> Article:
    return Article(
        headline=f"Storm closes port {n}",
        source_lang="en",
        blocks=[
            Block(id="b1", text=f"The port closed on Monday for {n} days."),
            Block(id="b2", text="It reopens."),
        ],
    )


def submit(store: Store, articles: list[Article], targets: list[str], **kwargs: Any) -> str:
    job_id, created = submit_job(
        store, Submission([SubmittedArticle(a) for a in articles], targets, **kwargs)
    )
    assert created
    return job_id


def edition_for(task: ClaimedTask, *, finding: bool = False) -> Edition:
    """What the pipeline would hand back for `task`, written by hand (no model)."""
    src = task.article
    findings = (
        [QaFinding(code="number.missing", severity="error", message="5 is missing", block_id="b1")]
        if finding
        else []
    )
    return Edition(
        article_id=src.id,
        source_lang="en",
        target_lang=task.target_lang,
        headline=f"[{task.target_lang}] {src.headline}",
        source_headline=src.headline,
        blocks=[
            EditionBlock(
                source_id=b.id,
                kind=b.kind,
                text=f"[{task.target_lang}] {b.text}",
                findings=findings if b.id == "b1" else [],
            )
            for b in src.blocks
        ],
        provenance=PROVENANCE,
        timings=Timings(engine_calls=2, memory_hits=1),
    )


def task_row(store: Store, task_id: int) -> TaskRow:
    with store.session() as session:
        row = session.get(TaskRow, task_id)
        assert row is not None
        return row


def job_row(store: Store, job_id: str) -> JobRow:
    with store.session() as session:
        row = session.get(JobRow, job_id)
        assert row is not None
        return row


# --- submission ------------------------------------------------------------------------------------


def test_submitting_creates_one_task_per_article_and_language(store: Store) -> None:
    job_id = submit(store, [article(1), article(2)], ["fr", "vi", "es"])
    with store.session() as session:
        tasks = session.execute(
            select(TaskRow.position, TaskRow.target_lang, TaskRow.status).where(TaskRow.job_id == job_id)
        ).all()
        assert session.scalar(select(func.count()).select_from(ArticleRow)) == 2
    assert sorted(tasks) == [(p, lang, "pending") for p in (0, 1) for lang in ("es", "fr", "vi")]
    view = job_view(store, job_id)
    assert view.status == "queued" and view.tasks == TaskCounts(total=6, done=0, failed=0)
    assert [a.headline for a in view.articles] == ["Storm closes port 1", "Storm closes port 2"]
    assert list(view.articles[0].languages) == ["fr", "vi", "es"]


def test_an_article_sent_twice_is_stored_once(store: Store) -> None:
    first = submit(store, [article(1)], ["fr"])
    second = submit(store, [article(1), article(1)], ["vi"])
    assert first != second
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(ArticleRow)) == 1
        assert session.scalar(select(func.count()).select_from(TaskRow)) == 3


def test_each_submission_keeps_its_own_source_language(store: Store) -> None:
    """The article row is shared by content id; the language a submission gave is its task's own."""
    english = article(1).model_copy(update={"source_lang": "en"})
    submit(store, [english], ["fr"])
    submit(store, [english.model_copy(update={"source_lang": "de"})], ["fr"])
    first, second = claim_task(store, "w1", 30), claim_task(store, "w1", 30)
    assert first is not None and second is not None
    assert first.article.id == second.article.id
    assert (first.article.source_lang, second.article.source_lang) == ("en", "de")


def test_a_job_needs_an_article(store: Store) -> None:
    with pytest.raises(UsageError):
        submit_job(store, Submission([], ["fr"]))


def test_idempotency_same_owner_key_and_request_replays_the_job(store: Store) -> None:
    request = Submission([SubmittedArticle(article(1))], ["fr", "vi"], owner="ed_abc", idempotency_key="k-1")
    job_id, created = submit_job(store, request)
    assert created
    again, created_again = submit_job(store, request)
    assert (again, created_again) == (job_id, False)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(JobRow)) == 1
        assert session.scalar(select(func.count()).select_from(TaskRow)) == 2


def test_idempotency_same_key_different_request_is_a_conflict(store: Store) -> None:
    submit_job(
        store, Submission([SubmittedArticle(article(1))], ["fr"], owner="ed_abc", idempotency_key="k-1")
    )
    for different in [
        Submission([SubmittedArticle(article(2))], ["fr"], owner="ed_abc", idempotency_key="k-1"),
        Submission([SubmittedArticle(article(1))], ["vi"], owner="ed_abc", idempotency_key="k-1"),
        Submission(
            [SubmittedArticle(article(1))], ["fr"], {"glossary": "x"}, owner="ed_abc", idempotency_key="k-1"
        ),
    ]:
        with pytest.raises(IdempotencyConflictError) as err:
            submit_job(store, different)
        assert isinstance(err.value, UsageError) and "Idempotency-Key" in str(err.value)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(JobRow)) == 1


def test_idempotency_keys_are_per_owner(store: Store) -> None:
    request = Submission([SubmittedArticle(article(1))], ["fr"], owner="ed_aaa", idempotency_key="k-1")
    mine, created = submit_job(store, request)
    theirs, created_theirs = submit_job(
        store, Submission(request.articles, ["fr"], owner="ed_bbb", idempotency_key="k-1")
    )
    assert created and created_theirs and mine != theirs
    assert [j.id for j in list_jobs(store, owner="ed_aaa")] == [mine]
    assert [j.id for j in list_jobs(store, owner="ed_bbb")] == [theirs]
    assert {j.id for j in list_jobs(store)} == {mine, theirs}


def _race(n: int, work: Any) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(n)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        barrier.wait()
        try:
            out = work(i)
        except BaseException as err:  # reported by the test
            with lock:
                errors.append(err)
            return
        with lock:
            results.append(out)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


def test_concurrent_submissions_with_one_idempotency_key_make_one_job(store: Store) -> None:
    request = Submission([SubmittedArticle(article(1))], ["fr"], owner="ed_abc", idempotency_key="race")
    results, errors = _race(8, lambda _: submit_job(store, request))
    assert errors == []
    assert len({job_id for job_id, _ in results}) == 1
    assert sorted(created for _, created in results) == [False] * 7 + [True]


def test_concurrent_jobs_with_the_same_article_all_succeed(store: Store) -> None:
    """Two desks sending the same wire story at once: the article row is shared, neither job fails."""
    results, errors = _race(
        8, lambda _: submit_job(store, Submission([SubmittedArticle(article(1))], ["fr"]))
    )
    assert errors == []
    assert len({job_id for job_id, _ in results}) == 8
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(ArticleRow)) == 1
        assert session.scalar(select(func.count()).select_from(TaskRow)) == 8


# --- claiming and leases ---------------------------------------------------------------------------


def test_concurrent_workers_never_claim_the_same_task(store: Store) -> None:
    job_id = submit(store, [article(1)], ["fr", "vi", "es", "de", "it"])

    def worker(i: int) -> list[int]:
        mine = []
        while (task := claim_task(store, f"worker-{i}", 60)) is not None:
            mine.append(task.id)
        return mine

    results, errors = _race(8, worker)
    assert errors == []
    claimed = [task_id for mine in results for task_id in mine]
    assert len(claimed) == 5 and len(set(claimed)) == 5
    with store.session() as session:
        rows = session.scalars(select(TaskRow).where(TaskRow.job_id == job_id)).all()
    assert all(r.status == "running" and r.attempts == 1 for r in rows)
    assert {r.lease_owner for r in rows} <= {f"worker-{i}" for i in range(8)}
    assert job_row(store, job_id).status == "running"


def test_a_claimed_task_carries_its_article_and_options(store: Store) -> None:
    job_id, _ = submit_job(store, Submission([SubmittedArticle(article(7))], ["vi"], {"glossary": "desk"}))
    task = claim_task(store, "w", 60)
    assert task is not None
    assert (task.job_id, task.position, task.target_lang, task.attempts) == (job_id, 0, "vi", 1)
    assert task.article == article(7) and task.options == {"glossary": "desk"}


def test_a_leased_task_is_not_claimable_until_the_lease_runs_out(store: Store) -> None:
    submit(store, [article(1)], ["fr"])
    first = claim_task(store, "worker-a", 1.0)
    assert first is not None
    assert claim_task(store, "worker-b", 1.0) is None  # unexpired lease
    assert renew_lease(store, first.id, "worker-a", 1.0) is True
    assert renew_lease(store, first.id, "worker-b", 1.0) is False  # not b's lease
    time.sleep(1.3)
    second = claim_task(store, "worker-b", 30)
    assert second is not None and second.id == first.id and second.attempts == 2
    assert renew_lease(store, first.id, "worker-a", 30) is False  # a lost the lease

    # a's late completion is refused; b's counts; exactly one edition
    assert complete_task(store, first, "worker-a", edition_for(first)) is None
    edition_id = complete_task(store, second, "worker-b", edition_for(second))
    assert edition_id is not None
    assert complete_task(store, second, "worker-b", edition_for(second)) is None  # not twice
    assert complete_task(store, first, "worker-a", edition_for(first)) is None
    with store.session() as session:
        assert session.scalars(select(EditionRow.id).where(EditionRow.task_id == first.id)).all() == [
            edition_id
        ]
    row = task_row(store, first.id)
    assert (row.status, row.lease_owner, row.lease_until, row.error) == ("done", "worker-b", None, None)
    assert (row.engine_calls, row.memory_hits) == (2, 1)
    assert claim_task(store, "worker-c", 30) is None


def test_completing_a_task_saves_the_edition_and_settles_the_job(store: Store) -> None:
    job_id = submit(store, [article(1)], ["fr", "vi"])
    a = claim_task(store, "w", 30)
    b = claim_task(store, "w", 30)
    assert a is not None and b is not None
    edition_a = complete_task(store, a, "w", edition_for(a, finding=True))
    assert edition_a is not None
    assert job_row(store, job_id).status == "running"
    assert complete_task(store, b, "w", edition_for(b)) is not None
    job = job_row(store, job_id)
    assert (job.status, job.error) == ("done", None) and job.finished_at is not None
    assert count_editions(store, job_id) == 2
    stored = get_edition(store, edition_a)
    assert stored.edition == edition_for(a, finding=True) and stored.article == article(1)
    assert stored.review == "draft" and stored.revision == 1 and stored.signature == PROVENANCE.signature()
    assert [e.edition.target_lang for e in job_editions(store, job_id)] == ["fr", "vi"]
    with store.session() as session:
        findings = session.execute(select(FindingRow.edition_id, FindingRow.block_id, FindingRow.code)).all()
    assert findings == [(edition_a, "b1", "number.missing")]


def test_one_edition_per_task_is_enforced_by_the_database(store: Store) -> None:
    submit(store, [article(1)], ["fr"])
    task = claim_task(store, "w", 30)
    assert task is not None
    edition_id = complete_task(store, task, "w", edition_for(task))
    assert edition_id is not None
    with store.session() as session:
        original = session.get(EditionRow, edition_id)
        assert original is not None
        copy = {c.name: getattr(original, c.name) for c in EditionRow.__table__.columns}
    copy["id"] = "another-edition"
    with pytest.raises(IntegrityError), store.session() as session:
        session.add(EditionRow(**copy))
        session.flush()
    assert count_editions(store, task.job_id) == 1


def test_release_hands_the_task_back_without_using_an_attempt(store: Store) -> None:
    submit(store, [article(1)], ["fr"])
    task = claim_task(store, "w", 300)
    assert task is not None
    release_task(store, task, "someone-else")  # not theirs: nothing happens
    assert task_row(store, task.id).status == "running"
    release_task(store, task, "w")
    row = task_row(store, task.id)
    assert (row.status, row.lease_owner, row.attempts) == ("pending", None, 0)
    again = claim_task(store, "w2", 300)
    assert again is not None and again.id == task.id and again.attempts == 1


# --- crashes ---------------------------------------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_reclaim_orphans_releases_tasks_of_dead_processes_only(store: Store) -> None:
    submit(store, [article(1)], ["fr", "vi", "es", "de"])
    host = socket.gethostname()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        owners = {
            "dead": f"{host}:{_dead_pid()}:abcd",
            "me": f"{host}:{os.getpid()}:abcd",
            "alive": f"{host}:{alive.pid}:abcd",
            "elsewhere": f"another-host.example:{_dead_pid()}:abcd",  # can't tell: leave it to the lease
        }
        tasks = {}
        for name, owner in owners.items():
            task = claim_task(store, owner, 300)
            assert task is not None
            tasks[name] = task
        assert reclaim_orphans(store) == 1
        statuses = {
            name: (task_row(store, t.id).status, task_row(store, t.id).lease_owner)
            for name, t in tasks.items()
        }
        assert statuses == {
            "dead": ("pending", None),
            "me": ("running", owners["me"]),
            "alive": ("running", owners["alive"]),
            "elsewhere": ("running", owners["elsewhere"]),
        }
        assert reclaim_orphans(store) == 0
        resumed = claim_task(store, "w", 300)
        assert resumed is not None and resumed.id == tasks["dead"].id and resumed.attempts == 2
        # the dead worker's completion, should it ever come, is refused
        assert complete_task(store, tasks["dead"], owners["dead"], edition_for(tasks["dead"])) is None
    finally:
        alive.kill()
        alive.wait()


def test_a_task_that_keeps_killing_its_worker_is_failed(store: Store) -> None:
    job_id = submit(store, [article(1)], ["fr"])
    ids = set()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        task = claim_task(store, f"w{attempt}", 0)  # the worker "dies": its lease runs out at once
        assert task is not None and task.attempts == attempt
        ids.add(task.id)
        time.sleep(0.02)
    assert claim_task(store, "w-last", 30) is None
    [task_id] = ids
    row = task_row(store, task_id)
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS + 1
    assert row.error is not None and f"gave up after {MAX_ATTEMPTS} attempts" in row.error
    job = job_row(store, job_id)
    assert job.status == "failed" and job.error == "1 of 1 editions failed"
    view = job_view(store, job_id)
    assert view.articles[0].languages["fr"].error == row.error
    assert view.finished_at is not None


def test_fail_task_sets_the_job_failed_when_every_task_failed(store: Store) -> None:
    job_id = submit(store, [article(1)], ["fr", "vi"])
    a = claim_task(store, "w", 30)
    b = claim_task(store, "w", 30)
    assert a is not None and b is not None
    fail_task(store, a, "w", RuntimeError("the engine fell over\nwith a traceback"))
    assert job_row(store, job_id).status == "running"
    assert task_row(store, a.id).error == "the engine fell over"  # one line
    fail_task(store, b, "someone-else", RuntimeError("not theirs"))
    assert task_row(store, b.id).status == "running"
    fail_task(store, b, "w", ValueError())
    assert task_row(store, b.id).error == "ValueError"
    job = job_row(store, job_id)
    assert (job.status, job.error) == ("failed", "2 of 2 editions failed")
    assert job.finished_at is not None


def test_fail_task_sets_the_job_done_when_some_tasks_succeeded(store: Store) -> None:
    job_id = submit(store, [article(1), article(2)], ["fr"])
    a = claim_task(store, "w", 30)
    b = claim_task(store, "w", 30)
    assert a is not None and b is not None
    assert complete_task(store, a, "w", edition_for(a)) is not None
    fail_task(store, b, "w", RuntimeError("engine down"))
    job = job_row(store, job_id)
    assert (job.status, job.error) == ("done", "1 of 2 editions failed")
    view = job_view(store, job_id)
    assert view.status == "done" and view.error == "1 of 2 editions failed"
    assert view.tasks == TaskCounts(total=2, done=1, failed=1)
    assert complete_task(store, b, "w", edition_for(b)) is None  # a failed task is not completed later


# --- reading ---------------------------------------------------------------------------------------


def test_job_view_has_per_language_progress_and_utc_timestamps(store: Store) -> None:
    job_id = submit(store, [article(1)], ["fr", "vi"])
    fr = claim_task(store, "w", 30)
    assert fr is not None and fr.target_lang == "fr"
    record_progress(store, fr.id, "w", 2, 3)
    record_progress(store, fr.id, "someone-else", 3, 3)  # not theirs: ignored
    view = job_view(store, job_id)
    langs = view.articles[0].languages
    assert langs["fr"] == LanguageProgress(
        status="running",
        segments_done=2,
        segments_total=3,
        attempts=1,
        engine_calls=0,
        memory_hits=0,
        error=None,
        edition_id=None,
        review=None,
    )
    assert (langs["vi"].status, langs["vi"].segments_done, langs["vi"].segments_total) == ("pending", 0, 0)
    assert view.segments == SegmentCounts(done=2, total=3)
    assert view.created_at is not None and view.created_at.utcoffset() == timedelta(0)
    assert view.finished_at is None
    # the JSON the API sends: ISO 8601 with "+00:00", statuses as their strings
    sent = json.loads(view.model_dump_json())
    assert sent["created_at"].endswith("+00:00")
    assert sent["articles"][0]["languages"]["fr"]["status"] == "running"
    assert JobView.model_validate(sent) == view

    edition_id = complete_task(store, fr, "w", edition_for(fr))
    view = job_view(store, job_id)
    assert view.articles[0].languages["fr"].edition_id == edition_id
    assert view.articles[0].languages["fr"].review == "draft"
    assert view.engine_calls == 2 and view.memory_hits == 1
    [listed] = list_jobs(store)
    assert listed.id == job_id and listed.model_dump(mode="json")["created_at"].endswith("+00:00")
    assert listed.tasks == {"done": 1, "pending": 1} and listed.headline == "Storm closes port 1"
    with pytest.raises(NotFoundError):
        job_view(store, "no-such-job")


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # SQLite has no session time zone
def test_timestamps_are_utc_whatever_the_database_session_time_zone(db_url: str) -> None:
    store = Store(f"{db_url}?options=-c%20timezone%3DAsia/Ho_Chi_Minh")
    try:
        job_id = submit(store, [article(1)], ["fr"])
        assert job_view(store, job_id).model_dump(mode="json")["created_at"].endswith("+00:00")
        assert list_jobs(store)[0].model_dump(mode="json")["created_at"].endswith("+00:00")
    finally:
        store.close()


# --- editing and review ----------------------------------------------------------------------------


def _stored_edition(store: Store) -> str:
    submit(store, [article(1)], ["fr"])
    task = claim_task(store, "w", 30)
    assert task is not None
    edition_id = complete_task(store, task, "w", edition_for(task, finding=True))
    assert edition_id is not None
    return edition_id


def test_saving_with_a_stale_revision_is_refused(store: Store) -> None:
    edition_id = _stored_edition(store)
    mine = get_edition(store, edition_id)
    theirs = get_edition(store, edition_id)
    mine.edition.blocks[0].text = "Mon texte."
    mine.edition.blocks[0].findings = []
    assert save_edition(store, mine, "b1", expected_revision=1) == 2
    theirs.edition.blocks[0].text = "Leur texte."
    with pytest.raises(StaleEditError) as err:
        save_edition(store, theirs, "b1", expected_revision=1)
    assert isinstance(err.value, UsageError) and "revision 2" in str(err.value)
    stored = get_edition(store, edition_id)
    assert stored.revision == 2 and stored.edition.blocks[0].text == "Mon texte."
    with store.session() as session:  # the block's findings were replaced by the edited block's (none)
        assert session.scalars(select(FindingRow).where(FindingRow.edition_id == edition_id)).all() == []
    assert save_edition(store, stored, "b2") == 3  # no expected revision: last write wins


def test_approving_then_editing_puts_the_edition_back_to_draft(store: Store) -> None:
    edition_id = _stored_edition(store)
    set_review(store, edition_id, "approved", note="fine")
    stored = get_edition(store, edition_id)
    assert (stored.review, stored.review_note) == ("approved", "fine")
    stored.edition.headline = "Nouveau titre"
    assert save_edition(store, stored, "headline", expected_revision=stored.revision) == 2
    after = get_edition(store, edition_id)
    assert after.review == "draft" and after.edition.headline == "Nouveau titre"
    set_review(store, edition_id, "rejected")
    assert get_edition(store, edition_id).review == "rejected"
    with pytest.raises(UsageError):
        set_review(store, edition_id, "published")
    with pytest.raises(NotFoundError):
        set_review(store, "no-such-edition", "approved")
    with pytest.raises(NotFoundError):
        get_edition(store, "no-such-edition")
