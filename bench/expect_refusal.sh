#!/bin/sh
# expect_refusal.sh PATTERN COMMAND [ARGS...]: passes when COMMAND exits with code 2 (a refused
# argument) and its output contains PATTERN; for ctest's checks of the benchmarks' bad inputs.
pattern=$1
shift
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ "$rc" -ne 2 ]; then
  echo "expect_refusal: exit code $rc, expected 2"
  exit 1
fi
case $out in
  *"$pattern"*) exit 0 ;;
esac
echo "expect_refusal: output does not contain: $pattern"
exit 1
