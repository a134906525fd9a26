#!/usr/bin/env bash
# The benchmark command (issue 7): sets up the host (idempotent), builds everything, then measures each cost
# of a sandbox beside its floor on this machine and accelerator. Prints the machine, the accelerator verdict and
# a table of figures with floor, ratio and target; writes kata-bench/target/bench-results.json.
# Under 20 minutes on 2 cores with the defaults. Options (see --help): --only=start,template,exec,stdio,memory,concurrency,image,network,oci,disk
# --runs=3 --execs=30 --stdio-mib=256 --counts=1,4 --with-16 --forms=initrd,nvdimm --memory-forms=nvdimm
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-host.sh
echo "==> Building jkata ..."
mvn -q -B -DskipTests -DskipITs install
cp_file=kata-bench/target/bench-classpath.txt
exec java -Xmx1g \
  -Dorg.slf4j.simpleLogger.defaultLogLevel="${KATA_LOG:-warn}" \
  -Dorg.slf4j.simpleLogger.log.dev.jkata.progress=info \
  -Dorg.slf4j.simpleLogger.showThreadName=false -Dorg.slf4j.simpleLogger.levelInBrackets=true \
  -cp "kata-bench/target/kata-bench-0.1.0-SNAPSHOT.jar:$(cat "$cp_file")" "${KATA_BENCH_MAIN:-dev.jkata.bench.BenchMain}" "$@"
