#!/usr/bin/env bash
# Every report format of a scenario with a race, checked by a real consumer
# (python3-jsonschema with the SARIF 2.1.0 schema, xmllint with a JUnit XSD,
# GraphViz dot, json.tool) and by structural assertions (report_checks.py);
# reports byte-identical across runs and for --jobs 1 and 2; baseline files;
# bad options and bad baselines exit 3 with a clear error.
set -u
bin="$1"; src="$2"
py=/usr/bin/python3   # Debian's python3, where python3-jsonschema installs
. "$(dirname "${BASH_SOURCE[0]}")/check_lib.sh"
race="$src/scenarios/seeds/s10_range_lock_online_vs_memremap.yaml"
cycle="$src/scenarios/checkers/lockorder_add_memory_without_dhp_v4_20.yaml"
gated="$src/scenarios/checkers/lockorder_add_memory_under_dhp_v4_20.yaml"
schema="$src/tests/data/sarif-schema-2.1.0.json"

# One run writes every format.
"$bin" run "$race" --format sarif --junit "$tmp/a.xml" --trace "$tmp/a.trace.json" --trace-finding 'race/*' \
  --lock-graph "$tmp/a.dot" > "$tmp/a.sarif"
check "run with every format exits 0" 0 $?

# SARIF: the official schema, then rules/results/code flows.
$py -m json.tool "$tmp/a.sarif" > /dev/null; check "sarif parses (json.tool)" 0 $?
$py "$src/tests/report_checks.py" sarif "$tmp/a.sarif" "$schema"; check "sarif valid (schema) and structured" 0 $?
$py "$src/tests/report_checks.py" sarif-bad "$schema"; check "the schema check rejects broken logs" 0 $?
n=$($py -c "import json,sys; print(len(json.load(open(sys.argv[1]))['runs'][0]['results']))" "$tmp/a.sarif")
m=$("$bin" run "$race" --format json | grep -vc '"kind":"\(result\|lockdep\)"')
[ "$n" = "$m" ] && [ "$n" -gt 0 ]; check "one SARIF result per finding ($n vs $m)" 0 $?

# JUnit: the XSD, then counts and failure text.
xmllint --noout --schema "$src/tests/data/junit.xsd" "$tmp/a.xml" 2> "$tmp/xml.err"; check "junit valid (xmllint, XSD)" 0 $?
$py "$src/tests/report_checks.py" junit "$tmp/a.xml" 0; check "junit: counts, no failure" 0 $?
k=$(grep -c "<testcase " "$tmp/a.xml"); e=$(grep -c "^ *- kind:" "$race")
grep -q "^  other_findings: forbidden" "$race" && e=$((e + 1))   # one more: "other_findings: forbidden"
[ "$k" = "$e" ]; check "one testcase per expectation ($k vs $e)" 0 $?
sed 's/key: "race\/pgdat->nr_zones\/init_currently_empty_zone\/init_currently_empty_zone"/key: "race\/no-such-object\/*"/' "$race" > "$tmp/wrong.yaml"
grep -q "no-such-object" "$tmp/wrong.yaml"; check "(test set-up: an expectation edited)" 0 $?
"$bin" run "$tmp/wrong.yaml" --format junit > "$tmp/wrong.xml"; check "failing expectation exits 1 with junit" 1 $?
xmllint --noout --schema "$src/tests/data/junit.xsd" "$tmp/wrong.xml" 2> "$tmp/xml.err"; check "failing junit valid" 0 $?
# two failures: the edited expectation, and the race it no longer matches under other_findings: forbidden
$py "$src/tests/report_checks.py" junit "$tmp/wrong.xml" 2; check "junit: exactly two failures, with the report" 0 $?
grep -q "failure message=\"expected race 'race/no-such-object/\*': MISSING" "$tmp/wrong.xml" &&
  grep -q 'failure message="unexpected finding (other_findings: forbidden): race/pgdat->nr_zones/' "$tmp/wrong.xml"
check "the failures name the missing expectation and the unexpected finding" 0 $?

# Trace: JSON, tracks, nested slices, lock holds, the race's flow arrow.
$py -m json.tool "$tmp/a.trace.json" > /dev/null; check "trace parses (json.tool)" 0 $?
$py "$src/tests/report_checks.py" trace "$tmp/a.trace.json"; check "trace structure and race flow" 0 $?
grep -q '"finding":"race/' "$tmp/a.trace.json"; check "trace of the --trace-finding race" 0 $?

# Lock graph: dot renders it; the cycle is red, a gated (non-)cycle is not.
dot -Tsvg "$tmp/a.dot" > "$tmp/a.svg"; check "dot renders the lock graph" 0 $?
"$bin" run "$cycle" --lock-graph "$tmp/c.dot" > /dev/null; check "lock-order scenario passes" 0 $?
dot -Tsvg "$tmp/c.dot" > "$tmp/c.svg"; check "dot renders the cycle graph" 0 $?
grep -q '"s0:mem_hotplug_lock" -> "s0:device_lock(memory_block)".*color=red' "$tmp/c.dot" &&
  grep -q '"s0:device_lock(memory_block)" -> "s0:mem_hotplug_lock".*color=red' "$tmp/c.dot"
check "the cycle's edges are red" 0 $?
grep -q 'stroke="red"' "$tmp/c.svg"; check "the rendered SVG shows red edges" 0 $?
"$bin" run "$gated" --lock-graph "$tmp/g.dot" > /dev/null && dot -Tsvg "$tmp/g.dot" > /dev/null
check "gated graph renders" 0 $?
! grep -q 'color=red' "$tmp/g.dot" && grep -q 'style=dashed' "$tmp/g.dot"
check "no cycle reported under the gate: nothing red, gated edges dashed" 0 $?

# Deterministic: byte-identical across runs and for --jobs 1 and 2.
"$bin" run "$race" --format sarif --jobs 2 --junit "$tmp/b.xml" --trace "$tmp/b.trace.json" --trace-finding 'race/*' \
  --lock-graph "$tmp/b.dot" > "$tmp/b.sarif" 2>/dev/null
for f in sarif xml trace.json dot; do
  cmp -s "$tmp/a.$f" "$tmp/b.$f"; check "$f byte-identical for --jobs 1 and 2" 0 $?
done
"$bin" run "$race" --format sarif > "$tmp/c.sarif"; cmp -s "$tmp/a.sarif" "$tmp/c.sarif"; check "sarif byte-identical across runs" 0 $?

# Baseline: written from a run, deterministic, accepts exactly those findings.
"$bin" baseline "$race" "$cycle" -o "$tmp/base.yaml" 2> "$tmp/base.err"; check "mhpsim baseline exits 0" 0 $?
grep -q "wrote $tmp/base.yaml" "$tmp/base.err"; check "baseline says what it wrote" 0 $?
"$bin" baseline "$race" "$cycle" -o "$tmp/base2.yaml" --jobs 2 2> /dev/null
cmp -s "$tmp/base.yaml" "$tmp/base2.yaml"; check "baseline byte-identical for --jobs 1 and 2" 0 $?
grep -q 'key: "race/pgdat->nr_zones/' "$tmp/base.yaml" && grep -q "kind: lockorder" "$tmp/base.yaml"
check "baseline lists kind and key" 0 $?
"$bin" run "$race" "$cycle" --baseline "$tmp/base.yaml" > "$tmp/base.txt"; check "run against its own baseline exits 0" 0 $?
! grep -q "^key: " "$tmp/base.txt"; check "accepted findings are not reported" 0 $?
acc=$(grep -c "^  - file:" "$tmp/base.yaml")
grep -q "^baseline $tmp/base.yaml: $acc accepted finding(s) suppressed" "$tmp/base.txt"; check "says how many were suppressed ($acc)" 0 $?
grep -v 'race/pgdat->nr_zones/' "$tmp/base.yaml" > "$tmp/less.yaml"
python3 - "$tmp/base.yaml" "$tmp/less.yaml" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n  - ")
open(sys.argv[2], "w").write("\n  - ".join(l for l in lines if "race/pgdat->nr_zones/" not in l))
PY
"$bin" run "$race" --baseline "$tmp/less.yaml" > "$tmp/less.txt"; check "a finding missing from the baseline exits 1" 1 $?
[ "$(grep -c '^key: ' "$tmp/less.txt")" = 1 ] && grep -q "^key: race/pgdat->nr_zones/" "$tmp/less.txt"
check "only the unaccepted finding is reported" 0 $?
"$bin" run "$race" --baseline "$tmp/less.yaml" --format junit > "$tmp/less.xml" 2> /dev/null
$py "$src/tests/report_checks.py" junit "$tmp/less.xml" 1 && grep -q 'testcase name="baseline"' "$tmp/less.xml"
check "junit: the baseline testcase fails" 0 $?
# A message of several lines (two new findings) survives a conforming parser:
# the newline is written as &#10;, which attribute normalisation keeps.
printf 'version: 1\naccepted: []\n' > "$tmp/empty.yaml"
"$bin" run "$race" "$cycle" --baseline "$tmp/empty.yaml" --format junit > "$tmp/multi.xml" 2> /dev/null
xmllint --noout --schema "$src/tests/data/junit.xsd" "$tmp/multi.xml" 2> "$tmp/xml.err"; check "junit with a multi-line message valid" 0 $?
$py - "$tmp/multi.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
msgs = [f.get("message") for f in ET.parse(sys.argv[1]).iter("failure") if f.get("type") == "new-finding"]
lines = [l for m in msgs for l in m.split("\n")]
sys.exit(0 if any("\n" in m for m in msgs) and all(l.startswith("new finding (not in the baseline): ") for l in lines) else 1)
PY
check "a failure message keeps its newlines through xml.etree" 0 $?

# Bad baselines: exit 3, file:line:col and the field, nothing on stdout.
bad() {  # name, file content, expected text on stderr
  printf '%s\n' "$2" > "$tmp/bad.yaml"
  "$bin" run "$race" --baseline "$tmp/bad.yaml" > "$tmp/out" 2> "$tmp/err"; check "bad baseline ($1) exits 3" 3 $?
  grep -qF "$3" "$tmp/err" || { echo "FAIL: bad baseline ($1): stderr: $(cat "$tmp/err")"; fail=$((fail+1)); }
  [ ! -s "$tmp/out" ]; check "bad baseline ($1): no report" 0 $?
}
bad "unknown kind" $'version: 1\naccepted:\n  - file: x.yaml\n    kind: racy\n    key: racy/a' "bad.yaml:4:11: field 'accepted[0].kind': unknown finding kind 'racy'"
bad "missing key" $'version: 1\naccepted:\n  - file: x.yaml\n    kind: race' "bad.yaml:3:5: field 'accepted[0].key': missing"
bad "unknown field" $'version: 1\naccepted:\n  - file: x.yaml\n    kind: race\n    key: race/a\n    note: x' "bad.yaml:6:5: field 'accepted[0].note': unknown field"
bad "version" $'version: 2\naccepted: []' "bad.yaml:1:10: field 'version': must be 1"
bad "not yaml" $'version: 1\naccepted: [' "bad.yaml:3:1: field '<yaml>'"
bad "key of another kind" $'version: 1\naccepted:\n  - {file: x.yaml, kind: race, key: scope/R4/a}' "field 'accepted[0].key': key 'scope/R4/a' does not belong to kind 'race'"
"$bin" run "$race" --baseline "$tmp/none.yaml" > /dev/null 2> "$tmp/err"; check "missing baseline exits 3" 3 $?
grep -q "none.yaml:0:0: field '<file>'" "$tmp/err"; check "missing baseline names the file" 0 $?

# Bad options: exit 3 with the reason, never a crash.
"$bin" run "$race" --format xml > /dev/null 2>&1; check "--format xml exits 3" 3 $?
"$bin" run "$race" --trace-finding 'race/*' > /dev/null 2> "$tmp/err"; check "--trace-finding without --trace exits 3" 3 $?
grep -q "needs --trace" "$tmp/err"; check "says --trace-finding needs --trace" 0 $?
"$bin" run "$race" --trace "$tmp/t.json" --trace-finding 'nosuch/*' > /dev/null 2> "$tmp/err"; check "--trace-finding matching nothing exits 3" 3 $?
grep -q "no finding matches 'nosuch/\*'" "$tmp/err"; check "says no finding matches" 0 $?
"$bin" run "$race" --lock-graph "$tmp/no/such/dir/g.dot" > /dev/null 2> "$tmp/err"; check "unwritable --lock-graph exits 2" 2 $?
grep -q "cannot write '$tmp/no/such/dir/g.dot': No such file or directory" "$tmp/err"; check "says it cannot write the path, and why" 0 $?
"$bin" baseline "$race" > /dev/null 2>&1; check "baseline without -o exits 3" 3 $?

finish
