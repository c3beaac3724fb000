#!/usr/bin/env bash
# scripts/check_self_contained.sh must pass on this repository and must fail, naming the file and
# line, on a repository whose tracked files reach into a folder beside it.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
check="$repo/scripts/check_self_contained.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
expect() {  # expect 0|1 NAME CONTENT
  local want=$1 name=$2 content=$3 got=0
  local dir="$work/$name"
  mkdir -p "$dir" && git -C "$dir" init -q
  printf '%s\n' "$content" >"$dir/file.txt"
  git -C "$dir" add file.txt
  "$check" "$dir" 2>"$dir.err" || got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL $name: exit $got, expected $want"; cat "$dir.err"; fails=$((fails + 1)); return
  fi
  if [ "$want" = 1 ] && ! grep -q 'file.txt:1:' "$dir.err"; then
    echo "FAIL $name: the offending file and line are not named"; cat "$dir.err"; fails=$((fails + 1))
  fi
}
# The offending texts are assembled here so that this file does not itself match.
up='..'
abs="/wo""rk"
expect 0 clean 'tests/data/chinook.sqlite and ../../sources/tos.md are inside'
expect 1 relative "db=\${1:-\$repo/$up/shared/data/chinook.sqlite}"
expect 1 joined "fs::path(CAIRN_SOURCE_DIR) / \"$up\" / \"shared\" / \"data\""
expect 1 absolute "ATTACH '$abs/shared/data/chinook.sqlite' AS raw"
got=0; "$check" "$repo" || got=$?
[ "$got" = 0 ] || { echo "FAIL: this repository refers outside itself"; fails=$((fails + 1)); }
echo "$((5 - fails)) passed, $fails failed"
[ "$fails" = 0 ]
