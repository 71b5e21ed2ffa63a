#!/usr/bin/env bash
# Readers that commute (dpor's dependence, docs/DESIGN.md): complete
# source-DPOR searches of the bundled scenarios that run dfs with a reduction,
# and the workload scenarios under `--strategy dfs --reduce dpor` for at most
# LIMIT each, by NEW and BASE in one command: executions, traces, complete or
# not, wall time, and whether the finding keys are the same.
# Usage: bench/reader_commute.sh NEW BASE [LIMIT]   (LIMIT: 60s)
set -u
new="$1"; base="$2"; limit="${3:-60s}"
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
run() {  # bin, file, extra...: "executions traces complete seconds keyhash"
  local bin="$1" f="$2"; shift 2
  local s out e
  s=$(date +%s.%N)
  out=$("$bin" run "$f" --no-shrink "$@" 2>/dev/null)
  e=$(date +%s.%N)
  local n t c k
  n=$(echo "$out" | head -1 | grep -oE "[0-9]+ executions$" | grep -oE "^[0-9]+")
  t=$(echo "$out" | grep -oE "^coverage: [0-9]+" | grep -oE "[0-9]+")
  c=$(echo "$out" | head -1 | grep -qE "complete\)" && echo complete || echo stopped)
  k=$(echo "$out" | grep "^key:" | sort -u | md5sum | cut -c1-8)
  printf "%10s %10s %-9s %7.1f %s" "${n:--}" "${t:--}" "$c" "$(echo "$e - $s" | bc)" "$k"
}
printf "%-52s | %-44s | %-44s | keys\n" "scenario" "BASE: executions traces done s keys" "NEW: executions traces done s keys"
row() {
  local f="$1"; shift
  local b n
  b=$(run "$base" "$f" "$@"); n=$(run "$new" "$f" "$@")
  printf "%-52s | %s | %s | %s\n" "$(basename "$f" .yaml)" "$b" "$n" \
    "$([ "${b##* }" = "${n##* }" ] && echo same || echo DIFFERENT)"
}
for f in $(grep -lE "strategy: dfs" scenarios/*/*.yaml | xargs grep -lE "reduce: (dpor|sleep)"); do
  row "$f"
done
for f in scenarios/workloads/*.yaml; do
  row "$f" --strategy dfs --reduce dpor --executions 100000000 --time-limit "$limit"
done
