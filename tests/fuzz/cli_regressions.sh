#!/usr/bin/env bash
# The inputs fuzzing broke the parsers with (tests/data/fuzz/TARGET/), through
# the real command line: a bad merge input or baseline exits 3 with the
# file:line: field error and prints no report; a scenario or variant file
# exits 0, 1 or 3, never an internal error (2) or a signal.
set -u
bin="$1"; src="$2"
. "$src/tests/check_lib.sh"
cd "$src" || exit 2
s1=scenarios/seeds/s1_deferred_memmap_init.yaml
shopt -s nullglob
for f in tests/data/fuzz/merge/*; do
  "$bin" merge "$f" > "$tmp/out" 2> "$tmp/err"; rc=$?
  [ $rc = 3 ] && [ ! -s "$tmp/out" ] && grep -q "^mhpsim: error: $f:[0-9]*:[0-9]*: field '" "$tmp/err"
  check "merge $f: exit 3 ($rc), the error names file, line and field" 0 $?
done
for f in tests/data/fuzz/baseline/*; do
  "$bin" run "$s1" --baseline "$f" > "$tmp/out" 2> "$tmp/err"; rc=$?
  [ $rc = 3 ] && [ ! -s "$tmp/out" ] && grep -q "^mhpsim: error: $f:[0-9]*:[0-9]*: field '" "$tmp/err"
  check "run --baseline $f: exit 3 ($rc), the error names file, line and field" 0 $?
done
for f in tests/data/fuzz/scenario/*; do
  timeout 120 "$bin" run "$f" --executions 10 > /dev/null 2>&1; rc=$?
  [ $rc = 0 ] || [ $rc = 1 ] || [ $rc = 3 ]; check "run $f: exit 0, 1 or 3 ($rc)" 0 $?
done
for f in tests/data/fuzz/variant/*; do
  timeout 60 "$bin" ops show memremap_pages --variant "$f" > /dev/null 2>&1; rc=$?
  [ $rc = 0 ] || [ $rc = 3 ]; check "ops show --variant $f: exit 0 or 3 ($rc)" 0 $?
done
finish
