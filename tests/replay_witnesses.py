"""Every witness the seed corpus reports replays to the same finding.

For each scenario of DIR, run it (--format json, default strategy, witnesses
shrunk), then replay each finding's schedule and compare the replayed finding
with the same key: kind, message, sides and notes must be byte-identical (the
run report's exploration fields -- execution, count, strategy -- are not part
of a replay). Usage: replay_witnesses.py BIN DIR
"""
import glob
import json
import subprocess
import sys

bin_, d = sys.argv[1], sys.argv[2]
FIELDS = ("kind", "message", "sides", "notes")  # as JSON writes them
n = bad = 0
for f in sorted(glob.glob(d + "/*.yaml")):
    out = subprocess.run([bin_, "run", f, "--format", "json"], capture_output=True, text=True).stdout
    found = [json.loads(l) for l in out.splitlines()]
    found = [x for x in found if x["kind"] not in ("result", "lockdep") and x.get("schedule")]
    for x in found:
        n += 1
        r = subprocess.run([bin_, "replay", f, "--schedule", x["schedule"], "--format", "json"],
                           capture_output=True, text=True)
        again = [json.loads(l) for l in r.stdout.splitlines()]
        same = [y for y in again if y.get("key") == x["key"]]
        if len(same) != 1:
            print(f"FAIL: {f}: {x['key']}: replay of {x['schedule']} reports it {len(same)} times")
            bad += 1
            continue
        # the shrinker's note ("witness shrunk from ...") is about the search
        x["notes"] = [t for t in x.get("notes", []) if not t.startswith("witness shrunk from")]
        diff = [k for k in FIELDS if same[0].get(k) != x.get(k)]
        if diff:
            print(f"FAIL: {f}: {x['key']}: replay of {x['schedule']} differs in {diff}")
            bad += 1
print(f"{n} witnesses replayed, {bad} differ")
sys.exit(1 if bad or n == 0 else 0)
