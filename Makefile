# The two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed

.PHONY: install demo serve test test-fast bench bench-scale bench-gpu lint models clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip setuptools wheel
	$(PY) -m pip install -q -e ".[diffusion,dev]"
	$(PY) manage.py fetch_models
	touch $(STAMP)

models: install
	$(PY) manage.py fetch_models

# One compute thread per process, as in every worker entry point (config/threads.py).
PINNED := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMBA_NUM_THREADS=1

demo: install
	$(PY) manage.py migrate --noinput -v0
	$(PINNED) $(PY) manage.py demo

test: install
	$(PY) -m pytest -q

test-fast: install
	$(PY) -m pytest -q -m "not worker and not slow"

bench: install
	$(PY) tests/bench/run.py

bench-scale: install
	$(PINNED) $(PY) tests/bench/scale.py

bench-gpu: install
	$(PY) tests/bench/gpu.py

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var .pytest_cache
