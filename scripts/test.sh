#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install what is missing, build, start a
# throw-away PostgreSQL 15 on 127.0.0.1, load the fixtures, run every test, stop the server.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# Users get the repository alone: fail at once when a tracked file refers to a path outside it.
scripts/check_self_contained.sh
scripts/deps.sh
scripts/build.sh
# The Node.js end-to-end tests' packages, exactly as pinned in tests/node/package-lock.json.
(cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
# The browser tests of the web UI: playwright-core as pinned in tests/ui/package-lock.json,
# driving Debian's chromium (installed by deps.sh); no browser is downloaded, and a missing
# Chromium fails the run instead of skipping the test.
(cd tests/ui && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
export CAIRN_REQUIRE_CHROMIUM=1

# The first free loopback port from 54329 on, unless CAIRN_PG_PORT says which.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -z "${CAIRN_PG_PORT:-}" ]; then
  for port in $(seq 54329 54399); do
    if ! port_in_use "$port"; then CAIRN_PG_PORT=$port; break; fi
  done
fi
export CAIRN_PG_PORT=${CAIRN_PG_PORT:?no free port for the test PostgreSQL in 54329-54399}
export CAIRN_PG_DIR=$(mktemp -d /tmp/cairn-test-pg.XXXXXX)
fixtures=$(mktemp -d /tmp/cairn-test-fixtures.XXXXXX)
chmod 755 "$CAIRN_PG_DIR" "$fixtures"
cleanup() {
  "$root/scripts/pg.sh" stop || true
  rm -rf "$fixtures"
}
trap cleanup EXIT
scripts/pg.sh start
eval "$(scripts/pg.sh env)"

# Chinook in PostgreSQL (schema chinook) and as a directory of CSV files.
tests/fixtures/load_chinook_pg.sh tests/data/chinook.sqlite
mkdir -p "$fixtures/chinook_csv"
for table in $(sqlite3 tests/data/chinook.sqlite \
    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"); do
  sqlite3 -header -csv tests/data/chinook.sqlite "SELECT * FROM \"$table\"" \
    >"$fixtures/chinook_csv/$table.csv"
done
export CAIRN_TEST_CHINOOK_CSV="$fixtures/chinook_csv"
export CAIRN_REQUIRE_PG=1

cd build
ctest --output-on-failure --timeout 600 -j2
