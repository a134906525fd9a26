package dev.jkata.image.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A token service for a {@link RegistryServer#tokenAuth(TokenServer) token-auth registry}: the JDK's HTTP server on
 * 127.0.0.1 answering {@code GET /token?service=..&scope=repository:NAME:ACTIONS} with a JWT the CNCF distribution
 * registry accepts. The JWT is RS256, signed with a key whose self-signed certificate (made with openssl) rides in
 * the header's {@code x5c} and is the registry's {@code rootcertbundle}. One user (Basic credentials) gets pull and
 * push; a request without credentials gets pull only when {@link #anonymousPull(boolean)} is on, else HTTP 401, as
 * does one with wrong credentials. Every request is recorded; {@link #close()} stops it and removes its temp files.
 */
public final class TokenServer implements AutoCloseable {
    public static final String SERVICE = "jkata-test-registry";
    public static final String ISSUER = "jkata-test-issuer";
    private static final long LIFETIME_SECONDS = 300;
    private static final Set<String> USER_ACTIONS = Set.of("pull", "push");
    private static final Set<String> ANONYMOUS_ACTIONS = Set.of("pull");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request for a token: who asked (null: anonymous or refused), for what, and whether it got one. */
    public record Request(String user, String service, List<String> scopes, int status) {}

    private final Path dir;
    private final Path certificate;
    private final byte[] certificateDer;
    private final PrivateKey key;
    private final String user;
    private final String password;
    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile boolean anonymousPull;

    private TokenServer(Path dir, Path certificate, byte[] certificateDer, PrivateKey key, String user, String password,
                        HttpServer server, ExecutorService executor) {
        this.dir = dir;
        this.certificate = certificate;
        this.certificateDer = certificateDer;
        this.key = key;
        this.user = user;
        this.password = password;
        this.server = server;
        this.executor = executor;
    }

    /** A token server granting {@code user}:{@code password} pull and push, anonymous requests nothing (yet). */
    public static TokenServer start(String user, String password) throws IOException {
        Path dir = Files.createTempDirectory("jkata-tokens");
        try {
            Path keyFile = dir.resolve("signer.key");
            Path cert = dir.resolve("signer.pem");
            RegistryServer.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=jkata test token signer", "-keyout", keyFile.toString(), "-out", cert.toString()));
            PrivateKey key = loadPkcs8(keyFile);
            byte[] der;
            try (InputStream in = Files.newInputStream(cert)) {
                der = ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getEncoded();
            }
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "jkata-token-server");
                t.setDaemon(true);
                return t;
            });
            http.setExecutor(executor);
            TokenServer s = new TokenServer(dir, cert, der, key, user, password, http, executor);
            http.createContext("/token", s::handle);
            http.start();
            return s;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            delete(dir);
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    private static PrivateKey loadPkcs8(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem);
        if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IOException(pem + " is not a PKCS#8 key (openssl 3 writes one with req -newkey)");
        }
        String b64 = text.substring(text.indexOf("-----BEGIN PRIVATE KEY-----") + "-----BEGIN PRIVATE KEY-----".length(),
                text.indexOf("-----END PRIVATE KEY-----")).replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    }

    /** Whether requests without credentials get pull access (else they are refused with HTTP 401). */
    public TokenServer anonymousPull(boolean on) {
        anonymousPull = on;
        return this;
    }

    /** The URL the registry names as its Bearer realm. */
    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** The signing key's self-signed certificate (PEM): the registry's {@code rootcertbundle}. */
    public Path certificate() {
        return certificate;
    }

    public String service() {
        return SERVICE;
    }

    public String issuer() {
        return ISSUER;
    }

    /** Every request so far, oldest first. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public int requestCount() {
        return requests.size();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            if (!"GET".equals(ex.getRequestMethod())) {
                answer(ex, 405, error("UNSUPPORTED", "only GET /token"));
                return;
            }
            String service = null;
            List<String> scopes = new ArrayList<>();
            String query = ex.getRequestURI().getRawQuery();
            for (String pair : query == null ? new String[0] : query.split("&")) {
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (k.equals("service")) {
                    service = v;
                } else if (k.equals("scope")) {
                    for (String s : v.trim().split(" +")) {
                        if (!s.isEmpty()) {
                            scopes.add(s);
                        }
                    }
                }
            }
            String who = null;
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                who = authenticated(auth);
                if (who == null) {
                    requests.add(new Request(null, service, List.copyOf(scopes), 401));
                    answer(ex, 401, error("UNAUTHORIZED", "wrong user name or password"));
                    return;
                }
            } else if (!anonymousPull) {
                requests.add(new Request(null, service, List.copyOf(scopes), 401));
                answer(ex, 401, error("UNAUTHORIZED", "authentication required"));
                return;
            }
            if (service != null && !service.equals(SERVICE)) {
                requests.add(new Request(who, service, List.copyOf(scopes), 400));
                answer(ex, 400, error("DENIED", "unknown service " + service));
                return;
            }
            String token = token(who == null ? "" : who, grants(scopes, who == null ? ANONYMOUS_ACTIONS : USER_ACTIONS));
            ObjectNode body = JSON.createObjectNode();
            body.put("token", token);
            body.put("access_token", token);
            body.put("expires_in", LIFETIME_SECONDS);
            body.put("issued_at", Instant.now().toString());
            requests.add(new Request(who, service, List.copyOf(scopes), 200));
            answer(ex, 200, JSON.writeValueAsBytes(body));
        } catch (RuntimeException e) {
            answer(ex, 500, error("INTERNAL", String.valueOf(e)));
        } finally {
            ex.close();
        }
    }

    /** The user a Basic header proves, or null for wrong credentials or another scheme. */
    private String authenticated(String header) {
        if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return pair.equals(user + ":" + password) ? user : null;
    }

    /** The access entries for {@code scopes}: each repository scope with the asked actions that {@code allowed} holds. */
    private static ArrayNode grants(List<String> scopes, Set<String> allowed) {
        ArrayNode access = JSON.createArrayNode();
        for (String scope : scopes) {
            int first = scope.indexOf(':');
            int last = scope.lastIndexOf(':');
            if (first < 0 || last == first || !scope.substring(0, first).equals("repository")) {
                continue; // registry:catalog:* and the like: nothing granted
            }
            Set<String> actions = new LinkedHashSet<>();
            for (String a : scope.substring(last + 1).split(",")) {
                if (allowed.contains(a.trim())) {
                    actions.add(a.trim());
                }
            }
            if (actions.isEmpty()) {
                continue;
            }
            ObjectNode entry = access.addObject();
            entry.put("type", "repository");
            entry.put("name", scope.substring(first + 1, last));
            ArrayNode as = entry.putArray("actions");
            actions.forEach(as::add);
        }
        return access;
    }

    /** A JWT for {@code subject} granting {@code access}, as the registry wants it. */
    String token(String subject, ArrayNode access) {
        long now = Instant.now().getEpochSecond();
        ObjectNode claims = JSON.createObjectNode();
        claims.put("iss", ISSUER);
        claims.put("sub", subject);
        claims.put("aud", SERVICE);
        claims.put("exp", now + LIFETIME_SECONDS);
        claims.put("nbf", now - 10);
        claims.put("iat", now);
        claims.put("jti", HexFormat.of().formatHex(randomBytes(16)));
        claims.set("access", access);
        return sign(header(), claims);
    }

    /** The JWS header: RS256 with the signing certificate as a one-element {@code x5c} chain. */
    ObjectNode header() {
        ObjectNode h = JSON.createObjectNode();
        h.put("typ", "JWT");
        h.put("alg", "RS256");
        h.putArray("x5c").add(Base64.getEncoder().encodeToString(certificateDer)); // x5c is standard base64, not URL
        return h;
    }

    /** The compact JWS of {@code claims} under {@code header}, signed RS256 with this server's key. */
    String sign(ObjectNode header, ObjectNode claims) {
        try {
            Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
            String input = url.encodeToString(JSON.writeValueAsBytes(header)) + "."
                    + url.encodeToString(JSON.writeValueAsBytes(claims));
            Signature sig = Signature.getInstance("SHA256withRSA");
            sig.initSign(key);
            sig.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + url.encodeToString(sig.sign());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private static byte[] error(String code, String message) {
        ObjectNode e = JSON.createObjectNode();
        ObjectNode one = e.putArray("errors").addObject();
        one.put("code", code);
        one.put("message", message);
        try {
            return JSON.writeValueAsBytes(e);
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void answer(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (status == 401) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + ISSUER + "\"");
        }
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    @Override
    public void close() throws IOException {
        server.stop(0);
        executor.shutdownNow();
        delete(dir);
    }

    private static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
