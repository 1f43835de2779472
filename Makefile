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

# One PDF per language, _build/pdf/appendix-{en,ko}.pdf: Chromium prints the single-page
# build, which reuses the pages `book` just executed (scripts/make_pdf.py says how).
.PHONY: pdf
pdf: book
	$(BIN)/jupyter-book build . --builder singlehtml --warningiserror --nitpick --keep-going
	$(BIN)/python scripts/make_pdf.py _build/singlehtml _build/pdf
	mkdir -p _build/html/downloads && cp _build/pdf/appendix-en.pdf _build/pdf/appendix-ko.pdf _build/html/downloads/
	$(BIN)/python book/_ext/citation_box.py _build/html

# One reproducible, checksummed zip of the book, the PDFs, figures/, the citation, the data's
# provenance and the pinned requirements: _build/pifi-ablation-appendix.zip.
.PHONY: archive
archive: pdf
	$(BIN)/python scripts/make_archive.py
	mkdir -p _build/html/downloads && cp _build/pifi-ablation-appendix.zip _build/html/downloads/
	$(BIN)/python book/_ext/citation_box.py _build/html

# Live preview: rebuild on every change to chapters, code or results, and reload the browser
# (scripts/serve.py).  http://127.0.0.1:$(SERVE_PORT)/
SERVE_PORT ?= 8000
.PHONY: serve
serve: setup
	$(BIN)/python scripts/serve.py --port $(SERVE_PORT)

# Regenerate figures/ without building the book.
export: setup
	$(BIN)/python -m pifi_ablation export

# The whole suite on TEST_WORKERS processes (pytest-xdist); each file runs in one worker, so a
# file's module fixtures (its book builds) are made once, and the demo and measured books are
# built once per run and shared by the workers (tests/conftest.py). (--dist loadgroup would
# spread files finer, but pytest-xdist 3.8 cannot group tests under pytest 9.)  The files are
# handed out longest first, in the order tests/conftest.py gives them (LONGEST_FIRST), which
# --no-loadscope-reorder keeps: pytest-xdist would order them by their number of tests.
TEST_WORKERS ?= 2
PYTEST_PARALLEL := -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

test: setup
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

# For the edit loop: every test except those that build the book (marker `book`).
.PHONY: test-fast
test-fast: setup
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) -m "not book"

lint: setup
	$(BIN)/ruff check src tests benchmarks scripts book/_ext

clean:
	rm -rf _build node_modules
