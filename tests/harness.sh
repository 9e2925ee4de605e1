#!/bin/sh
# Run one chartty test (a C program or a shell script) in a clean world:
# a private HOME and TMPDIR; for integration tests the real test portal on
# loopback (and for tests named *linked* or *smart* a second one, Harbor
# Clinic, a plain SMART server; for tests named *together* a second Main
# Street); for keyring tests and bench-memory also a private D-Bus with
# gnome-keyring.
# Usage: harness.sh TEST [ARGS...]; output is the test's TAP.
set -u
test=$1
shift

world=$(mktemp -d "${TMPDIR:-/tmp}/chartty-test.XXXXXX")
portal_pid=
smart_pid=
other_pid=
cleanup() {
	[ -n "$portal_pid" ] && kill "$portal_pid" 2>/dev/null && wait "$portal_pid" 2>/dev/null
	[ -n "$smart_pid" ] && kill "$smart_pid" 2>/dev/null && wait "$smart_pid" 2>/dev/null
	[ -n "$other_pid" ] && kill "$other_pid" 2>/dev/null && wait "$other_pid" 2>/dev/null
	rm -rf "$world"
}
trap cleanup EXIT INT TERM

# portal_wait NAME PID WHAT: waits for the ready line of the portal whose
# output is $world/NAME.out and sets url; bails out when it does not start.
portal_wait() {
	url=
	# Up to two minutes: a bound on a hung start, not a timing check.
	for _ in $(seq 1 1200); do
		url=$(sed -n 's/^portal listening on \(http[^ ]*\).*/\1/p' \
		    "$world/$1.out" 2>/dev/null | head -n 1)
		[ -n "$url" ] && return 0
		kill -0 "$2" 2>/dev/null || break
		sleep 0.1
	done
	echo "Bail out! $3 did not start:"
	sed 's/^/# /' "$world/$1.err"
	exit 1
}

mkdir -p "$world/home" "$world/tmp"
HOME=$world/home
XDG_CONFIG_HOME=$world/home/.config
XDG_DATA_HOME=$world/home/.local/share
XDG_CACHE_HOME=$world/home/.cache
XDG_RUNTIME_DIR=$world/run
TMPDIR=$world/tmp
CHARTTY_TEST_WORLD=$world
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
export HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME XDG_RUNTIME_DIR TMPDIR CHARTTY_TEST_WORLD
# No keyring unless the test asks for one: the no-keyring path is tested too.
unset DBUS_SESSION_BUS_ADDRESS DISPLAY WAYLAND_DISPLAY

case $test in
*/integration/*|*/keyring/*|*/tui/*|*/bench/*)
	dir=${TEST_PORTAL_DIR:-$(dirname "$0")/portal}
	if [ ! -d "$dir/node_modules/@medplum/fhir-router" ]; then
		echo "Bail out! the test portal is not installed: run 'npm ci' in $dir"
		exit 1
	fi
	# Tests named *contract* meet the contract-only clinic (Medplum's
	# example data, tests/portal/springfield.mjs); the others Main Street.
	clinic=main-street
	case ${test##*/} in *contract*) clinic=springfield ;; esac
	# Walter Long, the patient with 20,000 observations, costs a second
	# of the portal's start and of every reset: only the tests that read
	# him have him.
	big=--no-big
	case ${test##*/} in
	test-results|test-export|test-inbox|test-linked|bench-results|\
	bench-memory.py) big= ;;
	esac
	# shellcheck disable=SC2086
	node --experimental-websocket "$dir/server.mjs" --test $big \
	    --port 0 --clinic "$clinic" >"$world/portal.out" \
	    2>"$world/portal.err" &
	portal_pid=$!
	# Tests named *linked* or *smart* also meet Harbor Clinic, a plain
	# SMART server (tests/portal/harbor.mjs); both start side by side.
	# Tests named *together* meet a second Main Street portal instead:
	# another organization that takes changes, for linked accounts.
	case ${test##*/} in
	*linked*|*smart*)
		node --experimental-websocket "$dir/server.mjs" --test \
		    --port 0 --clinic harbor \
		    >"$world/smart.out" 2>"$world/smart.err" &
		smart_pid=$!
		;;
	*together*)
		node --experimental-websocket "$dir/server.mjs" --test \
		    --no-big --port 0 --clinic main-street \
		    >"$world/other.out" 2>"$world/other.err" &
		other_pid=$!
		;;
	esac
	portal_wait portal "$portal_pid" "the test portal"
	CHARTTY_TEST_PORTAL=$url
	export CHARTTY_TEST_PORTAL
	if [ -n "$smart_pid" ]; then
		portal_wait smart "$smart_pid" \
		    "the SMART test portal (Harbor Clinic)"
		CHARTTY_TEST_SMART=$url
		export CHARTTY_TEST_SMART
	fi
	if [ -n "$other_pid" ]; then
		portal_wait other "$other_pid" "the second test portal"
		CHARTTY_TEST_OTHER=$url
		export CHARTTY_TEST_OTHER
	fi
	;;
esac

case $test in
*.sh)	set -- "${SHELL:-/bin/sh}" "$test" "$@" ;;
*.py)	set -- python3 "$test" "$@" ;;
*)	set -- "$test" "$@" ;;
esac

case $test in
*/keyring/*|*/bench/bench-memory.py)
	# A private session bus and an unlocked keyring, as on a desktop
	# (bench-memory: a session as a patient has it, keyring in use).
	dbus-run-session -- sh -c '
		echo -n chartty-test | gnome-keyring-daemon --unlock \
		    --components=secrets >/dev/null 2>&1
		exec "$@"' sh "$@" 2>"$world/dbus.err"
	rc=$?
	grep -v "Failed to set fd limit" "$world/dbus.err" >&2
	exit $rc
	;;
*)
	"$@"
	;;
esac
