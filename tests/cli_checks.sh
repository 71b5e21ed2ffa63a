#!/usr/bin/env bash
# End-to-end checks of the mhpsim command: exit codes, no partial report on bad
# input, byte-identical reports, replay of a reported witness.
set -u
bin="$1"; src="$2"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fail=0; passed=0
check() {  # name, expected rc, actual rc
  if [ "$2" = "$3" ]; then passed=$((passed+1)); else echo "FAIL: $1: exit $3, want $2"; fail=$((fail+1)); fi
}
s1="$src/scenarios/seeds/s1_deferred_memmap_init.yaml"

"$bin" run "$src/scenarios" > "$tmp/a.txt"; check "bundled scenarios pass" 0 $?
"$bin" run "$src/scenarios" > "$tmp/b.txt"
cmp -s "$tmp/a.txt" "$tmp/b.txt"; check "text report byte-identical" 0 $?
"$bin" run --format json "$s1" > "$tmp/a.json"; "$bin" run --format json "$s1" > "$tmp/b.json"
cmp -s "$tmp/a.json" "$tmp/b.json"; check "json report byte-identical" 0 $?
python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$tmp/a.json"; check "json lines parse" 0 $?

# Bad input: exit 3, the position on stderr, nothing on stdout.
sed 's/^era: v6/era: v9/' "$s1" > "$tmp/bad.yaml"
"$bin" run "$src/scenarios" "$tmp/bad.yaml" > "$tmp/out" 2> "$tmp/err"; check "bad scenario exits 3" 3 $?
[ ! -s "$tmp/out" ]; check "no partial report on bad input" 0 $?
grep -q "bad.yaml:11:6: field 'era'" "$tmp/err"; check "error names file:line:col and field" 0 $?
"$bin" run --executions 0 "$s1" > /dev/null 2>&1; check "bad option exits 3" 3 $?
"$bin" run "$tmp/missing.yaml" > /dev/null 2>&1; check "missing file exits 3" 3 $?
"$bin" replay "$s1" --schedule "x:1" > /dev/null 2>&1; check "bad schedule exits 3" 3 $?

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

"$bin" ops show memremap_pages --era v6 | grep -q "mem_hotplug_lock write"; check "ops show prints lock regions" 0 $?

echo "$passed passed, $fail failed"
[ "$fail" -eq 0 ]
