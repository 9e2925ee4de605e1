#!/bin/sh
# The wire benchmark (bench-wire.mjs), run by tests/harness.sh with the
# test portal; TAP on stdout, figures as "# " lines.
exec node --experimental-websocket "$(dirname "$0")/bench-wire.mjs"
