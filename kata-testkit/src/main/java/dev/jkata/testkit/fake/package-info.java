/**
 * Fakes for fast unit tests, behind the same API as real sandboxes. Both run every command as an ordinary
 * <strong>host</strong> process, with no virtual machine and <strong>no isolation at all</strong>:
 * <ul>
 *   <li>{@link dev.jkata.testkit.fake.FakeHypervisorProvider}: a fake hypervisor whose guests are kata-agent's real
 *       agent in this JVM, reached through kata-core's real agent client, yamux, proxy and shim; the container
 *       runtime is the agent's host-process fake;</li>
 *   <li>{@link dev.jkata.testkit.fake.FakeSandboxProvider}: no agent; a sandbox of host processes that emulates a
 *       container's {@code /} and shares in a temporary directory.</li>
 * </ul>
 *
 * <p>Responsible for honouring the API's contract without a VM: the sandbox state machine, idempotent
 * {@code close()}, environment and working directory, capture limits, timeouts that kill, exit codes (127 for a
 * missing program), streamed stdio, and leaving no process, socket, thread or temporary directory behind. Never
 * registered with {@link java.util.ServiceLoader}; chosen explicitly, by {@code Sandbox.builder().provider(...)}
 * or {@code @KataSandbox(fake = Fake.AGENT)} / {@code Fake.HOST}.
 */
package dev.jkata.testkit.fake;
