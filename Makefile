# Both targets bootstrap the virtual environment at .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check lint bench clean web screenshots system-deps

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found"; exit 2; }
	@$(PYTHON) -c 'import ctypes.util,sys; sys.exit(0 if ctypes.util.find_library("sodium") else 1)' || \
	  { echo "libsodium not found: installing Debian's libsodium23"; \
	    (apt-get update -qq && apt-get install -y -qq libsodium23) >/dev/null; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip==25.3
	$(BIN)/pip install -q -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/openballot demo --voters 200 --record demo-record
	$(BIN)/openballot verify demo-record

# The PostgreSQL half of the storage tests needs a real server: the script installs and
# starts Debian's, and hands its URL to the tests.
test: system-deps $(STAMP) lint web
	cd web && npm test
	OPENBALLOT_TEST_POSTGRES_URL="$${OPENBALLOT_TEST_POSTGRES_URL:-$$(scripts/postgres-for-tests.sh)}" \
	  $(BIN)/pytest -n 2 -q

# The fast loop, under a minute: lint, then the tests that need no PostgreSQL server, no browser
# and no long run (markers in pyproject.toml). `make test` runs them all.
check: lint
	$(BIN)/pytest -n 2 -q -m "not slow and not e2e and not postgres"

# Refresh the screenshots in docs/: the booth, the check page, the results page, the observer
# view and the console (the end-to-end tests in tests/e2e take them) and the voting cards
# (rendered from their PDF).
screenshots: system-deps $(STAMP) web
	OPENBALLOT_SCREENSHOT_DIR=docs $(BIN)/pytest -q tests/e2e tests/test_cards.py

system-deps:
	scripts/system-deps.sh

# The web pages: JavaScript and style sheets built with npm from the pinned package.json and its lock file.
web: web/dist/booth.js

web/dist/booth.js: web/package.json web/package-lock.json $(wildcard web/src/*.js web/src/*/*.js web/styles/*.css)
	cd web && npm ci --no-audit --no-fund && npm run build

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/bench_primitives.py
	$(BIN)/python bench/bench_ballots.py

clean:
	rm -rf $(VENV) demo-record
