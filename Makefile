# Takt: `make run` starts the app on its embedded default, `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
ECHARTS := static/vendor/echarts/echarts.min.js
KERNELS_COMPILED := scheduling/solver/__pycache__/.kernels-compiled
ADDR ?= 127.0.0.1:8000
BENCH_DIR ?= ../shared/benchmarks
BENCH_TIME ?= 30

# Test processes (pytest-xdist): one per core, at most four (each takes two Redis databases).
TEST_PROCESSES ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)

.PHONY: run test test-clock check fmt lint types contracts deploy-check bench bench-solver bench-plant bench-gantt bench-floor bench-api install assets demo migrate clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) assets $(KERNELS_COMPILED)

# The solver's compiled cores (tabukernel/, plantkernel/): Numba compiles them once, about a
# minute, and caches the machine code under a key of all their sources (kernelcache.py);
# done here, not in a solve.
$(KERNELS_COMPILED): scheduling/solver/kernelcache.py $(wildcard scheduling/solver/tabukernel/*.py) \
		$(wildcard scheduling/solver/plantkernel/*.py) $(STAMP)
	$(PY) -c 'from scheduling.solver.kernels import compile_ahead; compile_ahead()'
	@touch $@

$(ECHARTS): package.json package-lock.json build-assets.mjs
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	@touch $(ECHARTS)

assets: $(ECHARTS)

migrate: install
	@mkdir -p var
	$(PY) manage.py migrate --no-input -v 0

demo: migrate
	$(PY) manage.py load_demo_plant

## Start the web server and a real Celery worker on SQLite + a filesystem broker.
run: demo
	$(PY) manage.py rundev $(ADDR)

## The whole test suite. SQLite by default; PostgreSQL / Redis when DATABASE_URL / REDIS_URL are set.
test: install
	$(PY) -m pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)

## The date-sensitive tests again with the clock on a Saturday, the night clocks go forward,
## New Year's Eve and a leap day (tests/conftest.py); `make test` ran them at today's date.
test-clock: install
	$(PY) -m pytest -n $(TEST_PROCESSES) -m "clock and not browser and not worker" \
		--clock=awkward -k "not today" $(PYTEST_ARGS)

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

types: $(STAMP)
	$(VENV)/bin/mypy .

contracts: $(STAMP)
	$(VENV)/bin/lint-imports

deploy-check: $(STAMP)
	DJANGO_SETTINGS_MODULE=plant.settings.production DJANGO_SECRET_KEY=$$(openssl rand -hex 32) \
		DJANGO_ALLOWED_HOSTS=takt.example.com $(PY) manage.py check --deploy --fail-level WARNING

check: lint types contracts deploy-check test

## Benchmarks: solver against the public instances and generated plants. Never part of `test`.
bench: bench-solver bench-plant bench-gantt

bench-solver: $(STAMP)
	@mkdir -p bench-results
	$(PY) -m bench.solver $(BENCH_DIR) --time-limit $(BENCH_TIME) --workers 2 --seeds 3 --json bench-results/public.json
	$(PY) -m bench.solver --random --time-limit $(BENCH_TIME) --json bench-results/random.json

bench-plant: $(STAMP)
	for size in S M L; do $(PY) -m bench.solver --plant $$size --time-limit 60 || exit 1; done

bench-gantt: $(STAMP) assets
	$(PY) -m bench.gantt --ops 10000 --machines 50 --runs 3

## 50 tablets posting WIP events to gunicorn + PostgreSQL, then an audit of every quantity.
## Needs DATABASE_URL=postgres://…; not part of `bench` (it needs PostgreSQL).
FLOOR_SECONDS ?= 60
FLOOR_THINK ?= 1
bench-floor: $(STAMP)
	@mkdir -p bench-results
	$(PY) -m bench.floor --tablets 50 --think $(FLOOR_THINK) --seconds $(FLOOR_SECONDS) --json bench-results/floor.json

## Needs PostgreSQL: DATABASE_URL=postgres://… make bench-api (uses a throwaway test_ database).
bench-api: $(STAMP)
	$(PY) -m bench.api --orders 5000 --budget 10

clean:
	rm -rf var staticfiles bench-results .pytest_cache .mypy_cache .ruff_cache
