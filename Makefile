# Two commands matter: `make run` (set up everything, start the portal with demo data)
# and `make test` (install dev tools, run the whole suite). See README.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app portal
HOST   ?= 127.0.0.1
PORT   ?= 5000
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: run setup test test-pg test-browser test-api lint translations screenshots bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

## setup: venv, install, translations, migrate the embedded SQLite database, demo data
setup: $(VENV)/.installed
	$(FLASK) compile-translations >/dev/null
	$(FLASK) db upgrade
	$(FLASK) seed-demo

## run: everything above, then serve on http://127.0.0.1:5000
run: setup
	@echo "社区微平台 / portal: http://$(HOST):$(PORT)"
	$(FLASK) run --host $(HOST) --port $(PORT)

## test: the whole suite on SQLite (browser tests included when Chromium is present), then lint
test: $(VENV)/.installed-dev
	$(BIN)/pytest $(PYTEST_ARGS)
	$(BIN)/ruff check .

## test-pg: the same suite on PostgreSQL (browser tests run separately)
test-pg: $(VENV)/.installed-dev
	TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

## test-browser: Playwright flows in Debian's headless Chromium at 390x844
test-browser: $(VENV)/.installed-dev
	REQUIRE_BROWSER=1 $(BIN)/pytest -m browser $(PYTEST_ARGS)

## test-api: schemathesis against /api/v1/openapi.json on a temporary SQLite with demo data
test-api: $(VENV)/.installed-dev
	BIN=$(BIN) scripts/test_api.sh

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

## translations: re-extract strings and merge them into the English catalog
translations: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output \
		--omit-header -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching
	$(FLASK) compile-translations

## screenshots: every page at 390x844, normal and large text, into screenshots/
screenshots: $(VENV)/.installed-dev
	$(BIN)/python scripts/screenshots.py screenshots

clean:
	rm -rf $(VENV) instance/portal.sqlite3* screenshots .pytest_cache

## bench: load benchmark of the hot paths next to a bare endpoint (set BENCH_DATABASE_URL for PG)
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py --db "$(or $(BENCH_DATABASE_URL),$(PG_URL))"
