/**
 * Runnable examples of jkata, each one run by the build's integration tests (samples are tests too).
 *
 * <ul>
 *   <li>{@link dev.jkata.samples.MinimalExample}: the README's minimal example, {@code uname -a} in a sandbox;</li>
 *   <li>{@link dev.jkata.samples.UntrustedJobRunner}: the pattern a build server embeds: run a directory's
 *       {@code build.sh} in a sandbox with memory, CPU and time limits and no network, stream its log, report
 *       its exit status. The reusable part is {@link dev.jkata.samples.JobRunner};</li>
 *   <li>{@code ExtensionSampleIT} (in the tests): a JUnit 5 class using {@code @KataTest} and {@code @KataSandbox};</li>
 *   <li>{@code FakeAgentSampleTest} (in the tests): the same extension with {@code fake = Fake.AGENT}, for fast unit
 *       tests that need the protocol's behaviour but no VM.</li>
 * </ul>
 *
 * Run one from a built checkout with, e.g.,
 * {@code mvn -q -pl samples exec:java -Dexec.mainClass=dev.jkata.samples.MinimalExample}.
 */
package dev.jkata.samples;
