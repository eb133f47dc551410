# The two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed

.PHONY: install demo serve test test-fast bench bench-gpu lint models clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip setuptools wheel
	$(PY) -m pip install -q -e ".[diffusion,dev]"
	$(PY) manage.py fetch_models
	touch $(STAMP)

models: install
	$(PY) manage.py fetch_models

demo: install
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py demo

test: install
	$(PY) -m pytest -q

test-fast: install
	$(PY) -m pytest -q -m "not worker and not slow"

bench: install
	$(PY) tests/bench/run.py
	$(PY) tests/bench/upload_memory.py

bench-gpu: install
	$(PY) tests/bench/gpu.py

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var .pytest_cache
