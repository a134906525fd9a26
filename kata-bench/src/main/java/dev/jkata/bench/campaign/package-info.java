/**
 * The reliability campaign (issue 16), beside the benchmarks: owner death (the owning JVM killed with SIGKILL at a
 * random moment), load (many execs at once, every byte checksummed) and a sequence of sandboxes (no growth in
 * threads, file descriptors or heap). Each trial counts what went wrong; the goal of every count is zero.
 * {@code scripts/campaign.sh} runs the long form; a short form runs in the tests.
 */
package dev.jkata.bench.campaign;
