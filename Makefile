# The two commands: `make demo` and `make test` (README). Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Every Python process of the suite (xdist workers, gunicorn, Celery workers, manage.py and bench subprocesses) would
# otherwise compile Django, DRF, Celery and WeasyPrint from source again where the environment sets this (≈ 3 s of CPU
# a process on 2 cores); unset, the first import writes the bytecode and every later process reads it.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install demo test machine lint messages clean

# Installs exactly the locked versions (with hashes), so every machine, CI and the image get the same Django,
# Celery and WeasyPrint; `make lock` writes the lock files again after a change to pyproject.toml. uv (the tool
# that writes the lock) installs it too: the same hashes, in about a third of pip's time on a clean machine.
LOCK := requirements/test.txt
UV := uv==0.13.10

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet $(UV)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes -r $(LOCK)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# The production lock (the image installs it) and the test lock (production pinned the same, plus the tools).
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --generate-hashes --universal --python-version 3.11 --quiet \
	--custom-compile-command "make lock"
.PHONY: lock
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet $(UV)
	$(UV_COMPILE) -o requirements/production.txt
	$(UV_COMPILE) --extra test --constraint requirements/production.txt -o requirements/test.txt

# Swedish is the source language; the catalogue (committed, .po and .mo) is the base for other languages.
messages: $(STAMP)
	rm -f locale/sv/LC_MESSAGES/django.po  # made afresh: merging would mark changed strings fuzzy
	DEBUG=1 $(BIN)/python manage.py makemessages -l sv --ignore=.venv --ignore=node_modules --ignore=artifacts -v 0
	msgen locale/sv/LC_MESSAGES/django.po -o locale/sv/LC_MESSAGES/django.po
	msgattrib --clear-fuzzy locale/sv/LC_MESSAGES/django.po -o locale/sv/LC_MESSAGES/django.po
	DEBUG=1 $(BIN)/python manage.py compilemessages -l sv --ignore=.venv -v 0

demo: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput -v 0
	DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo "Demoläge: tvåstegsverifiering för lokala konton är avstängd (DEBUG=1); i drift krävs den (MFA_REQUIRED)."
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The machine first (packages, PostgreSQL, Redis: scripts/test-machine.sh), so a missing piece stops at once.
machine:
	scripts/test-machine.sh prepare

test: machine $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	@# Two processes (pytest-xdist; worksteal, with the slowest files first: tests/fixtures.py SLOW_FIRST), then
	@# the tests marked serial alone (they hold a deadline beside a busy queue).
	@# PYTEST_ARGS runs what it names in one process instead.
	if [ -n "$(PYTEST_ARGS)" ]; then \
	  scripts/test-machine.sh run $(BIN)/python -m pytest $(PYTEST_ARGS); \
	else \
	  scripts/test-machine.sh run $(BIN)/python -m pytest -n 2 --dist worksteal -m "not serial" && \
	  scripts/test-machine.sh run $(BIN)/python -m pytest -m serial; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports && $(BIN)/mypy

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles artifacts .mypy_cache

# Speed at scale (README "Speed at scale", docs/performance.md): `make bench` times every operation on
# generated data in its own database (SCALE=XS|S|M|L, M by default; the data is generated once per scale and kept);
# `make loadtest` runs every role's daily work against gunicorn (gunicorn.conf.py) in steps of more and more users
# clicking every 0.5–1.5 s, for the saturation throughput, then 100 users with 10–30 s think times
# (LOADTEST_ARGS, e.g. "--steps 10,20,40 --step-seconds 30"; `python -m bench.loadtest --help`).
SCALE ?= M
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ungdomsinsats_bench
.PHONY: bench loadtest

bench: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench --scale $(SCALE) $(BENCH_ARGS)

loadtest: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.loadtest --scale $(SCALE) $(LOADTEST_ARGS)

# Backup and restore (PostgreSQL; README "Säkerhetskopiering och återläsning"). `make backup` writes
# $(BACKUP_DIR)/ungdomsinsats-<time>.dump and a .json manifest from the same snapshot;
# `make restore FILE=backups/ungdomsinsats-<time>.dump` loads it into the (new, empty) database in
# DATABASE_URL and runs check_integrity against the manifest.
BACKUP_DIR ?= backups
.PHONY: backup restore

backup: $(STAMP)
	$(BIN)/python manage.py backup_database --output-dir $(BACKUP_DIR)

restore: $(STAMP)
	@test -n "$(FILE)" || { echo "Ange FILE=sökväg/till/säkerhetskopia.dump"; exit 2; }
	@test -n "$$DATABASE_URL" || { echo "Ange DATABASE_URL för den (tomma) databas som ska läsas in"; exit 2; }
	pg_restore --no-owner --no-privileges --exit-on-error --dbname="$$DATABASE_URL" "$(FILE)"
	$(BIN)/python manage.py check_integrity --manifest "$(basename $(FILE)).json"
