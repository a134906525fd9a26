/**
 * The benchmarks of issue 7: every cost of a sandbox measured beside its floor, the same thing done with
 * nothing of ours in the way, on the same machine and accelerator in the same run, so that the figure that
 * matters is a ratio and not an absolute time that drifts with the machine.
 *
 * <p>{@link dev.jkata.bench.BenchMain} runs them in turn and hands the rows to {@link dev.jkata.bench.Report},
 * which prints the table and writes the JSON. Each benchmark is one class; {@link dev.jkata.bench.FloorVm}
 * boots the floors' VMs (the sandbox's QEMU command line with a guest of our own), and
 * {@link dev.jkata.bench.TimedSandbox} starts a real sandbox while watching its console. Nothing here asserts
 * a timing: a missed target is a row marked MISS, never a failure.
 */
package dev.jkata.bench;
