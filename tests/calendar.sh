#!/bin/sh
# Run the tests that meet the clock (integration, keyring, tmux) under
# libfaketime at the instants where calendars go wrong: a Wednesday night
# whose "three days on" is a Saturday, a Saturday night, a Sunday just
# after midnight, a new year and the spring daylight-saving change.
# chartty and the test portal read the (faked) real clock; nothing in the
# product knows it is being tested.
#
# Usage: calendar.sh TEST... (run by `make check-calendar`;
# CALENDAR_ONLY=<label> runs one instant). Each instant's
# results go to tests/calendar/<instant>/, as automake's TAP driver writes
# them (.log and .trs), so tests/check.sh counts them with the rest.
# Within an instant the fake clock runs on from test to test, as one run.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
if ! command -v faketime >/dev/null 2>&1; then
	echo "check-calendar: faketime is missing (Debian package faketime)" >&2
	exit 1
fi
: "${AM_TAP_AWK:=awk}"
export AM_TAP_AWK
# Three at once: the kiosk's and the idle sign-out's tests mostly wait
# on their timers, so a third job keeps the run well inside CI's time.
jobs=${CALENDAR_JOBS:-3}

# label, time zone, local start. The tests of one instant take about
# three minutes, so the new year and the daylight-saving change are
# started 90 seconds before: they happen during the run, in the middle
# of tests.
instants='
wed-2352 UTC 2027-03-10 23:52:00
sat-2330 UTC 2027-03-13 23:30:00
sun-0005 UTC 2027-03-14 00:05:00
new-year UTC 2027-12-31 23:58:30
dst-spring America/New_York 2027-03-14 01:58:30
'

# One test at one point of an instant's timeline (called through xargs).
if [ "${1:-}" = --one ]; then
	label=$2 tz=$3 epoch=$4 began=$5 test=$6
	name=$(echo "$test" | sed 's|^.*/tests/|tests/|; s|^\./||')
	out=tests/calendar/$label/$name
	mkdir -p "$(dirname "$out")"
	now=$((epoch + $(date +%s) - began))
	at=$(TZ=$tz date -d "@$now" '+%Y-%m-%d %H:%M:%S')
	TZ=$tz $SHELL "$top/build-aux/tap-driver.sh" --test-name "$name" \
	    --log-file "$out.log" --trs-file "$out.trs" --color-tests no \
	    --enable-hard-errors yes --expect-failure no -- \
	    env TZ="$tz" faketime -f "@$at" $SHELL "$top/tests/harness.sh" \
	    "$test" >/dev/null
	res=$(grep -h '^:global-test-result:' "$out.trs" | cut -d' ' -f2)
	echo "$res: [$label $at $tz] $name"
	exit 0
fi

SHELL=${SHELL:-/bin/sh}
export SHELL top
rm -rf tests/calendar
echo "$instants" | while read -r label tz day time; do
	[ -n "$label" ] || continue
	# CALENDAR_ONLY=new-year (a label) runs one instant.
	[ -z "${CALENDAR_ONLY:-}" ] || [ "$CALENDAR_ONLY" = "$label" ] ||
	    continue
	epoch=$(TZ=$tz date -d "$day $time" +%s)
	began=$(date +%s)
	echo "check-calendar: $label, $day $time $tz"
	for t in "$@"; do
		echo "$t"
	done | xargs -P "$jobs" -I{} $SHELL "$0" --one "$label" "$tz" \
	    "$epoch" "$began" {}
done
fail=$(cat tests/calendar/*/tests/*/*.trs 2>/dev/null |
    grep -cE '^:test-result: (FAIL|ERROR|XPASS)')
pass=$(cat tests/calendar/*/tests/*/*.trs 2>/dev/null |
    grep -c '^:test-result: PASS')
echo "check-calendar: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
