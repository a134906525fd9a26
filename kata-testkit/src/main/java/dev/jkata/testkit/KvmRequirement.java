package dev.jkata.testkit;

import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Whether the user demands KVM: the configuration parameter {@value #PROPERTY} (a JUnit configuration
 * parameter or a system property, which JUnit falls back to), else the environment variable {@value #ENV}.
 * When demanded, sandboxes start with {@code accelerator("kvm")} and fail fast where KVM cannot work.
 */
final class KvmRequirement {
    static final String PROPERTY = "kata.requireKvm";
    static final String ENV = "KATA_REQUIRE_KVM";

    private KvmRequirement() {}

    static boolean required(ExtensionContext context) {
        return required(context.getConfigurationParameter(PROPERTY), Optional.ofNullable(System.getenv(ENV)));
    }

    /** The property, when set, wins over the environment variable; {@code true}, {@code 1} and {@code yes} mean yes. */
    static boolean required(Optional<String> property, Optional<String> environment) {
        return property.or(() -> environment).map(KvmRequirement::yes).orElse(false);
    }

    private static boolean yes(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return v.equals("true") || v.equals("1") || v.equals("yes");
    }
}
