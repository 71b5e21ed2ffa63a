#!/usr/bin/env python3
"""Layers only include downwards (HACKING.md, "Layers"): every #include "X"
of a source file in one layer names a file of the same layer or of one
below it. Exits 1 naming each include that points up."""
import os
import re
import sys

# Lowest first, as CMakeLists.txt's mhpsim_layer() calls link them.
LAYERS = [
    ("support", ["model/support"]),
    ("engine", ["model/engine"]),
    ("sync", ["model/sync"]),
    ("kernel", ["model/kernel"]),
    ("ops", ["model/ops"]),
    ("timing", ["model/timing"]),
    ("scenario", ["model/scenario"]),
    ("checkers", ["checkers"]),
    ("report", ["tools/report"]),
    ("cli", ["tools/cli"]),
]


def layer_of(path):
    for i, (_, dirs) in enumerate(LAYERS):
        if any(path.startswith(d + "/") for d in dirs):
            return i
    return None


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else "."
    bad = []
    checked = 0
    for _, dirs in LAYERS:
        for d in dirs:
            for name in sorted(os.listdir(os.path.join(top, d))):
                if not name.endswith((".cpp", ".hpp")):
                    continue
                rel = d + "/" + name
                me = layer_of(rel)
                with open(os.path.join(top, rel), encoding="utf-8") as f:
                    for n, line in enumerate(f, 1):
                        m = re.match(r'\s*#include "([^"]+)"', line)
                        if not m:
                            continue
                        checked += 1
                        to = layer_of(m.group(1))
                        if to is not None and to > me:
                            bad.append(f"{rel}:{n}: includes {m.group(1)} ({LAYERS[to][0]}) from layer {LAYERS[me][0]}")
    for b in bad:
        print(b)
    print(f"layers: {checked} includes checked, {len(bad)} pointing up")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
