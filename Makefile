# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip

.PHONY: run test test-fast lint format bench bench-deps check cluster clean help

help:
	@echo "make run    set up (virtualenv, dependencies, database) and serve the workshops of sessions/"
	@echo "make test   set up and run the whole test suite"
	@echo "make lint   ruff (Python) and Biome (JavaScript): lint and format checks, as CI runs them"
	@echo "make bench  run the real-time benchmark (prints JSON)"
	@echo "make bench-deps  install the Node load generator (bench/loadgen) for --client-impl node"
	@echo "make check  validate the workshop definitions in sessions/"
	@echo "make cluster  PROCESSES serve processes behind HAProxy, with Redis and PostgreSQL (docs/deployment.md)"

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) -m facilitator serve

cluster: $(VENV)/.runtime
	$(PY) deploy/cluster.py

check: $(VENV)/.runtime
	$(PY) -m facilitator check

# Lint and format checks (ruff for Python, Biome for static/js and tests/js); `make format` rewrites.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

lint: $(VENV)/.dev node_modules/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	npx --no-install biome ci static/js tests/js bench/loadgen/worker.mjs bench/loadgen/common.mjs bench/loadgen/storm.mjs

format: $(VENV)/.dev node_modules/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	npx --no-install biome check --write static/js tests/js bench/loadgen/worker.mjs bench/loadgen/common.mjs bench/loadgen/storm.mjs

test: $(VENV)/.dev
	$(PY) -m pytest

test-fast: $(VENV)/.dev
	$(PY) -m pytest -m "not e2e"

bench: $(VENV)/.dev
	$(PY) bench/realtime.py

# The Node load generator (bench/realtime.py --client-impl node): bench and CI only.
bench/loadgen/node_modules/.installed: bench/loadgen/package.json bench/loadgen/package-lock.json
	npm ci --prefix bench/loadgen --no-audit --no-fund --silent
	touch $@

bench-deps: bench/loadgen/node_modules/.installed

clean:
	rm -rf $(VENV) .pytest_cache
