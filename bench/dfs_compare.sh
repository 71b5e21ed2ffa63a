#!/usr/bin/env bash
# Every bundled scenario (but the real-geometry and timing ones) searched by
# `--strategy dfs --reduce REDUCE` for at most LIMIT each, by NEW and BASE in
# one command: executions, traces, complete or not, and whether the finding
# keys are the same where both searches complete. A change to dfs (its
# dependence, its choices) must leave every complete search's keys as they
# were; the last line counts the rows.
# Usage: bench/dfs_compare.sh NEW BASE [LIMIT] [REDUCE]   (LIMIT: 10s, REDUCE: dpor)
set -u
new="$1"; base="$2"; limit="${3:-10s}"; reduce="${4:-dpor}"
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
run() {  # bin, file: "executions traces complete keyhash"
  local out n t c k
  out=$("$1" run "$2" --no-shrink --no-progress --strategy dfs --reduce "$reduce" \
        --executions 100000000 --time-limit "$limit" 2>/dev/null)
  n=$(echo "$out" | head -1 | grep -oE "[0-9]+ executions$" | grep -oE "^[0-9]+")
  t=$(echo "$out" | grep -oE "^coverage: [0-9]+" | grep -oE "[0-9]+")
  c=$(echo "$out" | head -1 | grep -qE "complete\)" && echo complete || echo stopped)
  k=$(echo "$out" | grep "^key:" | sort -u | md5sum | cut -c1-8)
  printf "%10s %10s %-9s %s" "${n:--}" "${t:--}" "$c" "$k"
}
same=0; differ=0; open=0
printf "%-56s | %-38s | %-38s | keys\n" "scenario" "BASE: executions traces done keys" "NEW: executions traces done keys"
for f in $(find scenarios -name '*.yaml' -not -path '*/geometry/*' -not -path '*/timing/*' | sort); do
  b=$(run "$base" "$f"); n=$(run "$new" "$f")
  if [[ "$b" == *stopped* || "$n" == *stopped* ]]; then v="not both complete"; open=$((open + 1))
  elif [ "${b##* }" = "${n##* }" ]; then v=same; same=$((same + 1))
  else v=DIFFERENT; differ=$((differ + 1)); fi
  printf "%-56s | %s | %s | %s\n" "${f#scenarios/}" "$b" "$n" "$v"
done
echo "complete in both with the same keys: $same; different keys: $differ; not complete in both: $open"
