package dev.jkata.testkit;

import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.KataException;
import dev.jkata.api.MemorySize;
import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxBuilder;
import dev.jkata.testkit.fake.FakeHypervisorProvider;
import dev.jkata.testkit.fake.FakeSandboxProvider;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.commons.support.ModifierSupport;
import org.junit.platform.commons.support.ReflectionSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link KataSandbox} (its attributes, or the builder method it names) into a started sandbox. A
 * sandbox that does not start fails the test with the reason, naming the field or parameter it was for.
 */
final class SandboxFactory {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxFactory.class);
    /** Attributes that may be combined with {@link KataSandbox#builder()}. */
    private static final List<String> COMBINABLE = List.of("builder", "fake");

    private SandboxFactory() {}

    /**
     * What to start: the annotation (empty for an unannotated parameter: the defaults), the class whose
     * builder method it may name, the instance to call that method on (empty for static scope), and a
     * description of the field or parameter for messages.
     */
    record Request(Optional<KataSandbox> annotation, Class<?> testClass, Optional<Object> instance, String owner) {}

    static Sandbox start(Request request, boolean requireKvm) {
        SandboxBuilder builder = builder(request);
        Fake fake = request.annotation().map(KataSandbox::fake).orElse(Fake.NONE);
        switch (fake) {
            case AGENT -> builder.provider(new FakeHypervisorProvider());
            case HOST -> builder.provider(new FakeSandboxProvider());
            case NONE -> { }
        }
        if (requireKvm) {
            builder.accelerator(dev.jkata.api.Accelerator.KVM);
        }
        long t0 = System.nanoTime();
        Sandbox sandbox;
        try {
            sandbox = builder.start();
        } catch (KataException e) {
            throw new KataException(e.reason(), "the sandbox for " + request.owner() + " did not start: " + e.getMessage(), e);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (fake != Fake.NONE) {
            LOG.debug("Started FAKE ({}) sandbox {} (host processes, no isolation) for {}", fake, sandbox.id(), request.owner());
        } else {
            LOG.info("Started sandbox {} for {} in {} ms", sandbox.id(), request.owner(), ms);
        }
        return sandbox;
    }

    static SandboxBuilder builder(Request request) {
        Optional<KataSandbox> a = request.annotation();
        if (a.isPresent() && !a.get().builder().isEmpty()) {
            requireOnlyCombinable(a.get(), request.owner());
            return fromMethod(a.get().builder(), request);
        }
        return a.map(k -> fromAttributes(k, request.owner())).orElseGet(Sandbox::builder);
    }

    private static SandboxBuilder fromAttributes(KataSandbox a, String owner) {
        SandboxBuilder b = Sandbox.builder();
        try {
            b.memory(MemorySize.parse(a.memory()));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("@KataSandbox(memory) of " + owner, e.getMessage());
        }
        b.cpus(a.cpus()).accelerator(a.accelerator()).pool(a.pool());
        try {
            MemorySize disk = MemorySize.parse(a.disk());
            if (disk.isZero()) {
                b.noDisk();
            } else {
                b.disk(disk);
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("@KataSandbox(disk) of " + owner, e.getMessage());
        }
        if (a.deadlineSeconds() < 0) {
            throw new InvalidConfigurationException("@KataSandbox(deadlineSeconds) of " + owner,
                    "must be positive, or 0 for none, not " + a.deadlineSeconds());
        }
        if (a.deadlineSeconds() > 0) {
            b.deadline(Duration.ofSeconds(a.deadlineSeconds()));
        }
        if (a.bootTimeoutSeconds() <= 0) {
            throw new InvalidConfigurationException("@KataSandbox(bootTimeoutSeconds) of " + owner,
                    "must be positive, not " + a.bootTimeoutSeconds());
        }
        b.bootTimeout(Duration.ofSeconds(a.bootTimeoutSeconds()));
        if (a.nvdimm()) {
            b.nvdimm();
        }
        if (!a.image().isEmpty()) {
            b.image(a.image());
        }
        for (int port : a.publish()) {
            b.publish(port);
        }
        try {
            b.network(dev.jkata.api.Network.of(a.network(), a.allow()));
        } catch (InvalidConfigurationException e) {
            throw new InvalidConfigurationException("@KataSandbox(network, allow) of " + owner, e.getMessage());
        }
        for (String kv : a.env()) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new InvalidConfigurationException("@KataSandbox(env) of " + owner,
                        "'" + kv + "' is not KEY=VALUE");
            }
            b.env(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return b;
    }

    private static void requireOnlyCombinable(KataSandbox a, String owner) {
        List<String> clashing = new ArrayList<>();
        for (Method m : KataSandbox.class.getDeclaredMethods()) {
            if (COMBINABLE.contains(m.getName())) {
                continue;
            }
            try {
                if (!Objects.deepEquals(m.invoke(a), m.getDefaultValue())) {
                    clashing.add(m.getName());
                }
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read @KataSandbox." + m.getName(), e);
            }
        }
        if (!clashing.isEmpty()) {
            clashing.sort(null);
            throw new ExtensionConfigurationException("@KataSandbox of " + owner + " names builder = \"" + a.builder()
                    + "\" and also sets " + clashing + "; set those in the builder method instead");
        }
    }

    private static SandboxBuilder fromMethod(String name, Request request) {
        Class<?> cls = request.testClass();
        Method m = ReflectionSupport.findMethod(cls, name).orElseThrow(() -> new ExtensionConfigurationException(
                "@KataSandbox of " + request.owner() + " names builder = \"" + name + "\", but " + cls.getName()
                        + " has no method " + name + "() without arguments"));
        if (!SandboxBuilder.class.isAssignableFrom(m.getReturnType())) {
            throw new ExtensionConfigurationException("the builder method " + describe(m) + " must return SandboxBuilder, not "
                    + m.getReturnType().getSimpleName());
        }
        Object target = null;
        if (!ModifierSupport.isStatic(m)) {
            target = request.instance().orElseThrow(() -> new ExtensionConfigurationException("the builder method "
                    + describe(m) + " for " + request.owner() + " must be static: there is no test instance yet"));
        }
        Object built = ReflectionSupport.invokeMethod(m, target);
        if (built == null) {
            throw new ExtensionConfigurationException("the builder method " + describe(m) + " returned null");
        }
        return (SandboxBuilder) built;
    }

    private static String describe(Method m) {
        return m.getDeclaringClass().getSimpleName() + "." + m.getName() + "()";
    }
}
