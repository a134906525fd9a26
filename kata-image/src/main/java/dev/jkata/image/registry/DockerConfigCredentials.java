package dev.jkata.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credentials as Docker keeps them in {@code config.json} ({@code $DOCKER_CONFIG/config.json}, else
 * {@code ~/.docker/config.json}): an {@code auths} entry's base64 {@code auth} (or username and password), else the
 * registry's {@code credHelpers} program or the {@code credsStore} one ({@code docker-credential-NAME get}), when it
 * is installed. The file is read on each lookup, so a {@code docker login} in between is seen.
 */
public final class DockerConfigCredentials implements CredentialSource {
    private static final Logger LOG = LoggerFactory.getLogger(DockerConfigCredentials.class);
    private static final long HELPER_TIMEOUT_SECONDS = 10;
    private static final int MAX_BYTES = 1 << 20;

    private final Path file;

    public DockerConfigCredentials(Path file) {
        this.file = file;
    }

    /** The file Docker itself would read. */
    public static DockerConfigCredentials standard() {
        String dir = System.getenv("DOCKER_CONFIG");
        Path base = dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".docker");
        return new DockerConfigCredentials(base.resolve("config.json"));
    }

    @Override
    public Optional<Credentials> forRegistry(String registry) {
        JsonNode root = read();
        if (root == null) {
            return Optional.empty();
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("auths").properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (sameRegistry(e.getKey(), registry)) {
                Optional<Credentials> c = fromAuthEntry(e.getValue());
                if (c.isPresent()) {
                    return c;
                }
            }
        }
        String helper = root.path("credHelpers").path(registry).asText(root.path("credsStore").asText(""));
        return helper.isEmpty() ? Optional.empty() : fromHelper(helper, registry);
    }

    private JsonNode read() {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
                return null;
            }
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            LOG.warn("Ignoring {}: {}", file, e.getMessage());
            return null;
        }
    }

    /** Docker writes keys as {@code host}, {@code https://host} or {@code https://index.docker.io/v1/}. */
    static boolean sameRegistry(String key, String registry) {
        String k = key.replaceFirst("^[a-z]+://", "");
        int slash = k.indexOf('/');
        if (slash >= 0) {
            k = k.substring(0, slash);
        }
        if (k.equals("index.docker.io") || k.equals("registry-1.docker.io")) {
            k = "docker.io";
        }
        return k.equals(registry);
    }

    private static Optional<Credentials> fromAuthEntry(JsonNode entry) {
        String auth = entry.path("auth").asText("");
        if (!auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                LOG.warn("Ignoring a Docker config auth entry that is not base64");
                return Optional.empty();
            }
            int colon = decoded.indexOf(':');
            if (colon > 0) {
                return Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
            }
        }
        String user = entry.path("username").asText("");
        return user.isEmpty() ? Optional.empty() : Optional.of(new Credentials(user, entry.path("password").asText("")));
    }

    private static Optional<Credentials> fromHelper(String helper, String registry) {
        if (!helper.matches("[A-Za-z0-9_.-]+")) {
            LOG.warn("Ignoring credential helper name '{}'", helper);
            return Optional.empty();
        }
        String program = "docker-credential-" + helper;
        Process p;
        Path out;
        try {
            out = Files.createTempFile("jkata-cred", ".json");
        } catch (IOException e) {
            LOG.warn("Cannot ask credential helper {}: {}", program, e.getMessage());
            return Optional.empty();
        }
        try {
            p = new ProcessBuilder(program, "get").redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectOutput(out.toFile()).start();
        } catch (IOException e) {
            LOG.debug("Credential helper {} is not installed: {}", program, e.getMessage());
            deleteQuietly(out);
            return Optional.empty();
        }
        try (OutputStream in = p.getOutputStream()) {
            in.write(registry.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.debug("Credential helper {} did not read its input: {}", program, e.getMessage());
        }
        try {
            if (!p.waitFor(HELPER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("Credential helper {} took longer than {} s; ignoring it", program, HELPER_TIMEOUT_SECONDS);
                return Optional.empty();
            }
            if (p.exitValue() != 0) {
                LOG.debug("Credential helper {} has nothing for {}", program, registry);
                return Optional.empty();
            }
            if (Files.size(out) > MAX_BYTES) {
                throw new IOException("more than " + MAX_BYTES + " bytes of output");
            }
            JsonNode n = new ObjectMapper().readTree(Files.readAllBytes(out));
            String user = n.path("Username").asText("");
            String secret = n.path("Secret").asText("");
            return user.isEmpty() && secret.isEmpty() ? Optional.empty() : Optional.of(new Credentials(user, secret));
        } catch (IOException e) {
            LOG.warn("Credential helper {} answered badly: {}", program, e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            p.destroyForcibly();
            deleteQuietly(out);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("Cannot remove {}: {}", file, e.getMessage());
        }
    }

}
