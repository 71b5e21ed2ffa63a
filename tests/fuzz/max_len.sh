#!/usr/bin/env bash
# The longest input libFuzzer makes for a target: a little above its largest
# seed (make_corpus.sh), so the seeds fit and mutations stay fast.
case "$1" in
  scenario) echo 8192 ;;   # the largest bundled scenario is 7.5 kB
  variant) echo 4096 ;;
  baseline) echo 4096 ;;
  merge) echo 40960 ;;     # shard reports of the seed scenarios, up to 39 kB per file
  *) echo "max_len.sh: unknown target $1" >&2; exit 2 ;;
esac
