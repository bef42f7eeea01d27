# The two commands: `make run` (talk to maeum in this terminal) and `make test` (every check CI runs).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install run test lint typecheck contracts pytest bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# PyTorch first and pinned: a plain `torch` would pull a multi-GB CUDA build.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/maeum migrate
	$(BIN)/maeum chat

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy core bots jobs

contracts: install
	$(BIN)/lint-imports

pytest: install
	$(BIN)/pytest -q

test: lint typecheck contracts pytest

bench: install
	$(BIN)/python bench/dual_latency.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache maeum.db maeum-files
