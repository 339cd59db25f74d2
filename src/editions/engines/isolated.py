"""An in-process engine run in a child process, so that a crash in its native code kills the child only.

llama.cpp is C++: a SIGSEGV there, or the OOM killer choosing the process that holds the model, used
to take `editions serve` down with every job. The service builds engines whose class says
`in_process = True` through `create_supervised`, which starts the engine in a worker process and
hands back an `IsolatedEngine`: an `Engine` whose `translate_batch` sends the requests to the child
over a pipe and returns its results. The child holds the model between tasks.

Only the engine crosses the pipe; the pipeline, the translation memory, the glossary and the store
stay in the server. That is the simpler of the two correct splits: each finished segment is written to
the memory by the server as before, so a task whose child died resumes from the memory on its retry,
and the child needs no database connection, no glossary and no store migrations of its own.

When the child dies, the thread waiting on the pipe sees it at once (end of file) and raises
`EngineCrashedError` naming the signal; the next use starts a fresh child (`restart` does it at once).
The child is started with 'spawn' (never `fork` from a server that holds threads and locks), built from
the engine's options and its "module:Class" alone, and exits when the server's end of the pipe closes.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Literal

from editions.document import Provenance
from editions.engines import create_engine, engine_class, known_engines, register_engine
from editions.engines.base import Engine, EngineOptions, TranslationRequest, TranslationResult
from editions.errors import EditionsError, EngineCrashedError, EngineError
from editions.settings import settings

EngineState = Literal["up", "starting", "down"]
STOP_S = 10.0  # how long a closing child may take to release its model before it is killed


def create_supervised(options: EngineOptions | None = None) -> Engine:
    """The engine for `options`: in a supervised worker process if it runs in-process, else as is."""
    options = options or EngineOptions()
    if engine_class(options.engine).in_process:
        return IsolatedEngine(options)
    return create_engine(options)


def describe_exit(exitcode: int | None) -> str:
    """How a child ended, in words: "died from SIGSEGV (signal 11)", "exited with status 1"."""
    if exitcode is None:
        return "stopped answering"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = "a signal"
        return f"died from {name} (signal {-exitcode})"
    return f"exited with status {exitcode}"


class IsolatedEngine(Engine):
    """An engine running in a worker process that this object starts, watches and restarts."""

    name = "isolated"

    def __init__(self, options: EngineOptions) -> None:
        super().__init__(options)
        self._target = known_engines()[self.options.engine]  # the child imports it by this name
        self._lock = threading.Lock()  # one request at a time on the pipe
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._provenance: Provenance | None = None
        self._parallel = 1
        self.state: EngineState = "down"
        self.starts = 0
        self._closed = False
        with self._lock:
            self._start()

    # --- the parent's side -------------------------------------------------------------------------

    @property
    def restarts(self) -> int:
        return max(0, self.starts - 1)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def sentinel(self) -> int | None:
        """Ready when the child ends (`multiprocessing.connection.wait`), for a supervisor to watch."""
        return self._process.sentinel if self._process is not None else None

    @property
    def provenance(self) -> Provenance:
        assert self._provenance is not None
        return self._provenance

    @property
    def parallel_requests(self) -> int:
        return self._parallel

    @property
    def sentence_level(self) -> bool:
        return engine_class(self.options.engine).translates_sentences

    def health(self) -> dict[str, Any]:
        """{"state", "restarts"}, without waiting for a request in flight: a child that died while
        idle shows as down at once."""
        process, state = self._process, self.state
        if state == "up" and (process is None or not process.is_alive()):
            state = "down"
        return {"state": state, "restarts": self.restarts}

    def translate_batch(self, requests: Sequence[TranslationRequest]) -> list[TranslationResult]:
        with self._lock:
            if self._conn is None or self._process is None or not self._process.is_alive():
                self._stop_child()
                self._start()
            reply = self._ask(("translate", list(requests)))
        if reply[0] == "error":
            raise reply[1]
        results: list[TranslationResult] = reply[1]
        return results

    def restart(self) -> None:
        """Start a fresh child now if the last one died, so the engine is up before the next task."""
        with self._lock:
            if self._process is None or not self._process.is_alive():
                self._stop_child()
                self._start()

    def revive(self) -> str | None:
        """If the child died while no request was waiting on it (the OOM killer picks an idle process
        too), start a fresh one now and say how the old one ended; None if there was nothing to do.
        A death under a request is that request's to report (`EngineCrashedError`), so this never
        waits for the lock."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            process = self._process
            if self._closed or process is None or process.is_alive():
                return None
            ended = describe_exit(process.exitcode)
            self._stop_child()
            self._start()
            return ended
        finally:
            self._lock.release()

    def close(self) -> None:
        """Ask the child to release its model and exit; kill it if it does not in time. Safe twice."""
        self._closed = True
        locked = self._lock.acquire(timeout=STOP_S)
        try:
            self._stop_child(ask=True)
        finally:
            if locked:
                self._lock.release()

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        process = context.Process(
            target=serve_engine,
            args=(theirs, self._target, self.options.model_dump(), self.starts),
            name=f"editions-engine-{self.options.engine}",
            daemon=True,
        )
        self.state = "starting"
        process.start()
        theirs.close()  # else the pipe stays open in this process and a dead child is never noticed
        self._process, self._conn = process, ours
        self.starts += 1
        reply = self._ask(None)  # the child says it is ready, or why it could not load the engine
        if reply[0] == "error":
            self._stop_child()
            raise reply[1]
        _, self._provenance, self._parallel = reply
        self.state = "up"

    def _ask(self, message: tuple[Any, ...] | None) -> tuple[Any, ...]:
        """Send `message` (None: only listen) and wait for the answer; a dead child is an error now."""
        assert self._conn is not None and self._process is not None
        try:
            if message is not None:
                self._conn.send(message)
            reply: tuple[Any, ...] = self._conn.recv()
            return reply
        except (EOFError, OSError) as err:
            process = self._process
            process.join(timeout=5)
            self._stop_child()
            raise EngineCrashedError(f"engine worker {describe_exit(process.exitcode)}") from err

    def _stop_child(self, *, ask: bool = False) -> None:
        conn, process = self._conn, self._process
        self._conn, self._process = None, None
        self.state = "down"
        if conn is not None:
            if ask:
                with contextlib.suppress(OSError):
                    conn.send(("close",))
            conn.close()
        if process is not None:
            process.join(timeout=STOP_S if ask else 1.0)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)


# --- the child's side --------------------------------------------------------------------------------


class _CrashSeam:
    """The test seams (settings.py): die from SIGSEGV in the middle of a task, as native code would."""

    def __init__(self, generation: int) -> None:
        env = settings()
        self.after = env.test_crash_after_segments if generation == 0 else None
        self.poison = env.test_crash_on
        self.seen = 0

    def check(self, requests: Sequence[TranslationRequest]) -> None:
        self.seen += len(requests)
        crash = self.after is not None and self.seen > self.after
        crash = crash or bool(self.poison and any(self.poison in r.text for r in requests))
        if crash:
            os.kill(os.getpid(), signal.SIGSEGV)


def serve_engine(conn: Connection, target: str, options: dict[str, Any], generation: int) -> None:
    """The worker process: build the engine from its options, then translate what the pipe brings
    until the server closes it. `generation`: how many workers this one's supervisor started before."""
    # Ctrl-C and a service manager's SIGTERM reach the whole process group: they are the server's to
    # handle, and it closes us (or, if it dies, its end of the pipe closes and we exit).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    name = options["engine"]
    try:
        register_engine(name, target)
        engine = create_engine(engine_class(name).options_class.model_validate(options))
    except BaseException as err:
        _reply(conn, ("error", _portable(err)))
        return
    seam = _CrashSeam(generation)
    try:
        if not _reply(conn, ("ready", engine.provenance, engine.parallel_requests)):
            return
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                return  # the server is gone
            if message[0] != "translate":
                return
            seam.check(message[1])
            try:
                reply: tuple[Any, ...] = ("ok", engine.translate_batch(message[1]))
            except Exception as err:
                reply = ("error", _portable(err))
            if not _reply(conn, reply):
                return
    finally:
        engine.close()


def _reply(conn: Connection, message: tuple[Any, ...]) -> bool:
    """Send to the server; False if it is gone (killed mid-request): then we just exit, quietly."""
    try:
        conn.send(message)
    except OSError:
        return False
    return True


def _portable(err: BaseException) -> EditionsError:
    """An error the server can raise as its own: ours as they are, anything else as an EngineError."""
    if isinstance(err, EditionsError):
        try:
            pickle.loads(pickle.dumps(err))  # an error with its own constructor may not survive
            return err
        except Exception:
            pass
    return EngineError(f"the engine failed: {type(err).__name__}: {err}")
