# Two commands for a fresh machine:  `make run` (set up, load the demo, show it)  and  `make test`.
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup run test lint

$(BIN)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

setup: $(BIN)/.installed

run: setup
	$(BIN)/perfboard init
	$(BIN)/perfboard demo --if-empty
	$(BIN)/perfboard status

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
