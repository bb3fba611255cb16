# The two commands of the quick start are `make run` and `make test`; both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint unit interop-js bench bench-http bench-scale clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# PDF certificates and PNG badges are set in DejaVu (docs/baking.md); Debian's package has it.
FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf

$(FONT):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core

run: $(STAMP) $(FONT)
	bash scripts/demo.sh

lint: $(STAMP)
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

# The reference JavaScript stack that tests/interop checks Credstack against, at the versions its
# package-lock.json pins; installed again whenever the lock file is newer than the install.
JS := tests/interop/js
JS_STAMP := $(JS)/node_modules/.package-lock.json

$(JS_STAMP): $(JS)/package-lock.json
	npm ci --prefix $(JS) --no-audit --no-fund
	touch $(JS_STAMP)

interop-js: $(JS_STAMP)

# The browser tests (tests/browser) drive Debian's Chromium through Playwright; never
# `playwright install` (no download at test time). Installed only when it is missing.
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver

# The HTTP benchmark's saturation runs (benchmarks/wrk.py) use Debian's wrk, a C load
# generator, so the two cores are left to the server; installed only when it is missing.
WRK := /usr/bin/wrk

$(WRK):
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y wrk

# The security core keeps its branch coverage (STYLE.md); the command line is tested through
# subprocesses, which coverage does not follow.
CORE := model jsonld proofs status ledger verify issue errors pathways assessment formats
unit: $(STAMP) interop-js $(CHROMIUM) $(FONT) $(WRK)
	$(BIN)/pytest $(foreach m,$(CORE),--cov=credstack.$(m)) --cov-branch \
		--cov-report=term:skip-covered --cov-fail-under=97

test: lint unit

bench: $(STAMP)
	$(BIN)/python -m benchmarks
	$(BIN)/python -m benchmarks.ledger

# HTTP verification against `credstack serve --workers 2` (SQLite; DATABASE_URL=... for another).
bench-http: $(STAMP) $(WRK)
	$(BIN)/python -m benchmarks.http $(if $(DATABASE_URL),--database-url $(DATABASE_URL))

# A million credentials (synthetic rows by bulk SQL) on PostgreSQL, and the latencies at that size;
# ARGS="--credentials 100000" for a smaller run (python -m benchmarks.scale --help).
bench-scale: $(STAMP)
	$(BIN)/python -m benchmarks.scale $(if $(DATABASE_URL),--database-url $(DATABASE_URL)) $(ARGS)

clean:
	rm -rf $(VENV) test-output .pytest_cache .mypy_cache .ruff_cache .hypothesis $(JS)/node_modules
