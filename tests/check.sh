#!/bin/sh
# Run chartty's whole test suite on this machine: set up what is missing,
# then make check (unit, integration against the real test portal, the
# real keyring, tmux, a plain session under valgrind), make
# check-calendar (the tests that meet the clock, under libfaketime at five
# instants), the fuzz smoke (each libFuzzer target for 60 s, in a
# fuzzing build of its own) and make distcheck (the release tarball,
# built with ASan and UBSan, runs the unit and integration tests). Ends
# with "N passed, N failed"; about 27 minutes on 2 cores.
set -u
cd "$(dirname "$0")/.."
sh tests/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

# Three at once: the tmux tests mostly wait on chartty.
make -j3 check >check.out 2>&1
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

# Fuzzing: every parser of outside bytes for 60 s (tests/fuzz/), built
# with clang's libFuzzer, ASan and UBSan from a copy of the sources (this
# tree is configured for the normal build). One result a target.
echo "make fuzz-smoke: each fuzz target for 60 seconds"
rm -rf build-fuzz
if make distdir distdir=build-fuzz >fuzz.out 2>&1 &&
    (cd build-fuzz && ./configure --enable-fuzzing \
    --with-test-portal="$PWD/../tests/portal" && make -j2 fuzz-smoke) \
    >>fuzz.out 2>&1; then
	:
elif ! grep -q '^fuzz-smoke: ' fuzz.out; then
	fail=$((fail + 1))
	echo "FAIL: the fuzzing build"
	tail -n 30 fuzz.out
fi
grep -E '^(not )?ok [0-9]+ - |^fuzz-(smoke|seeds): ' fuzz.out
pass=$((pass + $(grep -cE '^ok [0-9]+ - ' fuzz.out)))
fail=$((fail + $(grep -cE '^not ok [0-9]+ - ' fuzz.out)))

# The tarball: it builds with ASan and UBSan (--enable-sanitizers; any
# report ends the program that made it, leaks included), installs and
# uninstalls, and its unit and integration tests pass in that build. The
# tests that read the binary (hardening, a memory image, valgrind) ran
# above on the normal build; hostile.py states a memory bound that
# ASan's shadow memory would not keep.
echo "make distcheck: the tarball, built with ASan and UBSan, and its tests"
dist_tests="$(ls tests/unit/test-*.c tests/integration/test-*.c |
    sed 's/\.c$//' | tr '\n' ' ')"
dist_tests="$dist_tests tests/docs.sh tests/layers.sh"
dist_tests="$dist_tests tests/integration/cli.sh tests/integration/tls.py"
# A report ends the program with SIGABRT, never an exit status a test
# could take for a failure it expects; ASan's and LeakSanitizer's are
# also written to a file of their own, which fails the run by itself.
reports=$PWD/sanitizer-reports
rm -rf "$reports" && mkdir "$reports"
if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:log_path=$reports/asan \
    UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1 \
    make distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-sanitizers \
    TESTS="$dist_tests" >distcheck.out 2>&1 &&
    [ -z "$(ls "$reports")" ]; then
	pass=$((pass + 1))
	echo "PASS: make distcheck"
else
	fail=$((fail + 1))
	echo "FAIL: make distcheck"
	grep -E '^(FAIL|ERROR): ' distcheck.out
	tail -n 40 distcheck.out
	for r in "$reports"/*; do
		[ -f "$r" ] && echo "---- $r" && head -n 40 "$r"
	done
fi
sp=$(sed -n 's/^# PASS: *//p' distcheck.out | tail -n 1)
sf=$(sed -n 's/^# FAIL: *//p' distcheck.out | tail -n 1)
se=$(sed -n 's/^# ERROR: *//p' distcheck.out | tail -n 1)
echo "make distcheck: under ASan and UBSan ${sp:-0} passed, $((${sf:-0} + ${se:-0})) failed"
pass=$((pass + ${sp:-0}))

if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
