# The two commands: `make run` (talk to maeum in this terminal) and `make test` (every check CI runs).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Installs follow requirements.lock (exact versions and hashes); pyproject.toml keeps the ranges. `make lock`
# refreshes the lock after a range changes. torch stays outside the lock, pinned here (see install below).
LOCK := requirements.lock
TORCH := torch==2.13.0
PIP := pip==26.3
PIP_TOOLS := pip-tools==7.7.0
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)

.PHONY: install lock lock-upgrade run test lint typecheck contracts pytest bench clean

$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet $(PIP)
	# PyTorch first, pinned and alone: a plain `torch` would pull a multi-GB CUDA build. Its own
	# dependencies (sympy, networkx, jinja2, fsspec, filelock…) are pinned in the lock.
	$(BIN)/python -m pip install --quiet --no-deps $(TORCH)
	# Every other package at its locked version, each file checked against its hash.
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	# maeum itself (editable): its dependencies came from the lock, its build backend too.
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# `make lock` writes the lock anew from pyproject.toml's ranges (runtime and dev, the build backend, and torch's own
# dependencies), keeping every pin that still fits and adding what is new; `make lock-upgrade` moves every pin to
# the newest release its range allows. Run one after changing a dependency, then commit both files.
# torch and the build backend reach pip-compile through a scratch file named the same every time (its name
# shows in the lock's "# via" notes).
PIP_COMPILE = tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp" lock-extra.in' EXIT && \
	$(PYTHON) -m venv "$$tmp/venv" && \
	"$$tmp/venv/bin/python" -m pip install --quiet $(PIP) $(PIP_TOOLS) && \
	echo '$(TORCH)' > lock-extra.in && \
	$(PYTHON) -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")' \
	  >> lock-extra.in && \
	CUSTOM_COMPILE_COMMAND="make lock" "$$tmp/venv/bin/pip-compile" --quiet --extra dev \
	  --generate-hashes --strip-extras --unsafe-package torch \
	  --no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
	  --output-file $(LOCK) pyproject.toml lock-extra.in

lock:
	$(PIP_COMPILE)

lock-upgrade:
	$(PIP_COMPILE) --upgrade

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
