"""The worker's engines: one model load per distinct set of job options, and only a bounded number kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from editions.service.context import ServiceConfig, ServiceContext
from editions.service.worker import MAX_ENGINES, JobRunner


@pytest.mark.model
def test_jobs_with_ever_new_seeds_do_not_load_models_without_end(
    tmp_path: Path, default_model_path: Path
) -> None:
    ctx = ServiceContext.open(ServiceConfig(database_url=f"sqlite:///{tmp_path / 'e.db'}", workers=0))
    runner = JobRunner(ctx)
    try:
        with runner._engine_for({}) as default, runner._engine_for({}) as again:
            assert default is again  # the same options share one model
        engines = []
        for seed in (1, 2, 3):
            with runner._engine_for({"seed": seed}) as engine:
                engines.append(engine)
                assert engine.options.seed == seed
            assert runner.loaded_engines() <= MAX_ENGINES
        assert getattr(default, "_llm", "gone") is None  # evicted engines are closed, their memory freed
        assert getattr(engines[0], "_llm", "gone") is None
        # an engine in use is never evicted, even past the bound
        with (
            runner._engine_for({"seed": 4}) as held,
            runner._engine_for({"seed": 5}),
            runner._engine_for({"seed": 6}),
        ):
            assert getattr(held, "_llm", None) is not None
    finally:
        runner.stop()
        ctx.store.close()
