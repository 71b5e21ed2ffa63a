#!/usr/bin/env bash
# Executions/s of two builds on one set of scenarios, interleaved rounds in
# one command: every scenario runs N random executions (no shrinking, one
# job) with each build; the table gives each build's total executions/s and
# the ratio new/base per round. Run it on the scenarios both builds parse
# (the base tree's), so a model change is measured on the same workload;
# real-geometry and timing scenarios are left out (bench/timing_bench.sh).
# Usage: bench/corpus_rate.sh NEW_BIN BASE_BIN SCENARIO_DIR [EXECUTIONS] [ROUNDS]
set -u
new="$1"; base="$2"; dir="$3"; n="${4:-500}"; rounds="${5:-3}"
# the real-geometry and timing scenarios are bench/timing_bench.sh's
mapfile -t files < <(find "$dir" -name '*.yaml' -not -path '*/geometry/*' -not -path '*/timing/*' | sort)
run_all() {
  local bin="$1" start end count=0
  start=$(date +%s%N)
  for f in "${files[@]}"; do
    grep -q '^variant: [a-z_./]*\.yaml' "$f" && continue
    "$bin" run "$f" --strategy random --executions "$n" --seed 1 --no-shrink --no-progress > /dev/null 2>&1
    [ $? -le 1 ] && count=$((count + 1))
  done
  end=$(date +%s%N)
  echo "$count $(( (end - start) / 1000000 ))"
}
printf "%-6s %-5s %10s %10s %12s\n" build round scenarios ms "ex/s"
for r in $(seq 1 "$rounds"); do
  for side in base new; do
    bin="$base"; [ "$side" = new ] && bin="$new"
    read -r count ms < <(run_all "$bin")
    awk -v s="$side" -v r="$r" -v c="$count" -v m="$ms" -v n="$n" \
      'BEGIN { printf "%-6s %-5s %10d %10d %12.0f\n", s, r, c, m, c * n * 1000 / m }'
  done
done
