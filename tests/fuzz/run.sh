#!/usr/bin/env bash
# One fuzz target's run (the fuzz build's ctest entries; docs/TESTING.md):
# replays the regression inputs of tests/data/fuzz/TARGET/, then fuzzes for
# SECONDS from the seed corpus (make_corpus.sh, written into WORK). A crash,
# leak, undefined behaviour, timeout or an exception other than InputError
# fails it; libFuzzer leaves the input in WORK/artifacts/TARGET/.
# Usage: tests/fuzz/run.sh FUZZ_BINARY TARGET SOURCE_DIR WORK [SECONDS]
set -euo pipefail
bin="$1" target="$2" src="$3" work="$4" seconds="${5:-10}"
mkdir -p "$work/artifacts/$target" "$work/new/$target"
# The merge seeds need a run's reports: the normal build's mhpsim when there is one.
# ctest runs the targets in parallel: one writes the corpus, the others wait (flock).
(
  flock 9
  if [ ! -f "$work/corpus/.done" ] || [ "$src/tests/fuzz/make_corpus.sh" -nt "$work/corpus/.done" ]; then
    bash "$src/tests/fuzz/make_corpus.sh" "$work/corpus" "${MHPSIM:-$src/build/mhpsim}"
    touch "$work/corpus/.done"
  fi
) 9> "$work/corpus.lock"
opts=(-timeout=10 -rss_limit_mb=2048 -max_len="$(bash "$src/tests/fuzz/max_len.sh" "$target")"
      -artifact_prefix="$work/artifacts/$target/")
shopt -s nullglob
regressions=("$src/tests/data/fuzz/$target"/*)
if [ ${#regressions[@]} -gt 0 ]; then
  echo "== $target: ${#regressions[@]} regression input(s)"
  "$bin" "${opts[@]}" "${regressions[@]}"
fi
echo "== $target: seed corpus, then fresh inputs for ${seconds}s"
# New inputs go to the first directory (scratch), the seeds stay as generated.
"$bin" "${opts[@]}" -max_total_time="$seconds" -print_final_stats=1 "$work/new/$target" "$work/corpus/$target"
