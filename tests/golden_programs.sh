#!/usr/bin/env bash
# Golden programs: `mhpsim ops show` of every op in every era, compared with the
# checked-in tests/golden/programs/<era>.txt, so that any change to what an era
# runs shows up in review as a diff of those files.
#   tests/golden_programs.sh BIN SRC            compare
#   tests/golden_programs.sh BIN SRC --update   rewrite the golden files
set -u
bin="$1"; src="$2"; mode="${3:-}"
. "$(dirname "${BASH_SOURCE[0]}")/check_lib.sh"
golden="$src/tests/golden/programs"
"$bin" ops list > "$tmp/list"; check "ops list" 0 $?
[ -s "$tmp/list" ]; check "ops list names eras" 0 $?
while IFS= read -r line; do
  era="${line%%:*}"
  out="$tmp/$era.txt"
  : > "$out"
  for op in ${line#*:}; do
    "$bin" ops show "$op" --era "$era" >> "$out"; check "ops show $op --era $era" 0 $?
    echo >> "$out"
  done
  if [ "$mode" = "--update" ]; then
    cp "$out" "$golden/$era.txt"
  else
    diff -u "$golden/$era.txt" "$out" > "$tmp/$era.diff"; check "era $era runs its golden programs" 0 $?
    [ -s "$tmp/$era.diff" ] && head -40 "$tmp/$era.diff"
  fi
done < "$tmp/list"
# No golden file of an era the catalogue no longer has.
for f in "$golden"/*.txt; do
  era="$(basename "$f" .txt)"
  grep -q "^$era:" "$tmp/list"; check "golden $era.txt belongs to an era" 0 $?
done
# Every era has its everything scenario (scenarios/eras/), and every finding
# it expects says why: the upstream fix, the newest era that still has it,
# or the model limitation. A scenario holds at most 16 threads: the memory
# block sysfs readers run in the era's <era>_everything_sysfs.yaml companion,
# the device-private ops in <era>_everything_hmm.yaml (v5.10 on),
# and together they run every op of the era.
while IFS= read -r line; do
  era="${line%%:*}"
  f="$src/scenarios/eras/$(echo "$era" | tr . _)_everything.yaml"
  [ -f "$f" ]; check "era $era has scenarios/eras/$(basename "$f")" 0 $?
  python3 - "$f" "$era" "${line#*:}" <<'PY'
import os, sys, yaml
ops = set()
for path in [sys.argv[1]] + [sys.argv[1].replace("_everything.yaml", c) for c in ("_everything_sysfs.yaml", "_everything_hmm.yaml")]:
    if path != sys.argv[1] and not os.path.exists(path):
        continue
    doc = yaml.safe_load(open(path))
    assert doc["era"] == sys.argv[2], ("era field", path)
    assert doc["expect"]["other_findings"] == "forbidden", path
    ops |= {t["op"] for t in doc["threads"]}
    for f in doc["expect"]["findings"]:
        assert sum(k in f for k in ("fixed_by", "still_in", "limitation")) == 1, f
assert ops == set(sys.argv[3].split()), ("ops", sorted(set(sys.argv[3].split()) ^ ops))
PY
  check "... runs every op of the era and expects each finding with a reason" 0 $?
done < "$tmp/list"
# An unknown era, or an op an era lacks, is named with what exists.
"$bin" ops show online_pages --era v9 > /dev/null 2> "$tmp/err"; check "unknown era exits 3" 3 $?
grep -q "field 'era': 'v9' is not one of: v4.19, " "$tmp/err"; check "... and lists the eras" 0 $?
"$bin" ops show no_such_op --era v6 > /dev/null 2> "$tmp/err"; check "unknown op exits 3" 3 $?
grep -q "field 'op': no op 'no_such_op'; the ops of era v6 are: add_memory, " "$tmp/err"; check "... and lists the era's ops" 0 $?
finish
