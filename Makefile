# The two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed

.PHONY: install demo serve test test-fast test-browser screenshots chromium bench bench-quality bench-scale bench-gpu lint models clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip setuptools wheel
	$(PY) -m pip install -q -e ".[diffusion,dev]"
	$(PY) manage.py fetch_models
	$(MAKE) chromium
	touch $(STAMP)

# The browser tests drive Debian's chromium; Playwright cannot download its own browsers here.
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
	  || echo "chromium could not be installed (apt-get install chromium as root); the browser tests will skip"

models: install
	$(PY) manage.py fetch_models

# One compute thread per process, as in every worker entry point (config/threads.py).
PINNED := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMBA_NUM_THREADS=1

demo: install
	$(PY) manage.py migrate --noinput -v0
	$(PINNED) $(PY) manage.py demo

# The site with its background worker (embedded broker: no Redis needed).
serve: install
	$(PY) manage.py migrate --noinput -v0
	$(PINNED) $(PY) manage.py serve

test: install
	$(PY) -m pytest -q

test-browser: install
	$(PY) -m pytest -q tests/browser

# Every page of every role's journey, at 1366x900 and 390x844, into var/screenshots/.
screenshots: install
	rm -rf var/screenshots
	HEADSHOT_SCREENSHOTS=var/screenshots $(PY) -m pytest -q tests/browser
	@ls var/screenshots | wc -l | xargs echo "screenshots written to var/screenshots/:"

test-fast: install
	$(PY) -m pytest -q -m "not worker and not slow"

bench: install
	$(PY) tests/bench/run.py
	$(PY) tests/bench/upload_memory.py

bench-quality: install
	$(PY) tests/bench/quality.py

bench-scale: install
	$(PINNED) $(PY) tests/bench/scale.py

bench-gpu: install
	$(PY) tests/bench/gpu.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(PY) -m mypy

clean:
	rm -rf $(VENV) var .pytest_cache
