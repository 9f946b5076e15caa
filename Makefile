# The WPO platform. `make help` lists what you can do.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
# uv from PATH, or a private copy installed from PyPI into .tools on first use.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The content origin for e-learning packages (wpo/packages/content.py): the same app on a second
# port, reached as http://localhost:$(CONTENT_PORT) (another host than 127.0.0.1, so no cookie is shared).
CONTENT_PORT ?= 8001
# Test processes (pytest-xdist); TEST_WORKERS=0 runs the tests in one process.
TEST_WORKERS ?= 2
SOAK_SECONDS ?= 300
SOAK_USERS ?= 100

.PHONY: help install run chromium faketime test test-fast test-at lint format messages clean backup restore soak bench

help: ## Show this help
	@echo "WPO-platform — make targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'
	@echo "Configuration comes from environment variables; see README.md."

.tools/bin/uv:
	@python3 -m venv .tools && .tools/bin/pip install --quiet --disable-pip-version-check uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	@$(UV) sync --frozen --quiet
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm ontbreekt: installeer Node.js (apt-get install nodejs npm)"; exit 1; }
	@npm ci --silent --no-audit --no-fund
	@touch $@

install: .venv/.synced node_modules/.installed ## Install Python packages (uv) and front-end files (npm)

run: install ## Migrate, load demo data, serve on http://127.0.0.1:8000 with the task worker
	@DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --no-input -v 0
	@DEBUG=$${DEBUG:-true} $(PY) manage.py load_curriculum
	@DEBUG=$${DEBUG:-true} $(PY) manage.py load_demo
	@DEBUG=$${DEBUG:-true} $(PY) manage.py schedule_digest
	@DEBUG=$${DEBUG:-true} $(PY) manage.py schedule_retention
	@DEBUG=$${DEBUG:-true} $(PY) manage.py schedule_storage_measure
	@DEBUG=$${DEBUG:-true} $(PY) manage.py schedule_national_figures
	@echo "Het WPO-platform draait op http://$(HOST):$(PORT)/  (stoppen: Ctrl+C)"
	@echo "Oefenpakketten (SCORM) komen van http://localhost:$(CONTENT_PORT)/ (CONTENT_ORIGIN)"
	@export DEBUG=$${DEBUG:-true} CONTENT_ORIGIN=$${CONTENT_ORIGIN:-http://localhost:$(CONTENT_PORT)}; \
	  $(PY) manage.py db_worker --no-reload --interval 5 & worker=$$!; \
	  $(PY) manage.py runserver --noreload --skip-checks 127.0.0.1:$(CONTENT_PORT) & content=$$!; \
	  trap 'kill $$worker $$content 2>/dev/null; wait $$worker $$content 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver --noreload $(HOST):$(PORT)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "Chromium installeren (Debian-pakket)…"; \
	    (apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || \
	     (apt-get update -qq >/dev/null && apt-get install -y --no-install-recommends chromium >/dev/null)); \
	  elif [ -n "$$CI" ] && [ "$$CI" != false ]; then echo "Chromium ontbreekt en apt-get is niet bruikbaar (CI: fout)."; exit 1; \
	  else echo "Chromium ontbreekt en apt-get is niet bruikbaar: browsertests worden overgeslagen."; fi; }

test: install chromium ## Install what is needed and run every test
	@$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-fast: install ## Everything but the browser, scale and generated-input tests: a quick loop while working
	@$(PY) -m pytest -n $(TEST_WORKERS) -m "not browser and not slow" $(PYTEST_ARGS)

faketime:
	@command -v faketime >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "faketime installeren (Debian-pakket)…"; \
	    (apt-get install -y --no-install-recommends faketime >/dev/null 2>&1 || \
	     (apt-get update -qq >/dev/null && apt-get install -y --no-install-recommends faketime >/dev/null)); \
	  else echo "faketime ontbreekt en apt-get is niet bruikbaar: installeer het pakket faketime."; exit 1; fi; }

test-at: install chromium faketime ## Every test with the clock at DATE (Europe/Amsterdam): make test-at DATE="2029-03-25 02:30"
	@test -n "$(DATE)" || { echo 'Geef het moment op: make test-at DATE="2029-03-25 02:30"'; exit 2; }
	@echo "== tests met de klok op $(DATE) (Europe/Amsterdam)"
	@faketime -f "$$($(PY) .ci/clock.py offset "$(DATE)")" $(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

.PHONY: fuzz
fuzz: install ## Property tests with at least 5,000 generated inputs per form and upload (slow)
	@HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest tests/property -p no:cacheprovider $(PYTEST_ARGS)

lint: install ## ruff, mypy and the migrations check
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .
	@$(PY) -m mypy
	@$(PY) manage.py makemigrations --check --dry-run

format: install ## Format the code with ruff
	@$(PY) -m ruff check --fix .
	@$(PY) -m ruff format .

messages: install ## Update the English translation catalogue and compile it
	@DEBUG=true $(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=node_modules
	@DEBUG=true $(PY) manage.py compilemessages -l en --ignore=.venv

backup: install ## Back up the database and uploaded files to backups/
	@$(PY) manage.py backup

restore: install ## Restore a backup: make restore FILE=backups/...tar.gz
	@test -n "$(FILE)" || { echo "Geef het archief op: make restore FILE=backups/wpo-backup-....tar.gz"; exit 2; }
	@$(PY) manage.py restore "$(FILE)" $(if $(YES),--yes)

# The benchmark's own database, wiped on every run; BENCH_DB=sqlite uses data/bench.sqlite3.
BENCH_DATABASE_URL ?= $(if $(filter sqlite,$(BENCH_DB)),sqlite:///data/bench.sqlite3,postgresql://postgres@127.0.0.1:5432/wpo_bench)
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14
SCALE ?= 1
bench: install ## Benchmark at national scale (SCALE=0.01, BENCH_DB=sqlite, REUSE=1); see docs/performance.md
	@export DJANGO_SETTINGS_MODULE=config.bench_settings DEBUG=false DATABASE_URL="$(BENCH_DATABASE_URL)" \
	  REDIS_URL="$(BENCH_REDIS_URL)" CONN_MAX_AGE=$${CONN_MAX_AGE:-60}; \
	  $(if $(REUSE),,$(PY) -m bench.database "$$DATABASE_URL" &&) \
	  $(PY) manage.py migrate --no-input -v 0 && \
	  $(if $(REUSE),,$(PY) manage.py bench_generate --scale $(SCALE) $(if $(SEED),--seed $(SEED)) &&) \
	  $(PY) manage.py bench_measure --write-docs $(BENCH_ARGS)

soak: install ## Load and fault test on gunicorn + a throwaway PostgreSQL (SOAK_SECONDS=300 SOAK_USERS=100 SOAK_REDIS_URL=redis://...)
	@$(PY) -m soak --seconds $(SOAK_SECONDS) --users $(SOAK_USERS)

clean: ## Remove the virtualenv, node_modules and the local SQLite database
	rm -rf .venv .tools node_modules data/wpo.sqlite3* test-output
