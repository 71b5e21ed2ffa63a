#!/usr/bin/env bash
# dfs speed: wall time of complete and stopped searches with one job and with
# --jobs 2 (the parallel search, tools/cli/dfs_helpers.hpp), and, in the same
# run, the machine's ceiling for two threads: two one-job searches side by
# side (on the 2-core project machine they slow each other down). With a
# second binary (BASE), the same one-job searches by it first: the ratio of
# a change. Reports must be byte-identical between the job counts (checked).
# Usage: bench/dfs_bench.sh BIN [BASE]
set -u
bin="$1"; base="${2:-}"
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
t() { local s e; s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
searches=(
  "scenarios/seeds/s8_move_pfn_range_to_zone_unlocked.yaml --reduce dpor --bound 2 --executions 1000000"
  "scenarios/seeds/s10_range_lock_online_online.yaml --reduce dpor --bound 1 --executions 1000000"
  "scenarios/seeds/s10_range_lock_online_vs_offline.yaml --reduce dpor --bound 2 --executions 1000000"
  "scenarios/seeds/s8_move_pfn_range_to_zone_unlocked.yaml --reduce dpor --executions 100000"
  "scenarios/seeds/s8_move_pfn_range_to_zone_unlocked.yaml --reduce none --bound 2 --executions 200000"
  "scenarios/seeds/s8_move_pfn_range_to_zone_unlocked.yaml --reduce sleep --executions 100000"
)
printf "%-90s %8s %8s %8s %8s %8s\n" "search (--strategy dfs ... --no-shrink)" "base" "1 job" "2 jobs" "x2jobs" "2 apart"
for s in "${searches[@]}"; do
  read -r -a a <<< "$s"
  b="-"; [ -n "$base" ] && b=$(printf "%.2f" "$(t "$base" run "${a[@]:0:1}" --strategy dfs "${a[@]:1}" --no-shrink)")
  one=$(t "$bin" run "${a[@]:0:1}" --strategy dfs "${a[@]:1}" --no-shrink)
  two=$(t "$bin" run "${a[@]:0:1}" --strategy dfs "${a[@]:1}" --no-shrink --jobs 2)
  # two one-job searches at once: the time for both, against one job's time for one
  s0=$(date +%s.%N)
  "$bin" run "${a[@]:0:1}" --strategy dfs "${a[@]:1}" --no-shrink > /dev/null 2>&1 &
  "$bin" run "${a[@]:0:1}" --strategy dfs "${a[@]:1}" --no-shrink > /dev/null 2>&1
  wait
  apart=$(echo "$(date +%s.%N) - $s0" | bc)
  "$bin" run "${a[@]:0:1}" --strategy dfs "${a[@]:1}" --no-shrink --format json > /tmp/dfs_bench1.json 2> /dev/null
  "$bin" run "${a[@]:0:1}" --strategy dfs "${a[@]:1}" --no-shrink --format json --jobs 2 > /tmp/dfs_bench2.json 2> /dev/null
  same="same"; cmp -s /tmp/dfs_bench1.json /tmp/dfs_bench2.json || same="DIFFERENT REPORTS"
  printf "%-90s %8s %8.2f %8.2f %7.2fx %7.2fx %s\n" "$s" "$b" "$one" "$two" "$(echo "$one / $two" | bc -l)" \
    "$(echo "2 * $one / $apart" | bc -l)" "$same"
done
