# Shell helpers for chartty's script tests: TAP output and the test portal.
# Sourced by tests/*/*.sh, which run under tests/harness.sh.

tap_n=0
tap_failed=0

ok() {	# ok CONDITION-EXIT-STATUS DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

like() {	# like TEXT PATTERN DESCRIPTION (grep -E pattern)
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '%s\n' "$1" | sed 's/^/#   got: /'
		echo "#   expected to match: $2"
	fi
}

unlike() {	# unlike TEXT PATTERN DESCRIPTION
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 1 "$3"
		printf '%s\n' "$1" | sed 's/^/#   got: /'
	else
		ok 0 "$3"
	fi
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# The test portal's controls (tests/portal/README.md).
portal_get() { curl -sf "$CHARTTY_TEST_PORTAL$1"; }
portal_post() { curl -sf -X POST -H 'Content-Type: application/json' \
    -d "${2:-{\}}" "$CHARTTY_TEST_PORTAL$1"; }
portal_totp() {
	portal_get "/_test/totp?email=$1" |
	    sed -n 's/.*"code" *: *"\([0-9]*\)".*/\1/p'
}
