# Shared by the shell test suites (tests/*.sh): a scratch directory removed on
# exit, and check NAME WANT_RC RC counting passes and failures; a suite ends
# with `finish`, which prints the tally and fails if any check did.
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fail=0; passed=0
check() {  # name, expected rc, actual rc
  if [ "$2" = "$3" ]; then passed=$((passed+1)); else echo "FAIL: $1: exit $3, want $2"; fail=$((fail+1)); fi
}
finish() {
  echo "$passed passed, $fail failed"
  [ "$fail" -eq 0 ]
}
# The bundled corpus's reports (tests/corpus_reports.sh): the directory ctest's
# fixture wrote if given, else the corpus is run here. Uses $bin and $src.
corpus_dir() {
  if [ -n "${1:-}" ]; then echo "$1"; return; fi
  bash "$(dirname "${BASH_SOURCE[0]}")/corpus_reports.sh" "$bin" "$(cd "$src" && pwd)" "$tmp/corpus" > /dev/null
  echo "$tmp/corpus"
}
