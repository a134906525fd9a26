/**
 * Fakes for fast unit tests: a {@link dev.jkata.api.SandboxProvider} whose sandboxes run every command as
 * an ordinary <strong>host</strong> process, with no virtual machine and <strong>no isolation at all</strong>.
 *
 * <p>Responsible for honouring the API's contract without a VM: the sandbox state machine, idempotent
 * {@code close()}, environment and working directory, capture limits, timeouts that kill, exit codes (127 for a
 * missing program), streamed stdio, and leaving no process or temporary directory behind. Never register these
 * classes with {@link java.util.ServiceLoader}; they are chosen explicitly, by
 * {@code Sandbox.builder().provider(new FakeSandboxProvider())} or {@code @KataSandbox(fake = true)}.
 */
package dev.jkata.testkit.fake;
