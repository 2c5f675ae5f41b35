# newsflow: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.9.30
DATE ?= 2024-06-27
PORT ?= 8765

# The embedded default: SQLite metadata DB and logs under .airflow/, lake under data/lake.
export AIRFLOW_HOME := $(CURDIR)/.airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__PLUGINS_FOLDER := $(CURDIR)/plugins
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__CORE__EXECUTOR := LocalExecutor
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN := sqlite:///$(CURDIR)/.airflow/airflow.db
export AIRFLOW__LOGGING__BASE_LOG_FOLDER := $(CURDIR)/.airflow/logs
export NEWSFLOW_LAKE ?= $(CURDIR)/data/lake
export NEWSFLOW_SOURCES ?= $(CURDIR)/include/sources.yaml
export NEWSFLOW_SAMPLE_BASE ?= http://127.0.0.1:$(PORT)

.PHONY: help venv run test lock compose-check airflow-db clean bench-fetch bench-extract bench-dedupe bench-nlp bench-lake bench-scale bench-crash bench-exact fuzz test-cluster

help:
	@echo "make run    - install, serve the sample site, run news_ingest for DATE=$(DATE), print a summary"
	@echo "make test   - install and run the test suite"
	@echo "make lock   - recompile requirements.txt and requirements-dev.txt from the .in files"
	@echo "make compose-check - validate docker-compose.yaml (config -q where a compose binary exists) and its structure"
	@echo "make bench-fetch - politeness benchmark: pages/s vs the per-host budget (BENCH_ARGS=...)"
	@echo "make bench-extract - extraction vs trafilatura and readability-lxml on ../shared/corpus"
	@echo "make bench-nlp    - entities/quotes/dates/numbers/keywords vs ../shared/gold and bench/nlp_holdout (shared scorer)"
	@echo "make bench-lake   - 1M synthetic articles: files, bytes and DuckDB query times, daily vs monthly layout"
	@echo "make bench-scale  - a night of 1k/10k/100k synthetic pages replayed on every core, and night 30 vs night 1"
	@echo "make bench-crash  - SIGKILL a run at 20 random moments, rerun: every table readable, rows equal to an uninterrupted run"
	@echo "make bench-dedupe - dedupe quality on ../shared/gold/dedup_dev and 100k synthetic articles vs plain datasketch"
	@echo "make bench-exact  - exact-copy lookups: the hash-bucketed index vs every signatures file, on 30/365/1095 days"
	@echo "make test-cluster - Postgres, Redis, S3, scheduler, api-server and two Celery workers: ingest, SIGKILL a worker, replay, maintain"
	@echo "make fuzz         - 10,000 generated hostile pages through parse_page: uncaught exceptions, lone surrogates, s/page"

# The local venv gets the runtime lock and the test/benchmark lock (the Docker image only the first).
$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q "uv==$(UV_VERSION)"
	$(UV) pip install -q --python $(PY) -r requirements.txt -r requirements-dev.txt
	$(UV) pip install -q --python $(PY) --no-deps -e .
	@touch $@

venv: $(VENV)/.installed

# Existing pins are kept unless an .in file asks otherwise (uv reads the output files as preferences);
# requirements-dev.in is constrained by requirements.txt (-c), so the two locks agree.
lock: venv
	$(UV) pip compile requirements.in -o requirements.txt --python-version 3.11
	$(UV) pip compile requirements-dev.in -o requirements-dev.txt --python-version 3.11

# The cluster file: `docker compose config -q` (or docker-compose) where one is installed, and its
# structural checks (tests/dags/test_compose.py); needs no Docker engine.
compose-check: venv
	@if docker compose version >/dev/null 2>&1; then docker compose config -q && echo "docker compose config: ok"; \
	elif command -v docker-compose >/dev/null; then docker-compose config -q && echo "docker-compose config: ok"; \
	else echo "no docker compose binary: skipping 'config -q'"; fi
	$(PY) -m pytest -q tests/dags/test_compose.py

$(AIRFLOW_HOME)/.migrated: $(VENV)/.installed
	@mkdir -p $(AIRFLOW_HOME)
	$(VENV)/bin/airflow db migrate > $(AIRFLOW_HOME)/migrate.log 2>&1 || (tail -30 $(AIRFLOW_HOME)/migrate.log; exit 1)
	$(VENV)/bin/airflow pools set newsflow_fetch 4 "newsflow: concurrent fetch tasks across all runs" >> $(AIRFLOW_HOME)/migrate.log 2>&1
	$(VENV)/bin/airflow pools set newsflow_publish 1 "newsflow: one publisher at a time (news_ingest, news_reprocess)" >> $(AIRFLOW_HOME)/migrate.log 2>&1
	@touch $@

airflow-db: $(AIRFLOW_HOME)/.migrated

run: venv airflow-db
	@$(PY) -m newsflow serve-sample --port $(PORT) > $(AIRFLOW_HOME)/sample_site.log 2>&1 & echo $$! > $(AIRFLOW_HOME)/sample_site.pid; \
	trap 'kill $$(cat $(AIRFLOW_HOME)/sample_site.pid) 2>/dev/null' EXIT; \
	for i in $$(seq 100); do grep -q "sample site on" $(AIRFLOW_HOME)/sample_site.log && break; sleep 0.1; done; \
	start=$$(date +%s); \
	$(VENV)/bin/airflow dags test news_ingest "$$($(PY) -c 'import datetime as d;print(d.date.fromisoformat("$(DATE)")+d.timedelta(days=1))')T03:00:00+09:00" \
	  --conf '{"date": "$(DATE)"}' > $(AIRFLOW_HOME)/dags_test.log 2>&1 \
	  || { tail -60 $(AIRFLOW_HOME)/dags_test.log; exit 1; }; \
	grep -q "DagRun Finished.*state=success" $(AIRFLOW_HOME)/dags_test.log \
	  || { tail -60 $(AIRFLOW_HOME)/dags_test.log; echo "news_ingest did not succeed (log: .airflow/dags_test.log)"; exit 1; }; \
	echo "news_ingest for $(DATE) finished in $$(( $$(date +%s) - start ))s (log: .airflow/dags_test.log)"; \
	$(PY) -m newsflow summary --lake $(NEWSFLOW_LAKE) --date $(DATE)

test: venv
	$(PY) -m pytest -q

bench-fetch: venv
	$(PY) bench/bench_fetch.py $(BENCH_ARGS)

bench-extract: venv
	$(PY) bench/bench_extract.py $(BENCH_ARGS)

bench-exact: venv
	$(PY) bench/bench_exact.py $(BENCH_ARGS)

# A real cluster (tests/cluster/README.md): several minutes on 2 cores, so not part of `make test`.
test-cluster: venv
	NEWSFLOW_CLUSTER=1 $(PY) -m pytest tests/cluster -q -p no:cacheprovider

bench-dedupe: venv
	$(PY) bench/bench_dedupe.py $(BENCH_ARGS)

bench-nlp: venv
	$(PY) bench/bench_nlp.py $(BENCH_ARGS)

bench-lake: venv
	$(PY) bench/bench_lake.py $(BENCH_ARGS)

bench-scale: venv
	$(PY) bench/bench_scale.py $(BENCH_ARGS)

bench-crash: venv
	$(PY) bench/bench_crash.py $(BENCH_ARGS)

fuzz: venv
	$(PY) bench/fuzz.py $(BENCH_ARGS)

clean:
	rm -rf .airflow data .pytest_cache
