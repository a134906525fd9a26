#!/usr/bin/env bash
# The reliability campaign (issue 16): owner death, load, a sequence of sandboxes; every fault count should be 0.
# Long by default (hours under TCG on 2 cores): --owner-deaths=100 --execs=1000 --parallel=8 --sandboxes=50.
# Shorter: scripts/campaign.sh --owner-deaths=5 --execs=100 --sandboxes=5. A short form runs in scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-host.sh
echo "==> Building jkata ..."
mvn -q -B -DskipTests -DskipITs install
cp_file=kata-bench/target/bench-classpath.txt
exec java -Xmx1g \
  -Dorg.slf4j.simpleLogger.defaultLogLevel="${KATA_LOG:-warn}" \
  -cp "kata-bench/target/kata-bench-0.1.0-SNAPSHOT.jar:$(cat "$cp_file")" dev.jkata.bench.campaign.Campaign "$@"
