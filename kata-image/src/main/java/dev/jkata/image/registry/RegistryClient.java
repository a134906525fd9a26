package dev.jkata.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jkata.image.ImageException;
import dev.jkata.image.ImageException.Kind;
import dev.jkata.image.manifest.Descriptor;
import dev.jkata.image.manifest.ManifestDocument;
import dev.jkata.image.manifest.MediaTypes;
import dev.jkata.image.reference.ImageReference;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the OCI distribution API (pull side): manifests and blobs over HTTPS (plain HTTP only for loopback
 * and insecure-marked registries, after HTTPS failed), the Bearer token flow (anonymous or with credentials) and
 * Basic authentication, redirects (credentials never follow to another host), retries with back-off on dropped
 * connections, 5xx and 429, Range resume of a blob, and every body bounded and digest-checked while it streams.
 * Thread-safe: one client serves concurrent downloads.
 */
public final class RegistryClient {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);
    private static final int MAX_ERROR_BODY = 64 << 10;
    private static final int MAX_TOKEN_BODY = 1 << 20;
    private static final int MAX_REDIRECTS = 5;
    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final RegistryOptions options;
    private final HttpClient http;
    /** For the first HTTPS attempt at a registry that may speak plain HTTP: a server that is not TLS may never answer a handshake. */
    private final HttpClient probe;
    private final Map<String, String> schemes = new ConcurrentHashMap<>();
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();

    public RegistryClient(RegistryOptions options) {
        this.options = options;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(options.connectTimeout())
                .sslContext(TrustStores.context(options.caCertificates()))
                .build();
        this.probe = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(PROBE_TIMEOUT)
                .sslContext(TrustStores.context(options.caCertificates()))
                .build();
    }

    /** A manifest as served: its bytes, media type and digest (computed here, checked against a pinned one). */
    public record FetchedManifest(byte[] bytes, String mediaType, String digest, ManifestDocument document) {}

    /** Fetches the manifest {@code key} (a tag or a digest) of {@code ref}'s repository. */
    public FetchedManifest manifest(ImageReference ref, String key, Instant deadline) {
        String path = "/v2/" + ref.repository() + "/manifests/" + key;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Response r = get(ref, path, Map.of("Accept", String.join(", ", MediaTypes.ACCEPTED)), deadline,
                buf, ManifestDocument.MAX_BYTES, "manifest " + key);
        byte[] bytes = buf.toByteArray();
        String digest = "sha256:" + sha256(bytes);
        if (key.startsWith("sha256:") && !key.equals(digest)) {
            throw new ImageException(Kind.DIGEST_MISMATCH, ref.toString(), "the registry served a manifest whose digest is "
                    + digest + ", not the " + key + " asked for; the registry or something between is corrupt or hostile");
        }
        String type = r.contentType();
        return new FetchedManifest(bytes, type, digest, ManifestDocument.parse(bytes, type, ref.toString()));
    }

    /** Fetches a small blob (an image config) into memory, digest-checked. */
    public byte[] smallBlob(ImageReference ref, Descriptor d, int maxBytes, Instant deadline) {
        if (d.size() > maxBytes) {
            throw new ImageException(Kind.UNSUPPORTED, ref.toString(), "its " + d.mediaType() + " " + d.digest() + " is "
                    + d.size() + " bytes, more than the " + maxBytes + " allowed");
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        get(ref, "/v2/" + ref.repository() + "/blobs/" + d.digest(), Map.of(), deadline, buf, d.size(),
                "blob " + d.digest());
        byte[] bytes = buf.toByteArray();
        if (bytes.length != d.size() || !("sha256:" + sha256(bytes)).equals(d.digest())) {
            throw mismatch(ref, d, bytes.length, "sha256:" + sha256(bytes));
        }
        return bytes;
    }

    /**
     * Streams blob {@code d} into {@code target} (created or truncated), checking its size and sha256 as it
     * arrives; a dropped connection resumes with a Range request where the registry allows it, else starts over.
     * On any failure {@code target} is left for the caller to delete.
     */
    public void blob(ImageReference ref, Descriptor d, Path target, LongConsumer progress, Instant deadline) {
        MessageDigest md = newSha256();
        long have = 0;
        int failures = 0;
        String path = "/v2/" + ref.repository() + "/blobs/" + d.digest();
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (true) {
                long start = have;
                long[] written = {0};
                Map<String, String> headers = start > 0 ? Map.of("Range", "bytes=" + start + "-") : Map.of();
                try {
                    get(ref, path, headers, deadline, info -> {
                        // a registry that ignores Range answers 200 with the whole blob: skip what is already here
                        long skip = info.statusCode() == 200 ? start : 0;
                        if (info.statusCode() == 206 && !contentRangeStartsAt(info, start)) {
                            skip = -1;
                        }
                        long[] toSkip = {skip};
                        return skip < 0 ? null : new StreamingBody(b -> {
                            if (toSkip[0] > 0) {
                                int drop = (int) Math.min(toSkip[0], b.remaining());
                                b.position(b.position() + drop);
                                toSkip[0] -= drop;
                            }
                            int n = b.remaining();
                            md.update(b.duplicate());
                            while (b.hasRemaining()) {
                                out.write(b);
                            }
                            written[0] += n;
                            progress.accept(start + written[0]);
                        }, d.size() - start + skip);
                    }, "blob " + d.digest());
                    have = start + written[0];
                    break;
                } catch (DroppedException e) {
                    have = start + written[0];
                    if (++failures >= options.attempts()) {
                        throw new ImageException(Kind.REGISTRY_FAILED, ref.toString(), "the download of " + d.digest()
                                + " broke off " + failures + " times (last: " + e.getMessage() + "); try again later", e);
                    }
                    LOG.info("Download of {} broke off at {} of {} bytes ({}); resuming", d.digest(), have, d.size(),
                            e.getMessage());
                    sleep(backoff(failures), deadline, ref);
                }
            }
        } catch (IOException e) {
            throw storeFailure(ref, target, e);
        }
        String got = "sha256:" + HexFormat.of().formatHex(md.digest());
        if (have != d.size() || !got.equals(d.digest())) {
            throw mismatch(ref, d, have, got);
        }
    }

    private static boolean contentRangeStartsAt(HttpResponse.ResponseInfo info, long start) {
        String cr = info.headers().firstValue("content-range").orElse("");
        return cr.startsWith("bytes " + start + "-");
    }

    private static ImageException mismatch(ImageReference ref, Descriptor d, long size, String got) {
        return new ImageException(Kind.DIGEST_MISMATCH, ref.toString(), "blob " + d.digest() + " arrived as " + size
                + " bytes with digest " + got + " (expected " + d.size() + " bytes); nothing was stored. The registry"
                + " or something between is corrupt or hostile");
    }

    static ImageException storeFailure(ImageReference ref, Path file, IOException e) {
        String m = String.valueOf(e.getMessage());
        String what = m.contains("No space left") ? "the disk holding " + file.getParent() + " is full; free space or"
                + " point the image store elsewhere (-Dkata.cache.dir)" : "cannot write " + file + ": " + m;
        return new ImageException(Kind.STORE_FAILED, ref.toString(), what, e);
    }

    // ---- one GET with scheme choice, auth, redirects and retries ----

    private record Response(int status, String contentType) {}

    /** A connection that dropped or stalled mid-body: the caller may resume. */
    private static final class DroppedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DroppedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Chooses the body subscriber of a successful answer from its status and headers; null refuses it. */
    @FunctionalInterface
    private interface BodyChooser {
        StreamingBody choose(HttpResponse.ResponseInfo info);
    }

    /** A GET whose small body goes to {@code buf}, tried again from the start when it breaks off. */
    /**
     * Whether {@code uri} is the registry itself, on the scheme the registry was first reached with: a redirect to
     * another host, or from https down to http, is not, and gets no credentials.
     */
    private boolean isRegistry(URI uri, ImageReference ref) {
        String registryScheme = schemes.getOrDefault(ref.apiHost(), scheme(ref));
        return uri.getAuthority() != null && uri.getAuthority().equals(ref.apiHost()) && uri.getScheme().equals(registryScheme);
    }

    private Response get(ImageReference ref, String path, Map<String, String> headers, Instant deadline,
                         ByteArrayOutputStream buf, long limit, String what) {
        for (int attempt = 1; ; attempt++) {
            buf.reset();
            try {
                return get(ref, path, headers, deadline, info -> new StreamingBody(b -> write(buf, b), limit), what);
            } catch (DroppedException e) {
                if (attempt >= options.attempts()) {
                    throw new ImageException(Kind.REGISTRY_FAILED, ref.toString(), "the registry broke off the " + what
                            + " " + attempt + " times (last: " + e.getMessage() + "); try again later", e);
                }
                sleep(backoff(attempt), deadline, ref);
            }
        }
    }

    private Response get(ImageReference ref, String path, Map<String, String> headers, Instant deadline,
                         BodyChooser chooser, String what) {
        String authKey = ref.apiHost() + "/" + ref.repository();
        boolean authTried = false;
        int attempt = 0;
        URI uri = URI.create(scheme(ref) + "://" + ref.apiHost() + path);
        int redirects = 0;
        while (true) {
            HttpRequest.Builder rb = HttpRequest.newBuilder(uri).GET().timeout(headerTimeout(deadline, ref));
            headers.forEach(rb::header);
            String auth = authorizations.get(authKey);
            boolean fromRegistry = isRegistry(uri, ref);
            if (auth != null && fromRegistry) {
                rb.header("Authorization", auth);
            }
            Exchange ex;
            boolean probing = uri.getScheme().equals("https") && mayUsePlainHttp(ref) && !schemes.containsKey(ref.apiHost());
            try {
                ex = exchange(probing ? probe : http, rb.build(), chooser, deadline);
                if (probing) {
                    schemes.put(ref.apiHost(), "https");
                }
            } catch (IOException e) {
                if (probing && !isCertificateFailure(e)) {
                    LOG.debug("{} does not speak TLS ({}); using plain HTTP", ref.apiHost(), e.toString());
                    schemes.put(ref.apiHost(), "http");
                    uri = URI.create("http://" + ref.apiHost() + path);
                    continue;
                }
                if (++attempt >= options.attempts() || isCertificateFailure(e)) {
                    throw unreachable(ref, e);
                }
                sleep(backoff(attempt), deadline, ref);
                continue;
            }
            int status = ex.status;
            if (ex.refused) {
                throw new ImageException(Kind.REGISTRY_FAILED, ref.toString(), "the registry answered the " + what
                        + " with HTTP " + status + " and a range that was not asked for");
            }
            if (status == 200 || status == 206) {
                try {
                    ex.body.await(options.stallTimeout(), deadline);
                } catch (StreamingBody.BodyException e) {
                    if (e.tooLong) {
                        throw new ImageException(Kind.DIGEST_MISMATCH, ref.toString(), "the " + what + " is longer than"
                                + " expected (" + e.getMessage() + "); nothing was stored");
                    }
                    if (e.getMessage().contains("deadline")) {
                        throw timeout(ref, what);
                    }
                    throw new DroppedException(e.getMessage(), e);
                } catch (StreamingBody.SinkFailure e) {
                    String m = String.valueOf(e.getMessage());
                    throw new ImageException(Kind.STORE_FAILED, ref.toString(), m.contains("No space left")
                            ? "the disk holding the image store is full while storing the " + what + "; free space, prune"
                            + " images (kata image prune) or point the store elsewhere (-Dkata.image.store)"
                            : "cannot store the " + what + ": " + m, e.getCause());
                } catch (IOException e) {
                    if (e.getCause() instanceof ImageException ie) {
                        throw ie;
                    }
                    if (e.getCause() instanceof RuntimeException re && !(e.getCause() instanceof ImageException)) {
                        throw re;
                    }
                    throw new DroppedException(String.valueOf(e.getMessage()), e);
                }
                return new Response(status, ex.header("content-type"));
            }
            String errorBody = ex.errorBody(options.stallTimeout(), deadline);
            if (status >= 300 && status < 400 && ex.header("location") != null) {
                if (++redirects > MAX_REDIRECTS) {
                    throw new ImageException(Kind.REGISTRY_FAILED, ref.toString(), "more than " + MAX_REDIRECTS
                            + " redirects for the " + what);
                }
                uri = uri.resolve(ex.header("location"));
                continue;
            }
            // N-L6: credentials answer only the registry's own challenge, never one from where a redirect led
            if (status == 401 && !authTried && fromRegistry) {
                authTried = true;
                String header = authenticate(ref, ex.header("www-authenticate"), deadline);
                if (header != null) {
                    authorizations.put(authKey, header);
                    continue;
                }
            }
            if (status == 401 || status == 403) {
                boolean haveCreds = options.credentials().forRegistry(ref.registry()).isPresent();
                throw new ImageException(Kind.UNAUTHORIZED, ref.toString(), "the registry refused access to the " + what
                        + " (HTTP " + status + registryError(errorBody) + "); " + (haveCreds
                        ? "check the credentials for " + ref.registry() + " (docker login " + ref.registry() + ")"
                        : "it needs credentials: run docker login " + ref.registry() + " or pass them in the options"));
            }
            if (status == 404) {
                throw new ImageException(Kind.NOT_FOUND, ref.toString(), "the registry has no " + what + " in repository "
                        + ref.repository() + registryError(errorBody) + "; check the name and tag");
            }
            if ((status >= 500 || status == 429) && ++attempt < options.attempts()) {
                LOG.info("Registry {} answered HTTP {} for the {}; retrying", ref.apiHost(), status, what);
                sleep(backoff(attempt), deadline, ref);
                continue;
            }
            throw new ImageException(Kind.REGISTRY_FAILED, ref.toString(), "the registry answered HTTP " + status
                    + " for the " + what + registryError(errorBody) + (status >= 500 ? " after " + attempt + " attempts" : ""));
        }
    }

    /** An answered request: status and headers now, the body as it streams. */
    private static final class Exchange {
        final int status;
        final HttpResponse.ResponseInfo info;
        final StreamingBody body;
        final ByteArrayOutputStream error;
        final boolean refused;

        Exchange(HttpResponse.ResponseInfo info, StreamingBody body, ByteArrayOutputStream error, boolean refused) {
            this.status = info.statusCode();
            this.info = info;
            this.body = body;
            this.error = error;
            this.refused = refused;
        }

        String header(String name) {
            return info.headers().firstValue(name).orElse(null);
        }

        String errorBody(Duration stall, Instant deadline) {
            try {
                body.await(stall, deadline);
            } catch (IOException e) {
                // the error's body is only for the message
            }
            return error.toString(StandardCharsets.UTF_8);
        }
    }

    private Exchange exchange(HttpClient client, HttpRequest request, BodyChooser chooser, Instant deadline) throws IOException {
        CompletableFuture<Exchange> headers = new CompletableFuture<>();
        CompletableFuture<HttpResponse<Long>> response = client.sendAsync(request, info -> {
            boolean ok = info.statusCode() == 200 || info.statusCode() == 206;
            ByteArrayOutputStream error = new ByteArrayOutputStream();
            StreamingBody chosen = ok ? chooser.choose(info) : null;
            StreamingBody b = chosen != null ? chosen : new StreamingBody(data -> write(error, data), MAX_ERROR_BODY);
            Exchange ex = new Exchange(info, b, error, ok && chosen == null);
            headers.complete(ex);
            return b;
        });
        response.whenComplete((r, t) -> {
            if (t != null) {
                headers.completeExceptionally(t);
            }
        });
        try {
            return headers.get(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            response.cancel(true);
            throw new HttpTimeoutException("no answer before the pull's deadline");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io : new IOException(String.valueOf(c), c);
        } catch (InterruptedException e) {
            response.cancel(true);
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    // ---- authentication ----

    /** The Authorization header a challenge asks for, or null when none can be made. */
    private String authenticate(ImageReference ref, String challengeHeader, Instant deadline) {
        Optional<AuthChallenge> challenge = AuthChallenge.parse(challengeHeader);
        Optional<Credentials> creds = options.credentials().forRegistry(ref.registry());
        if (challenge.isEmpty()) {
            return creds.map(Credentials::basicHeader).orElse(null);
        }
        AuthChallenge c = challenge.get();
        if (c.isBasic()) {
            return creds.map(Credentials::basicHeader).orElse(null);
        }
        if (!c.isBearer() || !c.params().containsKey("realm")) {
            return null;
        }
        return "Bearer " + token(ref, c, creds, deadline);
    }

    private String token(ImageReference ref, AuthChallenge c, Optional<Credentials> creds, Instant deadline) {
        String scope = c.params().getOrDefault("scope", "repository:" + ref.repository() + ":pull");
        StringBuilder q = new StringBuilder();
        if (c.params().containsKey("service")) {
            q.append("service=").append(URLEncoder.encode(c.params().get("service"), StandardCharsets.UTF_8)).append('&');
        }
        q.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        URI realm;
        try {
            realm = URI.create(c.params().get("realm"));
        } catch (IllegalArgumentException e) {
            throw new ImageException(Kind.REGISTRY_FAILED, ref.toString(), "the registry's token realm '"
                    + c.params().get("realm") + "' is not a URL");
        }
        if (!"https".equals(realm.getScheme()) && !("http".equals(realm.getScheme()) && mayUsePlainHttp(ref))) {
            throw new ImageException(Kind.REGISTRY_FAILED, ref.toString(), "the registry's token realm " + realm
                    + " is not HTTPS; credentials are only sent over HTTPS (or to a loopback or insecure registry)");
        }
        URI uri = URI.create(realm + (realm.getQuery() == null ? "?" : "&") + q);
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).GET().timeout(headerTimeout(deadline, ref));
        creds.ifPresent(cr -> rb.header("Authorization", cr.basicHeader()));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            Exchange ex = exchange(http, rb.build(), info -> new StreamingBody(b -> write(buf, b), MAX_TOKEN_BODY), deadline);
            if (ex.status != 200) {
                String err = ex.errorBody(options.stallTimeout(), deadline);
                throw new ImageException(Kind.UNAUTHORIZED, ref.toString(), "the token service " + realm.getHost()
                        + " refused a token (HTTP " + ex.status + registryError(err) + "); " + (creds.isPresent()
                        ? "check the credentials for " + ref.registry() : "the image may need credentials (docker login)"));
            }
            ex.body.await(options.stallTimeout(), deadline);
            JsonNode n = new ObjectMapper().readTree(buf.toByteArray());
            String token = n.path("token").asText(n.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw new ImageException(Kind.REGISTRY_FAILED, ref.toString(), "the token service answered without a token");
            }
            return token;
        } catch (IOException e) {
            throw new ImageException(Kind.REGISTRY_FAILED, ref.toString(), "cannot get a token from " + realm.getHost()
                    + ": " + e.getMessage(), e);
        }
    }

    // ---- helpers ----

    private String scheme(ImageReference ref) {
        return schemes.getOrDefault(ref.apiHost(), "https");
    }

    private boolean mayUsePlainHttp(ImageReference ref) {
        return ref.isLoopback() || options.isInsecure(ref.registry()) || options.isInsecure(ref.apiHost());
    }

    private static boolean isTlsFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    /** A TLS server whose certificate we do not trust (as opposed to a server that does not speak TLS at all). */
    private static boolean isCertificateFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof java.security.cert.CertificateException || m.contains("PKIX") || m.contains("certificate")
                    || m.contains("subject alternative")) {
                return true;
            }
        }
        return false;
    }

    private static ImageException unreachable(ImageReference ref, IOException e) {
        String why = e instanceof ConnectException || e.getCause() instanceof ConnectException
                ? "nothing answers at " + ref.apiHost() : e instanceof HttpTimeoutException ? "it did not answer in time"
                : isCertificateFailure(e) ? "its TLS certificate is not trusted (" + e.getMessage() + "); for a private"
                + " CA pass its certificate (RegistryOptions caCertificate, or -Dkata.image.ca=FILE)"
                : isTlsFailure(e) ? "TLS failed (" + e.getMessage() + ")" : String.valueOf(e.getMessage());
        return new ImageException(Kind.REGISTRY_FAILED, ref.toString(), "cannot reach the registry: " + why, e);
    }

    private static ImageException timeout(ImageReference ref, String what) {
        return new ImageException(Kind.REGISTRY_FAILED, ref.toString(), "the pull's deadline passed during the " + what
                + "; raise the pull timeout or try a faster registry");
    }

    private static Duration headerTimeout(Instant deadline, ImageReference ref) {
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            throw timeout(ref, "request");
        }
        return left.compareTo(HEADER_TIMEOUT) < 0 ? left : HEADER_TIMEOUT;
    }

    private static Duration backoff(int attempt) {
        return Duration.ofMillis(Math.min(4000, 250L << Math.min(attempt - 1, 4)));
    }

    private static void sleep(Duration d, Instant deadline, ImageReference ref) {
        if (Instant.now().plus(d).isAfter(deadline)) {
            throw timeout(ref, "retry");
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageException(Kind.REGISTRY_FAILED, ref.toString(), "interrupted while pulling");
        }
    }

    /** The registry's own error code and message, when it sent the OCI error JSON. */
    private static String registryError(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode e = new ObjectMapper().readTree(body).path("errors").path(0);
            String code = e.path("code").asText("");
            return code.isEmpty() ? "" : ": " + code + " " + sanitize(e.path("message").asText(""));
        } catch (IOException ex) {
            return "";
        }
    }

    /** Keeps a registry's text printable and short before it goes into a message. */
    private static String sanitize(String s) {
        String t = s.replaceAll("[^\\x20-\\x7e]", "?");
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }

    private static void write(ByteArrayOutputStream out, ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        out.write(a, 0, a.length);
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
