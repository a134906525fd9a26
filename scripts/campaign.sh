#!/usr/bin/env bash
# The reliability campaign (issue 16): owner death, load, a sequence of sandboxes; every fault count should be 0.
# Long by default (hours under TCG on 2 cores): --owner-deaths=100 --execs=1000 --parallel=8 --sandboxes=50.
# Shorter: scripts/campaign.sh --owner-deaths=5 --execs=100 --sandboxes=5. A short form runs in scripts/test.sh.
# It builds and runs like the benchmarks (scripts/bench.sh), with the campaign's main class.
KATA_BENCH_MAIN=dev.jkata.bench.campaign.Campaign exec "$(dirname "$0")/bench.sh" "$@"
