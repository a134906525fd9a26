/**
 * The service-provider interface: what a <em>kind</em> of sandbox implements, not what users call. Users build and
 * drive sandboxes through {@link dev.jkata.api}; nothing here is needed for that.
 *
 * <ul>
 *   <li>{@link dev.jkata.api.spi.SandboxProvider}: turns a validated {@link dev.jkata.api.SandboxSpec} into a
 *       running {@link dev.jkata.api.Sandbox}; found with {@link java.util.ServiceLoader} under
 *       {@code META-INF/services/dev.jkata.api.spi.SandboxProvider}. kata-core's QEMU provider is the real one;
 *       kata-testkit's two fakes are chosen explicitly.</li>
 *   <li>{@link dev.jkata.api.spi.SandboxLifecycle}: the state machine every provider's sandboxes share, with the
 *       guard ({@code whileRunning}) that keeps a process from starting once a close has begun.</li>
 *   <li>{@link dev.jkata.api.spi.Teardown}: the one close loop: every step runs, the first failure is thrown with
 *       the later ones attached as suppressed.</li>
 * </ul>
 *
 * What every provider must do alike is written once: {@link dev.jkata.api.Container#run} over {@code exec},
 * user strings checked by {@link dev.jkata.api.ContainerSpec} and {@link dev.jkata.api.ExecSpec}, and one contract
 * suite (kata-testkit's {@code SandboxContract}) that the real provider and both fakes pass.
 *
 * <p>The SPI names the API's types and the builder takes a provider ({@code SandboxBuilder.provider}), so the two
 * packages are one layer of one module; no package below them (kata-core's, the fakes') is known to either.
 *
 * <p>This package may change between minor versions; implement it only alongside the jkata version you build on.
 */
package dev.jkata.api.spi;
