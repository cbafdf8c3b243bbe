# make sandbox | test | lint | bench | reliability | screenshots — each sets up .venv first, and that
# step does nothing when pyproject.toml and constraints.txt have not changed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: setup sandbox test lint bench reliability screenshots clean fuzz

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -c constraints.txt -e '.[dev]'
	touch $(STAMP)

sandbox: $(STAMP)
	$(BIN)/vnettui --sandbox

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q -n auto

# The key-mash fuzzer at length: hundreds of sessions, thousands of keys.
fuzz: $(STAMP)
	KEYMASH_EXAMPLES=$${KEYMASH_EXAMPLES:-150} $(BIN)/pytest -q tests/tui/test_keymash.py

# The benchmarks' table, then the explorer soak (SOAK_SECONDS, default 600).
bench: $(STAMP)
	$(BIN)/python -m bench
	$(BIN)/python -m bench.soak

# The fault suite's whole table (make test runs its CI size, tests/reliability/).
reliability: $(STAMP)
	$(BIN)/python -m bench.reliability

screenshots: $(STAMP)
	$(BIN)/python -m screenshots.make

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
