package dev.jkata.image.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * A real registry for tests: Debian's docker-registry (the CNCF distribution server) on 127.0.0.1 on a free port,
 * plain, with TLS from a CA the test makes, with htpasswd Basic authentication, or with Bearer tokens from a
 * {@link TokenServer}. Its storage lives in a temp directory; {@link #close()} stops the process and removes it.
 */
public final class RegistryServer implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final Path dir;
    private final Process process;
    private final int port;
    private final TestCa ca;

    private RegistryServer(Path dir, Process process, int port, TestCa ca) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.ca = ca;
    }

    /** A plain-HTTP registry. */
    public static RegistryServer plain() throws IOException {
        return start(false, null, null, null);
    }

    /** A registry serving HTTPS with a certificate for 127.0.0.1 signed by a CA of its own ({@link #caCertificate()}). */
    public static RegistryServer tls() throws IOException {
        return start(true, null, null, null);
    }

    /** A plain-HTTP registry that wants Basic authentication as {@code user}:{@code password}. */
    public static RegistryServer basicAuth(String user, String password) throws IOException {
        return start(false, user, password, null);
    }

    /**
     * A plain-HTTP registry that wants Bearer tokens from {@code tokens}: its challenge names the token server's
     * realm, service and issuer, and it trusts tokens signed by the key of the token server's certificate.
     */
    public static RegistryServer tokenAuth(TokenServer tokens) throws IOException {
        return start(false, null, null, tokens);
    }

    private static RegistryServer start(boolean tls, String user, String password, TokenServer tokens) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: run scripts/setup-host.sh (it installs docker-registry)");
        }
        Path dir = Files.createTempDirectory("jkata-registry");
        int port = freePort();
        TestCa ca = tls ? TestCa.create(dir.resolve("tls")) : null;
        StringBuilder cfg = new StringBuilder();
        cfg.append("version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n");
        cfg.append("storage:\n  filesystem:\n    rootdirectory: ").append(dir.resolve("data")).append('\n');
        cfg.append("  delete:\n    enabled: true\n");
        cfg.append("http:\n  addr: 127.0.0.1:").append(port).append('\n');
        if (ca != null) {
            cfg.append("  tls:\n    certificate: ").append(ca.serverCert()).append("\n    key: ").append(ca.serverKey()).append('\n');
        }
        if (user != null) {
            Path htpasswd = dir.resolve("htpasswd");
            run(List.of("htpasswd", "-Bbc", htpasswd.toString(), user, password));
            cfg.append("auth:\n  htpasswd:\n    realm: jkata-test\n    path: ").append(htpasswd).append('\n');
        } else if (tokens != null) {
            cfg.append("auth:\n  token:\n    realm: ").append(tokens.realm())
                    .append("\n    service: ").append(tokens.service())
                    .append("\n    issuer: ").append(tokens.issuer())
                    .append("\n    rootcertbundle: ").append(tokens.certificate()).append('\n');
        }
        Path config = dir.resolve("config.yml");
        Files.writeString(config, cfg);
        Process p = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        RegistryServer s = new RegistryServer(dir, p, port, ca);
        try {
            s.awaitUp();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void awaitUp() throws IOException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited: " + log());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url() + "/v2/").toURL().openConnection();
                if (c instanceof HttpsURLConnection https) {
                    SSLContext ctx = ca.sslContext();
                    https.setSSLSocketFactory(ctx.getSocketFactory());
                }
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                int code = c.getResponseCode();
                c.disconnect();
                if (code == 200 || code == 401) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        throw new IOException("docker-registry did not answer within 20 s: " + log());
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("registry.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** {@code 127.0.0.1:PORT}, as a reference names it. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String url() {
        return (ca != null ? "https" : "http") + "://" + host();
    }

    /** The test CA's certificate (PEM); only for a {@link #tls()} registry. */
    public Path caCertificate() {
        return ca.caCert();
    }

    public boolean isTls() {
        return ca != null;
    }

    /** Whether the registry's process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        return out;
    }
}
