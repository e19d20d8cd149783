# Weavz Connections. Quick start: `make run`, then `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-postgres lint format fuzz bench schema clean

# Tools that load the Django settings (mypy's plugin, schema generation) but serve nothing get
# throwaway values, so they work on a fresh clone without a .env.
CHECK_ENV := WEAVZ_ENV_FILE=/nonexistent SECRET_KEY=static-checks-only-not-a-secret-0123456789 \
	ENCRYPTION_KEY=dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTMyYnl0ZXM= DATABASE_URL=sqlite:///:memory:

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

.env: | $(VENV)/.installed
	$(PY) -m weavz.devenv .env

# The server and, beside it, the job worker: `manage.py run_jobs` is procrastinate's worker on
# PostgreSQL and the in-process periodic scheduler on SQLite. Stopping make stops both.
run: $(VENV)/.installed .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py quickstart
	$(PY) manage.py run_jobs & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed
	$(PY) -m pytest

test-postgres: $(VENV)/.installed
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/weavz} $(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(CHECK_ENV) $(VENV)/bin/mypy .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Seeds weavz_bench* databases on PostgreSQL (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432),
# serves the API and two floors with gunicorn, drives them with wrk. Quick check:
#   make bench BENCH_ARGS="--rows 5000 --duration 3"
bench: $(VENV)/.installed
	$(PY) -m bench $(BENCH_ARGS)

# Schema fuzzing with a fresh random seed and many more cases than CI (FUZZ_EXAMPLES per operation).
fuzz: $(VENV)/.installed
	LOG_LEVEL=WARNING FUZZ_RANDOM=1 FUZZ_NEGATIVE=1 FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-300} $(PY) -m pytest tests/test_fuzz.py -p no:logging -s

schema: $(VENV)/.installed
	$(CHECK_ENV) $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache
