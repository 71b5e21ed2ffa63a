#!/usr/bin/env bash
# Writes the seed corpus of the fuzz targets (tests/fuzz/targets.hpp) into
# OUT/<target>/ from the bundled inputs, so nothing of it is committed:
#   scenario  every scenario under scenarios/
#   variant   the variant files of tests/data/ and every scenario's own
#             `variant:` mapping as a variant file of its era
#   baseline  the first 2 and 12 entries of ci/baseline.yaml (all of it is
#             270 kB, beyond what fuzzing mutates well), and an empty one
#   merge     shard reports (`run --shard I/2 --format json`) of a few small
#             scenarios, the shards of a run separated by a form feed;
#             only with an mhpsim binary (MHPSIM, the second argument)
# Usage: tests/fuzz/make_corpus.sh OUT [MHPSIM]
set -euo pipefail
out="$1"
mhpsim="${2:-}"
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$top"
rm -rf "$out"
mkdir -p "$out"/{scenario,variant,baseline,merge}
n=0
while IFS= read -r f; do
  n=$((n + 1))
  cp "$f" "$out/scenario/$(printf %03d $n)-$(basename "$f")"
done < <(find scenarios -name '*.yaml' | sort)
cp tests/data/*variant*.yaml "$out/variant/"
python3 - "$out/variant" <<'PY'
import glob, os, sys, yaml
out = sys.argv[1]
for n, path in enumerate(sorted(glob.glob("scenarios/**/*.yaml", recursive=True))):
    with open(path) as f:
        doc = yaml.safe_load(f)
    v = doc.get("variant") if isinstance(doc, dict) else None
    if not isinstance(v, dict):
        continue
    seed = {"era": doc.get("era", "v6"), "variant": v}
    with open(os.path.join(out, "%03d-%s" % (n, os.path.basename(path))), "w") as f:
        yaml.safe_dump(seed, f, sort_keys=False)
PY
head -n 12 ci/baseline.yaml > "$out/baseline/head2.yaml"
head -n 52 ci/baseline.yaml > "$out/baseline/head12.yaml"
printf 'version: 1\naccepted: []\n' > "$out/baseline/empty.yaml"
if [ -n "$mhpsim" ] && [ -x "$mhpsim" ]; then
  for sc in scenarios/seeds/s1_deferred_memmap_init.yaml scenarios/seeds/s8_move_pfn_range_to_zone_unlocked.yaml \
            scenarios/checkers/lockorder_add_memory_under_dhp_v4_20.yaml \
            scenarios/exhaustive/s1_deferred_memmap_init_dfs.yaml; do  # (a split dfs search: dfs_split)
    name="$(basename "$sc" .yaml)"
    # exit 1 (a finding) is what a report with findings exits with
    "$mhpsim" run "$sc" --format json > "$out/merge/$name-whole.jsonl" || [ $? -eq 1 ]
    { "$mhpsim" run "$sc" --shard 0/2 --format json || [ $? -eq 1 ]
      printf '\f'
      "$mhpsim" run "$sc" --shard 1/2 --format json || [ $? -eq 1 ]; } > "$out/merge/$name-shards.jsonl"
  done
fi
