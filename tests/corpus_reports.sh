#!/usr/bin/env bash
# The bundled corpus, run once for the suites that read its reports (the
# ctest fixture `corpus`): `run scenarios/ --jobs 2` from the source tree,
# the text report on stdout and every other format written beside it in OUT:
# corpus.txt, corpus.jsonl, corpus.sarif, junit.xml, rc (the exit code).
set -u
bin="$1"; src="$2"; out="$3"
rm -rf "$out" && mkdir -p "$out" || exit 2
cd "$src" || exit 2
"$bin" run scenarios/ --jobs 2 --json "$out/corpus.jsonl" --sarif "$out/corpus.sarif" --junit "$out/junit.xml" \
  > "$out/corpus.txt" 2> "$out/stderr"
rc=$?
echo "$rc" > "$out/rc"
tail -3 "$out/corpus.txt"
[ "$rc" = 0 ]
