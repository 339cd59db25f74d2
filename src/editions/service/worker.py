"""Background workers: claim a task, translate it under a renewed lease, finish it exactly once.

Every finished segment goes into the translation memory as soon as it is written, so a task whose
worker died (kill -9, power cut) resumes where it stopped: the next worker finds the finished
segments in the memory and calls the engine only for the rest. On a clean shutdown a worker stops
between two segments and hands its task back at once.

An in-process engine (llama.cpp) runs in a worker process (`engines.isolated`): when native code
crashes there, only that process dies. The thread waiting on it fails the task's attempt with the
signal's name, hands the task back for a retry (or fails it after `max_attempts`, a "poison"
article), and starts a fresh engine process; the server keeps answering throughout.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import wait as wait_for_any
from typing import Any

from editions.condense import translate_condensed
from editions.engines.base import Engine, EngineOptions
from editions.engines.isolated import IsolatedEngine, create_supervised
from editions.errors import EditionsError, EngineCrashedError
from editions.pipeline import Pipeline
from editions.service import observe
from editions.service.context import ServiceContext
from editions.store.queue import (
    ClaimedTask,
    claim_task,
    complete_task,
    fail_task,
    reclaim_orphans,
    record_progress,
    release_task,
    renew_lease,
    retry_task,
    worker_identity,
)

# What a job may choose per request; the engine, model and server are the operator's choice.
JOB_OPTIONS = ("temperature", "seed")
MAX_ENGINES = 2


class _Stopping(Exception):
    """Raised between two segments when the service shuts down."""


EngineFactory = Callable[[EngineOptions], Engine]


class JobRunner:
    """`config.workers` threads sharing one engine per distinct set of job options.

    Engines come from `engine_factory` (`create_supervised` unless told otherwise: an in-process
    engine in its own worker process); the runner owns what it makes and closes each engine when it
    evicts it or stops.
    """

    def __init__(self, ctx: ServiceContext, engine_factory: EngineFactory = create_supervised) -> None:
        self.ctx = ctx
        self._engine_factory = engine_factory
        self._engines: OrderedDict[str, Engine] = OrderedDict()  # least recently used first
        self._in_use: Counter[str] = Counter()
        self._engines_lock = threading.Lock()
        self._loading = 0  # engines being made now (a model load takes seconds)
        self._closed_restarts = 0  # restarts of engine processes already closed
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        released = reclaim_orphans(self.ctx.store)
        if released:
            observe.log("worker.reclaimed", tasks=released)
        self._stop.clear()
        for n in range(max(0, self.ctx.config.workers)):
            thread = threading.Thread(target=self._loop, name=f"editions-worker-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)
        if self._threads:
            supervisor = threading.Thread(target=self._supervise, name="editions-engines", daemon=True)
            supervisor.start()
            self._threads.append(supervisor)
            feeds = threading.Thread(target=self._poll_feeds, name="editions-feeds", daemon=True)
            feeds.start()
            self._threads.append(feeds)

    def wake(self) -> None:
        """A job was just submitted here: look now rather than at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 60.0) -> None:
        self._stop.set()
        self._wake.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.1, deadline - time.monotonic()))
        self._threads = [t for t in self._threads if t.is_alive()]
        with self._engines_lock:
            for engine in self._engines.values():
                self._close(engine)
            self._engines.clear()

    def alive(self) -> int:
        helpers = ("editions-engines", "editions-feeds")
        return sum(t.is_alive() for t in self._threads if t.name not in helpers)

    def preload(self) -> None:
        """Load the operator's engine now, so a missing model is an error at start, not in every task."""
        started = time.perf_counter()
        with self._engine_for({}) as engine:
            signature = engine.provenance.signature()
        observe.log("engine.ready", signature=signature, s=round(time.perf_counter() - started, 2))

    @contextmanager
    def _engine_for(self, options: dict[str, Any]) -> Iterator[Engine]:
        """The engine for a job's options, held while the task uses it.

        Each distinct set of options is a model load (1.1 GB in process for the default), so at most
        MAX_ENGINES are kept: a job with yet another seed evicts the least recently used idle one
        instead of loading models until memory runs out.
        """
        chosen = {k: options[k] for k in JOB_OPTIONS if k in options}
        key = json.dumps(chosen, sort_keys=True)
        with self._engines_lock:
            if key not in self._engines:
                idle = [k for k in self._engines if not self._in_use[k]]
                for evicted in idle[: max(0, len(self._engines) + 1 - MAX_ENGINES)]:
                    self._close(self._engines.pop(evicted))
                operator = self.ctx.config.engine
                for_job = type(operator).model_validate(operator.model_dump() | chosen)
                self._loading += 1
                try:
                    self._engines[key] = self._engine_factory(for_job)
                finally:
                    self._loading -= 1
            self._engines.move_to_end(key)
            self._in_use[key] += 1
            engine = self._engines[key]
        try:
            yield engine
        finally:
            with self._engines_lock:
                self._in_use[key] -= 1

    def loaded_engines(self) -> int:
        with self._engines_lock:
            return len(self._engines)

    def _close(self, engine: Engine) -> None:
        if isinstance(engine, IsolatedEngine):
            self._closed_restarts += engine.restarts
        engine.close()

    def engine_health(self) -> dict[str, Any]:
        """For /healthz, without taking the lock a model load holds: "up" when every engine is,
        "starting" while one loads or restarts, "down" when one's process is dead, "idle" before the
        first; `restarts`: engine processes started again after one died."""
        engines = list(self._engines.values())  # a snapshot; no lock, so health never waits on a load
        states = [e.health()["state"] if isinstance(e, IsolatedEngine) else "up" for e in engines]
        restarts = self._closed_restarts + sum(e.restarts for e in engines if isinstance(e, IsolatedEngine))
        if "down" in states:
            state = "down"
        elif "starting" in states or self._loading:
            state = "starting"
        else:
            state = "up" if states else "idle"
        return {"state": state, "restarts": restarts}

    def _supervise(self) -> None:
        """Watch the engine processes and restart one that died between tasks, at once; one that
        dies under a task is handled by that task's thread (`_after_crash`)."""
        poll = max(0.05, self.ctx.config.poll_s)
        while not self._stop.is_set():
            engines = [e for e in list(self._engines.values()) if isinstance(e, IsolatedEngine)]
            sentinels = [s for s in (e.sentinel for e in engines) if s is not None]
            try:
                ready = wait_for_any(sentinels, timeout=poll) if sentinels else self._stop.wait(poll)
            except (OSError, ValueError):  # an engine closed while we waited on it
                continue
            for engine in engines:
                if self._stop.is_set():
                    return
                try:
                    ended = engine.revive()
                except EditionsError as err:
                    observe.log("engine.restart_failed", level="error", error=str(err))
                    continue
                if ended:
                    observe.log("engine.died", level="error", error=f"engine worker {ended} between tasks")
                    observe.log("engine.restarted", pid=engine.pid, restarts=engine.restarts)
            if ready and not self._stop.is_set():
                self._stop.wait(0.05)  # a request in flight is reporting that death; let it

    def _loop(self) -> None:
        owner = worker_identity()
        while not self._stop.is_set():
            try:
                task = claim_task(
                    self.ctx.store, owner, self.ctx.config.lease_s, self.ctx.config.max_attempts
                )
            except Exception as err:
                observe.log("worker.claim_failed", level="error", error=str(err)[:300])
                self._stop.wait(max(1.0, self.ctx.config.poll_s))
                continue
            if task is None:
                self._wake.wait(self.ctx.config.poll_s)
                self._wake.clear()
                continue
            self.run_task(task, owner)

    def _poll_feeds(self) -> None:
        """Poll the registered feeds as they fall due (`service.feeds`), one at a time under a lease;
        a poll's new and changed items are an ordinary job, which the task threads then translate."""
        from editions.service.feeds import poll_due

        owner = worker_identity()
        while not self._stop.is_set():
            try:
                report = poll_due(self.ctx, owner)
            except Exception as err:
                observe.log("feed.poll_failed", level="error", error=str(err)[:300])
                report = None
            if report is None:
                self._stop.wait(max(1.0, self.ctx.config.poll_s * 4))
                continue
            observe.log(
                "feed.polled",
                feed=report.feed_id,
                job=report.job_id,
                not_modified=report.not_modified,
                error=str(report.error) if report.error else None,
                items=len(report.lines),
            )
            if report.job_id:
                self._wake.set()

    def run_task(self, task: ClaimedTask, owner: str) -> None:
        started = time.perf_counter()
        observe.log("task.start", task=task.id, job=task.job_id, lang=task.target_lang, attempt=task.attempts)
        done = threading.Event()
        heartbeat = threading.Thread(target=self._heartbeat, args=(task, owner, done), daemon=True)
        heartbeat.start()
        engine: Engine | None = None
        try:
            with self._engine_for(task.options) as engine:
                self._translate(task, owner, engine, started)
        except _Stopping:
            release_task(self.ctx.store, task, owner)
            observe.log("task.released", task=task.id, reason="shutdown")
        except EngineCrashedError as err:
            self._after_crash(task, owner, err, engine)
        except EditionsError as err:
            fail_task(self.ctx.store, task, owner, err)
            observe.TASKS.labels("failed").inc()
            observe.log("task.failed", level="warning", task=task.id, error=str(err))
        except Exception as err:
            fail_task(self.ctx.store, task, owner, err)
            observe.TASKS.labels("failed").inc()
            observe.log("task.crashed", level="error", task=task.id, error=repr(err)[:300])
        finally:
            done.set()
            heartbeat.join(timeout=5)

    def _after_crash(
        self, task: ClaimedTask, owner: str, err: EngineCrashedError, engine: Engine | None
    ) -> None:
        """The engine's process died under this task: retry it (or fail it for good), then restart
        the engine now, so that health says "up" again before the next task needs it. During a
        shutdown the death is most likely the shutdown's own signal: the task is handed back as is."""
        if self._stop.is_set():
            release_task(self.ctx.store, task, owner)
            observe.log("task.released", task=task.id, reason="shutdown", error=str(err))
            return
        again = retry_task(
            self.ctx.store, task, owner, f"{err} during task {task.id}", self.ctx.config.max_attempts
        )
        observe.TASKS.labels("retried" if again else "failed").inc()
        observe.log(
            "engine.died", level="error", task=task.id, attempt=task.attempts, retry=again, error=str(err)
        )
        if isinstance(engine, IsolatedEngine) and not self._stop.is_set():
            try:
                engine.restart()
                observe.log("engine.restarted", pid=engine.pid, restarts=engine.restarts)
            except EditionsError as failed:
                observe.log("engine.restart_failed", level="error", error=str(failed))
        self._wake.set()  # the retry is claimable now

    def _translate(self, task: ClaimedTask, owner: str, engine: Engine, started: float) -> None:
        pipeline = Pipeline(engine, glossary=self.ctx.glossary, memory=self.ctx.memory)

        def progress(_lang: str, finished: int, total: int) -> None:
            record_progress(self.ctx.store, task.id, owner, finished, total)
            if self._stop.is_set() and finished < total:
                raise _Stopping

        article = task.article
        if task.options.get("mode") == "condensed":
            budget = int(task.options["words"])
            edition = translate_condensed(pipeline, article, task.target_lang, budget, progress)
        else:
            edition = pipeline.translate_one(article, task.target_lang, article.source_lang or "en", progress)
        edition_id = complete_task(self.ctx.store, task, owner, edition)
        observe.ENGINE_CALLS.inc(edition.timings.engine_calls)
        observe.MEMORY_HITS.inc(edition.timings.memory_hits)
        observe.TASKS.labels("done" if edition_id else "lost_lease").inc()
        observe.SEGMENT_SECONDS.observe(time.perf_counter() - started)
        observe.log(
            "task.done",
            task=task.id,
            job=task.job_id,
            edition=edition_id,
            engine_calls=edition.timings.engine_calls,
            memory_hits=edition.timings.memory_hits,
            s=round(time.perf_counter() - started, 2),
        )

    def _heartbeat(self, task: ClaimedTask, owner: str, done: threading.Event) -> None:
        interval = max(0.2, self.ctx.config.lease_s / 3)
        while not done.wait(interval):
            try:
                if not renew_lease(self.ctx.store, task.id, owner, self.ctx.config.lease_s):
                    return  # someone else holds it now; completion will notice
            except Exception as err:
                observe.log("worker.heartbeat_failed", level="warning", task=task.id, error=str(err)[:200])
