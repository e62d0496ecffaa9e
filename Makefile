# Two commands for a fresh machine:  `make run` (set up, start the dashboard on the demo)  and  `make test`.
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup run test lint screenshots

$(BIN)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

setup: $(BIN)/.installed

run: setup
	$(BIN)/perfboard serve

screenshots: setup  # with the dashboard running; PERFBOARD_DEMO_PASSWORD is the demo password it printed
	$(BIN)/python scripts/screenshots.py

test: setup  # one worker per core; a file's tests stay together (they share its module fixtures)
	$(BIN)/python -m pytest -n auto --dist loadfile

lint: setup
	$(BIN)/ruff check .
