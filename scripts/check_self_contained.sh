#!/usr/bin/env bash
# Fails when a tracked file refers to a path outside the repository: the shared folder that sits
# beside the developers' checkouts (as a relative path, as path components joined in code, or as
# the absolute workspace path). Users get the repository alone, so nothing may read or link there.
#
#   scripts/check_self_contained.sh [REPO_DIR]     # exit 0: clean; 1: offending lines printed
set -euo pipefail
repo=${1:-$(cd "$(dirname "$0")/.." && pwd)}
# The folder named "shared" one level or more above a file: as a relative path, as path
# components joined in code (a "..", then "shared"), or under the workspace's absolute path.
# Each pattern is written so that it does not match itself.
patterns=(
  '[.][.]/+shared'
  '"[.][.]"[[:space:]]*/[[:space:]]*"shared"'
  '/work/+shared'
)
args=()
for p in "${patterns[@]}"; do args+=(-e "$p"); done
if hits=$(git -C "$repo" grep -n -I -E "${args[@]}" -- . ':!bench/data/**' ':!tests/data/**'); then
  echo "check_self_contained.sh: tracked files refer to paths outside the repository:" >&2
  echo "$hits" >&2
  exit 1
fi
