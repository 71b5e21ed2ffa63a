#!/usr/bin/env bash
# How complete search grows with threads, per reduction: S1 (one memremap
# thread, k memory_failure walkers on pfns of the device, k = 1..7, so 2..8
# threads) and the workload scenarios (scenarios/workloads/), each searched
# by dfs without reduction (preemption bound 2), with sleep sets, with
# source-DPOR, and with BPOR at bound 1, every search cut at a time limit.
# A row gives executions, distinct traces, seconds, and whether the search
# completed (the text report's strategy line says so).
# Usage: bench/dfs_scaling.sh BIN [LIMIT_SECONDS] [WORKLOAD_LIMIT_SECONDS]
#   LIMIT_SECONDS 0: the workloads only. DFS_SCALING_REDUCTIONS="dpor;sleep"
#   (';'-separated) instead of the four reductions.
set -u
bin="$1"; limit="${2:-10}"; wlimit="${3:-30}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
s1="$here/scenarios/seeds/s1_deferred_memmap_init.yaml"
# S1 with k walkers: the scenario's threads list gains k-1 more memory_failure
# threads on other pfns of the device (8..15); expectations are dropped.
for k in 1 2 3 4 5 6 7; do
  f="$tmp/s1_walkers_$k.yaml"
  sed -n '/^threads:/q;p' "$s1" | sed "s/^name: .*/name: s1-walkers-$k/" > "$f"
  {
    echo "threads:"
    echo "  - name: devm_memremap_pages"
    echo "    op: memremap_pages"
    echo "    device: pmem0"
    for w in $(seq 1 "$k"); do
      echo "  - name: memory_failure_$w"
      echo "    op: memory_failure"
      echo "    pfn: $((8 + (5 + w - 1) % 8))"
    done
    echo "explore:"
    echo "  strategy: dfs"
    echo "  executions: 100000000"
    echo "expect:"
    echo "  other_findings: allowed"
  } >> "$f"
done
reductions=("none --bound 2" "sleep" "dpor" "dpor --bound 1")
[ -n "${DFS_SCALING_REDUCTIONS:-}" ] && IFS=';' read -r -a reductions <<< "$DFS_SCALING_REDUCTIONS"
row() {  # label, file, time limit, reduction...
  local label="$1" file="$2" lim="$3"; shift 3
  local s e out
  s=$(date +%s.%N)
  out=$("$bin" run "$file" --strategy dfs --reduce "$@" --executions 100000000 --time-limit "${lim}s" \
        --no-shrink --no-progress 2>/dev/null)
  e=$(date +%s.%N)
  local cov execs traces done
  cov=$(grep -m1 -E '^coverage: ' <<< "$out")
  traces=$(grep -oE '[0-9]+ distinct' <<< "$cov" | grep -oE '[0-9]+')
  execs=$(grep -oE 'in [0-9]+ executions' <<< "$cov" | grep -oE '[0-9]+')
  done=no; grep -q ', complete)' <<< "$out" && done=yes
  printf "%-36s %-16s %12s %12s %9.1f %9s\n" "$label" "$*" "${execs:--}" "${traces:--}" "$(echo "$e - $s" | bc)" "$done"
}
printf "%-36s %-16s %12s %12s %9s %9s\n" scenario reduction executions traces seconds complete
for k in 1 2 3 4 5 6 7; do
  [ "$limit" = 0 ] && break
  for r in "${reductions[@]}"; do
    read -r -a ra <<< "$r"
    row "s1, $((k + 1)) threads" "$tmp/s1_walkers_$k.yaml" "$limit" "${ra[@]}"
  done
done
for f in "$here"/scenarios/workloads/*.yaml; do
  n=$(awk '/^threads:/{t=1; next} /^[a-z]/{t=0} t && /^  - /{n++} END{print n+0}' "$f")
  for r in "${reductions[@]}"; do
    read -r -a ra <<< "$r"
    row "$(basename "$f" .yaml), $n threads" "$f" "$wlimit" "${ra[@]}"
  done
done
