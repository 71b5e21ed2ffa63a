#!/usr/bin/env bash
# A dfs search split over shards (`run --shard I/N`, docs/PERFORMANCE.md,
# "dfs split over shards"): per scenario, the unsplit search's executions
# and user time, then each of the N shards run one after the other (as N
# machines would run them side by side): its executions, its runs through
# the other shards' pieces, its pieces, its user time. The last columns: the
# shards' executions over the unsplit search's (what splitting costs), and
# the slowest shard's time over the unsplit search's (what N machines gain;
# 1/N at best).
#
#   bench/dfs_split.sh BIN N SCENARIO [RUN OPTIONS...]
#   bench/dfs_split.sh build/mhpsim 4 scenarios/workloads/hmm_tests_v6.yaml
set -euo pipefail
bin="$1"; n="$2"; sc="$3"; shift 3
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
field() { python3 -c 'import json,sys; j=json.loads(open(sys.argv[1]).readlines()[-1]); print(j["dfs_split"][sys.argv[2]])' "$@"; }
utime() { /usr/bin/time -f "%U" -o "$tmp/t" "$@" > "$tmp/out" || [ $? = 1 ]; tail -1 "$tmp/t"; }  # (exit 1: expectations)
one_t=$(utime "$bin" run "$sc" --no-progress --no-shrink "$@")
one=$(sed -n 's/^coverage: .* in \([0-9]*\) executions$/\1/p' "$tmp/out")
echo "$sc $*: unsplit $one executions, ${one_t}s"
sum=0; worst=0
for ((i = 0; i < n; i++)); do
  t=$(utime "$bin" run "$sc" --no-progress --no-shrink --format json --shard "$i/$n" "$@")
  cp "$tmp/out" "$tmp/s$i.json"
  e=$(field "$tmp/s$i.json" executions)
  printf '  shard %d/%d: %d executions, %d runs through other pieces, %d of %d pieces, %ss\n' "$i" "$n" "$e" \
    "$(field "$tmp/s$i.json" meeting_runs)" "$(field "$tmp/s$i.json" pieces_here)" "$(field "$tmp/s$i.json" pieces)" "$t"
  sum=$((sum + e))
  worst=$(python3 -c "print(max($worst, $t))")
done
python3 -c "print('  shards/unsplit executions %.2f, slowest shard/unsplit time %.2f' % ($sum / $one, $worst / max($one_t, 0.01)))"
