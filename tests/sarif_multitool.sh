#!/usr/bin/env bash
# The whole bundled corpus's SARIF (tests/corpus_reports.sh, no baseline)
# through Microsoft's SARIF multitool (`validate` with the SARIF and GitHub
# rule kinds), the validator the SARIF SDK ships; the log is within GitHub's
# 10 MB whatever it compresses to.
# tools/setup installs it from npm into BUILD/sarif-multitool only when npm
# and its registry answer; without it this test is skipped (exit 77).
# Accepted: no error-level result and no warning.
set -u
bin="$1"; src="$2"; build="$3"
. "$src/tests/check_lib.sh"
mt="$build/sarif-multitool/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -x "$mt" ]; then
  echo "SKIPPED: the SARIF multitool is not installed (tools/setup installs it when the npm registry is reachable)"
  exit 77
fi
corpus="$(corpus_dir "${4:-}")"  # tests/corpus_reports.sh: ctest's fixture or run now
check "the corpus runs" 0 "$(cat "$corpus/rc")"
cp "$corpus/corpus.sarif" "$tmp/corpus.sarif"
size=$(stat -c %s "$tmp/corpus.sarif")
echo "corpus.sarif: $size bytes, $(gzip -c "$tmp/corpus.sarif" | wc -c) gzipped"
[ "$size" -le 10000000 ]; check "the corpus's SARIF is at most 10,000,000 bytes ($size)" 0 $?
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
warnings = sum(n for (level, _), n in by.items() if level == "warning")
sys.exit(0 if errors == 0 and warnings == 0 else 1)
PY
check "no error, no warning (counts above)" 0 $?
finish
