#!/usr/bin/env bash
# The exploration work's acceptance criteria, over the seed corpus (scenarios/seeds): every
# scenario's expectations hold under pct, pos and dfs, and dfs proves every
# fixed variant (`findings: []`, other findings forbidden) silent with a
# complete search; and every witness the seed, checker and exhaustive
# scenarios report replays to the same finding, byte for byte
# (tests/replay_witnesses.py).
#  pct  50,000 executions, bug depth from explore.depth (default 3);
#  pos  the scenario's own executions;
#  dfs  (--jobs 2: the parallel search) bugs: preemption bound from explore.bound (default 2), at most 100,000
#       executions; fixed variants: source-DPOR, unbounded, unless the file sets
#       explore.reduce (then its reduction and bound), and the search must be
#       complete within 1,000,000 executions (the bound is in the report's header).
# Usage: tests/strategy_sweep.sh BIN SRC
set -u
bin="$1"; src="$2"
. "$(dirname "${BASH_SOURCE[0]}")/check_lib.sh"
cd "$src" || exit 2

"$bin" run scenarios/seeds --strategy pct --executions 50000 --no-shrink --jobs 2 > "$tmp/pct.txt"
check "pct: every seed scenario passes" 0 $?
grep "^result: FAIL" "$tmp/pct.txt"
"$bin" run scenarios/seeds --strategy pos --no-shrink --jobs 2 > "$tmp/pos.txt"
check "pos: every seed scenario passes" 0 $?
grep "^result: FAIL" "$tmp/pos.txt"

for f in scenarios/seeds/*.yaml; do
  name="$(basename "$f" .yaml)"
  if grep -q "^  findings: \[\]" "$f"; then
    grep -q "^  other_findings: forbidden" "$f" || { echo "FAIL: $name: a fixed variant must forbid other findings"; fail=$((fail+1)); continue; }
    reduce=(--reduce dpor); grep -q "^  reduce:" "$f" && reduce=()
    "$bin" run "$f" --strategy dfs "${reduce[@]}" --executions 1000000 --no-shrink --jobs 2 > "$tmp/o.txt"
    check "dfs proves $name silent" 0 $?
    head -1 "$tmp/o.txt" | grep -q ", complete)"; check "dfs search of $name is complete" 0 $?
    echo "silent: $name: $(head -1 "$tmp/o.txt" | grep -oE 'strategy dfs .*')"
  else
    "$bin" run "$f" --strategy dfs --executions 100000 --no-shrink --jobs 2 > "$tmp/o.txt"
    check "dfs finds the findings $name expects" 0 $?
    echo "found:  $name: $(head -1 "$tmp/o.txt" | grep -oE 'strategy dfs .*')"
  fi
  grep -E "MISSING|^result: FAIL|unexpected" "$tmp/o.txt"
done

for d in seeds checkers exhaustive; do
  /usr/bin/python3 "$src/tests/replay_witnesses.py" "$bin" "scenarios/$d"
  check "every witness of scenarios/$d replays to the same finding" 0 $?
done
finish
