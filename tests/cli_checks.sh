#!/usr/bin/env bash
# End-to-end checks of the mhpsim command: exit codes, no partial report on bad
# input, byte-identical reports, replay of a reported witness.
set -u
bin="$1"; src="$2"
. "$(dirname "${BASH_SOURCE[0]}")/check_lib.sh"
corpus="$(corpus_dir "${3:-}")"  # tests/corpus_reports.sh: ctest's fixture or run now
s1="$src/scenarios/seeds/s1_deferred_memmap_init.yaml"

check "bundled scenarios pass" 0 "$(cat "$corpus/rc")"
# the corpus again, one scenario at a time: byte-identical to the --jobs 2 run
(cd "$src" && "$bin" run scenarios/ > "$tmp/b.txt")
cmp -s "$corpus/corpus.txt" "$tmp/b.txt"; check "text report byte-identical (and with --jobs 2)" 0 $?
"$bin" run --format json "$s1" > "$tmp/a.json"; "$bin" run --format json "$s1" > "$tmp/b.json"
cmp -s "$tmp/a.json" "$tmp/b.json"; check "json report byte-identical" 0 $?
python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$tmp/a.json"; check "json lines parse" 0 $?

# Bad input: exit 3, the position on stderr, nothing on stdout.
sed 's/^era: v6/era: v9/' "$s1" > "$tmp/bad.yaml"
"$bin" run "$src/scenarios" "$tmp/bad.yaml" > "$tmp/out" 2> "$tmp/err"; check "bad scenario exits 3" 3 $?
[ ! -s "$tmp/out" ]; check "no partial report on bad input" 0 $?
era_line="$(grep -n '^era:' "$s1" | cut -d: -f1)"
grep -q "bad.yaml:$era_line:6: field 'era'" "$tmp/err"; check "error names file:line:col and field" 0 $?
# A misspelled choice names the one it most likely meant; none when two tie.
sed 's/^    op: memory_failure$/    op: memory_failur/' "$s1" > "$tmp/typo.yaml"
"$bin" run "$tmp/typo.yaml" > /dev/null 2> "$tmp/err"; check "misspelled op exits 3" 3 $?
grep -q "(did you mean 'memory_failure'?)" "$tmp/err"; check "... and suggests the op" 0 $?
sed 's/^era: v6/era: v6.16/' "$s1" > "$tmp/typo.yaml"
"$bin" run "$tmp/typo.yaml" > /dev/null 2> "$tmp/err"; check "era between two close ones exits 3" 3 $?
! grep -q "did you mean" "$tmp/err"; check "... and suggests neither" 0 $?
"$bin" run --executions 0 "$s1" > /dev/null 2>&1; check "bad option exits 3" 3 $?
"$bin" run "$tmp/missing.yaml" > /dev/null 2>&1; check "missing file exits 3" 3 $?
# A misspelled subcommand or option exits 3 and names the one meant.
"$bin" rnu "$s1" > /dev/null 2> "$tmp/err"; check "misspelled subcommand exits 3" 3 $?
grep -q "(did you mean 'run'?)" "$tmp/err"; check "... and suggests it" 0 $?
"$bin" run --jbos 2 "$s1" > /dev/null 2> "$tmp/err"; check "misspelled option exits 3" 3 $?
grep -q "(did you mean '--jobs'?)" "$tmp/err"; check "... and suggests it" 0 $?
"$bin" ops shwo add_memory > /dev/null 2> "$tmp/err"; check "misspelled nested subcommand exits 3" 3 $?
grep -q "(did you mean 'show'?)" "$tmp/err"; check "... and suggests it" 0 $?
"$bin" frobnicate > /dev/null 2> "$tmp/err"; check "unknown subcommand exits 3" 3 $?
! grep -q "did you mean" "$tmp/err"; check "... and suggests nothing far from it" 0 $?
# Progress in a log (stderr not a terminal): a whole line every --progress-every seconds, none with --no-progress.
"$bin" run "$s1" --executions 300000 --no-memo --progress-every 1 > "$tmp/out" 2> "$tmp/err"
grep -q "^mhpsim: progress: s1-deferred-memmap-init: [0-9]*/300000 executions, " "$tmp/err"
check "progress lines in a log" 0 $?
"$bin" run "$s1" --executions 300000 --no-memo --progress-every 1 --no-progress > "$tmp/out2" 2> "$tmp/err"
[ ! -s "$tmp/err" ] && cmp -s "$tmp/out" "$tmp/out2"; check "--no-progress: none, the same report" 0 $?
"$bin" replay "$s1" --schedule "x:1" > /dev/null 2>&1; check "bad schedule exits 3" 3 $?
"$bin" run "$s1" --seed -1 > /dev/null 2>&1; check "negative --seed exits 3" 3 $?
sed 's/^    op: offline_pages$/    op: offline_pages\n    zone: movable/' "$src/scenarios/seeds/s5_page_owner_offlined_v6.yaml" > "$tmp/offz.yaml"
"$bin" run "$tmp/offz.yaml" > /dev/null 2> "$tmp/err"; check "zone: on an offline_pages thread exits 3" 3 $?
grep -q "offz.yaml:[0-9]*:[0-9]*: field 'threads\[[0-9]\].zone': offline_pages takes its zone from the pages" "$tmp/err"
check "... naming file:line and the thread's zone field" 0 $?
# An option of a strategy no scenario of the run uses is an error, not a no-op.
"$bin" run "$s1" --bound 2 > "$tmp/out" 2> "$tmp/err"; check "--bound without dfs exits 3" 3 $?
[ ! -s "$tmp/out" ] && grep -q "field '--bound': applies to --strategy dfs only" "$tmp/err"
check "--bound without dfs: no report, the error names the option" 0 $?
"$bin" run "$s1" --strategy pos --depth 2 > /dev/null 2>&1; check "--depth without pct exits 3" 3 $?
"$bin" run "$s1" --strategy dfs --reduce dpor --bound 1 --executions 50 > /dev/null; check "--bound with dfs runs" 0 $?
"$bin" run "$s1" --strategy dfs --reduce dpor --bound 1 --jobs 2 > "$tmp/dj2.txt" 2> /dev/null
"$bin" run "$s1" --strategy dfs --reduce dpor --bound 1 > "$tmp/dj1.txt" 2> /dev/null
[ -s "$tmp/dj1.txt" ] && cmp -s "$tmp/dj1.txt" "$tmp/dj2.txt"; check "dfs with --jobs 2: the report of one job" 0 $?
# Parallel dfs (helpers search subtrees ahead, tools/cli/dfs_helpers.hpp) on a
# search of thousands of executions, with every reduction, complete and stopped
# at explore.executions (with sleep sets a lent subtree may not be the search's).
s8u="$src/scenarios/seeds/s8_move_pfn_range_to_zone_unlocked.yaml"
for red in "--reduce none --bound 1 --executions 20000" "--reduce dpor --bound 1" "--reduce dpor --executions 20000" \
           "--reduce sleep --executions 20000"; do
  "$bin" run "$s8u" --strategy dfs $red --no-shrink --format json > "$tmp/pj1.json" 2> /dev/null
  "$bin" run "$s8u" --strategy dfs $red --no-shrink --format json --jobs 3 > "$tmp/pj3.json" 2> /dev/null
  grep -q '"kind":"result"' "$tmp/pj1.json" && cmp -s "$tmp/pj1.json" "$tmp/pj3.json"
  check "dfs $red with --jobs 3: byte-identical JSON" 0 $?
done

# An expectation that fails: exit 1.
sed 's/key: "uninit\/DEV_UNINIT\/\*\/dax_lock_folio"/key: "uninit\/DEV_RESERVED\/*"/' "$s1" > "$tmp/wrong.yaml"
"$bin" run "$tmp/wrong.yaml" > "$tmp/out"; check "missing expected finding exits 1" 1 $?
grep -q "MISSING" "$tmp/out"; check "report says MISSING" 0 $?

# Replay the reported witness: same finding block, exit 0; a wrong schedule diverges, exit 1.
"$bin" run "$s1" > "$tmp/s1.txt"
cmd=$(awk '/^key: uninit\//{getline; print; exit}' "$tmp/s1.txt")
sched="${cmd##*--schedule }"
"$bin" replay "$s1" --schedule "$sched" > "$tmp/replay.txt"; check "replay of witness exits 0" 0 $?
grep -q "^key: uninit/DEV_UNINIT/" "$tmp/replay.txt"; check "replay reproduces the uninit finding" 0 $?
"$bin" replay "$s1" --schedule "1:500" > /dev/null 2>&1; check "diverging replay exits 1" 1 $?
"$bin" replay "$s1" --schedule "0:30,5:2" 2>&1 | grep -q "choice 30 names thread 5, .*threads there: T0 devm_memremap_pages in [a-z_]* <- .*memremap_pages, T1 memory_failure"
check "a divergence names the choice and where each thread stood" 0 $?
# Replay by seed: execution K of the exploration shows the findings the run credited to it.
first=$("$bin" run "$s1" --no-shrink | grep -m1 -o "execution [0-9]* (first" | grep -o "[0-9]*")
"$bin" replay "$s1" --execution "$first" | grep -q "^key: "; check "replay --execution K shows execution K's findings" 0 $?
# --events with --execution lists execution K's events: the same list as
# replaying that execution's (unshrunk) witness schedule.
wsched=$("$bin" run "$s1" --no-shrink | grep -m1 "^replay: " | sed 's/.*--schedule //')
"$bin" replay "$s1" --execution "$first" --events 2> "$tmp/ev_exec.txt" > /dev/null
"$bin" replay "$s1" --schedule "$wsched" --events 2> "$tmp/ev_sched.txt" > /dev/null
[ -s "$tmp/ev_exec.txt" ] && cmp -s "$tmp/ev_exec.txt" "$tmp/ev_sched.txt"
check "replay --execution K --events lists execution K's events" 0 $?
"$bin" replay "$s1" > /dev/null 2>&1; check "replay without --schedule or --execution exits 3" 3 $?

"$bin" ops show memremap_pages --era v6 | grep -q "mem_hotplug_lock write"; check "ops show prints lock regions" 0 $?

# Parallel exploration gives the same report, byte for byte, as one worker.
"$bin" run "$src/scenarios/seeds" --jobs 2 > "$tmp/j2.txt" 2>/dev/null
"$bin" run "$src/scenarios/seeds" > "$tmp/j1.txt"
cmp -s "$tmp/j1.txt" "$tmp/j2.txt"; check "--jobs 2 report identical to --jobs 1" 0 $?

# Every (shrunk) witness of a scenario replays to a report with its key.
s10="$src/scenarios/seeds/s10_range_lock_online_online.yaml"
"$bin" run "$s10" > "$tmp/s10.txt"
bad=0; n=0
while read -r key && read -r cmd; do
  n=$((n + 1))
  "$bin" replay "$s10" --schedule "${cmd##*--schedule }" | grep -qxF "key: ${key#key: }" || bad=$((bad + 1))
done < <(grep -A1 "^key: " "$tmp/s10.txt" | grep -v "^--$")
[ "$n" -gt 10 ] && [ "$bad" -eq 0 ]; check "all $n shrunk S10 witnesses replay to their key" 0 $?
grep -q "witness shrunk from" "$tmp/s10.txt"; check "reports say how far a witness was shrunk" 0 $?
# A random witness of S10's lost present_pages update has 41 thread switches,
# and cutting runs greedily stays in a local minimum of over 20; the bounded
# partial-order search of the shrinker finds one with at most 4 (one
# preemption; the other switches are threads ending).
sched=$(grep -A1 "^key: race/zone->present_pages/adjust_present_page_count/adjust_present_page_count$" "$tmp/s10.txt" | tail -1)
sw=$(echo "${sched##*--schedule }" | tr ',' '\n' | wc -l)
[ -n "$sched" ] && [ "$sw" -le 5 ]; check "the shrunk S10 present_pages witness has at most 4 switches ($((sw - 1)))" 0 $?

# Shards: `mhpsim merge` of 0/2 and 1/2 prints exactly what one run prints.
"$bin" run "$s10" --shard 0/2 --format json > "$tmp/sh0.json"
"$bin" run "$s10" --shard 1/2 --format json > "$tmp/sh1.json"
"$bin" run "$s10" --format json > "$tmp/all.json"
"$bin" merge "$tmp/sh0.json" "$tmp/sh1.json" > "$tmp/merged.json"; check "merge of passing shards exits 0" 0 $?
cmp -s "$tmp/merged.json" "$tmp/all.json"; check "merged shards byte-identical to one run" 0 $?
# --all-choice-points (no page footprints): its schedules replay only so, and
# every report of it says so in its replay line, merged shards' too.
"$bin" run "$s1" --executions 300 --format json > "$tmp/fp.json"
! grep -q -- "--all-choice-points" "$tmp/fp.json"; check "a run with page footprints prints plain replay lines" 0 $?
"$bin" run "$s1" --executions 300 --all-choice-points --format json > "$tmp/acp.json"
n=$(grep -c '"replay":"tools/mhpsim replay [^"]* --all-choice-points --schedule ' "$tmp/acp.json")
[ "$n" -gt 0 ] && [ "$n" = "$(grep -c '"replay":' "$tmp/acp.json")" ]; check "every replay line of an --all-choice-points run carries the flag ($n)" 0 $?
ukey=$(python3 -c "import json,sys; print(next(d['key'] for d in map(json.loads, open(sys.argv[1])) if d.get('key','').startswith('uninit/')))" "$tmp/acp.json")
usched=$(python3 -c "import json,sys; print(next(d['schedule'] for d in map(json.loads, open(sys.argv[1])) if d.get('key') == sys.argv[2]))" "$tmp/acp.json" "$ukey")
"$bin" replay "$s1" --all-choice-points --schedule "$usched" | grep -q "^key: $ukey$"; check "its witness replays with the flag" 0 $?
"$bin" replay "$s1" --all-choice-points --schedule "$usched" --events 2> "$tmp/n1" > /dev/null
"$bin" replay "$s1" --schedule "$usched" --events 2> "$tmp/n2" > /dev/null
! cmp -s "$tmp/n1" "$tmp/n2"; check "... and without it runs another execution" 0 $?
"$bin" run "$s1" --executions 300 --all-choice-points --shard 0/2 --format json > "$tmp/acp0.json"
"$bin" run "$s1" --executions 300 --all-choice-points --shard 1/2 --format json > "$tmp/acp1.json"
"$bin" merge "$tmp/acp0.json" "$tmp/acp1.json" | cmp -s - "$tmp/acp.json"; check "merged --all-choice-points shards byte-identical to one such run" 0 $?
# A search split per observer pfn: its witnesses replay without a flag, it
# runs whole in shard 0, and its options are refused where they cannot apply.
ob="$src/scenarios/exhaustive/kpageflags_bind_unbind_per_pfn_v4_19.yaml"
"$bin" run "$ob" --format json > "$tmp/ob.json"; check "a split search's scenario passes" 0 $?
grep -q '"strategy":"dfs ([^"]*observers per pfn: 3 searches (kpageflags pfns 0x7-0x9), complete)"' "$tmp/ob.json"
check "... and its strategy names the split" 0 $?
okey=$(python3 -c "import json,sys; print(next(d['key'] for d in map(json.loads, open(sys.argv[1])) if d.get('key','').startswith('stale/')))" "$tmp/ob.json")
osched=$(python3 -c "import json,sys; print(next(d['schedule'] for d in map(json.loads, open(sys.argv[1])) if d.get('key') == sys.argv[2]))" "$tmp/ob.json" "$okey")
"$bin" replay "$ob" --schedule "$osched" | grep -q "^key: $okey$"; check "its witness replays as printed" 0 $?
"$bin" run "$ob" --shard 0/2 --format json > "$tmp/ob0.json"
"$bin" run "$ob" --shard 1/2 --format json > "$tmp/ob1.json"
"$bin" merge "$tmp/ob0.json" "$tmp/ob1.json" | cmp -s - "$tmp/ob.json"; check "its shards merge to the one run" 0 $?
"$bin" run "$s1" --observers per_pfn > "$tmp/out" 2> "$tmp/err"; check "--observers without dfs exits 3" 3 $?
grep -q "field '--observers'" "$tmp/err" && [ ! -s "$tmp/out" ]; check "... naming the option, no report" 0 $?
"$bin" run "$ob" --bound 2 > /dev/null 2> "$tmp/err"; check "--observers per_pfn with a bound exits 3" 3 $?
grep -q "splits an unbounded search" "$tmp/err"; check "... and says why" 0 $?
echo "not json" > "$tmp/bad.json"
"$bin" merge "$tmp/bad.json" > /dev/null 2>&1; check "merge of a bad report exits 3" 3 $?
"$bin" run "$s10" --shard 2/2 > /dev/null 2>&1; check "bad --shard exits 3" 3 $?
# Only the shards of one run merge: each once, all of them, same seed and strategy.
"$bin" run "$s10" --shard 0/2 --seed 7 --format json > "$tmp/sh0s7.json"
"$bin" run "$s10" --shard 1/3 --format json > "$tmp/sh1of3.json"
"$bin" run "$s10" --strategy pct --shard 1/2 --format json > "$tmp/sh1pct.json"
head -2 "$tmp/sh1.json" > "$tmp/sh1cut.json"
m_err() {  # merge INPUTS... ; expect exit 3, no output, the error naming FIELD
  local field="$1"; shift
  "$bin" merge "$@" > "$tmp/m.out" 2> "$tmp/m.err"; local rc=$?
  [ "$rc" -eq 3 ] && [ ! -s "$tmp/m.out" ] && grep -q "field '$field'" "$tmp/m.err"
}
m_err shard "$tmp/sh0.json"; check "merge: a missing shard is an error" 0 $?
m_err shard "$tmp/sh0.json" "$tmp/sh0.json" "$tmp/sh1.json"; check "merge: a shard given twice is an error" 0 $?
m_err shard "$tmp/all.json" "$tmp/all.json"; check "merge: one run given twice is an error" 0 $?
m_err shard "$tmp/sh0.json" "$tmp/sh1of3.json"; check "merge: shards of different counts are an error" 0 $?
m_err seed "$tmp/sh0s7.json" "$tmp/sh1.json"; check "merge: shards of different seeds are an error" 0 $?
m_err strategy "$tmp/sh0.json" "$tmp/sh1pct.json"; check "merge: shards of different strategies are an error" 0 $?
m_err "<line>" "$tmp/sh0.json" "$tmp/sh1cut.json"; check "merge: a report cut before its result line is an error" 0 $?
sed 's/"shard":"1\/2"/"shard":"3\/2"/' "$tmp/sh1.json" > "$tmp/sh1bad.json"
m_err "<line>" "$tmp/sh0.json" "$tmp/sh1bad.json"; check "merge: a shard I/N with I >= N is an error, not a crash" 0 $?
"$bin" merge "$tmp/all.json" | cmp -s - "$tmp/all.json"; check "merge of one whole run prints it unchanged" 0 $?
# A lock-order cycle whose dependencies were seen by different shards: shard A
# keeps the findings without cycles and the dependencies that go up in class
# name order, shard B the ones that go down, so neither holds a whole cycle;
# the merge still reports every cycle, exactly as the one run did.
lo="$src/scenarios/checkers/lockorder_add_memory_without_dhp_v4_20.yaml"
"$bin" run "$lo" --format json > "$tmp/lo.json"
python3 - "$tmp/lo.json" "$tmp/loA.json" "$tmp/loB.json" "$tmp/loA_alone.json" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
a, b, alone = open(sys.argv[2], "w"), open(sys.argv[3], "w"), open(sys.argv[4], "w")
for j in lines:
    if j["kind"] == "lockdep":
        up = dict(j, deps=[d for d in j["deps"] if d["from"] < d["to"]])
        down = dict(j, deps=[d for d in j["deps"] if d["from"] > d["to"]])
        assert up["deps"] and down["deps"]
        a.write(json.dumps(up) + "\n"); b.write(json.dumps(down) + "\n"); alone.write(json.dumps(up) + "\n")
    elif j["kind"] == "lockorder" and not j["key"].startswith("lockorder/recursive/"):
        continue
    elif j["kind"] == "result":  # shard 0 keeps the findings, shard 1 only its dependencies
        a.write(json.dumps(dict(j, shard="0/2")) + "\n")
        b.write(json.dumps(dict(j, shard="1/2", findings=0, expectations=[])) + "\n")
        alone.write(json.dumps(j) + "\n")
    else:
        a.write(json.dumps(j) + "\n"); alone.write(json.dumps(j) + "\n")
PY
"$bin" merge "$tmp/loA_alone.json" > "$tmp/lo_alone.json"; check "the half graph alone merges (its cycle expectations fail: exit 1)" 1 $?
grep -q '"kind":"result"' "$tmp/lo_alone.json" && ! grep -q '"kind":"lockorder"' "$tmp/lo_alone.json"
check "one shard alone holds no lock-order cycle (and still its result line)" 0 $?
"$bin" merge "$tmp/loA.json" "$tmp/loB.json" > "$tmp/lo_merged.json"; check "merge of the split graph exits 0" 0 $?
cmp -s "$tmp/lo_merged.json" "$tmp/lo.json"; check "cycles split across shards are found by merge, byte-identical to one run" 0 $?

# Source-DPOR reaches every Mazurkiewicz trace that sleep sets alone reach
# (coverage counts computed independently, by Foata normal form), in far
# fewer executions, and proves S1's fix silent without a bound.
for f in seeds/s1_deferred_memmap_init seeds/s4_partial_device_section_v4_19 seeds/s5_remove_shrink_span_v6 \
         seeds/s6_empty_zone_init_outside_span_lock_v4_20 exhaustive/s1_init_under_hotplug_lock_sleep; do
  cov() { "$bin" run "$src/scenarios/$f.yaml" --strategy dfs --reduce "$1" --no-shrink --executions 1000000 | grep "^coverage:"; }
  a=$(cov sleep); b=$(cov dpor)
  [ "${a% in *}" = "${b% in *}" ] && [ -n "$a" ]; check "dpor and sleep sets see the same traces on $f ($a / $b)" 0 $?
  ea=$(echo "$a" | awk '{print $(NF-1)}'); eb=$(echo "$b" | awk '{print $(NF-1)}')
  [ "$eb" -lt "$ea" ]; check "dpor needs fewer executions on $f ($eb < $ea)" 0 $?
done
"$bin" run "$src/scenarios/exhaustive/s1_init_under_hotplug_lock_dpor.yaml" > "$tmp/dpor.txt"; check "dpor proves S1's fix silent" 0 $?
grep -q "source sets and sleep sets, unbounded, .*complete" "$tmp/dpor.txt"; check "dpor search says complete" 0 $?
grep -q "^without reduction: about [0-9]" "$tmp/dpor.txt"; check "dpor report estimates the unreduced search" 0 $?
"$bin" run "$s1" --strategy dfs --reduce bogus > /dev/null 2>&1; check "bad --reduce exits 3" 3 $?

# Source-DPOR under a preemption bound (BPOR, conservative branches, no sleep
# sets) reaches exactly the traces and findings of the plain bounded search on
# S1, where pruning by the bound alone would miss some (7 of 8 at bound 1,
# 21 of 26 at 2, 46 of 59 at 3), in far fewer executions.
for b in 1 2 3; do
  "$bin" run "$s1" --strategy dfs --reduce none --bound $b --executions 100000 --no-shrink > "$tmp/bn.txt"
  "$bin" run "$s1" --strategy dfs --reduce dpor --bound $b --no-shrink > "$tmp/bd.txt"; check "bounded dpor at bound $b passes S1" 0 $?
  a=$(grep "^coverage:" "$tmp/bn.txt"); d=$(grep "^coverage:" "$tmp/bd.txt")
  [ "${a% in *}" = "${d% in *}" ] && [ -n "$a" ]; check "bound $b: dpor sees the traces plain dfs sees ($a / $d)" 0 $?
  diff <(grep "^key:" "$tmp/bn.txt" | sort) <(grep "^key:" "$tmp/bd.txt" | sort) > /dev/null; check "bound $b: same finding keys" 0 $?
  ea=$(echo "$a" | awk '{print $(NF-1)}'); ed=$(echo "$d" | awk '{print $(NF-1)}')
  [ "$((ed * 5))" -lt "$ea" ]; check "bound $b: dpor needs a fifth of the executions or fewer ($ed against $ea)" 0 $?
done
# ... and on scenarios with blocking, read sides and refcounts (bench/bpor_sweep.sh runs all of them).
for fb in s9_init_under_read_lock_nested_read:1 s7_map_unmap_same_range:2 s11_kvm_reserved_concurrent_unbind_v4_19:1; do
  f="$src/scenarios/seeds/${fb%%:*}.yaml"; b=${fb##*:}
  a=$("$bin" run "$f" --strategy dfs --reduce none --bound $b --executions 100000 --no-shrink | grep "^coverage:")
  d=$("$bin" run "$f" --strategy dfs --reduce dpor --bound $b --executions 100000 --no-shrink | grep "^coverage:")
  [ "${a% in *}" = "${d% in *}" ] && [ -n "$a" ]; check "${fb%%:*} bound $b: dpor sees the traces plain dfs sees ($a / $d)" 0 $?
done
# The schedule trie (repeated schedules answered without running) changes no
# report byte: random and pct over the seeds, with and without --no-memo.
for st in random pct; do
  "$bin" run "$src/scenarios/seeds" --strategy $st --executions 2000 --no-shrink --format json > "$tmp/memo1.json"
  "$bin" run "$src/scenarios/seeds" --strategy $st --executions 2000 --no-shrink --format json --no-memo > "$tmp/memo0.json"
  cmp -s "$tmp/memo1.json" "$tmp/memo0.json"; check "$st: reports with and without the schedule trie are byte-identical" 0 $?
done
# Past 16 and 32 threads (wide trie nodes, a PCT and POS priority for every
# thread, 64-wide vector clocks): the same report with and without the trie
# and with two jobs, a witness that names the last threads and replays.
w64="$src/scenarios/checkers/race_kpageflags_64_threads_v6.yaml"
for st in random pct pos; do
  "$bin" run "$w64" --strategy $st --executions 2000 --no-shrink --format json > "$tmp/w1.json"
  "$bin" run "$w64" --strategy $st --executions 2000 --no-shrink --format json --no-memo --jobs 2 > "$tmp/w0.json"
  grep -q '"kind":"result"' "$tmp/w1.json" && cmp -s "$tmp/w1.json" "$tmp/w0.json"
  check "64 threads, $st: byte-identical reports with and without the trie, 1 and 2 jobs" 0 $?
done
"$bin" run "$w64" > "$tmp/w64.txt"; check "the 64-thread scenario passes" 0 $?
grep -q "by task kpageflags_hot[01] (T6[23]):" "$tmp/w64.txt"; check "... its witness names a reader past thread 61" 0 $?
"$bin" run "$w64" --format json > "$tmp/w64.json"
wkey="race/page->flags/online_pages_range/stable_page_flags"
wsched=$(python3 -c "import json,sys; print(next(d['schedule'] for d in map(json.loads, open(sys.argv[1])) if d.get('key') == sys.argv[2]))" "$tmp/w64.json" "$wkey")
"$bin" replay "$w64" --schedule "$wsched" | grep -qxF "key: $wkey"; check "... and its witness (a long schedule, from JSON) replays to its race" 0 $?
"$bin" replay "$w64" --schedule "64:1" > /dev/null 2> "$tmp/err"; check "replay: thread 64 in a schedule exits 3" 3 $?
{ sed '/^threads:/q' "$w64"; for i in $(seq 0 64); do echo "  - {name: w$i, op: kpageflags, pfn: 0, nr_pages: 1}"; done; } > "$tmp/t65.yaml"
"$bin" run "$tmp/t65.yaml" > "$tmp/out" 2> "$tmp/err"; check "65 threads exits 3" 3 $?
[ ! -s "$tmp/out" ] && grep -q "t65.yaml:[0-9]*:[0-9]*: field 'threads': between 1 and 64 threads" "$tmp/err"
check "... before any report, naming file:line and the threads field" 0 $?
# expect.complete: a proof scenario fails when its search stops early, and says so.
pf="$src/scenarios/exhaustive/s1_init_under_hotplug_lock_bpor.yaml"
"$bin" run "$pf" > "$tmp/o.txt"; check "the BPOR proof of S1's fix passes" 0 $?
grep -q "^the dfs search is complete" "$tmp/o.txt"; check "... and states its search is complete" 0 $?
"$bin" run "$pf" --executions 5 > "$tmp/o.txt"; check "the same proof cut at 5 executions fails" 1 $?
grep -q "^expected a complete dfs search: INCOMPLETE after 5 executions" "$tmp/o.txt"; check "... naming the incomplete search" 0 $?
"$bin" run "$pf" --executions 5 --format junit | grep -q 'testcase name="expect complete ([^"]*bpor.yaml:[0-9]*)"'; check "... as its own JUnit testcase with the file line" 0 $?
"$bin" run "$pf" --strategy random > /dev/null; check "expect.complete is not checked under random" 0 $?
sed 's/^  complete: true .*/  complete: maybe/' "$pf" > "$tmp/badc.yaml"
"$bin" run "$tmp/badc.yaml" > /dev/null 2> "$tmp/err"; check "a non-boolean expect.complete exits 3" 3 $?
grep -q "badc.yaml:[0-9]*:[0-9]*: field 'expect.complete'" "$tmp/err"; check "... naming file:line and field" 0 $?
sed 's/^  strategy: dfs/  strategy: random/' "$pf" > "$tmp/randc.yaml"
"$bin" run "$tmp/randc.yaml" > "$tmp/out" 2> "$tmp/err"; check "expect.complete in a file whose strategy is not dfs exits 3" 3 $?
[ ! -s "$tmp/out" ] && grep -q "randc.yaml:[0-9]*:[0-9]*: field 'expect.complete': needs explore.strategy: dfs" "$tmp/err"
check "... before any report, naming file:line and field" 0 $?
head -1 "$tmp/bd.txt" | grep -q "source sets, preemption bound 3, BPOR: conservative branches, no sleep sets, fewest preemptions first, [0-9]* re-runs of earlier rounds, complete"; check "bounded dpor header states the bound and completeness" 0 $?
# The bounded estimate is of the bounded tree: its schedules are what the
# complete plain search at bound 3 runs less its re-runs of bound 2's.
"$bin" run "$s1" --strategy dfs --bound 3 --executions 100000 --no-shrink > "$tmp/o.txt"
head -1 "$tmp/o.txt" | grep -q ", complete)" && ! grep -q "^without reduction" "$tmp/o.txt"
check "a complete plain search prints no estimate (it counted)" 0 $?
tree=$(head -1 "$tmp/o.txt" | sed -n 's/.* \([0-9]*\) re-runs of earlier rounds, complete), seed [0-9]*, \([0-9]*\) executions$/\2 - \1/p')
tree=$((tree))
est=$(sed -n 's/^without reduction: about \([0-9]*\) executions.*/\1/p' "$tmp/bd.txt")
[ -n "$est" ] && [ "$tree" -gt 1000 ] && [ "$((est * 2))" -gt "$tree" ] && [ "$est" -lt "$((tree * 2))" ]
check "bounded Knuth estimate within 2x of the bound-3 tree's $tree schedules ($est)" 0 $?
# A plain bounded search cut short says how large it is (Knuth's estimate of
# the bounded tree).
"$bin" run "$s1" --strategy dfs --bound 3 --executions 5000 --no-shrink > "$tmp/o.txt"
est=$(sed -n 's/^without reduction: about \([0-9]*\) executions.*/\1/p' "$tmp/o.txt")
[ -n "$est" ] && [ "$((est * 2))" -gt "$tree" ] && [ "$est" -lt "$((tree * 2))" ]
check "an incomplete plain search estimates its size within 2x ($est of $tree)" 0 $?
"$bin" run "$s1" --strategy dfs --reduce sleep --bound 1 > /dev/null 2> "$tmp/err"; check "--reduce sleep with --bound exits 3" 3 $?
grep -q "\-\-bound.*sleep sets search unbounded" "$tmp/err"; check "--bound with sleep sets is named as the bad option" 0 $?
sed 's/^  strategy: random/  strategy: dfs\n  reduce: sleep\n  bound: 2/' "$s1" > "$tmp/sleepbound.yaml"
"$bin" run "$tmp/sleepbound.yaml" > /dev/null 2> "$tmp/err"; check "a scenario with reduce: sleep and a bound exits 3" 3 $?
grep -q "sleepbound.yaml:[0-9]*:[0-9]*: field 'explore.bound'" "$tmp/err"; check "the bound of a sleep-set scenario is named by file:line and field" 0 $?
# A split dfs search (--shard I/N): each shard searches its pieces of the
# tree; the merge states the whole search from the shards' result lines.
ex1="$src/scenarios/exhaustive/s1_deferred_memmap_init_dfs.yaml"
"$bin" run "$ex1" --format json > "$tmp/dfs_one.json"
for i in 0 1 2; do
  "$bin" run "$ex1" --format json --shard $i/3 > "$tmp/dfs_s$i.json"
  rc=$?; [ $rc = 0 ] || [ $rc = 1 ]; check "dfs shard $i/3 runs ($rc: its pieces alone need not find what is expected)" 0 $?
done
"$bin" run "$ex1" --format json --shard 1/3 --jobs 2 > "$tmp/dfs_s1_jobs.json"
cmp -s "$tmp/dfs_s1.json" "$tmp/dfs_s1_jobs.json"; check "a dfs shard's report is the same with --jobs 2" 0 $?
"$bin" merge "$tmp/dfs_s2.json" "$tmp/dfs_s0.json" "$tmp/dfs_s1.json" > "$tmp/dfs_merged.json"; check "merge of the dfs shards exits 0" 0 $?
python3 - "$tmp" <<'PY'
import json, sys
t = sys.argv[1]
lines = lambda f: [json.loads(l) for l in open(f"{t}/{f}")]
one, merged = lines("dfs_one.json"), lines("dfs_merged.json")
shards = [lines(f"dfs_s{i}.json")[-1]["dfs_split"] for i in range(3)]
keys = lambda ls: sorted((l["key"], l["count"]) for l in ls if l["kind"] not in ("result", "lockdep"))
assert keys(one) == keys(merged), (keys(one), keys(merged))  # a plain search's pieces are its schedules, once
execs = {l["executions"] for l in merged if "executions" in l}
assert execs == {sum(s["executions"] for s in shards)} == {l["executions"] for l in one if "executions" in l}, execs
assert sum(s["pieces_here"] for s in shards) == shards[0]["pieces"] > 3, shards
assert all(s["meeting_runs"] >= s["pieces"] - s["pieces_here"] for s in shards), shards  # once a round
assert all(s["complete_bound"] == 1 for s in shards), shards
r = merged[-1]
assert ", split into %d pieces over 3 shards," % shards[0]["pieces"] in r["strategy"] and r["strategy"].endswith(", complete)"), r
assert r["ok"] and "the dfs search is complete" in r["expectations"], r
PY
check "merged dfs shards: the one run's findings and counts, complete" 0 $?
# sleep sets: the shards run exactly the unsplit search's executions
sl="$src/scenarios/exhaustive/s1_init_under_hotplug_lock_sleep.yaml"
whole=$("$bin" run "$sl" | sed -n 's/^coverage: .* in \([0-9]*\) executions$/\1/p')
sum=0; for i in 0 1 2 3; do
  n=$("$bin" run "$sl" --format json --shard $i/4 | tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["dfs_split"]["executions"])')
  sum=$((sum + n)); done
[ -n "$whole" ] && [ "$sum" = "$whole" ]; check "a sleep-set search's shards run its $whole executions ($sum)" 0 $?
# A silent proof: its result line (strategy, "the dfs search is complete")
# comes from the shards' result lines alone, there being no finding line.
for i in 0 1 2 3; do "$bin" run "$sl" --format json --shard $i/4 > "$tmp/sl_$i.json"; done
"$bin" merge "$tmp/sl_2.json" "$tmp/sl_0.json" "$tmp/sl_3.json" "$tmp/sl_1.json" > "$tmp/sl_merged.json"; check "merge of a silent proof's shards exits 0" 0 $?
! grep -v '"kind":"lockdep"' "$tmp/sl_merged.json" | grep -qv '"kind":"result"' && [ "$(grep -c '"ok":true' "$tmp/sl_merged.json")" = 1 ] &&
  grep -q "split into [0-9]* pieces over 4 shards.*, complete)\".*the dfs search is complete" "$tmp/sl_merged.json"
check "merged shards of a silent proof: no finding, complete" 0 $?
# a shard cut short: the merge is not complete, and says which shard stopped
"$bin" run "$sl" --format json --shard 1/4 --executions 1 > "$tmp/sl_1.json"
"$bin" merge "$tmp/sl_0.json" "$tmp/sl_1.json" "$tmp/sl_2.json" "$tmp/sl_3.json" > "$tmp/sl_merged.json"; check "merge with a dfs shard cut short exits 1 (expect.complete)" 1 $?
grep -q 'INCOMPLETE: shard 1/4 stopped at explore.executions' "$tmp/sl_merged.json" && ! grep -q "the dfs search is complete" "$tmp/sl_merged.json"
check "... and names the shard" 0 $?
# shards of different trees do not merge
sed 's/"pieces":\([0-9]*\),"pieces_here"/"pieces":99\1,"pieces_here"/' "$tmp/dfs_s2.json" > "$tmp/dfs_s2_other.json"
"$bin" merge "$tmp/dfs_s0.json" "$tmp/dfs_s1.json" "$tmp/dfs_s2_other.json" > "$tmp/out" 2> "$tmp/err"; check "dfs shards that met other pieces do not merge (exit 3)" 3 $?
grep -q "dfs_s2_other.json:[0-9]*:1: field 'dfs_split.pieces'" "$tmp/err" && [ ! -s "$tmp/out" ]; check "... naming the shard's line and the field, nothing on stdout" 0 $?
sed 's/"complete_bound":[-0-9]*/"complete_bound":1e300/' "$tmp/dfs_s2.json" > "$tmp/dfs_s2_float.json"
"$bin" merge "$tmp/dfs_s0.json" "$tmp/dfs_s1.json" "$tmp/dfs_s2_float.json" > "$tmp/out" 2> "$tmp/err"; check "a dfs shard's complete_bound that is no integer: exit 3" 3 $?
grep -q "dfs_s2_float.json:[0-9]*:1: field '<line>': bad result line: 'complete_bound' must be an integer" "$tmp/err"; check "... naming the line and the key" 0 $?
"$bin" run "$ex1" --format json --shard 2/3 --reduce dpor > "$tmp/dfs_s2_dpor.json"
"$bin" merge "$tmp/dfs_s0.json" "$tmp/dfs_s1.json" "$tmp/dfs_s2_dpor.json" > "$tmp/out" 2> "$tmp/err"; check "a split shard next to an unsplit search's follower: exit 3" 3 $?
grep -q "dfs_s2_dpor.json:[0-9]*:1: field 'strategy'" "$tmp/err"; check "... naming the strategy" 0 $?
# source-DPOR and BPOR are not split (tools/cli/search.hpp, splits()):
# shard 0 runs the search, the others nothing, and the merge is one run's.
pr="$src/scenarios/exhaustive/s1_init_under_hotplug_lock_bpor.yaml"
"$bin" run "$pr" --format json > "$tmp/pr_one.json"
for i in 0 1 2; do "$bin" run "$pr" --format json --shard $i/3 > "$tmp/pr_$i.json"; done
grep -q '"strategy":"dfs (one sequential search, run by shard 0 of 3)"' "$tmp/pr_1.json" && ! grep -q dfs_split "$tmp/pr_0.json"
check "a BPOR search's shard 1/3 runs nothing" 0 $?
"$bin" merge "$tmp/pr_2.json" "$tmp/pr_0.json" "$tmp/pr_1.json" > "$tmp/pr_merged.json"; check "merge of an unsplit search's shards exits 0" 0 $?
cmp -s "$tmp/pr_merged.json" "$tmp/pr_one.json" && grep -q "the dfs search is complete" "$tmp/pr_merged.json"
check "merged shards of an unsplit search are byte-identical to one run, completeness included" 0 $?
"$bin" run "$src/scenarios/exhaustive/s1_init_under_hotplug_lock_sleep.yaml" --bound 1 > "$tmp/o.txt" 2> "$tmp/err"; check "--bound on a sleep-set scenario exits 3" 3 $?
[ ! -s "$tmp/o.txt" ] && grep -q "s1_init_under_hotplug_lock_sleep.yaml.*--bound" "$tmp/err"; check "... before any report, naming the file and --bound" 0 $?

# mhpsim diff: findings gained by B are a regression (exit 1), lost ones are not.
fix="$src/scenarios/seeds/s1_init_under_hotplug_lock.yaml"
"$bin" diff "$fix" "$s1" > "$tmp/diff.txt"; check "diff: B with a new finding exits 1" 1 $?
sed -n '/^findings only in B/,/^findings only in A/p' "$tmp/diff.txt" | grep -q "uninit/DEV_UNINIT/"; check "diff lists the uninit finding as new in B" 0 $?
"$bin" diff "$s1" "$fix" > "$tmp/diff2.txt"; check "diff: B losing findings exits 0" 0 $?
sed -n '/^findings only in A/,/^findings in both/p' "$tmp/diff2.txt" | grep -q "uninit/DEV_UNINIT/"; check "diff lists the uninit finding as gone" 0 $?
"$bin" diff "$s1" --variants "$src/tests/data/s1_fix_variant.yaml" - > "$tmp/diff3.txt"; check "diff --variants: the unfixed variant B exits 1" 1 $?
grep -q "variant init-under-mem_hotplug_lock" "$tmp/diff3.txt"; check "diff --variants names A's variant" 0 $?
"$bin" diff "$s1" --variants "$tmp/missing.yaml" - > /dev/null 2>&1; check "diff with a missing variant file exits 3" 3 $?
echo "variant: {name: x, edits: [{op: memremap_pages, move: no_such_step, after: pagemap_range}]}" > "$tmp/badv.yaml"
"$bin" diff "$s1" --variants "$tmp/badv.yaml" - > /dev/null 2> "$tmp/err"; check "diff with a bad variant edit exits 3" 3 $?
grep -q "badv.yaml:1:" "$tmp/err"; check "the bad variant edit is named by file:line" 0 $?
# One variant-file shape for ops show --variant, diff --variants and a scenario's variant: FILE.
vf="$src/tests/data/duyck_defer_drop_variant.yaml"
"$bin" ops show memremap_pages --variant "$vf" > "$tmp/vshow.txt"; check "ops show --variant takes a variant file" 0 $?
grep -q "^variant duyck-defer-as-drop" "$tmp/vshow.txt" && grep -q "(era v6;" "$tmp/vshow.txt"; check "... shows its variant in its era" 0 $?
"$bin" ops show memremap_pages --era v6 > "$tmp/vbase.txt"
cmp -s <(tail -n +2 "$tmp/vshow.txt") "$tmp/vbase.txt"; check "... the drop gives the v6 program itself" 0 $?
"$bin" ops show memremap_pages --era v5.10 --variant "$vf" > /dev/null 2> "$tmp/err"; check "ops show --era against the file's era exits 3" 3 $?
grep -q "duyck_defer_drop_variant.yaml:5:6: field 'era'" "$tmp/err"; check "... naming the file's era line" 0 $?
"$bin" ops show memremap_pages --variant "$src/scenarios/seeds/s1_pgmap_set_after_hotplug_lock_v4_19.yaml" > "$tmp/vshow.txt"
check "ops show --variant SCENARIO uses the scenario's era" 0 $?
grep -q "(era v4.19;" "$tmp/vshow.txt"; check "... v4.19" 0 $?
"$bin" diff "$s1" --variants - "$vf" > /dev/null; check "diff --variants with the same file: no new finding" 0 $?
"$bin" run "$src/tests/data/s1_variant_file.yaml" > "$tmp/vrun.txt"; check "a scenario's variant: FILE runs" 0 $?
grep -q "variant duyck-defer-as-drop" "$tmp/vrun.txt"; check "... under the file's variant" 0 $?
sed 's/^era: v6/era: v5.10/' "$vf" > "$tmp/v510.yaml"
"$bin" diff "$s1" --variants - "$tmp/v510.yaml" > /dev/null 2> "$tmp/err"; check "a variant file of another era exits 3" 3 $?
grep -q "v510.yaml:5:6: field 'era': the variant's edits are written for era v5.10" "$tmp/err"; check "... naming its era line" 0 $?
# The threads' headline pair at 4 x 3 TiB: deferral gains [fukasawa-reserved-2019]'s
# window and is 3.69x faster.
t="$src/scenarios/timing"
"$bin" diff "$t/v4_19_4x3tib_global_lock.yaml" "$t/v4_20_4x3tib_deferred.yaml" > "$tmp/hd.txt"; check "headline diff exits 1" 1 $?
sed -n '/^findings only in B/,/^findings only in A/p' "$tmp/hd.txt" | grep -q "uninit/DEV_UNINIT/page->flags/kmemleak_scan"; check "headline diff: the uninit read is new in B" 0 $?
grep -Eq "^  makespan +110\.494 s +29\.963 s +3\.69x" "$tmp/hd.txt"; check "headline diff: makespan 110.5 s against 30.0 s (3.69x)" 0 $?
"$bin" run "$t/v4_20_4x3tib_deferred.yaml" --format sarif --trace "$tmp/big_trace.json" > "$tmp/big.sarif" 2> "$tmp/big.err"; check "a real-geometry run with --format sarif --trace exits 0" 0 $?
grep -q "too long to trace event by event" "$tmp/big.err"; check "--trace says a real-geometry witness is too long, instead of gigabytes" 0 $?
[ "$(stat -c %s "$tmp/big.sarif")" -lt 20000000 ]; check "its SARIF stays small (no code flow of millions of events)" 0 $?
"$bin" diff "$t/v4_19_4x3tib_global_lock.yaml" "$t/v4_20_4x3tib_deferred.yaml" --format json > "$tmp/hd.json"
python3 -c "import json,sys; j=json.load(open(sys.argv[1])); assert j['regression'] and 3.6 < j['speedup_b_over_a'] < 3.8" "$tmp/hd.json"; check "headline diff json: regression and speedup" 0 $?
"$bin" time "$src/tests/data/timing_lock_stat.yaml" --format json > "$tmp/time.json"; check "time exits 0 when its expectations hold" 0 $?
python3 -c "import json,sys; j=json.loads(open(sys.argv[1]).readline()); assert j['makespan_ns'] == 4800" "$tmp/time.json"; check "time json carries the makespan" 0 $?
"$bin" time "$src/tests/data/timing_lock_stat.yaml" --trace "$tmp/tt.json" > /dev/null; check "time --trace exits 0" 0 $?
python3 - "$tmp/tt.json" <<'PY'; check "timing trace: map1 blocked 0..2 us, mem_hotplug_lock held 2 us by each, one hand-off arrow" 0 $?
import json, sys
d = json.load(open(sys.argv[1]))["traceEvents"]
names = {e["tid"]: e["args"]["name"] for e in d if e["ph"] == "M" and e["name"] == "thread_name"}
blocked = [e for e in d if e["ph"] == "X" and e["name"] == "blocked"]
assert [(names[e["tid"]], e["ts"], e["dur"]) for e in blocked] == [("map1", 0.0, 2.0)], blocked
holds = {}
for e in d:
    if e["ph"] in "be" and e["name"] == "mem_hotplug_lock":
        holds.setdefault(e["id"], []).append(e)
spans = sorted((names[b["tid"]], b["ts"], x["ts"]) for b, x in holds.values())
assert spans == [("map0", 0.0, 2.0), ("map1", 2.0, 4.0)], spans
flows = [e for e in d if e["ph"] in "sf"]
assert [(e["ph"], names[e["tid"]], e["ts"]) for e in flows] == [("s", "map0", 2.0), ("f", "map1", 2.0)], flows
fn = [e for e in d if e["ph"] == "X" and e["name"] == "__init_zone_device_page"]
assert sorted((names[e["tid"]], e["ts"]) for e in fn)[0] == ("map0", 2.0), fn
PY

# A dfs run of a timing scenario adds the timing run's findings once: the
# uninit read happens only in the timing run, so its count is 1.
"$bin" run "$src/tests/data/timing_s1_walker_mid_init.yaml" --strategy dfs --executions 1 --format json > "$tmp/dfs_timing.json"
check "dfs run of a timing scenario passes" 0 $?
/usr/bin/python3 - "$tmp/dfs_timing.json" <<'PY'
import json, sys
found = [json.loads(l) for l in open(sys.argv[1])]
counts = [f["count"] for f in found if f.get("key") == "uninit/DEV_UNINIT/page->flags/dax_lock_folio"]
assert counts == [1], counts
PY
check "dfs counts the timing run's finding once" 0 $?

# The percpu_ref WARN names the ref's release callback as the kernel of the
# era does: [duyck-defer-2018]'s "percpu ref (blk_queue_usage_counter_release) <= 0
# (-1530626) after switching to atomic" for pmem in v4.20, memremap's own
# callback in v6.
"$bin" run "$src/scenarios/seeds/s2_get_many_dropped.yaml" --no-shrink > "$tmp/s2.txt"
grep -q "percpu ref (blk_queue_usage_counter_release) <= 0 (-1) after switching to atomic" "$tmp/s2.txt"
check "S2 (v4.20, pmem) names the request queue's release callback" 0 $?
"$bin" run "$src/scenarios/seeds/s12_compound_put_per_page.yaml" --no-shrink > "$tmp/s12.txt"
grep -q "percpu ref (dev_pagemap_percpu_release) <= 0" "$tmp/s12.txt"
check "S12 (v6) names memremap's release callback" 0 $?

# doctest_discover_tests splits a case name at ';' into ctest tests that match
# no case and pass without running anything: no case name may contain one.
! grep -n 'TEST_CASE("[^"]*;' "$src"/tests/*.cpp; check "no doctest case name contains ';' (ctest would skip it)" 0 $?

# Every write checked: a report that was not written is exit 2 naming the
# path and the reason, never a pass; output files appear whole or not at all.
"$bin" run "$s1" > /dev/full 2> "$tmp/err"; check "run with stdout on a full disk exits 2" 2 $?
grep -q "cannot write '<stdout>': No space left on device" "$tmp/err"; check "... naming stdout and strerror" 0 $?
for opt in --sarif --junit --trace --lock-graph; do
  "$bin" run "$s1" $opt /dev/full/x > /dev/null 2> "$tmp/err"; check "run $opt /dev/full/x exits 2" 2 $?
  grep -q "cannot write '/dev/full/x': Not a directory" "$tmp/err"; check "... $opt naming the path and strerror" 0 $?
  "$bin" run "$s1" $opt /dev/full > /dev/null 2> "$tmp/err"; check "run $opt /dev/full exits 2" 2 $?
  grep -q "cannot write '/dev/full': No space left on device" "$tmp/err"; check "... $opt on a full disk says so" 0 $?
  [ -c /dev/full ]; check "... $opt left /dev/full a device" 0 $?
done
"$bin" run "$s1" --sarif "$tmp/nodir/r.sarif" > /dev/null 2> "$tmp/err"; check "--sarif in a missing folder exits 2" 2 $?
grep -q "nodir/r.sarif': No such file or directory" "$tmp/err"; check "... naming the path and strerror" 0 $?
mkdir "$tmp/adir"
"$bin" run "$s1" --junit "$tmp/adir" > /dev/null 2> "$tmp/err"; check "--junit naming a directory exits 2" 2 $?
grep -q "adir': Is a directory" "$tmp/err"; check "... saying it is a directory" 0 $?
"$bin" baseline "$s1" -o /dev/full > /dev/null 2> "$tmp/err"; check "baseline -o /dev/full exits 2" 2 $?
! grep -q "wrote" "$tmp/err" && grep -q "cannot write '/dev/full'" "$tmp/err"; check "... and does not say it wrote" 0 $?
"$bin" baseline "$s1" -o "$tmp/nodir/b.yaml" > /dev/null 2>&1; check "baseline -o in a missing folder exits 2" 2 $?
"$bin" time "$src/tests/data/timing_lock_stat.yaml" --trace /dev/full > /dev/null 2>&1; check "time --trace /dev/full exits 2" 2 $?
"$bin" time "$src/tests/data/timing_lock_stat.yaml" > /dev/full 2>&1; check "time with stdout on a full disk exits 2" 2 $?
"$bin" merge "$tmp/all.json" > /dev/full 2>&1; check "merge with stdout on a full disk exits 2" 2 $?
"$bin" ops list > /dev/full 2>&1; check "ops list with stdout on a full disk exits 2" 2 $?
# A run that fails after creating its output files leaves none behind, not
# even an empty or a temporary one.
mkdir "$tmp/part"
"$bin" run "$s1" --sarif "$tmp/part/r.sarif" --trace "$tmp/part/t.json" --trace-finding 'nosuch/*' > /dev/null 2>&1
check "a run failing after opening its outputs exits 3" 3 $?
[ -z "$(ls -A "$tmp/part")" ]; check "... and leaves no file in the output folder" 0 $?
"$bin" run "$s8u" --strategy dfs --reduce none --bound 3 --executions 100000000 --no-shrink --sarif "$tmp/part/i.sarif" > /dev/null 2>&1 &
pid=$!; sleep 1; kill -HUP $pid; wait $pid
[ -z "$(ls -A "$tmp/part")" ]; check "a run killed by SIGHUP leaves no partial or temporary file" 0 $?
"$bin" run "$s1" --sarif "$tmp/part/ok.sarif" > /dev/null; check "a run with --sarif into a folder exits 0" 0 $?
[ "$(ls -A "$tmp/part")" = "ok.sarif" ] && python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/part/ok.sarif"
check "... leaving exactly the complete SARIF file" 0 $?

# SIGINT and SIGTERM stop a run within a second: the report of what ran, every
# format marked incomplete and written whole, exit 130 / 143, no temporary
# file. Random and dfs, one job and three (worker threads stop too).
# `timeout --foreground` signals the run once, as a terminal's Ctrl-C does:
# without it timeout also signals its whole process group, and a second
# SIGINT is the user's "stop now, no report".
py=/usr/bin/python3   # Debian's python3, where python3-jsonschema installs
schema="$src/tests/data/sarif-schema-2.1.0.json"
for sig in INT TERM; do
  want=130; [ $sig = TERM ] && want=143
  for how in "--strategy random" "--strategy random --jobs 3" "--strategy dfs --reduce none --bound 3" \
             "--strategy dfs --reduce dpor --jobs 3"; do
    rm -rf "$tmp/stop"; mkdir "$tmp/stop"
    start=$(date +%s%N)
    timeout --foreground --preserve-status -s $sig 2 "$bin" run "$s8u" $how --executions 100000000 --sarif "$tmp/stop/r.sarif" \
      --junit "$tmp/stop/r.xml" --format json > "$tmp/stop.json" 2> "$tmp/stop.err"
    check "SIG$sig ($how): exit $want" $want $?
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    [ $ms -lt 3000 ]; check "SIG$sig ($how): stops within a second (${ms} ms in all)" 0 $?
    [ "$(ls -A "$tmp/stop" | sort | tr '\n' ' ')" = "r.sarif r.xml " ]; check "SIG$sig ($how): both files, no temporary" 0 $?
    grep '"kind":"result"' "$tmp/stop.json" | grep -q "\"incomplete\":\"interrupted by SIG$sig\",\"executions_run\":[1-9]"
    check "SIG$sig ($how): the JSON result line says incomplete, with the executions run" 0 $?
    $py "$src/tests/report_checks.py" stopped "$tmp/stop/r.sarif" "$tmp/stop/r.xml" "$schema" "interrupted by SIG$sig"
    check "SIG$sig ($how): SARIF (schema) and JUnit marked incomplete" 0 $?
    xmllint --noout --schema "$src/tests/data/junit.xsd" "$tmp/stop/r.xml" 2> /dev/null
    check "SIG$sig ($how): JUnit valid (XSD)" 0 $?
  done
done
timeout --foreground --preserve-status -s INT 2 "$bin" run "$s8u" --strategy dfs --reduce none --bound 3 --executions 100000000 \
  > "$tmp/stop.txt"
check "SIGINT: text report exits 130" 130 $?
grep -q "^INCOMPLETE: interrupted by SIGINT after [1-9][0-9]* of at most 100000000 executions" "$tmp/stop.txt" &&
  grep -q "^result: INCOMPLETE (\(PASS so far\|FAIL\)) " "$tmp/stop.txt" &&
  grep -q "INCOMPLETE: interrupted by SIGINT after [1-9][0-9]* executions, bound [0-9] complete (every schedule with at most" "$tmp/stop.txt" &&
  grep -q "^INCOMPLETE: interrupted by SIGINT: 1 of 1 scenario(s) stopped before their end" "$tmp/stop.txt"
check "... the text says INCOMPLETE, what ran and which bound the dfs completed" 0 $?
# Several scenarios: those after the stop are reported as not run, in order.
timeout --foreground --preserve-status -s INT 2 "$bin" run "$s8u" "$s1" --executions 100000000 --format json > "$tmp/stop.json" 2> /dev/null
check "SIGINT with two scenarios exits 130" 130 $?
[ "$(grep -c '"kind":"result".*"incomplete":"interrupted by SIGINT"' "$tmp/stop.json")" = 2 ] &&
  grep -q '"incomplete":"interrupted by SIGINT","executions_run":0,' "$tmp/stop.json"
check "... both result lines incomplete, the second with no execution run" 0 $?
# --time-limit: the same stop; exit 0/1 by the expectations, the report says so.
"$bin" run "$s8u" --strategy dfs --reduce none --bound 3 --executions 100000000 --time-limit 1s > "$tmp/tl.txt"
rc=$?; [ $rc = 0 ] || [ $rc = 1 ]; check "--time-limit 1s: exit 0 or 1 ($rc)" 0 $?
grep -q "^INCOMPLETE: stopped by time limit (1s) after [1-9][0-9]* of at most 100000000 executions" "$tmp/tl.txt"
check "... the report says stopped by time limit and how many executions ran" 0 $?
"$bin" run "$s1" --time-limit 10m > "$tmp/tl.txt"; check "a run within its --time-limit exits 0" 0 $?
"$bin" run "$s1" > "$tmp/tl0.txt"; cmp -s "$tmp/tl.txt" "$tmp/tl0.txt"; check "... with the report of a run without one" 0 $?
for bad in 0s 5x 1m30 -1s ""; do
  "$bin" run "$s1" --time-limit "$bad" > "$tmp/out" 2> "$tmp/err"; check "--time-limit '$bad' exits 3" 3 $?
done
grep -q "field '--time-limit': '' is not a duration" "$tmp/err"; check "... naming the option" 0 $?

# Step budget: derived from the size, so a 4,096-section x86_64 geometry runs
# its executions to the end; a budget set below a fair run's length cuts
# executions (counted), it does not report a livelock.
printf '%s\n' 'name: geo-4096' 'era: v6' 'geometry: {preset: x86_64, sections: 4096}' \
  'initial: {boot_sections: 16, nodes: 2}' 'devices:' \
  '  - {name: pmem0, nid: 0, start_pfn: 524288, nr_pages: 33554432}' \
  '  - {name: pmem1, nid: 1, start_pfn: 34078720, nr_pages: 33554432}' 'threads:' \
  '  - {name: memremap0, op: memremap_pages, device: pmem0}' '  - {name: memremap1, op: memremap_pages, device: pmem1}' \
  'explore: {executions: 2, shrink: false}' 'expect: {findings: [], other_findings: forbidden}' > "$tmp/geo4096.yaml"
"$bin" run "$tmp/geo4096.yaml" > "$tmp/geo.txt"; check "4,096 sections: no livelock, exit 0" 0 $?
! grep -q "livelock\|step budget" "$tmp/geo.txt"; check "... and no execution cut" 0 $?
sed 's/^explore: {executions: 2, shrink: false}/explore: {executions: 2, shrink: false, step_budget: 300000}/' \
  "$tmp/geo4096.yaml" > "$tmp/geocut.yaml"
"$bin" run "$tmp/geocut.yaml" --format json > "$tmp/geo.json"; check "a budget below the programs' length: exit 0 (no finding)" 0 $?
grep -q '"kind":"result".*"findings":0,.*"budget_cut":2' "$tmp/geo.json"; check "... both executions counted as cut" 0 $?
"$bin" run "$tmp/geocut.yaml" | grep -q "^step budget: 2 execution(s) cut short at 300000 choice points, not a livelock"
check "... and the text says so" 0 $?

# run --schedule-dir: a witness too long to print goes to a file (compact
# form) that `replay --schedule-file` replays as --schedule does.
k64="$src/scenarios/checkers/race_kpageflags_64_threads_v6.yaml"
"$bin" run "$k64" --schedule-dir "$tmp/sched" > "$tmp/sd.txt"; check "run --schedule-dir exits 0" 0 $?
sf="$(grep -o -- "--schedule-file [^ ]*" "$tmp/sd.txt" | head -1 | cut -d' ' -f2)"
[ -s "$sf" ] && head -c 18 "$sf" | grep -q "^mhpsim-schedule-1:"; check "... the replay line names a compact schedule file" 0 $?
"$bin" run "$k64" > "$tmp/sd0.txt"
diff <(grep -v "^replay:" "$tmp/sd.txt") <(grep -v "^replay:" "$tmp/sd0.txt") > /dev/null
check "... and the report is otherwise the one without --schedule-dir" 0 $?
long="$("$bin" run "$k64" --format json | python3 -c "
import json,sys
print([j for j in map(json.loads, sys.stdin) if len(j.get('schedule', '')) > 300][0]['schedule'])")"
"$bin" replay "$k64" --schedule-file "$sf" > "$tmp/r1.txt"; check "replay --schedule-file exits 0" 0 $?
"$bin" replay "$k64" --schedule "$long" > "$tmp/r2.txt"
[ -s "$tmp/r1.txt" ] && cmp -s "$tmp/r1.txt" "$tmp/r2.txt"; check "... with the report of replay --schedule" 0 $?
printf '%s\n' "$long" > "$tmp/plain.schedule"
"$bin" replay "$k64" --schedule-file "$tmp/plain.schedule" | cmp -s - "$tmp/r2.txt"; check "... which also takes the text form" 0 $?
printf 'mhpsim-schedule-1:AB*\n' > "$tmp/bad.schedule"
"$bin" replay "$k64" --schedule-file "$tmp/bad.schedule" > /dev/null 2> "$tmp/err"; check "a corrupt schedule file exits 3" 3 $?
grep -q "bad.schedule:1:1: field '<schedule>': bad character" "$tmp/err"; check "... naming the file" 0 $?

# initial.holes: a hole off the subsection grid, and a hotplug op on a block holding one.
h="$src/scenarios/holes/kpageflags_hole_uninit_v4_19.yaml"
sed 's/{start_pfn: 4, nr_pages: 4}/{start_pfn: 5, nr_pages: 4}/' "$h" > "$tmp/hole.yaml"
"$bin" run "$tmp/hole.yaml" > "$tmp/out" 2> "$tmp/err"; check "a hole off the subsection grid exits 3" 3 $?
[ ! -s "$tmp/out" ] && grep -q "hole.yaml:[0-9]*:[0-9]*: field 'initial.holes\[0\].start_pfn': must be a multiple" "$tmp/err"
check "... naming file:line:col and initial.holes[0].start_pfn" 0 $?
sed 's/^  - {name: kpageflags, op: kpageflags, pfn: 0, nr_pages: 32}$/  - {name: off, op: offline_pages, pfn: 0}/' "$h" > "$tmp/hole.yaml"
"$bin" run "$tmp/hole.yaml" > /dev/null 2> "$tmp/err"; check "offline_pages of a block holding a hole exits 3" 3 $?
grep -q "field 'threads\[0\].pfn': offline_pages on a memory block holding a firmware hole" "$tmp/err"; check "... naming the thread's pfn" 0 $?

# Inputs bounded and validated when parsed: exit 3 naming file:line:col and field.
"$bin" replay "$s1" --schedule "0:99999999999999999999999" > /dev/null 2> "$tmp/err"; check "replay: an out-of-range schedule count exits 3" 3 $?
grep -q "<command line>:0:0: field '--schedule'" "$tmp/err"; check "... naming --schedule" 0 $?
big=$(for i in $(seq 40); do printf '0:100000000,'; done)0:1
"$bin" replay "$s1" --schedule "$big" > /dev/null 2> "$tmp/err"; check "replay: a schedule expanding past the step budget exits 3" 3 $?
grep -q "field '--schedule': the schedule expands to more than 100000 choices" "$tmp/err"; check "... naming the bound" 0 $?
"$bin" replay "$s1" --execution -1 > "$tmp/out" 2> "$tmp/err"; check "replay --execution -1 exits 3" 3 $?
[ ! -s "$tmp/out" ] && grep -q "<command line>:0:0: field '--execution'" "$tmp/err"; check "... naming --execution, with no report" 0 $?
sed 's/^  sections: 4$/  sections: 4\n  sections_per_block: 1000/' "$s1" > "$tmp/spb.yaml"
"$bin" run "$tmp/spb.yaml" > /dev/null 2> "$tmp/err"; check "geometry.sections_per_block larger than the address space exits 3" 3 $?
grep -q "spb.yaml:17:23: field 'geometry.sections_per_block'" "$tmp/err"; check "... naming file:line:col and field" 0 $?
for f in "pages_per_subsection: 2|pages_per_subsection: 513" "subsections_per_section: 2|subsections_per_section: 65" \
         "sections: 4|sections: 1048577" "sections: 4|sections: 4\n  chunk_pages: 3"; do
  field=${f##*|}; field=${field##*\\n  }; field=${field%%:*}
  sed "s/^  ${f%%|*}\$/  ${f##*|}/" "$s1" > "$tmp/g.yaml"
  "$bin" run "$tmp/g.yaml" > /dev/null 2> "$tmp/err"; check "geometry ${f##*|} (outside its documented range) exits 3" 3 $?
  grep -q "g.yaml:1[3-8]:[0-9]*: field 'geometry.$field'" "$tmp/err"; check "... naming file:line and geometry.$field" 0 $?
done
for f in "depth: 9" "bound: 17" "executions: 100000001" "step_budget: 9" "seed: 18446744073709551616"; do
  printf 'explore:\n  strategy: dfs\n  %s\n' "$f" | cat <(sed '/^explore:/,/^[a-z]/{/^explore:/d;/^  /d}' "$s1") - > "$tmp/x.yaml"
  "$bin" run "$tmp/x.yaml" > /dev/null 2> "$tmp/err"; check "explore.$f (outside its documented range) exits 3" 3 $?
  grep -q "field 'explore.${f%%:*}'" "$tmp/err"; check "... naming explore.${f%%:*}" 0 $?
done
sed 's/^  pages_per_subsection: 2$/  preset: x86_64/;s/^  subsections_per_section: 2$//;s/^  sections: 4$/  sections: 1048576/' "$s1" > "$tmp/huge.yaml"
"$bin" run "$tmp/huge.yaml" > "$tmp/out" 2> "$tmp/err"; check "a geometry over the default --max-memory exits 3" 3 $?
[ ! -s "$tmp/out" ] && grep -q "huge.yaml:[0-9]*:[0-9]*: field 'geometry.sections': .* needs about [0-9.]* GiB, over --max-memory 4.0 GiB" "$tmp/err"
check "... at parse time, naming the field and the estimate" 0 $?
"$bin" run "$src/scenarios/timing/v4_19_4x3tib_global_lock.yaml" --max-memory 256M > /dev/null 2> "$tmp/err"; check "a 4x3 TiB geometry over --max-memory 256M exits 3" 3 $?
grep -q "field 'geometry.sections'" "$tmp/err"; check "... naming geometry.sections" 0 $?
"$bin" time "$src/scenarios/timing/v4_19_4x3tib_global_lock.yaml" --max-memory lots > /dev/null 2>&1; check "a bad --max-memory exits 3" 3 $?
"$bin" run /dev/zero > /dev/null 2> "$tmp/err"; check "a device as scenario file exits 3" 3 $?
grep -q "/dev/zero:0:0: field '<file>': not a regular file" "$tmp/err"; check "... saying it is not a regular file" 0 $?
mkfifo "$tmp/fifo"
timeout 20 "$bin" run "$tmp/fifo" > /dev/null 2>&1; check "a FIFO as scenario file exits 3 without blocking" 3 $?
timeout 20 "$bin" run "$s1" --baseline "$tmp/fifo" > /dev/null 2>&1; check "a FIFO as baseline file exits 3 without blocking" 3 $?
"$bin" replay "$src/scenarios/seeds" --schedule 0:1 > /dev/null 2> "$tmp/err"; check "a directory given as the scenario file exits 3" 3 $?
grep -q "seeds:0:0: field '<file>': is a directory" "$tmp/err"; check "... saying it is a directory" 0 $?
tr '\n' '\r' < "$s1" > "$tmp/cr.yaml"
"$bin" run "$tmp/cr.yaml" > "$tmp/cr.txt"; check "a scenario with CR line endings runs" 0 $?
grep -q "^key: uninit/DEV_UNINIT/" "$tmp/cr.txt"; check "... and finds what the LF file finds" 0 $?
sed 's/^era: v6/era: v9/' "$s1" | tr '\n' '\r' > "$tmp/crbad.yaml"
"$bin" run "$tmp/crbad.yaml" > /dev/null 2> "$tmp/err"; grep -q "crbad.yaml:$era_line:6: field 'era'" "$tmp/err"; check "a CR-only file's errors name the right line" 0 $?
printf 'version: 1\naccepted:\n  - {? [a, b] : c, file: x.yaml, kind: race, key: race/x}\n' > "$tmp/bk.yaml"
"$bin" run "$s1" --baseline "$tmp/bk.yaml" > /dev/null 2> "$tmp/err"; check "a baseline entry with a complex key exits 3" 3 $?
grep -q "bk.yaml:3:8: field 'accepted\[0\].<key>'" "$tmp/err"; check "... naming file:line and the field" 0 $?
printf 'version: 1\n? {a: 1}\n: x\n' > "$tmp/bk2.yaml"
"$bin" run "$s1" --baseline "$tmp/bk2.yaml" > /dev/null 2> "$tmp/err"; check "a baseline with a complex top-level key exits 3" 3 $?
grep -q "bk2.yaml:2:3: field '<key>'" "$tmp/err"; check "... naming file:line" 0 $?
printf 'version: 1\naccepted:\n  - {file: x.yaml, scenario: [s], kind: race, key: race/x}\n' > "$tmp/bk3.yaml"
"$bin" run "$s1" --baseline "$tmp/bk3.yaml" > /dev/null 2> "$tmp/err"; check "a baseline field that is not a string exits 3" 3 $?
grep -q "bk3.yaml:3:[0-9]*: field 'accepted\[0\].scenario'" "$tmp/err"; check "... naming file:line and the field" 0 $?

# --version and help.
"$bin" --version > "$tmp/v.txt"; check "--version exits 0" 0 $?
grep -qx "mhpsim [0-9]*\.[0-9]*\.[0-9]*" "$tmp/v.txt"; check "--version prints 'mhpsim <version>'" 0 $?
"$bin" help > "$tmp/h1.txt"; check "help exits 0" 0 $?
"$bin" --help > "$tmp/h2.txt"
[ -s "$tmp/h1.txt" ] && cmp -s "$tmp/h1.txt" "$tmp/h2.txt"; check "help prints what --help prints" 0 $?
"$bin" --version > /dev/full 2>&1; check "--version with stdout on a full disk exits 2" 2 $?

finish
