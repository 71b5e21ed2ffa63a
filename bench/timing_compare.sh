#!/usr/bin/env bash
# Timing scenarios at 4 x 3 TiB against a base binary, interleaved rounds in
# one command (a shared machine drifts; the two binaries see the same drift):
# wall time, CPU time (user + sys), peak RSS and minor page faults of the
# headline `mhpsim diff` and of `mhpsim run` of each scenarios/timing file,
# the median over the rounds of each, and new/base ratios. Reports go to
# /dev/null; compare them with cmp separately.
# Usage: bench/timing_compare.sh NEW_BIN BASE_BIN [ROUNDS] [diff|all]
set -u
new="$1"; base="$2"; rounds="${3:-3}"; what="${4:-all}"
here="$(cd "$(dirname "$0")/.." && pwd)"
t="$here/scenarios/timing"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cmds=("diff|diff $t/v4_19_4x3tib_global_lock.yaml $t/v4_20_4x3tib_deferred.yaml")
if [ "$what" = all ]; then
  for f in "$t"/*.yaml; do cmds+=("run $(basename "$f" .yaml)|run $f"); done
fi
for r in $(seq 1 "$rounds"); do
  for c in "${cmds[@]}"; do
    label="${c%%|*}"; args="${c#*|}"
    for side in base new; do
      bin="$base"; [ "$side" = new ] && bin="$new"
      # shellcheck disable=SC2086
      /usr/bin/time -f "%e %U %S %M %R" -o "$tmp/t" "$bin" $args > /dev/null 2>&1
      echo "$label|$side|$(tail -1 "$tmp/t")" >> "$tmp/all"
    done
  done
done
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf "%-38s %-5s %9s %9s %9s %11s\n" command build "wall s" "cpu s" "RSS MiB" "minflt"
for c in "${cmds[@]}"; do
  label="${c%%|*}"
  for side in base new; do
    rows="$(grep -F "$label|$side|" "$tmp/all" | cut -d'|' -f3)"
    wall=$(awk '{ print $1 }' <<<"$rows" | median)
    cpu=$(awk '{ print $2 + $3 }' <<<"$rows" | median)
    rss=$(awk '{ print $4 / 1024 }' <<<"$rows" | median)
    flt=$(awk '{ print $5 }' <<<"$rows" | median)
    printf "%-38s %-5s %9.2f %9.2f %9.0f %11.0f\n" "$label" "$side" "$wall" "$cpu" "$rss" "$flt"
    eval "m_$side=\"$wall $cpu $rss $flt\""
  done
  read -r bw bc br bf <<<"$m_base"; read -r nw nc nr nf <<<"$m_new"
  awk -v a="$nw" -v b="$bw" -v c="$nc" -v d="$bc" -v e="$nr" -v f="$br" -v g="$nf" -v h="$bf" -v l="$label" \
    'BEGIN { printf "%-38s %-5s %8.2fx %8.2fx %8.2fx %10.2fx\n", l, "ratio", a / b, c / d, e / f, g / h }'
done
echo "(medians of $rounds interleaved rounds; ratio: new / base)"
