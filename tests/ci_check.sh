#!/usr/bin/env bash
# The example CI gate (tools/ci-check, called by docs/ci/github-workflow.yml):
# the bundled suite against the committed baseline passes; a copy of the
# suite with one extra racy scenario fails, names the new finding, and leaves
# reports that their consumers accept.
set -u
bin="$1"; src="$2"
. "$(dirname "${BASH_SOURCE[0]}")/check_lib.sh"
cd "$src" || exit 2
tools/ci-check --mhpsim "$bin" --baseline ci/baseline.yaml --out "$tmp/ok" scenarios -- --jobs 2 > "$tmp/ok.log" 2>&1
check "bundled suite passes against ci/baseline.yaml" 0 $?
grep -q "accepted finding(s) suppressed" "$tmp/ok/report.txt"; check "report says how many were suppressed" 0 $?
! grep -q "^key: " "$tmp/ok/report.txt"; check "no finding reported against the baseline" 0 $?
[ -s "$tmp/ok/mhpsim.sarif" ] && [ -s "$tmp/ok/junit.xml" ] && [ -s "$tmp/ok/lock-graph.dot" ] && [ ! -e "$tmp/ok/trace.json" ]
check "reports written, no trace without a new finding" 0 $?

# A copy of the suite (its seed corpus, to keep the test short) and the
# baseline, plus one racy scenario nobody accepted.
mkdir -p "$tmp/repo/ci" "$tmp/repo/scenarios"
cp -r scenarios/seeds "$tmp/repo/scenarios/seeds"; cp ci/baseline.yaml "$tmp/repo/ci/"
sed 's/^name: .*/name: extra-unaccepted-race/' scenarios/seeds/s10_range_lock_online_vs_memremap.yaml \
  > "$tmp/repo/scenarios/extra_race.yaml"
(cd "$tmp/repo" && "$src/tools/ci-check" --mhpsim "$bin" --out "$tmp/new" scenarios -- --jobs 2) > "$tmp/new.log" 2>&1
check "a new racy scenario fails the gate" 1 $?
grep -q "^key: race/" "$tmp/new/report.txt"; check "report names the new race" 0 $?
grep -q "new finding (not in the baseline): race/" "$tmp/new/junit.xml"; check "junit failure names the new race" 0 $?
grep -q "FAIL extra-unaccepted-race" "$tmp/new/report.txt"; check "the new scenario fails" 0 $?
grep -q "passed, 1 failed" "$tmp/new/report.txt"; check "only the new scenario fails" 0 $?
xmllint --noout --schema "$src/tests/data/junit.xsd" "$tmp/new/junit.xml" 2> "$tmp/xml.err"; check "junit.xml valid" 0 $?
/usr/bin/python3 "$src/tests/report_checks.py" junit "$tmp/new/junit.xml" 1; check "junit.xml has exactly the one failure" 0 $?
/usr/bin/python3 "$src/tests/report_checks.py" sarif "$tmp/new/mhpsim.sarif" "$src/tests/data/sarif-schema-2.1.0.json"
check "mhpsim.sarif valid, with the new findings" 0 $?
/usr/bin/python3 "$src/tests/report_checks.py" trace "$tmp/new/trace.json" --no-flows; check "trace.json of the first new finding" 0 $?

finish
