# Quick start: `make run` then `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SCENARIO ?=

.PHONY: run test browser docs docs-update bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamp files re-run the install only when pyproject.toml changes.
# The compile step leaves the inner loops' machine code in numba's cache (about 20 s, once).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m ikdsim.model.compiled
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ikdsim.model.compiled
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/ikdsim run $(SCENARIO) --force

# The report test renders the HTML report in headless Chromium (Debian package `chromium`).
browser:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	  { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } || \
	  { echo "make test needs headless Chromium for the report test: install the 'chromium' package"; exit 1; }

test: $(VENV)/.installed-test browser
	$(BIN)/ruff check ikdsim tests benchmarks docs
	$(BIN)/mypy
	$(BIN)/python -m pytest -n auto --dist worksteal

docs: $(VENV)/.installed-test
	$(BIN)/mkdocs build --strict

# After a deliberate change of the model's output: rewrite the outputs shown in README and docs/.
docs-update: $(VENV)/.installed-test
	$(BIN)/python docs/_scripts/update_examples.py

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_simulate.py

clean:
	rm -rf $(VENV) results site .pytest_cache .mypy_cache .ruff_cache .hypothesis ikdsim/model/compiled/__pycache__
