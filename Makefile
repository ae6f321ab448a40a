# newswatch: `make run` watches the configured sites on their schedules, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test lint demo bench clean chromium
CHROMIUM := /usr/bin/chromium

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/newswatch run

# The browser tests drive Debian's Chromium through Playwright (by path; no browser download).
chromium:
	test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

test: $(STAMP) chromium
	$(BIN)/python -m pytest

# Lint and format check (rules in pyproject.toml); run by CI before the tests.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

demo: $(STAMP)
	$(BIN)/python -m newswatch.demo

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_crawl.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
