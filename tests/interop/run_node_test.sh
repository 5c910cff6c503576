#!/bin/sh
# Runs a Node test script that needs mqtt-packet from tests/interop/node_modules.
# Outside CI a missing node or missing node_modules skips the test (exit 77,
# which ctest reports as skipped) with the reason; under CI=true, whose setup
# (.ci/deps) installs both, either one missing fails the test.
# Usage: run_node_test.sh SCRIPT [ARGS...]
here=$(cd "$(dirname "$0")" && pwd)
missing=""
if ! command -v node >/dev/null 2>&1; then
  missing="node is not installed"
elif [ ! -f "$here/node_modules/mqtt-packet/package.json" ]; then
  missing="mqtt-packet is not installed: run 'npm ci' in $here"
fi
if [ -n "$missing" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "FAILED: $missing (CI=true, and CI installs it)" >&2
    exit 1
  fi
  echo "SKIPPED: $missing" >&2
  exit 77
fi
exec node "$@"
