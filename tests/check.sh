#!/bin/sh
# Run chartty's whole test suite on this machine: set up what is missing,
# then make check (unit, integration against the real test portal, the
# real keyring), make check-calendar (the tests that meet the clock, under
# libfaketime at five instants) and make distcheck. Ends with
# "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
sh tests/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

make -j2 check >check.out 2>&1
check_rc=$?
# The same tests on other days and at other hours (tests/calendar.sh);
# their results join the others' under tests/calendar/.
echo "make check-calendar: the tests that meet the clock, at five instants"
make check-calendar >calendar.out 2>&1 || check_rc=1
grep '^check-calendar: ' calendar.out
# One line per test file, then any failing file's log in full.
for trs in $(find tests -name '*.trs' | sort); do
	p=$(grep -c '^:test-result: PASS' "$trs")
	f=$(grep -cE '^:test-result: (FAIL|ERROR|XPASS)' "$trs")
	echo "${trs%.trs}: $p passed, $f failed"
done
for log in $(find tests -name '*.log' ! -name 'test-suite.log'); do
	if grep -qE '^(not ok|Bail out!)' "$log"; then
		echo "---- $log"
		cat "$log"
	fi
done
pass=$(cat $(find tests -name '*.trs') 2>/dev/null | grep -c '^:test-result: PASS')
fail=$(cat $(find tests -name '*.trs') 2>/dev/null | grep -cE '^:test-result: (FAIL|ERROR|XPASS)')
skip=$(cat $(find tests -name '*.trs') 2>/dev/null | grep -c '^:test-result: SKIP')
if [ "$check_rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
	tail -n 30 check.out calendar.out
	fail=1
fi

# The tarball: it builds, installs and uninstalls, and its unit tests,
# docs, layers, hardening and a sign-in against the portal pass (the
# whole suite ran above, in this tree).
echo "make distcheck: building the tarball and testing it unpacked"
dist_tests="$(ls tests/unit/test-*.c | sed 's/\.c$//' | tr '\n' ' ')"
dist_tests="$dist_tests tests/docs.sh tests/layers.sh tests/hardening.sh"
dist_tests="$dist_tests tests/integration/test-signin tests/integration/cli.sh"
if make distcheck TESTS="$dist_tests" >distcheck.out 2>&1; then
	pass=$((pass + 1))
	echo "PASS: make distcheck"
else
	fail=$((fail + 1))
	echo "FAIL: make distcheck"
	tail -n 40 distcheck.out
fi

if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
