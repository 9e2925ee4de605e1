#!/bin/sh
# No password in chartty's memory once it has signed in: a memory image
# of the real binary (gcore), taken at Home after a password sign-in,
# holds the email it shows but not the password. libcurl's send buffer
# held the whole request, password and all, until its allocator was made
# to wipe what it frees (issue 17). Prints TAP. Runs under
# tests/harness.sh (portal).
. "$(dirname "$0")/../lib.sh"

CHARTTY=${CHARTTY:-./chartty}
PASSWORD=Chartty-demo-1
dir=$(mktemp -d "${TMPDIR:-/tmp}/memory-image.XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkfifo "$dir/in"

# The answers come through a FIFO kept open, so chartty waits at Home.
(printf '\n%s\n' "$PASSWORD"; sleep 30) >"$dir/in" &
feeder=$!
"$CHARTTY" --plain --no-keyring --server "$CHARTTY_TEST_PORTAL" \
    --user maria@example.org <"$dir/in" >"$dir/out" 2>&1 &
pid=$!
i=0
while [ $i -lt 150 ] && ! grep -q '^Choice: ' "$dir/out" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
grep -q '^Home$' "$dir/out"
ok $? "signed in with the password, Home shows"

gcore -o "$dir/core" "$pid" >"$dir/gcore.log" 2>&1
core=$(ls "$dir"/core.* 2>/dev/null | head -n 1)
[ -n "$core" ] && [ -s "$core" ]
ok $? "a memory image of chartty at Home (gcore)"
# The image is the real one: what chartty holds by design is in it.
grep -aqF 'maria@example.org' "$core" 2>/dev/null
ok $? "the image holds the email shown on screen"
hits=$(grep -acF "$PASSWORD" "$core" 2>/dev/null)
[ "${hits:-1}" -eq 0 ]
ok $? "the image holds no copy of the password ($hits found)"
if [ "${hits:-0}" -gt 0 ]; then
	grep -aoE ".{0,80}$PASSWORD" "$core" | head -n 3 | cat -v |
	    sed 's/^/#   /'
fi

kill "$feeder" "$pid" 2>/dev/null
wait 2>/dev/null
done_testing
