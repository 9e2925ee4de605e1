#!/bin/sh
# Run the tests that meet the clock (integration, keyring, tmux) under
# libfaketime at the instants where calendars go wrong: a Wednesday night
# whose "three days on" is a Saturday, a Saturday night, a Sunday just
# after midnight, a new year and the spring daylight-saving change.
# chartty and the test portal read the (faked) real clock; nothing in the
# product knows it is being tested. Every process of a test shares one
# faked clock (FAKETIME_DONT_RESET): a portal started 30 seconds into a
# test is 30 seconds on, not back at the instant.
#
# Usage: calendar.sh TEST... (run by `make check-calendar`;
# CALENDAR_ONLY=<label> runs one instant). Each instant's
# results go to tests/calendar/<instant>/, as automake's TAP driver writes
# them (.log and .trs), so tests/check.sh counts them with the rest.
# The instants run side by side; within one the fake clock runs on from
# test to test, as one run: a test started five minutes into the run
# starts five minutes after its instant.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
if ! command -v faketime >/dev/null 2>&1; then
	echo "check-calendar: faketime is missing (Debian package faketime)" >&2
	exit 1
fi
: "${AM_TAP_AWK:=awk}"
export AM_TAP_AWK
# Six at once: the tmux tests mostly wait on chartty, the kiosk's and
# the idle sign-out's timers, so six keep two cores busy and the run
# well inside CI's time. Every instant's tests are in one pool.
jobs=${CALENDAR_JOBS:-6}

# label, time zone, local start. The five instants run side by side and
# take about seven minutes, so the new year and the daylight-saving
# change are started 90 seconds before: they happen during the run, in
# the middle of tests.
instants='
wed-2352 UTC 2027-03-10 23:52:00
sat-2330 UTC 2027-03-13 23:30:00
sun-0005 UTC 2027-03-14 00:05:00
new-year UTC 2027-12-31 23:58:30
dst-spring America/New_York 2027-03-14 01:58:30
'

# One test at one instant, at its point of the run's timeline (called
# through xargs): --one LABEL TEST.
if [ "${1:-}" = --one ]; then
	label=$2 test=$3
	set -- $(echo "$instants" | grep "^$label ")
	tz=$2
	epoch=$(TZ=$tz date -d "$3 $4" +%s)
	name=$(echo "$test" | sed 's|^.*/tests/|tests/|; s|^\./||')
	out=tests/calendar/$label/$name
	mkdir -p "$(dirname "$out")"
	now=$((epoch + $(date +%s) - CALENDAR_BEGAN))
	at=$(TZ=$tz date -d "@$now" '+%Y-%m-%d %H:%M:%S')
	TZ=$tz $SHELL "$top/build-aux/tap-driver.sh" --test-name "$name" \
	    --log-file "$out.log" --trs-file "$out.trs" --color-tests no \
	    --enable-hard-errors yes --expect-failure no -- \
	    env TZ="$tz" FAKETIME_DONT_RESET=1 faketime -f "@$at" \
	    $SHELL "$top/tests/harness.sh" \
	    "$test" >/dev/null
	res=$(grep -h '^:global-test-result:' "$out.trs" | cut -d' ' -f2)
	echo "$res: [$label $at $tz] $name"
	exit 0
fi

SHELL=${SHELL:-/bin/sh}
CALENDAR_BEGAN=$(date +%s)
export SHELL top CALENDAR_BEGAN
rm -rf tests/calendar
# CALENDAR_ONLY=new-year (a label) runs one instant.
labels=$(echo "$instants" | awk 'NF { print $1 }' |
    grep -x "${CALENDAR_ONLY:-.*}")
for label in $labels; do
	echo "$instants" | grep "^$label " | (read -r _ tz day time
	echo "check-calendar: $label, $day $time $tz")
done
# One pool of jobs: the scripts first (the tmux tests, the longest), and
# each test at every instant before the next test, so that every
# instant has tests before, across and after its change of day.
for test in $(printf '%s\n' "$@" | grep -v '/test-') \
    $(printf '%s\n' "$@" | grep '/test-'); do
	for label in $labels; do
		echo "$label $test"
	done
done | xargs -n 2 -P "$jobs" $SHELL "$0" --one
fail=$(cat tests/calendar/*/tests/*/*.trs 2>/dev/null |
    grep -cE '^:test-result: (FAIL|ERROR|XPASS)')
pass=$(cat tests/calendar/*/tests/*/*.trs 2>/dev/null |
    grep -c '^:test-result: PASS')
echo "check-calendar: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
