#!/usr/bin/env bash
# Timing scenarios: wall time and peak RSS of each scenarios/timing
# run (exploration off, one checked timing run, plus the other side's timing
# run for speedup_over) and of the headline `mhpsim diff`, with the makespans
# they report. Usage: bench/timing_bench.sh [build/mhpsim]
set -u
bin="${1:-build/mhpsim}"
here="$(cd "$(dirname "$0")/.." && pwd)"
t="$here/scenarios/timing"
measure() {  # label, command...
  local label="$1"; shift
  local out; out=$( { /usr/bin/time -f "TIME %e s %M KB" "$@" > /dev/null; } 2>&1 | grep "^TIME")
  printf "%-44s %s\n" "$label" "${out#TIME }"
}
for f in "$t"/*.yaml; do
  measure "run $(basename "$f")" "$bin" run "$f"
done
measure "diff v4_19_global_lock v4_20_deferred" "$bin" diff "$t/v4_19_4x3tib_global_lock.yaml" "$t/v4_20_4x3tib_deferred.yaml"
measure "time v4_19_global_lock (no checkers)" "$bin" time "$t/v4_19_4x3tib_global_lock.yaml"
echo
for f in "$t"/*.yaml; do
  printf "%-44s %s\n" "$(basename "$f")" "$("$bin" time "$f" | grep '^makespan')"
done
