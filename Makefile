# The two entry points of the README: `make book` and `make test`.
# Each sets up what it needs first (a virtual environment from the pinned
# requirements), so both work on a fresh machine from a clean clone.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup book export test lint clean

SYSTEM_STAMP := $(VENV)/.system

NODE_STAMP := node_modules/.installed

setup: $(SYSTEM_STAMP) $(STAMP) $(NODE_STAMP)

$(SYSTEM_STAMP): scripts/system-packages.txt scripts/system-deps.sh
	bash scripts/system-deps.sh
	mkdir -p $(VENV) && touch $@

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Test-only JavaScript (axe-core for the browser tests), pinned by package-lock.json.
$(NODE_STAMP): package.json package-lock.json $(SYSTEM_STAMP)
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# Build the appendix (warnings are errors; a cell that raises fails the build).  A results
# folder is checked first, so unusable input reads as a list of messages, not a traceback.
book: setup
	$(BIN)/python -m pifi_ablation validate --errors-only
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going

# Regenerate figures/ without building the book.
export: setup
	$(BIN)/python -m pifi_ablation export

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check src tests benchmarks scripts book/_ext

clean:
	rm -rf _build node_modules
