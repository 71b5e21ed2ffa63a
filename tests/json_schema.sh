#!/usr/bin/env bash
# The JSON-lines report against its schema (docs/report.schema.json, with
# Debian's python3-jsonschema): the whole bundled corpus (written by `run
# --json` beside the text report: the same lines as `--format json`), the shards of a run
# and their merge, a run stopped by its time limit, a run with
# --schedule-dir; and the schema refuses broken lines.
set -u
bin="$1"; src="$2"
. "$(dirname "${BASH_SOURCE[0]}")/check_lib.sh"
corpus="$(corpus_dir "${3:-}")"  # tests/corpus_reports.sh: ctest's fixture or run now
py=/usr/bin/python3
schema="$src/docs/report.schema.json"
cd "$src" || exit 2
check "the corpus runs" 0 "$(cat "$corpus/rc")"
$py tests/report_checks.py jsonl "$corpus/corpus.jsonl" "$schema" kind=finding kind=lockdep kind=result timing
check "every line of the corpus's report is valid (findings, lockdep, result, timing)" 0 $?
s1=scenarios/seeds/s1_deferred_memmap_init.yaml
# --json FILE holds the lines --format json prints, with SARIF witnesses attached or not
"$bin" run scenarios/seeds --format json > "$tmp/seeds.jsonl"
"$bin" run scenarios/seeds --json "$tmp/seeds-file.jsonl" --sarif "$tmp/seeds.sarif" > /dev/null
cmp -s "$tmp/seeds.jsonl" "$tmp/seeds-file.jsonl"; check "--json FILE is --format json's report" 0 $?
for i in 0 1; do
  "$bin" run "$s1" --shard $i/2 --format json > "$tmp/shard$i.jsonl"
  rc=$?; [ $rc = 0 ] || [ $rc = 1 ]; check "shard $i/2 runs ($rc)" 0 $?
done
cat "$tmp/shard0.jsonl" "$tmp/shard1.jsonl" > "$tmp/shards.jsonl"
$py tests/report_checks.py jsonl "$tmp/shards.jsonl" "$schema" shard; check "shard reports valid, with shard" 0 $?
"$bin" merge "$tmp/shard0.jsonl" "$tmp/shard1.jsonl" > "$tmp/merged.jsonl"
rc=$?; [ $rc = 0 ] || [ $rc = 1 ]; check "merge of the shards ($rc)" 0 $?
$py tests/report_checks.py jsonl "$tmp/merged.jsonl" "$schema" kind=result; check "merged report valid" 0 $?
# a split dfs search's shards and their merge
ex1=scenarios/exhaustive/s1_deferred_memmap_init_dfs.yaml
for i in 0 1; do "$bin" run "$ex1" --shard $i/2 --format json > "$tmp/dfs$i.jsonl"; done
cat "$tmp/dfs0.jsonl" "$tmp/dfs1.jsonl" > "$tmp/dfs.jsonl"
$py tests/report_checks.py jsonl "$tmp/dfs.jsonl" "$schema" shard dfs_split; check "dfs shard reports valid, with dfs_split" 0 $?
"$bin" merge "$tmp/dfs0.jsonl" "$tmp/dfs1.jsonl" > "$tmp/dfs-merged.jsonl"; check "merge of the dfs shards exits 0" 0 $?
$py tests/report_checks.py jsonl "$tmp/dfs-merged.jsonl" "$schema" kind=result; check "merged dfs report valid" 0 $?
s8u=scenarios/seeds/s8_move_pfn_range_to_zone_unlocked.yaml
"$bin" run "$s8u" --strategy dfs --reduce none --bound 3 --executions 100000000 --time-limit 1s --format json \
  > "$tmp/stopped.jsonl" 2> /dev/null
rc=$?; [ $rc = 0 ] || [ $rc = 1 ]; check "a run stopped by --time-limit ($rc)" 0 $?
$py tests/report_checks.py jsonl "$tmp/stopped.jsonl" "$schema" incomplete executions_run executions_planned
check "stopped run's report valid, with incomplete, executions_run, executions_planned" 0 $?
# shards of which one stopped: the merge is incomplete, counting what every shard ran
for i in 0 1 2; do
  lim=""; [ $i = 1 ] && lim="--time-limit 300ms"  # it needs about 2 s
  "$bin" run "$s1" --executions 6000000 $lim --shard $i/3 --format json > "$tmp/part$i.jsonl" 2> /dev/null
done
"$bin" merge "$tmp/part0.jsonl" "$tmp/part1.jsonl" "$tmp/part2.jsonl" > "$tmp/part-merged.jsonl"
rc=$?; [ $rc = 0 ] || [ $rc = 1 ]; check "merge of a stopped shard with two whole ones ($rc)" 0 $?
$py tests/report_checks.py jsonl "$tmp/part-merged.jsonl" "$schema" incomplete executions_run executions_planned
check "merged report valid, with incomplete, executions_run, executions_planned" 0 $?
$py - "$tmp/part1.jsonl" "$tmp/part-merged.jsonl" <<'PY'
import json, sys
stopped = json.loads(open(sys.argv[1]).read().splitlines()[-1])
merged = json.loads(open(sys.argv[2]).read().splitlines()[-1])
assert merged["incomplete"] == stopped["incomplete"] == "stopped by time limit (300ms)", merged
assert merged["executions_planned"] == 6000000, merged
assert merged["executions_run"] == stopped["executions_run"] + 2 * 2000000, (merged, stopped)
PY
check "merged counts: the stopped shard's executions plus the others' shares" 0 $?
long=scenarios/timing/v4_19_4x3tib_range_lock.yaml
"$bin" run "$long" --format json --schedule-dir "$tmp/sched" > "$tmp/sched.jsonl"
rc=$?; [ $rc = 0 ] || [ $rc = 1 ]; check "--schedule-dir run ($rc)" 0 $?
$py tests/report_checks.py jsonl "$tmp/sched.jsonl" "$schema" schedule_file; check "report valid, with schedule_file" 0 $?
$py tests/report_checks.py jsonl-bad "$schema"; check "the schema refuses broken lines" 0 $?
finish
