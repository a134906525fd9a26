package dev.jkata.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a JUnit 5 test class whose {@link KataSandbox} fields and {@code Sandbox} parameters are started,
 * injected and closed by {@link KataExtension}.
 *
 * <pre>{@code
 * @KataTest
 * class GuestTest {
 *     @KataSandbox(memory = "512M")
 *     static Sandbox sandbox;            // one VM for the class, closed after all its tests
 *
 *     @Test
 *     void runsInTheGuest() throws Exception {
 *         assertThat(sandbox.run("uname", "-n").stdout()).isEqualTo("kata\n");
 *     }
 * }
 * }</pre>
 *
 * <p>Where KVM cannot be used the sandboxes run under TCG (software emulation; the hypervisor logs one WARN
 * saying why). Set the system property (or JUnit configuration parameter) {@code kata.requireKvm=true}, or the
 * environment variable {@code KATA_REQUIRE_KVM=1}, to demand KVM instead: every sandbox is then started with
 * {@code accelerator("kvm")} and a host without usable KVM fails the test at once, with the reason.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(KataExtension.class)
public @interface KataTest {}
