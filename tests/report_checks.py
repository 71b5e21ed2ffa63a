#!/usr/bin/python3
"""Structural checks of mhpsim's report formats (tests/report_formats.sh).

  report_checks.py sarif FILE SCHEMA   SARIF 2.1.0: the official schema, then
                                       rules, results and code flows
  report_checks.py sarif-bad SCHEMA    the schema check rejects broken logs
  report_checks.py junit FILE N_FAIL   JUnit: counts add up, N_FAIL failures,
                                       failures carry the text report
  report_checks.py trace FILE [--no-flows]  trace events: tracks, nesting,
                                       lock holds, flows (required unless --no-flows)
  report_checks.py stopped SARIF JUNIT SCHEMA REASON  a stopped run's SARIF
                                       (schema, not successful, a notification)
                                       and JUnit (an error testcase), marked REASON
  report_checks.py jsonl FILE SCHEMA [FIELD...]  every line of a JSON-lines
                                       report valid against docs/report.schema.json;
                                       each FIELD is in some line
  report_checks.py jsonl-bad SCHEMA    the schema check rejects broken lines
Exits non-zero with a message on the first broken assertion.
"""
import json
import sys
import xml.etree.ElementTree as ET


def fail(msg):
    print("report_checks: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def schema_errors(doc, schema_file):
    import jsonschema
    schema = json.load(open(schema_file))
    return list(jsonschema.Draft4Validator(schema).iter_errors(doc))


def sarif(path, schema_file):
    doc = json.load(open(path))
    errs = schema_errors(doc, schema_file)
    check(not errs, "SARIF schema: %s at %s" % (errs[0].message if errs else "", list(errs[0].path) if errs else ""))
    check(doc["version"] == "2.1.0", "version")
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    check(len(set(ids)) == len(ids) and "race" in ids, "rule ids unique, one per kind")
    driver = run["tool"]["driver"]
    check(driver.get("version") and driver.get("informationUri", "").startswith("https://"),
          "driver has version and informationUri")
    for r in rules:
        check(r.get("help", {}).get("text") and r["help"].get("markdown"), "rule %s has help text and markdown" % r["id"])
    check("SRCROOT" in run.get("originalUriBaseIds", {}), "originalUriBaseIds defines SRCROOT")
    results = run["results"]
    check(results, "no results")
    # GitHub code scanning's limits (conservative): results per run, code-flow locations per result
    check(len(results) <= 5000, "at most 5000 results")
    kinds = set()
    for r in results:
        check(rules[r["ruleIndex"]]["id"] == r["ruleId"], "ruleIndex points at ruleId")
        check(r["partialFingerprints"]["mhpsimKey/v1"].startswith(r["ruleId"] + "/"), "fingerprint is the key")
        loc = r["locations"][0]["physicalLocation"]
        art = loc["artifactLocation"]
        check(art["uri"].endswith(".yaml"), "result points at the scenario file")
        check(art.get("uriBaseId") == "SRCROOT" if not art["uri"].startswith("file://") else "uriBaseId" not in art,
              "relative URIs are relative to SRCROOT")
        check(not any(c in art["uri"] for c in " #?"), "URI percent-encoded")
        check(loc["region"]["startLine"] >= 1, "startLine")
        flows = r["codeFlows"][0]["threadFlows"]
        check(len(flows) >= 2, "one threadFlow per simulated thread (at least two)")
        check(len({f["id"] for f in flows}) == len(flows), "threadFlow ids unique")
        orders = []
        for f in flows:
            for l in f["locations"]:
                orders.append(l["executionOrder"])
                ll = l["location"]["logicalLocations"][0]
                check(ll["kind"] == "function" and ll["name"], "location names its kernel function")
                check(l["location"]["physicalLocation"]["artifactLocation"]["uri"].endswith(".yaml"),
                      "thread flow location in the scenario file")
        check(sorted(orders) == list(range(1, len(orders) + 1)), "executionOrder is one interleaving 1..n")
        check(len(orders) <= 10000, "at most 10000 code-flow locations per result")
        if r["ruleId"] == "race":
            ess = [l for f in flows for l in f["locations"] if l["importance"] == "essential"]
            threads = {f["id"] for f in flows if any(l["importance"] == "essential" for l in f["locations"])}
            check(len(ess) >= 2 and len(threads) == 2, "race: both racing accesses essential, on two threads")
        kinds.add(r["ruleId"])
    check("race" in kinds, "a race result")


def sarif_bad(schema_file):
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
                                         "results": [{"message": {"text": "m"}, "level": "fatal"}]}]}
    check(schema_errors(bad, schema_file), "schema accepted level 'fatal'")
    check(schema_errors({"runs": []}, schema_file), "schema accepted a log without version")


def junit(path, n_fail):
    root = ET.parse(path).getroot()
    check(root.tag == "testsuites", "root is testsuites")
    total = fails = 0
    for s in root.findall("testsuite"):
        cases = s.findall("testcase")
        f = [c for c in cases if c.find("failure") is not None]
        check(int(s.get("tests")) == len(cases), "testsuite tests= counts its testcases")
        check(int(s.get("failures")) == len(f), "testsuite failures= counts its failures")
        for c in f:
            text = c.find("failure").text or ""
            check("result: FAIL" in text and "mhpsim: " in text, "failure carries the text report")
        total += len(cases)
        fails += len(f)
    check(int(root.get("tests")) == total and int(root.get("failures")) == fails, "testsuites totals")
    check(fails == int(n_fail), "expected %s failure(s), got %d" % (n_fail, fails))


def trace(path, flows=True):
    doc = json.load(open(path))
    ev = doc["traceEvents"]
    check(doc["otherData"]["finding"], "names its finding")
    names = {e["tid"]: e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
    check(len(names) >= 2, "a track (thread_name) per simulated thread")
    for e in ev:
        for k in ("ph", "pid", "tid", "name"):
            check(k in e, "event without %s: %s" % (k, e))
        if e["ph"] != "M":
            check(isinstance(e["ts"], int) and e["ts"] >= 0, "ts")
    xs = [e for e in ev if e["ph"] == "X"]
    check({e["tid"] for e in xs} <= set(names), "slices only on named tracks")
    check({e["cat"] for e in xs} >= {"operation", "function", "event"}, "operation, function and event slices")
    for tid in names:  # slices of a track nest properly
        stack = []
        for e in sorted((e for e in xs if e["tid"] == tid), key=lambda e: (e["ts"], -e["dur"])):
            check(e["dur"] >= 1, "slice duration")
            while stack and stack[-1] <= e["ts"]:
                stack.pop()
            check(not stack or e["ts"] + e["dur"] <= stack[-1], "slices of track %d overlap without nesting" % tid)
            stack.append(e["ts"] + e["dur"])
    ops = [e for e in xs if e["cat"] == "operation"]
    check(len(ops) == len(names), "one operation slice per thread")
    b = {(e["id"], e["name"]) for e in ev if e["ph"] == "b"}
    en = {(e["id"], e["name"]) for e in ev if e["ph"] == "e"}
    check(b and b == en, "lock holds: every begin has its end")
    check(all(e["cat"] == "lock" for e in ev if e["ph"] in "be"), "lock holds in category lock")
    s = {e["id"]: e for e in ev if e["ph"] == "s"}
    f = {e["id"]: e for e in ev if e["ph"] == "f"}
    check(set(s) == set(f) and (s or not flows), "flow arrows: start and finish pairs")
    for i in s:
        check(s[i]["tid"] != f[i]["tid"], "a race flow goes from one thread to another")
        for end in (s[i], f[i]):
            check(any(x["tid"] == end["tid"] and x["cat"] == "event" and x["ts"] == end["ts"] for x in xs),
                  "flow end on an event slice")


def stopped(sarif_path, junit_path, schema_file, reason):
    doc = json.load(open(sarif_path))
    errs = schema_errors(doc, schema_file)
    check(not errs, "SARIF schema: %s at %s" % (errs[0].message if errs else "", list(errs[0].path) if errs else ""))
    run = doc["runs"][0]
    inv = run["invocations"][0]
    check(inv["executionSuccessful"] is False, "a stopped run is not executionSuccessful")
    notes = [n["message"]["text"] for n in inv.get("toolExecutionNotifications", [])]
    check(any("INCOMPLETE: " + reason in n for n in notes), "a notification says INCOMPLETE: " + reason)
    check(run.get("properties", {}).get("incomplete") == reason, "run property incomplete = " + reason)
    root = ET.parse(junit_path).getroot()
    errors = 0
    for s in root.findall("testsuite"):
        cases = s.findall("testcase")
        check(int(s.get("tests")) == len(cases), "testsuite tests= counts its testcases")
        e = [c for c in cases if c.find("error") is not None]
        check(int(s.get("errors")) == len(e), "testsuite errors= counts its errors")
        for c in e:
            check(c.get("name") == "runs to the end" and c.find("error").get("type") == "incomplete" and
                  reason in c.find("error").get("message"), "the error testcase says the run was " + reason)
        errors += len(e)
    check(errors >= 1 and int(root.get("errors")) == errors, "testsuites errors= counts the stopped scenarios")


def jsonl_validator(schema_file):
    import jsonschema
    schema = json.load(open(schema_file))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def jsonl(path, schema_file, fields):
    v = jsonl_validator(schema_file)
    seen = set()
    lines = 0
    for n, line in enumerate(open(path), 1):
        doc = json.loads(line)
        errs = list(v.iter_errors(doc))
        check(not errs, "%s:%d: %s" % (path, n, "; ".join(e.message[:300] for e in errs[:3])))
        seen.add("kind=" + doc["kind"] if doc["kind"] in ("result", "lockdep") else "kind=finding")
        sides = doc.get("sides", []) + [d[s] for d in doc.get("deps", []) for s in ("holder", "taker")]
        for side in sides:  # the schema cannot say files is parallel to stack
            check(len(side.get("files", [])) == len(side.get("stack", [])),
                  "%s:%d: a side's files are as many as its frames" % (path, n))
        seen.update(doc)
        if "timing" in doc:
            seen.add("timing")
        lines += 1
    check(lines > 0, path + " has report lines")
    for f in fields:
        check(f in seen, "some line of %s has %s" % (path, f))


def jsonl_bad(schema_file):
    v = jsonl_validator(schema_file)
    side = {"title": "t", "stack": ["f"], "files": ["mm/f.c"], "locks": []}
    good = {"kind": "race", "key": "race/x", "scenario": "s", "file": "s.yaml", "era": "v6", "variant": "-",
            "strategy": "random", "seed": 1, "execution": 0, "count": 1, "position": 3, "executions": 10,
            "schedule": "0:1,1:2", "message": "m", "replay": "tools/mhpsim replay s.yaml --schedule 0:1,1:2",
            "sides": [side], "notes": []}
    check(not list(v.iter_errors(good)), "schema accepts a well-formed finding line")
    result = {"kind": "result", "scenario": "s", "file": "s.yaml", "strategy": "random", "seed": 1, "ok": True,
              "findings": 0, "expectations": []}
    check(not list(v.iter_errors(result)), "schema accepts a well-formed result line")
    bad = [
        (dict(good, kind="fatal"), "an unknown finding kind"),
        ({k: x for k, x in good.items() if k != "key"}, "a finding without key"),
        (dict(good, extra=1), "a field the schema does not document"),
        (dict(good, count=0), "a finding found in no execution"),
        (dict(good, schedule="0:1,x"), "a schedule that is no thread:step list"),
        (dict(good, sides=[{"title": "t"}]), "a side without stack and locks"),
        (dict(good, sides=[{"title": "t", "stack": ["f"], "locks": []}]), "a side without the files of its frames"),
        (dict(result, ok="yes"), "a result whose ok is no boolean"),
        (dict(result, incomplete="interrupted by SIGINT"), "an incomplete result without executions_run"),
        (dict(result, shard="1/0"), "shard 1/0"),
        ({"kind": "lockdep", "scenario": "s", "file": "s.yaml", "deps": []}, "a lockdep line without dependencies"),
    ]
    for doc, what in bad:
        check(list(v.iter_errors(doc)), "schema accepted " + what)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "sarif":
        sarif(sys.argv[2], sys.argv[3])
    elif cmd == "sarif-bad":
        sarif_bad(sys.argv[2])
    elif cmd == "junit":
        junit(sys.argv[2], sys.argv[3])
    elif cmd == "stopped":
        stopped(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    elif cmd == "jsonl":
        jsonl(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif cmd == "jsonl-bad":
        jsonl_bad(sys.argv[2])
    elif cmd == "trace":
        trace(sys.argv[2], flows=len(sys.argv) < 4 or sys.argv[3] != "--no-flows")
    else:
        fail("unknown check " + cmd)
