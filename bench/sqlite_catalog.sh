#!/usr/bin/env bash
# Listing a large SQLite catalog: `cairn tables` on one file of N tables, each with an index and
# a foreign key and ANALYZEd (so sqlite_stat1 holds an estimate for every table), against the
# sqlite3 shell reading the same facts (every table's columns, types, keys, foreign keys and
# sqlite_stat1 estimate) with one statement each, in the same run. With --other-cairn, a second
# cairn binary (e.g. main before a change) is timed too; the runs alternate.
#
#   bench/sqlite_catalog.sh [--tables 10000] [--rounds 5] [--cairn build/cairn]
#                           [--other-cairn PATH] [--dir /tmp/cairn-sqlite-catalog]
#
# Prints a Markdown table of medians. Every `cairn tables` output must list the N tables (and,
# with --other-cairn, be the same bytes), else the run fails.
set -euo pipefail

tables=10000
rounds=5
cairn=build/cairn
other=""
dir=/tmp/cairn-sqlite-catalog
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tables) tables=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --cairn) cairn=$2; shift 2 ;;
    --other-cairn) other=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    *) echo "sqlite_catalog.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
if ! [[ "$tables" =~ ^[0-9]+$ && "$tables" -ge 2 && "$rounds" =~ ^[0-9]+$ && "$rounds" -ge 1 ]]; then
  echo "sqlite_catalog.sh: --tables must be at least 2 and --rounds at least 1" >&2
  exit 2
fi
for binary in "$cairn" ${other:+"$other"}; do
  [[ -x "$binary" ]] || { echo "sqlite_catalog.sh: no cairn binary at '$binary'" >&2; exit 2; }
done
command -v sqlite3 > /dev/null || { echo "sqlite_catalog.sh: needs the sqlite3 shell" >&2; exit 2; }
cairn=$(realpath "$cairn")
[[ -n "$other" ]] && other=$(realpath "$other")

rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
# t00000 .. tN: (id, name, ref -> the previous table), an index on ref, 5 rows each.
sqlite3 :memory: "
  WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $tables - 1)
  SELECT printf('CREATE TABLE t%05d (id INTEGER PRIMARY KEY, name TEXT, ref INTEGER%s);'
                || ' CREATE INDEX ix%05d ON t%05d(ref);'
                || ' INSERT INTO t%05d VALUES (1, ''a'', 1), (2, ''b'', 1), (3, ''c'', 2),'
                || ' (4, ''d'', 3), (5, ''e'', 5);',
                i, CASE WHEN i > 0 THEN printf(' REFERENCES t%05d(id)', i - 1) ELSE '' END,
                i, i, i)
  FROM n;" > schema.sql
{ echo "PRAGMA journal_mode = OFF; BEGIN;"; cat schema.sql; echo "COMMIT; ANALYZE;"; } |
  sqlite3 catalog.sqlite > /dev/null
printf 'version: 1\nsources:\n  big: {kind: sqlite, path: catalog.sqlite}\n' > cairn.yaml
estimates=$(sqlite3 catalog.sqlite "SELECT count(DISTINCT tbl) FROM sqlite_stat1")
[[ "$estimates" == "$tables" ]] || { echo "sqlite_catalog.sh: ANALYZE left $estimates estimates" >&2; exit 1; }

now() { date +%s%N; }
time_cairn() {  # binary, output file -> milliseconds
  rm -rf .cairn
  local start end
  start=$(now)
  "$1" --config cairn.yaml tables --format csv > "$2"
  end=$(now)
  local listed
  listed=$(($(wc -l < "$2") - 1))
  [[ "$listed" == "$tables" ]] || { echo "sqlite_catalog.sh: $1 listed $listed tables" >&2; exit 1; }
  echo $(((end - start) / 1000000))
}
time_shell() {
  local start end
  start=$(now)
  sqlite3 -readonly catalog.sqlite "
    SELECT m.name, p.name, p.type, p.\"notnull\", p.pk, s.stat
    FROM sqlite_schema m JOIN pragma_table_info(m.name) p
    LEFT JOIN (SELECT tbl, min(stat) AS stat FROM sqlite_stat1 GROUP BY tbl) s ON s.tbl = m.name
    WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%';
    SELECT m.name, f.* FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
    WHERE m.type = 'table';" > shell.out
  end=$(now)
  echo $(((end - start) / 1000000))
}
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }

shell_ms=() cairn_ms=() other_ms=()
for ((r = 0; r < rounds; r++)); do
  shell_ms+=("$(time_shell)")
  cairn_ms+=("$(time_cairn "$cairn" cairn.csv)")
  if [[ -n "$other" ]]; then
    other_ms+=("$(time_cairn "$other" other.csv)")
    cmp -s cairn.csv other.csv || { echo "sqlite_catalog.sh: the two binaries list differently" >&2; exit 1; }
  fi
done
shell=$(printf '%s\n' "${shell_ms[@]}" | median)
mine=$(printf '%s\n' "${cairn_ms[@]}" | median)
echo "Listing a $tables-table SQLite file with sqlite_stat1 (medians of $rounds, ms):"
echo
echo "| what | median ms | / sqlite3 shell |"
echo "|---|---:|---:|"
echo "| sqlite3 shell, the same facts in one statement each (baseline) | $shell | 1.0 |"
echo "| \`cairn tables\` ($cairn) | $mine | $(awk -v a="$mine" -v b="$shell" 'BEGIN {printf "%.1f", a / b}') |"
if [[ -n "$other" ]]; then
  theirs=$(printf '%s\n' "${other_ms[@]}" | median)
  echo "| \`cairn tables\` ($other) | $theirs | $(awk -v a="$theirs" -v b="$shell" 'BEGIN {printf "%.1f", a / b}') |"
fi
