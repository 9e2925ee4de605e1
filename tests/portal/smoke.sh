#!/usr/bin/env bash
# Runs the test portal smoke test: installs the pinned npm packages when
# they are missing, starts server.mjs --test on an ephemeral port and checks
# it end to end. Ends with "N passed, N failed"; exit status 0 on success.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules/@medplum/fhir-router ]; then
	npm ci --no-audit --no-fund --loglevel=error
fi
exec node --experimental-websocket smoke.mjs
