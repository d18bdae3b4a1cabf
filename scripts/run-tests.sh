#!/usr/bin/env bash
# Test driver behind `make test`: runs the suite on SQLite (browser tests
# included) and on a throwaway PostgreSQL cluster (browser tests excluded),
# each spread over the machine's cores by pytest-xdist (one database per
# worker: tests/fixtures.py) and with a per-test time limit, so a test that
# hangs fails with its stacks instead of using up CI's time.
#   scripts/run-tests.sh [pytest args...]
#   QDESK_TEST_WORKERS=1 scripts/run-tests.sh    # one process (no xdist)
#   QDESK_TEST_TIMEOUT=900                       # seconds a single test may take
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/system-deps.sh test

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip
fi
.venv/bin/pip install -q -e ".[test]"

# Chart.js for the dashboard (tests check it is served); idempotent.
scripts/vendor.sh || echo "run-tests: Chart.js could not be vendored; the dashboard tests will fail" >&2

PGDIR="$(mktemp -d "${TMPDIR:-/tmp}/qdesk-pgtest.XXXXXX")"
cleanup() { scripts/pgcluster.sh stop "$PGDIR" || true; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pg_url=""
if scripts/pgcluster.sh start "$PGDIR" >/dev/null; then
  pg_url="$(scripts/pgcluster.sh url "$PGDIR")"
else
  echo "run-tests: could not start the PostgreSQL cluster" >&2
fi

describe() {
  case "$1" in
    0) echo "passed" ;;
    5) echo "FAILED (no tests collected)" ;;
    *) echo "FAILED (exit $1)" ;;
  esac
}

workers="${QDESK_TEST_WORKERS:-$(nproc 2>/dev/null || echo 2)}"
parallel=()
if [ "$workers" -gt 1 ]; then
  # worksteal: a worker that runs out takes tests from the other's queue, so
  # one long test (the fuzz of a big screen) does not leave a core idle.
  parallel=(-n "$workers" --dist worksteal)
fi
limits=(--timeout "${QDESK_TEST_TIMEOUT:-900}")

echo "=== pytest on SQLite (${workers} worker(s)) ==="
t0=$(date +%s)
sqlite_rc=0
QDESK_TEST_DATABASE_URL=sqlite .venv/bin/python -m pytest -p no:cacheprovider "${parallel[@]}" "${limits[@]}" "$@" || sqlite_rc=$?
sqlite_secs=$(( $(date +%s) - t0 ))

echo "=== pytest on PostgreSQL (${pg_url:-no cluster}, ${workers} worker(s)) ==="
t0=$(date +%s)
pg_rc=0
if [ -n "$pg_url" ]; then
  QDESK_TEST_DATABASE_URL="$pg_url" .venv/bin/python -m pytest -p no:cacheprovider "${parallel[@]}" "${limits[@]}" -m "not browser" "$@" || pg_rc=$?
  pg_result="$(describe "$pg_rc")"
else
  pg_rc=1
  pg_result="FAILED (cluster did not start)"
fi
pg_secs=$(( $(date +%s) - t0 ))

echo
echo "=== summary ==="
printf '%-12s %-32s %8s\n' "database" "result" "seconds"
printf '%-12s %-32s %8s\n' "sqlite" "$(describe "$sqlite_rc")" "$sqlite_secs"
printf '%-12s %-32s %8s\n' "postgresql" "$pg_result" "$pg_secs"

if [ "$sqlite_rc" -ne 0 ] || [ "$pg_rc" -ne 0 ]; then
  exit 1
fi
