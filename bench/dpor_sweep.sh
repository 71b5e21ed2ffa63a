#!/usr/bin/env bash
# Source-DPOR over the whole corpus: for every seed and checker scenario,
# `--strategy dfs --reduce dpor` capped at 200,000 executions: whether the
# scenario's expectations hold (rc), whether the search completed, how many
# executions, how long. Usage: bench/dpor_sweep.sh [build/mhpsim] [cap]
set -u
bin="${1:-build/mhpsim}"; cap="${2:-200000}"
here="$(cd "$(dirname "$0")/.." && pwd)"
for f in "$here"/scenarios/seeds/*.yaml "$here"/scenarios/checkers/*.yaml; do
  s=$(date +%s%N)
  out=$(timeout 600 "$bin" run "$f" --strategy dfs --reduce dpor --executions "$cap" --no-shrink 2>/dev/null); rc=$?
  ms=$(( ($(date +%s%N) - s) / 1000000 ))
  c=$(echo "$out" | grep -oE "(complete|INCOMPLETE)" | head -1)
  n=$(echo "$out" | head -1 | grep -oE "[0-9]+ executions$")
  printf "%-52s rc=%d %-10s %18s %8d ms\n" "$(basename "$f")" "$rc" "$c" "$n" "$ms"
done
