package dev.jkata.testkit;

import dev.jkata.api.Accelerator;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A sandbox for a test, on a field or parameter of type {@link dev.jkata.api.Sandbox} in a {@link KataTest}
 * class. Its scope follows where it is declared:
 * <ul>
 *   <li>a {@code static} field: one sandbox for the class, started before all its tests, closed after them;</li>
 *   <li>an instance field: one sandbox per test (per class under {@code @TestInstance(PER_CLASS)});</li>
 *   <li>a parameter of a test or lifecycle method: one sandbox for that method's invocation (a {@code Sandbox}
 *       parameter without this annotation gets the defaults).</li>
 * </ul>
 * The field must not be {@code final}; the extension assigns it (an initial value would only be replaced).
 *
 * <p>Configure it with the attributes below, or, for anything they do not cover (shares, a container spec, a
 * kernel), name a method of the test class that returns a configured {@link dev.jkata.api.SandboxBuilder}:
 *
 * <pre>{@code
 * @KataSandbox(builder = "withSources")
 * static Sandbox sandbox;
 *
 * static SandboxBuilder withSources() {
 *     return Sandbox.builder().memory(MemorySize.ofGiB(1)).share(Path.of("src"), "/src", true);
 * }
 * }</pre>
 *
 * With {@link #builder()} the other attributes (except {@link #fake()}) must stay at their defaults, so a
 * setting is never given in two places. The method takes no arguments; it must be {@code static} for a static
 * field, and may be an instance method otherwise.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface KataSandbox {

    /** Guest memory, as {@code 512M}, {@code 1G}, ... */
    String memory() default "512M";

    /** Virtual CPUs. */
    int cpus() default 1;

    /** Boot the guest's root file system from an NVDIMM-mapped ext4 image instead of an initrd. */
    boolean nvdimm() default false;

    /** How long the VM may take until its agent answers. */
    int bootTimeoutSeconds() default 90;

    /**
     * A container image for the sandbox's container ({@code alpine:3.20}, {@code 127.0.0.1:5000/team/app:1}),
     * pulled into the image store on first use; empty: the built-in busybox root file system.
     */
    String image() default "";

    /**
     * Guest ports to publish on ephemeral ports of the host's 127.0.0.1; {@code sandbox.hostPort(80)} says where (as
     * Testcontainers' getMappedPort). See {@link Wait} for waiting until a server answers.
     */
    int[] publish() default {};

    /** {@code none} (the default: only loopback) or {@code nat} (the guest reaches what the host reaches). */
    String network() default "none";

    /** With {@code network = "nat"}, the only destinations the guest may reach, each {@code host:port}. */
    String[] allow() default {};

    /** Environment variables for every process in the sandbox, each as {@code KEY=VALUE}. */
    String[] env() default {};

    /**
     * {@link Accelerator#AUTO} (KVM when it can boot a stock guest, else TCG), {@link Accelerator#KVM} or
     * {@link Accelerator#TCG}. Overridden with KVM when KVM is required (see {@link KataTest}).
     */
    Accelerator accelerator() default Accelerator.AUTO;

    /**
     * How many sandboxes of this configuration to keep started ahead, so that the next test's sandbox is taken
     * already running ({@link dev.jkata.api.SandboxBuilder#pool}); 0, the default, keeps none. Worth it for a class
     * or suite whose tests each get a sandbox of the same settings.
     */
    int pool() default 0;

    /**
     * The size of the sandbox's own disk, which holds its containers' writes ({@link dev.jkata.api.SandboxBuilder#disk}):
     * {@code 8G} by default (a sparse file, allocated as written), {@code 0} for none (writes then take guest RAM).
     */
    String disk() default "8G";

    /**
     * How long the sandbox may live, in seconds, before it is closed whatever runs in it
     * ({@link dev.jkata.api.SandboxBuilder#deadline}); 0, the default, sets none.
     */
    int deadlineSeconds() default 0;

    /**
     * The name of a no-argument method of the test class returning a {@link dev.jkata.api.SandboxBuilder};
     * empty for none.
     */
    String builder() default "";

    /**
     * A fake instead of a VM ({@link Fake#AGENT} or {@link Fake#HOST}): commands run as HOST processes with no
     * isolation. For fast unit tests of code that drives a sandbox; never for untrusted commands.
     */
    Fake fake() default Fake.NONE;
}
