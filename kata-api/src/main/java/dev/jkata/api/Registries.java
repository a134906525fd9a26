package dev.jkata.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How one sandbox reaches registries, on top of the JVM's settings ({@code kata.image.*}, Docker's credentials): logins
 * tried before Docker's, CA certificates trusted besides the JDK's and the JVM's, registries allowed over plain HTTP.
 * Immutable; each method returns a new value. A build server gives each job its own:
 * <pre>{@code
 * Sandbox.builder().image("registry.example/team/build:1")
 *         .registries(Registries.none().login("registry.example", "ci", token).trust(Path.of("ca.pem")))
 * }</pre>
 * The image store is the JVM's: an image pulled by one sandbox is found by the next without asking the registry,
 * unless that sandbox's container says {@link PullPolicy#ALWAYS}, which makes the registry check its login again.
 */
public final class Registries {
    private static final Pattern REGISTRY = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?");
    private static final Registries NONE = new Registries(Map.of(), List.of(), Set.of());

    private final Map<String, Login> logins;
    private final List<Path> caCertificates;
    private final Set<String> insecure;

    private Registries(Map<String, Login> logins, List<Path> caCertificates, Set<String> insecure) {
        this.logins = logins;
        this.caCertificates = caCertificates;
        this.insecure = insecure;
    }

    /** The JVM's settings alone. */
    public static Registries none() {
        return NONE;
    }

    /** A user name and a secret (password or token) for one registry; {@link #toString()} never shows the secret. */
    public record Login(String user, String secret) {
        public Login {
            if (user == null || user.isEmpty() || secret == null) {
                throw new InvalidConfigurationException("registries", "a login needs a user name and a secret");
            }
        }

        @Override
        public String toString() {
            return "Login[" + user + ", ****]";
        }
    }

    /** Logs in to {@code registry} ({@code host[:port]}, as in image references) as {@code user}. */
    public Registries login(String registry, String user, String secret) {
        Map<String, Login> m = new LinkedHashMap<>(logins);
        m.put(checked(registry), new Login(user, secret));
        return new Registries(Map.copyOf(m), caCertificates, insecure);
    }

    /** Trusts the CA certificates in the PEM file {@code pem} for this sandbox's pulls. */
    public Registries trust(Path pem) {
        if (pem == null || !Files.isReadable(pem)) {
            throw new InvalidConfigurationException("registries", pem + " is not a readable PEM file of CA certificates");
        }
        List<Path> l = new ArrayList<>(caCertificates);
        l.add(pem.toAbsolutePath());
        return new Registries(logins, List.copyOf(l), insecure);
    }

    /** Allows {@code registry} over plain HTTP (loopback registries always are). */
    public Registries insecure(String registry) {
        Set<String> s = new LinkedHashSet<>(insecure);
        s.add(checked(registry));
        return new Registries(logins, caCertificates, Set.copyOf(s));
    }

    public Map<String, Login> logins() { return logins; }

    public List<Path> caCertificates() { return caCertificates; }

    public Set<String> insecureRegistries() { return insecure; }

    /** Whether this adds nothing to the JVM's settings. */
    public boolean isEmpty() {
        return logins.isEmpty() && caCertificates.isEmpty() && insecure.isEmpty();
    }

    private static String checked(String registry) {
        if (registry == null || !REGISTRY.matcher(registry).matches()) {
            throw new InvalidConfigurationException("registries", "'" + registry + "' is not a registry as image"
                    + " references name it: host[:port], such as registry.example or 127.0.0.1:5000 (no scheme, no path)");
        }
        return registry;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Registries r && r.logins.equals(logins) && r.caCertificates.equals(caCertificates)
                && r.insecure.equals(insecure);
    }

    @Override
    public int hashCode() {
        return Objects.hash(logins, caCertificates, insecure);
    }

    @Override
    public String toString() {
        return "Registries[logins " + logins.keySet() + ", " + caCertificates.size() + " CA file(s), insecure " + insecure + "]";
    }
}
