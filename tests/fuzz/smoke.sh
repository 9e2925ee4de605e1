#!/bin/sh
# make fuzz-smoke: run each fuzz target for FUZZ_SECONDS (60) seconds on
# its seeds (tests/fuzz/seeds/NAME in the sources, tests/fuzz/seeds-portal
# /NAME from the test portal) and what it found before (tests/fuzz/corpus
# /NAME), FUZZ_JOBS (2) at once, with an RSS limit of FUZZ_RSS_MB (2048).
# Prints TAP, one line a target with its executions, and a last line
# "fuzz-smoke: N targets, N crashed"; exits 1 on any crash, leak, time-out
# or sanitizer report. A finding's input is kept as
# tests/fuzz/crashes/NAME-crash-<sha1> (or -leak-, -timeout-, -oom-):
# replay it with tests/fuzz/fuzz-NAME FILE.
# Usage (from the build directory): smoke.sh tests/fuzz/fuzz-NAME ...
set -u
S=${top_srcdir:-.}
secs=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-2}
rss=${FUZZ_RSS_MB:-2048}
out=tests/fuzz

# One target (run by xargs, jobs at once): its log and exit status.
if [ "${1:-}" = --one ]; then
	name=${2##*/}
	name=${name#fuzz-}
	dirs=$out/corpus/$name
	mkdir -p "$dirs" "$out/crashes"
	for d in "$S/tests/fuzz/seeds/$name" "$out/seeds-portal/$name"; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	# shellcheck disable=SC2086
	"$2" -max_total_time="$secs" -rss_limit_mb="$rss" -timeout=20 \
	    -print_final_stats=1 -artifact_prefix="$out/crashes/$name-" \
	    $dirs >"$out/logs/$name.log" 2>&1
	echo $? >"$out/logs/$name.rc"
	exit 0
fi

[ $# -gt 0 ] || { echo "usage: smoke.sh TARGET..." >&2; exit 2; }
rm -rf "$out/logs"
mkdir -p "$out/logs"
echo "1..$#"
start=$(date +%s)
printf '%s\n' "$@" | xargs -P "$jobs" -I{} "${SHELL:-/bin/sh}" "$0" --one {}
n=0
crashed=0
for t in "$@"; do
	n=$((n + 1))
	name=${t##*/}
	name=${name#fuzz-}
	log=$out/logs/$name.log
	rc=$(cat "$out/logs/$name.rc" 2>/dev/null || echo 127)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	runs=${runs:-0}
	if [ "$rc" -eq 0 ]; then
		echo "ok $n - $name: $runs executions in $secs s, no crash"
		continue
	fi
	crashed=$((crashed + 1))
	what=$(grep -m 1 -E '^==[0-9]+==ERROR|runtime error|^fuzz: |ERROR: libFuzzer' "$log" |
	    sed 's/^==[0-9]*==//')
	input=$(sed -n 's/.*[Tt]est unit written to \(.*\)$/\1/p' "$log" |
	    tail -n 1)
	echo "not ok $n - $name: crashed after $runs executions: ${what:-exit $rc}"
	[ -n "$input" ] && echo "# input: $input (replay: $t $input)"
	echo "# log: $log"
done
echo "# $(($(date +%s) - start)) s in all, $jobs at once"
echo "fuzz-smoke: $n targets, $crashed crashed"
[ "$crashed" -eq 0 ]
