# Two commands: `make book` builds the whole book, `make test` runs the tests.
# Both create the virtual environment at .venv/ first if it is missing or out of date.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book test venv clean verify browser-deps bench

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	touch $(STAMP)

book: $(STAMP)
	bash scripts/vendor-mathjax.sh
	$(BIN)/phna build

test: $(STAMP)
	bash scripts/vendor-mathjax.sh
	bash scripts/vendor-axe.sh
	$(BIN)/python -m pytest -n 2

verify: $(STAMP)
	$(BIN)/phna data verify

# Headless Chromium for the browser checks (Debian packages; needs root).
browser-deps:
	bash scripts/install-chromium.sh

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_stats.py
	$(BIN)/python benchmarks/bench_build.py

clean:
	rm -rf _build book/places book/icb .phna
