#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build, and run
# `cairn demo`, which writes the demo container port into ./demo and queries across it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh cairn
./build/cairn demo --dir demo --force
