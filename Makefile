# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test,dev]'
	touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/pes-registry demo --if-empty
	$(BIN)/pes-registry serve --host $(HOST) --port $(PORT)

test: $(VENV)/.test-installed
	$(BIN)/pytest -q -p no:cacheprovider

lint: $(VENV)/.test-installed
	$(BIN)/ruff check registry loaders tests benchmarks

bench: $(VENV)/.test-installed
	$(BIN)/python benchmarks/ingest.py

clean:
	rm -rf build dist *.egg-info .pytest_cache
