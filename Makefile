# Video Generation course. `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 5006
CHROMIUM ?= /usr/bin/chromium

.DEFAULT_GOAL := help
.PHONY: help setup setup-dev setup-train web-deps browser serve lint test test-fast build-site site-serve bench train sample evaluate export-onnx model-data clean

help:  ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

setup: $(VENV)/.installed  ## Create .venv with what a reader needs (no torch)

setup-dev: $(VENV)/.installed-dev  ## Add the test tools (pytest, Playwright) and the training extras (torch CPU, onnx)

browser:  ## Install Debian's Chromium for the browser tests, if missing (needs root)
	@test -x $(CHROMIUM) || (apt-get update -qq && apt-get install -y -qq chromium)

node_modules/.package-lock.json: package-lock.json
	@command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq nodejs npm)
	npm ci --no-audit --no-fund --loglevel=error

web-deps: node_modules/.package-lock.json  ## Install onnxruntime-web from npm (for the in-browser generator)

serve: setup web-deps  ## Set up and open the course at http://localhost:5006 (live Python)
	$(PY) -m course.serve --port $(PORT)

lint: setup-dev  ## ruff over the Python tree
	$(PY) -m ruff check .

# Empty: one process. `make test PYTEST_WORKERS="-n 2"` runs pytest-xdist workers (tests/conftest.py
# builds each session fixture once for all of them); on this 2-core machine that measured 8:02 against
# 8:59 in one process, and four workers made load-sensitive browser checks fail, so it is not the default.
PYTEST_WORKERS ?=

test: setup-dev browser web-deps lint  ## Set up, lint, and run every test (unit, node and real-browser)
	$(PY) -m pytest -q $(PYTEST_WORKERS)

test-fast: setup-dev web-deps  ## The tests that need neither a browser nor a trained tiny model (about a minute)
	$(PY) -m pytest -q -m "not slow" $(PYTEST_WORKERS)

build-site: setup web-deps  ## Write the static site to site/ (upload that folder anywhere)
	$(PY) -m export.site --out site

site-serve: build-site  ## Build, then serve site/ on http://localhost:8000 to check it
	cd site && ../$(PY) -m http.server 8000

bench: setup-dev browser web-deps  ## Benchmarks: chapters (interactive, weight, build), the in-browser generator and its inspector, Lighthouse on every page (mobile and desktop, gzip), and screenshots of every page at 320/375/1440 px (shots/)
	$(PY) -m export.bench
	$(PY) -m export.bench_generator
	$(PY) -m export.bench_inspector
	$(PY) -m export.site --out site
	$(PY) -m export.bench_lighthouse --site site --runs 3 --floor
	$(PY) -m export.screenshots --site site --out shots --widths 320,375,1440

$(VENV)/.installed-train: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e ".[train]"
	touch $@

setup-train: $(VENV)/.installed-train  ## Add PyTorch, ONNX and onnxruntime (training and export)

# The second edition's recipe unless ARGS names another preset (--preset=full is the first edition's).
train: setup-train  ## Train autoencoder + both DiTs into model/weights, second-edition recipe (resumes; ARGS="--preset=tiny" etc.)
	$(PY) -m model.train $(if $(findstring --preset,$(ARGS)),,--preset=v2) $(ARGS)

sample: setup-train  ## Generate clip.gif (ARGS='--prompt "a red ball bouncing from left to right"')
	$(PY) -m model.sample $(ARGS)

evaluate: setup-train  ## Score real clips, reconstructions, both models and every shape; writes model/evaluation.json
	$(PY) -m model.evaluate $(ARGS)

export-onnx: setup-train  ## Export the denoisers and decoder to model/onnx, check them against PyTorch, refresh the model-backed data
	$(PY) -m export.onnx_model
	$(PY) -m sims.model_data.store

# After export-onnx, or after editing a dataset's code: commit sims/model_data/store/ with the model.
model-data: setup  ## Refresh the committed model-backed data (sims/model_data/store) for today's model and code
	$(PY) -m sims.model_data.store

clean:  ## Remove the built site and caches
	rm -rf site .pytest_cache
