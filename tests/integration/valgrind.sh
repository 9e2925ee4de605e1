#!/bin/sh
# One scripted plain session of the real binary under valgrind: sign in,
# Home, the health summary, the messages, a conversation, quit. Any
# memory error, or memory definitely lost, fails it (issue 17). Prints
# TAP. Runs under tests/harness.sh (portal).
. "$(dirname "$0")/../lib.sh"

CHARTTY=${CHARTTY:-./chartty}
dir=$(mktemp -d "${TMPDIR:-/tmp}/valgrind.XXXXXX")
trap 'rm -rf "$dir"' EXIT

if ! command -v valgrind >/dev/null 2>&1; then
	ok 1 "valgrind is installed (tests/setup.sh installs it)"
	done_testing
	exit 1
fi
# Answers a line at a time: the email offered, the password, then Home's
# areas by number (1: the summary, 4: the messages, then the first
# conversation), back, and quit.
printf '\nChartty-demo-1\n1\nb\n4\n2\nb\nb\nq\n' >"$dir/in"
valgrind --leak-check=full --errors-for-leak-kinds=definite \
    --error-exitcode=9 --log-file="$dir/vg.log" \
    "$CHARTTY" --plain --no-keyring --server "$CHARTTY_TEST_PORTAL" \
    --user maria@example.org <"$dir/in" >"$dir/out" 2>&1
rc=$?
grep -q 'Penicillin' "$dir/out"
ok $? "the session read the health summary under valgrind"
grep -q '^Conversation$' "$dir/out"
ok $? "and a conversation"
[ "$rc" -ne 9 ]
ok $? "no memory error and nothing definitely lost (exit $rc)"
if [ "$rc" -eq 9 ] || [ "$rc" -ne 0 ]; then
	grep -E 'Invalid|uninitialised|definitely lost|ERROR SUMMARY' \
	    "$dir/vg.log" | head -n 20 | sed 's/^/#   /'
	tail -n 5 "$dir/out" | sed 's/^/#   /'
fi
[ "$rc" -eq 0 ]
ok $? "chartty ended normally under valgrind"
summary=$(grep 'ERROR SUMMARY' "$dir/vg.log" | tail -n 1)
echo "# valgrind: ${summary#*== }"
lost=$(grep 'definitely lost' "$dir/vg.log" | tail -n 1)
echo "# valgrind: ${lost#*== }"
done_testing
