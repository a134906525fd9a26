#!/usr/bin/env bash
# The campaign's fuzzing (issue 16): each host decoder a guest feeds (yamux frames, the agent client's replies,
# QMP replies, the serial console, a registry's layers and manifest/config JSON) under Jazzer, coverage-guided, in a JVM of its own with a small heap.
# Long by default: 1,000,000 inputs per target (hours on 2 cores). Shorter: scripts/fuzz.sh --runs=100000.
# Options: --runs=N (inputs per target), --max-seconds=S (a bound per target), --only=yamuxFrames,agentReplies,qmpReplies,serialConsole,layers,imageJson
# The corpus grows under kata-fuzz/target/fuzz/<target>/corpus, so a later run goes on from there; a finding's input
# and a Java reproducer are written beside it. A short run of each target is part of scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=1000000 max=86400 only=""
for a in "$@"; do
  case "$a" in
    --runs=*) runs="${a#*=}" ;;
    --max-seconds=*) max="${a#*=}" ;;
    --only=*) only="${a#*=}" ;;
    *) echo "usage: scripts/fuzz.sh [--runs=N] [--max-seconds=S] [--only=yamuxFrames,agentReplies,qmpReplies,serialConsole,layers,imageJson]" >&2; exit 2 ;;
  esac
done
echo "==> Building jkata ..."
mvn -q -B -DskipTests -DskipITs install
tests="HostDecodersFuzzTest"
if [ -n "$only" ]; then tests="HostDecodersFuzzTest#${only//,/+}"; fi
exec mvn -q -B test -pl kata-fuzz -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false \
  -Dkata.fuzz.runs="$runs" -Dkata.fuzz.maxSeconds="$max" -Dsurefire.timeout=0
