# Both targets create (or reuse) a local virtual environment in .venv and install the project
# with its test extras into it; only Python 3.11+ is needed on the machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

run: $(STAMP)  ## run the baseline config into results/baseline (replacing an earlier run)
	$(BIN)/tournaments run configs/baseline.yaml --force

test: $(STAMP)  ## the whole test suite, slow statistical checks included
	$(BIN)/python -m pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check tournaments strategies tests benchmarks examples

clean:
	rm -rf $(VENV)
