#!/usr/bin/env bash
# The bundled corpus's SARIF through Microsoft's SARIF multitool (`validate`
# with the SARIF and GitHub rule kinds), the validator the SARIF SDK ships:
# every directory of scenarios/ but eras/, timing/, seeds/ and workloads/,
# whose code flows make 200 MB of SARIF, more than the validator holds in
# memory (6.7 GB and growing at 213 MB); the rest is 5 MB with every finding
# kind's rule, results and code flows.
# tools/setup installs it from npm into BUILD/sarif-multitool only when npm
# and its registry answer; without it this test is skipped (exit 77).
# Accepted: no error-level result; of the warnings only SARIF1001 (a rule's
# name equal to its id: mhpsim names its rules by their finding kind).
set -u
bin="$1"; src="$2"; build="$3"
. "$src/tests/check_lib.sh"
mt="$build/sarif-multitool/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -x "$mt" ]; then
  echo "SKIPPED: the SARIF multitool is not installed (tools/setup installs it when the npm registry is reachable)"
  exit 77
fi
cd "$src" || exit 2
"$bin" run scenarios/checkers scenarios/failures scenarios/device_private scenarios/section_usage scenarios/sysfs \
  scenarios/exhaustive --format sarif --jobs 2 > "$tmp/corpus.sarif"
rc=$?; [ $rc = 0 ] || [ $rc = 1 ]; check "the corpus runs ($rc)" 0 $?
# --level: report notes too, so the log says everything the tool has to say
DOTNET_CLI_TELEMETRY_OPTOUT=1 "$mt" validate --rule-kind "Gh;Sarif" --level "Error;Warning;Note" \
  -o "$tmp/validation.sarif" "$tmp/corpus.sarif" > "$tmp/validate.log" 2>&1
check "sarif-multitool validate runs (exit 0)" 0 $?
/usr/bin/python3 - "$tmp/validation.sarif" <<'PY'
import collections, json, sys
log = json.load(open(sys.argv[1]))
by = collections.Counter()
for run in log["runs"]:
    for r in run.get("results", []):
        by[(r.get("level", "warning"), r.get("ruleId"))] += 1
for (level, rule), n in sorted(by.items()):
    print("  %-7s %-10s %d" % (level, rule, n))
errors = sum(n for (level, _), n in by.items() if level == "error")
other = sum(n for (level, rule), n in by.items() if level == "warning" and rule != "SARIF1001")
sys.exit(0 if errors == 0 and other == 0 else 1)
PY
check "no error, no warning but SARIF1001 (counts above)" 0 $?
finish
