#!/usr/bin/env bash
# BPOR against the plain preemption-bounded search over the corpus: for
# every seed, checker and exhaustive scenario without a timing run and each
# bound, `--strategy dfs --reduce none|dpor --bound B` capped at CAP
# executions; prints executions, completeness, the coverage count and the
# finding keys' digest of both, then a summary per bound (docs/PERFORMANCE.md,
# "Bounded partial-order reduction").
# Usage: bench/bpor_sweep.sh [build/mhpsim] [cap] [bounds...]
set -u
bin="${1:-build/mhpsim}"; cap="${2:-100000}"
if [ $# -gt 2 ]; then shift 2; bounds=("$@"); else bounds=(1 2); fi
here="$(cd "$(dirname "$0")/.." && pwd)"
out=$(mktemp); trap 'rm -f "$out"' EXIT
for f in "$here"/scenarios/seeds/*.yaml "$here"/scenarios/checkers/*.yaml "$here"/scenarios/exhaustive/*.yaml; do
  grep -q "^timing:" "$f" && continue
  for b in "${bounds[@]}"; do
    for r in none dpor; do
      o=$(timeout 900 "$bin" run "$f" --strategy dfs --reduce $r --bound "$b" --executions "$cap" --no-shrink 2>/dev/null)
      n=$(echo "$o" | head -1 | grep -oE '[0-9]+ executions$' | grep -oE '^[0-9]+')
      c=$(echo "$o" | head -1 | grep -oE '(complete|INCOMPLETE)' | head -1)
      cov=$(echo "$o" | grep -oE '^coverage: [0-9]+' | grep -oE '[0-9]+')
      keys=$(echo "$o" | grep '^key:' | sort | md5sum | cut -c1-8)
      echo "$(basename "$f" .yaml) $b $r ${n:-0} ${c:-?} ${cov:-0} $keys" | tee -a "$out"
    done
  done
done
/usr/bin/python3 - "$out" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, b, r, n, c, cov, keys = line.split()
    runs.setdefault((name, b), {})[r] = (int(n), c, int(cov), keys)
for b in sorted({k[1] for k in runs}):
    both = [(k, v) for k, v in runs.items() if k[1] == b and v["none"][1] == v["dpor"][1] == "complete"]
    same = [k for k, v in both if v["none"][2:] == v["dpor"][2:]]
    ratio = [v["none"][0] / v["dpor"][0] for _, v in both]
    only = [k[0] for k, v in runs.items() if k[1] == b and v["none"][1] != "complete" and v["dpor"][1] == "complete"]
    print(f"bound {b}: both complete {len(both)}, same traces and keys {len(same)}, "
          f"none/dpor executions min {min(ratio):.1f}x median {statistics.median(ratio):.1f}x max {max(ratio):.1f}x, "
          f"only dpor completes {len(only)}")
    for k, v in both:
        if k not in same: print(f"  differs: {k[0]}: none {v['none']} dpor {v['dpor']}")
PY
