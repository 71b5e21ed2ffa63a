#!/usr/bin/env bash
# Exploration benchmarks, all measured in this one run:
#  (c) time to first expected finding with pct and pos, median over 20 seeds,
#      per seed scenario that expects findings;
#  (d) dfs on S1: executions per preemption bound, buggy and fixed variant,
#      and unbounded with sleep sets and with source-DPOR (same traces);
#  (e) --jobs 2 against --jobs 1 on the whole seed corpus.
# Usage: bench/exploration_bench.sh [build/mhpsim]
set -u
bin="${1:-build/mhpsim}"
here="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

echo "(c) time to first expected finding, median of 20 seeds (ms)"
printf "%-50s %10s %10s\n" scenario pct pos
for f in "$here"/scenarios/seeds/*.yaml; do
  grep -q "^  findings: \[\]" "$f" && continue
  line="$(basename "$f" .yaml)"
  for st in pct pos; do
    times=()
    for seed in $(seq 1 20); do
      start=$(date +%s%N)
      "$bin" run "$f" --strategy "$st" --seed "$seed" --no-shrink --format json > "$tmp/o.json" 2>/dev/null
      end=$(date +%s%N)
      # first execution at which any expected key was found, and the executions run
      read -r first total < <(python3 - "$tmp/o.json" <<'PY'
import json, sys, fnmatch
lines = [json.loads(l) for l in open(sys.argv[1])]
res = [l for l in lines if l["kind"] == "result"][0]
found = [l for l in lines if l["kind"] not in ("result", "lockdep")]
total = found[0]["executions"] if found else 1
exp = [e for e in res["expectations"] if ": found (" in e]
first = min((l["execution"] for l in found if any(l["key"] in e for e in exp)), default=None)
if first is None: print(-1, total)
else: print(first, total)
PY
)
      if [ "$first" -lt 0 ]; then times+=(999999); else
        times+=($(( (end - start) * (first + 1) / total / 1000000 ))); fi
    done
    med=$(printf "%s\n" "${times[@]}" | sort -n | sed -n 10p)
    [ "$med" = 999999 ] && med="not found"
    line="$line|$med"
  done
  IFS='|' read -r name a b <<< "$line"
  printf "%-50s %10s %10s\n" "$name" "$a" "$b"
done

echo
echo "(d) dfs on S1: executions until the search is complete"
for f in s1_deferred_memmap_init s1_init_under_hotplug_lock; do
  for b in 0 1 2 3; do
    n=$("$bin" run "$here/scenarios/seeds/$f.yaml" --strategy dfs --bound "$b" --executions 10000000 --no-shrink \
        | grep -o "[0-9]* executions$" | head -1)
    echo "$f bound $b: $n"
  done
  for r in sleep dpor; do  # unbounded: the reductions, with the coverage they reach
    line=$("$bin" run "$here/scenarios/seeds/$f.yaml" --strategy dfs --reduce "$r" --executions 10000000 --no-shrink)
    echo "$f --reduce $r: $(echo "$line" | grep "^coverage:" | sed 's/coverage: //')"
    echo "$line" | grep "^without reduction:" | sed "s/^/$f: /"
  done
done

echo
echo "(e) --jobs 2 against --jobs 1, scenarios/seeds, no shrinking"
t() { local s=$(date +%s%N); "$bin" run "$here/scenarios/seeds" --no-shrink "$@" > /dev/null 2>&1; echo $(( ($(date +%s%N) - s) / 1000000 )); }
j1=$(t --jobs 1); j2=$(t --jobs 2)
echo "jobs 1: ${j1} ms, jobs 2: ${j2} ms, speedup $(python3 -c "print(round($j1/$j2, 2))")x"
# The same with 10,000 executions a scenario: with the scenarios' own counts a
# run is now under a second and per-scenario set-up (parsing, one machine per
# worker, PCT calibration, the merge) weighs on the ratio.
j1=$(t --jobs 1 --executions 10000); j2=$(t --jobs 2 --executions 10000)
echo "10,000 executions a scenario: jobs 1: ${j1} ms, jobs 2: ${j2} ms, speedup $(python3 -c "print(round($j1/$j2, 2))")x"
