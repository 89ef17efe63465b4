# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000

.PHONY: run test test-postgres bench install format migrate demo clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(FLASK) bcp db upgrade

demo: migrate
	$(FLASK) bcp demo

## The app on http://127.0.0.1:$(PORT), on SQLite unless BCP_DATABASE_URL says otherwise.
run: demo
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

## Lint, format check, and the whole suite (on PostgreSQL when DATABASE_URL names one).
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

## The same suite on a throwaway PostgreSQL 15 cluster (needs Debian's postgresql-15).
test-postgres: install
	scripts/with-postgres $(MAKE) test

## Speed figures (medians, with a baseline measured in the same run).
bench: install
	$(BIN)/python -m bench.reflexes

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
