#!/bin/bash
# compare.sh: run gort's benchmarks beside the anchors (Go, bdwgc, glibc,
# Boost.Context) in one run, and print each gort figure as a ratio to its
# anchor's.  Round-robin: every program once per round, RUNS rounds,
# medians reported.  amd64 only: qemu timings mean nothing.
#
#   test/bench/compare.sh [BUILD_DIR]        (default: build)
#   RUNS=5 ONLY='ctxswitch' ANCHORS=../shared/bench-anchors test/bench/compare.sh
#   SETTLE_MB=0 test/bench/compare.sh     (no settling: see below)
#   LOG=/tmp/bench.log test/bench/compare.sh  (keep every BENCH line, in run order)
#
# A benchmark that runs on one P runs pinned, with its anchor, to one CPU
# (the first this script may use; PIN=N picks another, PIN=none pins
# nothing).  On a shared machine one CPU can be much slower than another
# (a busy neighbour): seen here, 85 against 117 ns for the same round
# trip, and 233 against 344 for Go's.  Unpinned, a ratio depended on where
# each program happened to land; pinned, the pair runs on the same CPU.
#
# The anchors need golang-go, libgc-dev and libboost-context-dev, which
# `.ci/setup bench` installs when they are missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
sh .ci/setup bench
build=${1:-build}
RUNS=${RUNS:-5}
ONLY=${ONLY:-.}
ANCHORS=${ANCHORS:-../shared/bench-anchors}
PIN=${PIN:-$(taskset -pc $$ | sed 's/.*: *//; s/[-,].*//')}
SETTLE_MB=${SETTLE_MB:-3072}    # more than any program's peak (Go's spawn1m: 2.6 GB)
[ -d "$ANCHORS" ] || { echo "no anchors at $ANCHORS (set ANCHORS)"; exit 1; }
ninja -C "$build" >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$ANCHORS/." "$work/"
mkdir -p "$work/bin"

# One row a comparison: gort benchmark | its name:metric | anchor program
# and arguments | the anchor's name:impl:metric it is compared with.
pairs=(
  "ctxswitch|ctxswitch:switch|ctxswitch|ctxswitch_fcontext:boostctx:switch"
  "deeprec|deeprec:wall_cold|gobench deeprec|deeprec:go:wall_cold"
  "deeprec|deeprec:wall_warm|gobench deeprec|deeprec:go:wall_warm"
  "deeprec|deeprec:rss_hwm|gobench deeprec|deeprec:go:rss_hwm"
  "hotsplit|hotsplit:call|gobench hotsplit|hotsplit:go:call"
  "hotsplit|hotsplit_base:call|gobench hotsplit|hotsplit_base:go:call"
  "yield|yield:switch|gobench yield|yield:go:switch"
  "pingpong1|pingpong_p1:roundtrip|gobench pingpong 1|pingpong_p1:go:roundtrip"
  "pingpong2|pingpong_p2:roundtrip|gobench pingpong 2|pingpong_p2:go:roundtrip"
  "skynet1|skynet_p1:wall|gobench skynet 1|skynet_p1:go:wall"
  "skynet2|skynet_p2:wall|gobench skynet 2|skynet_p2:go:wall"
  "skynet2|skynet_p2:rss_hwm|gobench skynet 2|skynet_p2:go:rss_hwm"
  "spawn1m|spawn1m:wall|gobench spawn1m|spawn1m:go:wall"
  "spawn1m|spawn1m:rss_hwm|gobench spawn1m|spawn1m:go:rss_hwm"
  "spawn1m_defer|spawn1m_defer:wall|gobench spawn1m_defer|spawn1m_defer:go:wall"
  "spawn1m_defer|spawn1m_defer:rss_hwm|gobench spawn1m_defer|spawn1m_defer:go:rss_hwm"
  "defer|defer:call|gobench defer|defer:go:call"
  "defer|defer_loop:call|gobench defer|defer_loop:go:call"
  "binarytrees|binarytrees_seq:wall|binarytrees_gc|binarytrees_seq:bdwgc:wall"
  "binarytrees|binarytrees_seq:maxpause|binarytrees_gc|binarytrees_seq:bdwgc:maxpause"
  "binarytrees|binarytrees_seq:rss_hwm|gobench binarytrees_seq|binarytrees_seq:go:rss_hwm"
  "binarytrees|binarytrees_seq:wall|gobench binarytrees_seq|binarytrees_seq:go:wall"
  "gcbench|gcbench:wall|gcbench_gc|gcbench:bdwgc:wall"
  "gcbench|gcbench:maxpause|gcbench_gc|gcbench:bdwgc:maxpause"
  "gcbench|gcbench:totalpause|gcbench_gc|gcbench:bdwgc:totalpause"
  "gcbench|gcbench:rss_hwm|gcbench_gc|gcbench:bdwgc:rss_hwm"
  "gcbench|gcbench:wall|gobench gcbench|gcbench:go:wall"
  "alloc|alloc16:alloc|alloc_gc|alloc16:bdwgc:alloc"
  "alloc|alloc64:alloc|alloc_gc|alloc64:bdwgc:alloc"
  "alloc|alloc1024:alloc|alloc_gc|alloc1024:bdwgc:alloc"
  "alloc|alloc16:alloc|alloc_malloc|alloc16:glibc:alloc"
  "alloc|alloc64:alloc|alloc_malloc|alloc64:glibc:alloc"
  "alloc|alloc1024:alloc|alloc_malloc|alloc1024:glibc:alloc"
)

build_anchor() {
	case ${1%% *} in
	ctxswitch) g++ -O2 -std=c++17 "$work/c/ctxswitch.cpp" -o "$work/bin/ctxswitch" -lboost_context ;;
	gobench) (cd "$work/go" && go build -o "$work/bin/gobench" .) ;;
	binarytrees_gc) gcc -O2 "$work/c/binarytrees_gc.c" -o "$work/bin/binarytrees_gc" -lgc ;;
	gcbench_gc) gcc -O2 "$work/c/gcbench_gc.c" -o "$work/bin/gcbench_gc" -lgc ;;
	alloc_gc) gcc -O2 -DUSE_BDWGC "$work/c/alloc.c" -o "$work/bin/alloc_gc" -lgc ;;
	alloc_malloc) gcc -O2 "$work/c/alloc.c" -o "$work/bin/alloc_malloc" ;;
	esac
}

# pinned BENCH: the prefix that pins BENCH's programs, if it runs on one P.
pinned() {
	case $1 in
	yield | pingpong1 | skynet1) [ "$PIN" != none ] && echo "taskset -c $PIN" ;;
	esac
	return 0
}

declare -A cmds=()
for row in "${pairs[@]}"; do
	IFS='|' read -r bench _ anchor _ <<<"$row"
	[[ $bench =~ $ONLY ]] || continue
	pin=$(pinned "$bench")
	case $bench in
	pingpong?) cmds["gort:$bench"]="env GORT_MAXPROCS=${bench#pingpong} $build/test/bench/bench-pingpong" ;;
	yield) cmds["gort:$bench"]="env GORT_MAXPROCS=1 $build/test/bench/bench-yield" ;;
	skynet?) cmds["gort:$bench"]="env GORT_MAXPROCS=${bench#skynet} $build/test/bench/bench-skynet" ;;
	*) cmds["gort:$bench"]="$build/test/bench/bench-$bench" ;;
	esac
	cmds["gort:$bench"]="$pin ${cmds["gort:$bench"]}"
	if [ -z "${cmds[anchor:$anchor]:-}" ]; then
		[ -x "$work/bin/${anchor%% *}" ] || build_anchor "$anchor"
		cmds["anchor:$anchor"]="$pin $work/bin/$anchor"
	fi
done

# Every program starts with SETTLE_MB of memory just freed (settle.c:
# this machine's host takes back memory that stays free for a couple of
# seconds, and the first touch of such memory is slow).  SETTLE_MB=0
# runs without, as before: then each program's start depends on what ran
# before it.
log="$work/bench.log"
for round in $(seq 1 "$RUNS"); do
	for key in "${!cmds[@]}"; do
		[ "$SETTLE_MB" = 0 ] || "$build/test/bench/bench-settle" "$SETTLE_MB"
		${cmds[$key]} | grep '^BENCH ' >>"$log" || echo "# $key failed in round $round"
	done
done

# median NAME IMPL METRIC: the median value of that figure in the log.
median() {
	awk -v n="$1" -v i="$2" -v m="$3" '
	{ delete kv; for (f = 2; f <= NF; f++) { split($f, p, "="); kv[p[1]] = p[2] }
	  if (kv["name"] == n && kv["impl"] == i && kv["metric"] == m) print kv["value"] }' "$log" |
	sort -g | awk '{ v[++c] = $1 }
	END { if (c == 0) exit 1; print (c % 2) ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2 }'
}

printf '%-14s %-10s %12s %12s  %-28s %s\n' bench metric gort anchor "anchor figure" ratio
for row in "${pairs[@]}"; do
	IFS='|' read -r bench figure anchor against <<<"$row"
	[[ $bench =~ $ONLY ]] || continue
	IFS=':' read -r gname gmetric <<<"$figure"
	IFS=':' read -r aname aimpl ametric <<<"$against"
	g=$(median "$gname" gort "$gmetric") || g=NA
	a=$(median "$aname" "$aimpl" "$ametric") || a=NA
	r=NA
	[ "$g" != NA ] && [ "$a" != NA ] && r=$(awk -v g="$g" -v a="$a" 'BEGIN { printf "%.2fx", g / a }')
	printf '%-14s %-10s %12s %12s  %-28s %s\n' "$gname" "$gmetric" "$g" "$a" "$aname/$aimpl" "$r"
done
echo "(median of $RUNS rounds, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cpus, one-P benchmarks pinned: $PIN, settled: $SETTLE_MB MB)"
[ -z "${LOG:-}" ] || cp "$log" "$LOG"
