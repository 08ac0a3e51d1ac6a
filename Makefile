# Two commands: `make run` (serve the app with the demo register) and `make test` (every test).
# Both work on a fresh clone with Python 3.11+, Node/npm and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STATIC := compliance/static
FRONTEND := node_modules/govuk-frontend/dist/govuk
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test bench bench-gaps install install-test assets lint format db demo clean

run: install assets db demo
	@echo "Serving on http://$(HOST):$(PORT) (Ctrl-C to stop)"
	$(BIN)/compliance run --host $(HOST) --port $(PORT)

# Tests run on TEST_WORKERS processes (pytest-xdist; 0 runs them in this process): much of the
# suite waits on PostgreSQL and Chromium, so more workers than cores still helps. worksteal: a worker
# that runs out of tests takes some from a busy one, so the run does not end on one long tail.
TEST_WORKERS ?= 3
test: install-test assets
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The national-scale benchmark (bench/run.py): SQLite and PostgreSQL (BENCH_POSTGRES_URL, else a
# throwaway cluster when PostgreSQL is installed); prints the table and writes BENCHMARKS.md.
bench: install assets
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# compliance gaps, --help and a full recomputation on the national register, timed from the shell
# (bench/gaps_cli.py; PostgreSQL too when BENCH_POSTGRES_URL or TEST_DATABASE_URL is set).
bench-gaps: install
	$(BIN)/python -m bench.gaps_cli $(BENCH_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

install-test: $(VENV)/.installed-test
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

# GOV.UK Frontend's compiled assets from npm at the pinned version, copied flat into the static
# folder (served under /assets, the path the compiled CSS expects). Not its font: GDS Transport
# is for gov.uk only, and app.css maps it to the system's sans-serif.
assets: $(STATIC)/govuk-frontend.min.css
$(STATIC)/govuk-frontend.min.css: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	cp $(FRONTEND)/govuk-frontend.min.js $(STATIC)/
	cp $(FRONTEND)/govuk-frontend.min.css $(STATIC)/

db: install
	$(BIN)/compliance db upgrade

demo: install
	$(BIN)/compliance seed demo

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules $(STATIC)/fonts $(STATIC)/images $(STATIC)/manifest.json $(STATIC)/govuk-frontend.min.*
