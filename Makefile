# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000

.PHONY: install-dev run test test-postgres bench screenshots browser pdf-fonts install translations format migrate demo clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# The app's own dependencies for `make run`; the test tools only for `make test` and the bench.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	@echo "== installing bcp and its dependencies into $(VENV) (a minute or two the first time)"
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --progress-bar off -e . | grep -v '^Requirement already satisfied' || true
	@test -x $(BIN)/flask || { echo "pip could not install bcp: see above" >&2; exit 1; }
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	@echo "== installing the test tools into $(VENV)"
	$(BIN)/pip install --progress-bar off -e '.[dev]' | grep -v '^Requirement already satisfied' || true
	@test -x $(BIN)/pytest || { echo "pip could not install the test tools: see above" >&2; exit 1; }
	touch $@

CATALOGUE := bcp/translations/fr/LC_MESSAGES

## Extract the interface's messages and merge them into the French catalogue, the maintained
## source of the translations: new messages arrive empty, to translate in the .po (Poedit, or any
## editor); the statistics line says how many remain. Then compile.
translations: $(VENV)/.installed
	PYBABEL=$(BIN)/pybabel scripts/extract-messages $(CATALOGUE)/messages.pot
	$(BIN)/pybabel -q update -i $(CATALOGUE)/messages.pot -d bcp/translations -D messages -l fr \
	  --no-fuzzy-matching --ignore-obsolete --width 100
	$(BIN)/pybabel compile --statistics -d bcp/translations -D messages

$(CATALOGUE)/messages.mo: $(CATALOGUE)/messages.po $(VENV)/.installed
	$(BIN)/pybabel -q compile -d bcp/translations -D messages

install: $(VENV)/.installed $(CATALOGUE)/messages.mo

install-dev: install $(VENV)/.installed-dev

migrate: install
	$(FLASK) bcp db upgrade

demo: migrate
	$(FLASK) bcp demo

## The app on http://127.0.0.1:$(PORT), on SQLite unless BCP_DATABASE_URL says otherwise,
## with the scheduler beside it (stopped with the web server).
run: demo pdf-fonts
	@$(FLASK) bcp scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

VNU_VERSION := 26.9.27
VNU := .tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar

## The W3C Nu HTML checker, which the browser tests run on the pages they visit (Java, npm).
$(VNU):
	@command -v java >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else echo "the HTML checker needs Java: sudo apt-get install default-jre-headless" >&2; exit 1; fi; }
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	  else echo "the HTML checker is installed with npm: sudo apt-get install npm" >&2; exit 1; fi; }
	npm install --silent --no-audit --no-fund --prefix .tools/vnu vnu-jar@$(VNU_VERSION)

## Debian's Chromium for the browser tests (Playwright drives it; it downloads no browser).
browser: $(VNU)
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "the browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }
	@test -x /usr/bin/pdftoppm || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
	  else echo "the PDF pictures need Debian's poppler-utils: sudo apt-get install poppler-utils" >&2; exit 1; fi; }

## HarfBuzz's subsetter (Debian's libharfbuzz-subset0), with which WeasyPrint embeds in a PDF only
## the glyphs it uses. Without it WeasyPrint falls back to fontTools, 0.08 to 0.2 s more a document
## on 2 cores (docs/performance.md), and warns that the fallback will go. Installed with apt when
## run as root; otherwise said, and `make run` goes on (the tests check it is there).
pdf-fonts: $(VENV)/.installed
	@$(BIN)/python -c 'from weasyprint.text.ffi import harfbuzz_subset as h; raise SystemExit(h is None)' 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libharfbuzz-subset0 >/dev/null; \
	  else echo "PDFs are faster with HarfBuzz's subsetter: sudo apt-get install libharfbuzz-subset0" >&2; fi; }

## Lint, format check, and the whole suite (on PostgreSQL when DATABASE_URL names one).
test: install-dev browser pdf-fonts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

## The same suite on a throwaway PostgreSQL 15 cluster (needs Debian's postgresql-15).
test-postgres: install-dev
	scripts/with-postgres $(MAKE) test

## Speed figures, each with a baseline measured in the same run: one table, and its JSON in
## bench/results/. Seeds 100,000 incidents on SQLite and on a throwaway PostgreSQL 15 cluster
## (about 15 minutes on 2 cores); BENCH_ARGS="--incidents 5000 --seconds 5" for a quick look.
bench: install-dev pdf-fonts
	$(BIN)/python -m bench $(BENCH_ARGS)

## Screenshots of the main pages (docs/screenshots/) and first pages of the PDFs (docs/reports/).
screenshots: install-dev browser
	BCP_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q -p no:logging tests/e2e
	BCP_REPORT_PICTURES=docs/reports $(BIN)/pytest -q -p no:logging tests/web/test_reports.py -k picture

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
