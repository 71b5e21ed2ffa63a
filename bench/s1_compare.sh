#!/usr/bin/env bash
# S1 against a base build, interleaved rounds in one command: executions/s
# with --no-memo (every execution simulated), recorded events per execution,
# and the engine + model and checker costs per execution and per event, so a
# change that makes S1's programs longer (more steps per execution) is told
# apart from one that makes each step dearer.
# Usage: bench/s1_compare.sh NEW_BUILD_DIR BASE_BUILD_DIR [ROUNDS]
set -u
new="$1"; base="$2"; rounds="${3:-3}"
printf "%-6s %-5s %14s %7s %10s %10s %12s %12s\n" build round "no-memo ex/s" events "eng us/ex" "chk us/ex" "eng ns/ev" "chk ns/ev"
for r in $(seq 1 "$rounds"); do
  for side in base new; do
    dir="$base"; [ "$side" = new ] && dir="$new"
    out="$("$dir/mhpsim_bench" 2>&1)"
    nomemo="$(grep -oE 'no-memo \(every execution simulated\): [0-9.]+ s = [0-9]+' <<<"$out" | grep -oE '[0-9]+$')"
    events="$(grep -oE 'its [0-9]+ recorded events' <<<"$out" | grep -oE '[0-9]+')"
    read -r eng chk < <(grep -oE 'per execution: [0-9.]+ \+ [0-9.]+' <<<"$out" | grep -oE '[0-9.]+' | tr '\n' ' ')
    awk -v s="$side" -v r="$r" -v n="$nomemo" -v e="$events" -v g="$eng" -v c="$chk" \
      'BEGIN { printf "%-6s %-5s %14d %7d %10.2f %10.2f %12.1f %12.1f\n", s, r, n, e, g, c, g*1000/e, c*1000/e }'
  done
done
