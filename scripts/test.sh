#!/usr/bin/env bash
# The test command: sets up the host (idempotent), then builds everything and runs the unit tests (*Test)
# and the tests that boot real VMs (*IT). Extra arguments go to Maven, e.g. -DskipITs for unit tests only.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-host.sh
exec mvn -B verify "$@"
