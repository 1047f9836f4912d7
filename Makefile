# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip

.PHONY: run test test-fast bench check cluster clean help

help:
	@echo "make run    set up (virtualenv, dependencies, database) and serve the workshops of sessions/"
	@echo "make test   set up and run the whole test suite"
	@echo "make bench  run the real-time benchmark (prints JSON)"
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

test: $(VENV)/.dev
	$(PY) -m pytest

test-fast: $(VENV)/.dev
	$(PY) -m pytest -m "not e2e"

bench: $(VENV)/.dev
	$(PY) bench/realtime.py

clean:
	rm -rf $(VENV) .pytest_cache
