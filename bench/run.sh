#!/usr/bin/env bash
# Runs the federation benchmarks against a throw-away PostgreSQL (port 54339) and prints a
# Markdown table of medians and ratios. Usage: bench/run.sh [--rounds N] [--dir DIR] [--only join]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh cairn_bench
export CAIRN_PG_PORT=${CAIRN_BENCH_PG_PORT:-54339}
export CAIRN_PG_DIR=$(mktemp -d /tmp/cairn-bench-pg.XXXXXX)
chmod 755 "$CAIRN_PG_DIR"
trap "$(pwd)/scripts/pg.sh stop" EXIT
scripts/pg.sh start
eval "$(scripts/pg.sh env)"
./build/bench/cairn_bench "$@"
