# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
# axe-core for the accessibility test; without npm that test skips and says so.
AXE := node_modules/axe-core/axe.min.js

.PHONY: run test lint venv bench audit clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt stripe_standin/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Serves the seeded gallery on http://$(ADDRESS) (SQLite, local files), after
# printing the site and admin URLs and the admin user (`make run ADDRESS=...`).
# Without Stripe keys, the local Stripe stand-in runs beside it on :8001.
ADDRESS ?= 127.0.0.1:8000
run: venv
	$(PY) scripts/run_dev.py --address $(ADDRESS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

$(AXE):
	-npm install --prefix "$(CURDIR)" --no-save --no-audit --no-fund --silent axe-core@4.14.1

# Ruff, then the whole suite on a throwaway PostgreSQL and again on SQLite.
test: lint $(AXE)
	$(PY) scripts/with_postgres.py $(PY) -m pytest $(PYTEST_ARGS)
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

# Pages, a static file, search and checkout under gunicorn, measured with wrk
# (installed if missing), at 100, 1,000 and 10,000 paintings on SQLite and
# PostgreSQL; long. A quick look: make bench BENCH_ARGS="--sizes 100 --db sqlite --seconds 3"
BENCH_ARGS ?=
bench: venv
	$(PY) bench/pages_bench.py $(BENCH_ARGS)

# Lighthouse and the Nu HTML checker on every public page type (needs npm, Java, Chromium).
audit: venv
	$(PY) scripts/audit.py

clean:
	rm -rf $(VENV) db.sqlite3 media test-artifacts
