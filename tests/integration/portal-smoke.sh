#!/bin/sh
# The test portal's own end-to-end checks (tests/portal/smoke.mjs): the
# contract of portal-api.md sections 1-3 and 5, as TAP.
exec node --experimental-websocket "${TEST_PORTAL_DIR:-$(dirname "$0")/../portal}/smoke.mjs"
