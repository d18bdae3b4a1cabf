# qdesk developer entry points (GNU make).
#   make run    install system deps + venv (+ vendored Chart.js), migrate, load demo data, serve
#   make test   scripts/run-tests.sh (SQLite + PostgreSQL); PYTEST_ARGS=... to pass through
#   make clean  remove the venv and build artefacts (keeps instance/)

PYTHON ?= python3
VENV   := .venv
PYTEST_ARGS ?=

.PHONY: venv vendor run test clean

# The venv, plus Chart.js for the dashboard (scripts/vendor.sh: npm registry,
# idempotent). Without it the dashboard shows its tiles but no charts.
venv: $(VENV)/bin/qdesk
	@scripts/vendor.sh || echo "make: Chart.js not vendored; the dashboard will show no charts" >&2

vendor:
	scripts/vendor.sh

$(VENV)/bin/qdesk: setup.py
	$(PYTHON) -m venv $(VENV) && $(VENV)/bin/pip install -q --upgrade pip && $(VENV)/bin/pip install -q -e .
	touch -c $@

run:
	scripts/system-deps.sh run
	$(MAKE) --no-print-directory venv
	$(VENV)/bin/qdesk db upgrade
	$(VENV)/bin/qdesk demo load --if-empty
	@echo "qdesk: open http://127.0.0.1:$${PORT:-5000}/ and log in with a demo login above"
	exec $(VENV)/bin/qdesk run --host 127.0.0.1 --port $${PORT:-5000}

test:
	scripts/run-tests.sh $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) build dist .pytest_cache test-artifacts .pgtest
	find . \( -path ./instance -o -path ./.git \) -prune -o \
		\( -name __pycache__ -o -name '*.egg-info' \) -type d -prune -exec rm -rf {} +
