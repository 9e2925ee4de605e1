#!/bin/sh
# The demo: build chartty, start the test portal with demo data on this
# machine, show the demo sign-in details, and open chartty on it.
# Quitting chartty stops the portal.
set -eu
cd "$(dirname "$0")/.."
sh tests/setup.sh

log=$(mktemp -d "${TMPDIR:-/tmp}/chartty-demo.XXXXXX")
node --experimental-websocket tests/portal/server.mjs --demo --test \
    --port "${CHARTTY_DEMO_PORT:-0}" >"$log/portal.out" 2>"$log/portal.err" &
portal=$!
trap 'kill $portal 2>/dev/null; rm -rf "$log"' EXIT
trap 'exit 130' INT TERM HUP

url=
for _ in $(seq 1 300); do
	url=$(sed -n 's/^portal listening on \(http[^ ]*\).*/\1/p' "$log/portal.out" | head -n 1)
	[ -n "$url" ] && break
	kill -0 "$portal" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$url" ]; then
	echo "The demo portal did not start:" >&2
	cat "$log/portal.err" >&2
	exit 1
fi
sleep 0.2	# let the portal finish printing the demo accounts
echo
sed '1d' "$log/portal.out"
# The sign-in screen says the demo accounts too, through the account's note.
cat >"$log/config" <<CONF
[account demo]
server = $url
email = maria@example.org
label = the demo portal (Main Street Clinic)
note = Demo: maria@example.org, password Chartty-demo-1. With a code: james@example.org, password Chartty-demo-2, code: curl '$url/_test/totp?email=james@example.org'
CONF
echo
echo "Opening chartty on the demo portal at $url (q quits)"
sleep 1
./chartty --config "$log/config" "$@" </dev/tty || true
