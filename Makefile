# The two commands of the README: `make run` (demo on SQLite) and `make test` (whole suite).
PYTHON ?= python3
VENV := .venv
FM := $(VENV)/bin/funding-matcher
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
DEMO_USER ?= demo@kreis-coesfeld.de
DEMO_PASSWORD ?= demo-passwort

.PHONY: run test lint format bench bench-quick screenshots clean

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(FM) init
	$(FM) scrape --offline
	$(FM) match
	$(FM) user add $(DEMO_USER) --password $(DEMO_PASSWORD) --admin --exist-ok
	@echo ""
	@echo "Anmelden unter http://$(HOST):$(PORT)/ mit $(DEMO_USER) / $(DEMO_PASSWORD)"
	$(FM) serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(VENV)/bin/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

screenshots: $(STAMP)
	UPDATE_SCREENSHOTS=1 $(VENV)/bin/python -m pytest -q tests/web/test_browser.py -k screenshots

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP)
	$(VENV)/bin/python -m benchmarks.run_all

bench-quick: $(STAMP)
	$(VENV)/bin/python -m benchmarks.run_all --quick

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .mypy_cache
