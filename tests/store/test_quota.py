"""Quotas on queued work, at the store: a job over the per-job cap or past its owner's queued-task cap
is refused whole, also when submissions race (threads on SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from editions.document import Article, Block
from editions.errors import QuotaExceededError, TooManyTasksError
from editions.store.db import Store
from editions.store.queue import Quota, Submission, SubmittedArticle, submit_job
from editions.store.schema import ArticleRow, JobRow, TaskRow


def _article(i: int) -> SubmittedArticle:
    return SubmittedArticle(Article(headline=f"Story {i}", blocks=[Block(id="b1", text=f"Paragraph {i}.")]))


def _counts(store: Store) -> tuple[int, int, int]:
    with store.session() as session:
        return tuple(  # type: ignore[return-value]
            int(session.scalar(select(func.count()).select_from(t)) or 0)
            for t in (ArticleRow, JobRow, TaskRow)
        )


def test_a_job_over_the_cap_stores_nothing(db_url: str) -> None:
    store = Store(db_url)
    try:
        big = Submission([_article(i) for i in range(3)], ["fr", "vi"], owner="ed_a")
        with pytest.raises(
            TooManyTasksError, match=re.escape("6 tasks (3 articles × 2 languages); the limit is 5")
        ):
            submit_job(store, big, Quota(tasks_per_job=5))
        assert _counts(store) == (0, 0, 0)
        submit_job(store, big, Quota(tasks_per_job=6))
        assert _counts(store) == (3, 1, 6)
    finally:
        store.close()


def test_racing_submissions_never_pass_the_owner_cap(db_url: str) -> None:
    store = Store(db_url)
    quota = Quota(pending_tasks_per_owner=10)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit(i: int) -> None:
        try:
            submit_job(store, Submission([_article(i)], ["fr", "vi"], owner="ed_a"), quota)
            result = "queued"
        except QuotaExceededError:
            result = "refused"
        except Exception as err:  # anything else (a database lock error) is a failure of the test
            result = f"error: {type(err).__name__}: {err}"
        with lock:
            outcomes.append(result)

    try:
        threads = [threading.Thread(target=submit, args=(i,)) for i in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert sorted(set(outcomes)) == ["queued", "refused"], outcomes
        assert outcomes.count("queued") == 5  # 5 jobs × 2 tasks = the cap of 10, never more
        articles, jobs, tasks = _counts(store)
        assert (jobs, tasks) == (5, 10) and articles == 5  # refused jobs left no article behind
        # another owner is counted on its own
        submit_job(store, Submission([_article(99)], ["fr"], owner="ed_b"), quota)
    finally:
        store.close()
