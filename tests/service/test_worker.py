"""The worker's engines: one per distinct set of job options, and only a bounded number kept.

Plumbing only, so the engines are `FakeEngine`s from the runner's factory (the real model is
exercised through the API and the browser tests): no model loads here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from editions.engines.base import EngineOptions
from editions.service.context import ServiceConfig, ServiceContext
from editions.service.worker import MAX_ENGINES, JobRunner


def test_jobs_with_ever_new_seeds_do_not_load_engines_without_end(tmp_path: Path, fake_engine: Any) -> None:
    made: list[Any] = []

    def factory(options: EngineOptions) -> Any:
        made.append(fake_engine(options=options))
        return made[-1]

    ctx = ServiceContext.open(ServiceConfig(database_url=f"sqlite:///{tmp_path / 'e.db'}", workers=0))
    runner = JobRunner(ctx, engine_factory=factory)
    try:
        with runner._engine_for({}) as default, runner._engine_for({}) as again:
            assert default is again  # the same options share one engine
        assert default.options.engine == "llamacpp"  # the operator's options, typed for that engine
        engines = []
        for seed in (1, 2, 3):
            with runner._engine_for({"seed": seed, "model": "not a job's choice"}) as engine:
                engines.append(engine)
                assert engine.options.seed == seed
                assert engine.options.model is None  # only temperature and seed come from a job
            assert runner.loaded_engines() <= MAX_ENGINES
        assert len(made) == 4
        assert default.closed == 1 and engines[0].closed == 1  # evicted engines are closed
        assert engines[-1].closed == 0
        # an engine in use is never evicted, even past the bound
        with (
            runner._engine_for({"seed": 4}) as held,
            runner._engine_for({"seed": 5}),
            runner._engine_for({"seed": 6}),
        ):
            assert held.closed == 0
            assert runner.loaded_engines() == 3
        assert held.closed == 0  # idle now, but nothing new was asked for
    finally:
        runner.stop()
        ctx.store.close()
    assert all(engine.closed == 1 for engine in made)  # stop closes what is left, each once
