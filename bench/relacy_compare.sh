#!/usr/bin/env bash
# mhpsim against Relacy (Dmitry Vyukov's race detector) on the S1 model, in
# interleaved rounds of one command (docs/PERFORMANCE.md, "Relacy on the S1
# model"). Per size (device pages, walkers): Relacy's default mode (random
# scheduler; plain rl::var accesses are not scheduling points), Relacy with
# every rl::var access a scheduling point too, and mhpsim on a twin of
# scenarios/seeds/s1_deferred_memmap_init.yaml with every checker on, with
# and without --no-memo. Prints executions/s, operations/s and the ratios.
#
# Operations: one per event mhpsim records, without thread start, thread end
# and the exit event; bench/relacy/s1_model.cpp does one Relacy operation
# per such event. The serial execution (thread 0 to its end, then each
# walker) checks the two agree: the model built with SERIAL_CHECK counts
# its operations and the script stops unless its threads 0 and 1 do as many
# as mhpsim records for them (`mhpsim_bench 1 1 TWIN`: "its N recorded
# events", the first two threads, less three events per thread). Further
# walkers run the same program on other pfns. A random execution does fewer
# operations than the serial one when a walker gives up early (no section
# yet), and the two schedulers give up at different rates: operations/s is
# each side's executions/s times its own mean operations per execution
# (Relacy's ops_mean; mhpsim's from `mhpsim_bench ops N TWIN`, the same N
# executions of the same random strategy). Executions/s come from the wall
# time of N executions less the wall time of one (the process's start,
# mhpsim's op-file parsing), on both sides. Notes per line: Relacy's mean
# operations per iteration actually done, its iterations with a data race and
# its walkers' reads of an uninitialised page; mhpsim's finding count and
# coverage (distinct interleavings).
#
# Relacy is header-only: /usr/include/relacy if installed, else Debian's
# relacy-dev package, fetched with `apt-get download` (through a private
# apt configuration under the cache directory if the system's lists do not
# have it) and unpacked with dpkg-deb -x; no root needed. The model
# binaries are built there too and reused while the source is unchanged.
#
# Usage: bench/relacy_compare.sh MHPSIM_BIN [ROUNDS]
#   ROUNDS (default 3); 0 is a smoke run: pages 8 and 16, one and two
#   walkers, ten executions each, and the operation counts checked.
# Environment: RELACY_CASES="PAGES:WALKERS ..." (default
#   "8:1 64:1 512:1 2048:1 4096:1 512:4"; PAGES 2, a multiple of 4 up to 2048 or of
#   1024 up to 65536; WALKERS 1..8), RELACY_OPS (operations per measurement,
#   default 20000000: N = RELACY_OPS / operations per execution; far fewer
#   and a measurement is the difference of two wall times near mhpsim's
#   start-up of about 70 ms, which scatters rounds by tens of percent:
#   docs/PERFORMANCE.md, "The memmap's shadow"),
#   RELACY_CACHE (default: relacy-bench/ beside MHPSIM_BIN),
#   MHPSIM_DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 MHPSIM_BIN [ROUNDS]" >&2
  exit 2
fi
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mhpsim="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
mhpsim_bench="$(dirname "$mhpsim")/mhpsim_bench"
rounds="${2:-3}"
cache="${RELACY_CACHE:-$(dirname "$mhpsim")/relacy-bench}"
model_src="$top/bench/relacy/s1_model.cpp"
cases="${RELACY_CASES:-8:1 64:1 512:1 2048:1 4096:1 512:4}"
budget="${RELACY_OPS:-20000000}"
smoke=0
if [ "$rounds" = 0 ]; then
  smoke=1
  rounds=1
  cases="8:1 16:2"
fi
for f in "$mhpsim" "$mhpsim_bench"; do
  [ -x "$f" ] || { echo "relacy_compare: no $f (build the targets mhpsim and mhpsim_bench)" >&2; exit 2; }
done
mkdir -p "$cache"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The directory holding relacy/relacy.hpp: sets relacy_inc.
fetch_relacy() {
  if [ -f /usr/include/relacy/relacy.hpp ]; then
    relacy_inc=/usr/include
    return
  fi
  local dir="$cache/relacy-dev"
  relacy_inc="$dir/usr/include"
  [ -f "$relacy_inc/relacy/relacy.hpp" ] && return
  local dl="$cache/deb"
  rm -rf "$dl"
  mkdir -p "$dl"
  if ! (cd "$dl" && apt-get -qq download relacy-dev) >&2 2>/dev/null; then
    # The system's lists lack it: lists and cache of our own.
    local apt_dir="$cache/apt" suite mirror
    # shellcheck disable=SC1091  # the running system's file
    suite="$(. /etc/os-release && echo "$VERSION_CODENAME")"
    mirror="${MHPSIM_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
    mkdir -p "$apt_dir"/{lists/partial,cache/archives/partial}
    printf 'deb %s %s main\n' "$mirror" "$suite" > "$apt_dir/sources.list"
    local apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o Dir::Etc::sourceparts=-
                    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache")
    apt-get -qq "${apt_opts[@]}" update >&2
    (cd "$dl" && apt-get -qq "${apt_opts[@]}" download relacy-dev) >&2
  fi
  local deb
  deb="$(ls "$dl"/relacy-dev_*.deb)"
  rm -rf "$dir"
  dpkg-deb -x "$deb" "$dir"
  echo "relacy_compare: relacy-dev $(dpkg-deb -f "$deb" Version) unpacked in $dir" >&2
}

# The model binary for WALKERS and MODE (default, every, serial): prints its path.
model_bin() {
  local w="$1" mode="$2" bin flags=()
  bin="$cache/s1_model-w$w-$mode"
  case "$mode" in
    every) flags=(-DSCHED_EVERY_ACCESS) ;;
    serial) flags=(-DSERIAL_CHECK) ;;
  esac
  if [ ! -x "$bin" ] || [ "$model_src" -nt "$bin" ]; then
    echo "relacy_compare: building $(basename "$bin")" >&2
    # Relacy builds as C++11 to C++20 with g++ 12; C++20 like mhpsim, its
    # Release flags (-O3 -DNDEBUG), Relacy's own headers' warnings silenced.
    g++ -std=c++20 -O3 -DNDEBUG -DWALKERS="$w" "${flags[@]}" -isystem "$relacy_inc" "$model_src" -o "$bin.tmp" >&2
    mv "$bin.tmp" "$bin"
  fi
  echo "$bin"
}

# The geometry of PAGES device pages (as s1_model.cpp): "PPS SPS".
geometry() {
  local p="$1"
  if [ "$p" = 2 ]; then echo "1 1"
  elif [ "$p" -ge 4 ] && [ "$p" -le 2048 ] && [ $((p % 4)) = 0 ]; then echo "$((p / 4)) 2"
  elif [ "$p" -gt 2048 ] && [ "$p" -le 65536 ] && [ $((p % 1024)) = 0 ]; then echo "512 $((p / 1024))"
  else
    echo "relacy_compare: $p pages is no S1 shape (2, a multiple of 4 up to 2048, of 1024 up to 65536)" >&2
    exit 2
  fi
}

# S1's twin with PAGES device pages and WALKERS memory_failure() threads,
# each on the pfn the Relacy model's walker of that index uses.
write_twin() {
  local p="$1" w="$2" f="$3" pps sps i
  read -r pps sps < <(geometry "$p")
  local start=$((2 * pps * sps))
  {
    echo "name: s1-twin-${p}-pages-${w}-walkers"
    echo "description: bench/relacy_compare.sh's twin of scenarios/seeds/s1_deferred_memmap_init.yaml"
    echo "era: v6"
    echo "geometry: {pages_per_subsection: $pps, subsections_per_section: $sps, sections: 4}"
    echo "initial: {boot_sections: 2}"
    echo "devices:"
    echo "  - {name: pmem0, start_pfn: $start, nr_pages: $p, type: fsdax}"
    echo "threads:"
    echo "  - {name: devm_memremap_pages, op: memremap_pages, device: pmem0}"
    for ((i = 0; i < w; i++)); do
      echo "  - {name: memory_failure$i, op: memory_failure, pfn: $((start + (5 * p / 8 + i * p / w) % p))}"
    done
    echo "explore: {strategy: random, executions: 1000}"
  } > "$f"
}

now() { date +%s%N; }
# Wall seconds of a command (output to $tmp/out).
wall() {
  local t0 t1
  t0=$(now)
  "$@" > "$tmp/out"
  t1=$(now)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", (b - a) / 1e9 }'
}
# Executions/s of N executions: (N - 1) / (t(N) - t(1)).
rate() {
  local n="$1" t1="$2" tn="$3"
  awk -v n="$n" -v a="$t1" -v b="$tn" 'BEGIN { d = b - a; printf "%.0f", (d > 0 ? (n - 1) / d : 0) }'
}

fetch_relacy
declare -A serial_ops mh_mean n bin_default bin_every
for c in $cases; do
  p="${c%%:*}"
  w="${c##*:}"
  if ! [[ "$w" =~ ^[1-8]$ ]]; then
    echo "relacy_compare: walkers $w not in 1..8" >&2
    exit 2
  fi
  geometry "$p" > /dev/null
  write_twin "$p" "$w" "$tmp/twin-$p-$w.yaml"
  bin_default[$c]="$(model_bin "$w" default)"
  bin_every[$c]="$(model_bin "$w" every)"
  serial="$(model_bin "$w" serial)"
  # Operations of the serial execution: Relacy's count, checked against
  # mhpsim's events for the threads mhpsim_bench replays (0 and 1).
  read -r rl_ops rl_two < <("$serial" "$p" 1 | sed -E 's/.*ops_max=([0-9]+).*ops_first_two=([0-9]+).*/\1 \2/')
  events="$("$mhpsim_bench" 1 1 "$tmp/twin-$p-$w.yaml" | grep -oE 'its [0-9]+ recorded events' | grep -oE '[0-9]+')"
  mh_two=$((events - 6))
  if [ "$rl_two" != "$mh_two" ]; then
    echo "relacy_compare: $p pages: threads 0 and 1 do $rl_two operations in the Relacy model, $mh_two in mhpsim" >&2
    exit 1
  fi
  serial_ops[$c]="$rl_ops"
  if [ "$smoke" = 1 ]; then n[$c]=10; else n[$c]=$(( budget / rl_ops > 10 ? budget / rl_ops : 10 )); fi
  # mhpsim's mean operations per execution over the N executions measured
  # (deterministic: once per size); Relacy's comes with each of its runs.
  mh_mean[$c]="$("$mhpsim_bench" ops "${n[$c]}" "$tmp/twin-$p-$w.yaml" | sed -E 's/.*ops_mean=([0-9.]+).*/\1/')"
done

printf "%-5s %-6s %-7s %-16s %9s %12s %9s  %s\n" round pages walkers side executions "exec/s" "Mops/s" "notes"
declare -A results mresults opsof
for r in $(seq 1 "$rounds"); do
  for c in $cases; do
    p="${c%%:*}"
    w="${c##*:}"
    twin="$tmp/twin-$p-$w.yaml"
    for side in relacy mhpsim-no-memo relacy-every mhpsim; do  # the paired two back to back
      case "$side" in
        relacy | relacy-every)
          b="${bin_default[$c]}"
          [ "$side" = relacy-every ] && b="${bin_every[$c]}"
          t1="$(wall "$b" "$p" 1)"
          tn="$(wall "$b" "$p" "${n[$c]}")"
          notes="$(grep -oE '(ops_mean|racy_iterations|uninit_reads)=[0-9.]+' "$tmp/out" | tr '\n' ' ')"
          o="$(grep -oE 'ops_mean=[0-9.]+' "$tmp/out" | cut -d= -f2)"
          ;;
        mhpsim | mhpsim-no-memo)
          args=(run "$twin" --no-shrink --no-progress)
          [ "$side" = mhpsim-no-memo ] && args+=(--no-memo)
          t1="$(wall "$mhpsim" "${args[@]}" --executions 1)"
          tn="$(wall "$mhpsim" "${args[@]}" --executions "${n[$c]}")"
          notes="findings=$(grep -c '^BUG:' "$tmp/out" || true) $(grep -oE 'coverage: [0-9]+' "$tmp/out" | sed 's/: /=/' || true) ops_mean=${mh_mean[$c]}"
          o="${mh_mean[$c]}"
          ;;
      esac
      x="$(rate "${n[$c]}" "$t1" "$tn")"
      mops="$(awk -v x="$x" -v o="$o" 'BEGIN { printf "%.3f", x * o / 1e6 }')"
      results[$c,$side]+="$x "
      mresults[$c,$side]+="$mops "
      opsof[$c,$side]="$o"
      printf "%-5s %-6s %-7s %-16s %9s %12s %9.1f  %s\n" "$r" "$p" "$w" "$side" "${n[$c]}" "$x" "$mops" "$notes"
    done
  done
done

if [ "$smoke" = 1 ]; then
  echo "relacy_compare: smoke run done (operation counts agree; ten executions are no measurement)" >&2
  exit 0
fi
median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo
echo "medians over $rounds round(s); ops = mean operations per execution done (serial: the serial execution's);"
echo "ratios are of operations/s (each side's executions/s times its own mean operations per execution);"
echo "paired: the median over rounds of each round's own nm/rl (the machine's speed drifts between rounds)"
printf "%-6s %-7s %6s | %6s %10s %8s | %6s %10s %8s | %6s %10s %8s | %6s %10s %8s | %8s %8s %8s %8s\n" \
  pages walkers serial "rl ops" "rl ex/s" "Mop/s" "ev ops" "rl-ev ex/s" "Mop/s" "mh ops" "mh ex/s" "Mop/s" \
  "nm ops" "mh-nm ex/s" "Mop/s" "mh/rl" "nm/rl" "nm/rl-ev" "paired"
for c in $cases; do
  p="${c%%:*}"
  w="${c##*:}"
  line="$p $w ${serial_ops[$c]}"
  for side in relacy relacy-every mhpsim mhpsim-no-memo; do
    line+=" ${opsof[$c,$side]} $(median <<<"${results[$c,$side]}") $(median <<<"${mresults[$c,$side]}")"
  done
  paired="$(paste -d' ' <(tr ' ' '\n' <<<"${mresults[$c,mhpsim-no-memo]}" | grep .) \
    <(tr ' ' '\n' <<<"${mresults[$c,relacy]}" | grep .) | awk '{ if ($2 > 0) print $1 / $2 }' | median)"
  awk -v l="$line" -v pr="$paired" 'BEGIN {
    split(l, a, " ")
    printf "%-6s %-7s %6d | %6.1f %10d %8.1f | %6.1f %10d %8.1f | %6.1f %10d %8.1f | %6.1f %10d %8.1f | %8.2f %8.2f %8.2f %8.2f\n",
      a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15],
      a[12] / a[6], a[15] / a[6], a[15] / a[9], pr }'
done
