package dev.jkata.image.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A proxy in front of a real {@link RegistryServer} that misbehaves on blob downloads the way networks and broken
 * registries do: it drops the connection part-way through a blob, flips a byte, or stalls. Everything else passes
 * through unchanged.
 */
public final class FaultProxy implements AutoCloseable {
    /** What happens to blob responses. */
    public enum Fault { NONE, DROP_HALFWAY, CORRUPT, STALL, ERROR_500 }

    private final HttpServer server;
    private final RegistryServer upstream;
    private volatile Fault fault = Fault.NONE;
    private final AtomicInteger remaining = new AtomicInteger(Integer.MAX_VALUE);
    private final AtomicInteger blobRequests = new AtomicInteger();
    private final AtomicInteger rangeRequests = new AtomicInteger();

    private FaultProxy(RegistryServer upstream) throws IOException {
        this.upstream = upstream;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fault-proxy");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public static FaultProxy in(RegistryServer upstream) throws IOException {
        return new FaultProxy(upstream);
    }

    /** Applies {@code f} to the next {@code times} blob responses (then passes them through). */
    public FaultProxy fault(Fault f, int times) {
        fault = f;
        remaining.set(times);
        return this;
    }

    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public int blobRequests() {
        return blobRequests.get();
    }

    public int rangeRequests() {
        return rangeRequests.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        boolean dropped = false;
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(upstream.url() + ex.getRequestURI()).toURL().openConnection();
            c.setRequestMethod(ex.getRequestMethod());
            c.setInstanceFollowRedirects(false);
            for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
                if (!h.getKey().equalsIgnoreCase("Host")) {
                    h.getValue().forEach(v -> c.addRequestProperty(h.getKey(), v));
                }
            }
            boolean blob = ex.getRequestURI().getPath().contains("/blobs/") && ex.getRequestMethod().equals("GET");
            if (blob) {
                blobRequests.incrementAndGet();
                if (ex.getRequestHeaders().containsKey("Range")) {
                    rangeRequests.incrementAndGet();
                }
            }
            int status = c.getResponseCode();
            // faults hit layer-sized blobs (over 64 KiB), not the config, so that resuming is what gets tested
            boolean large = c.getContentLengthLong() > 65536;
            Fault f = blob && large && remaining.getAndDecrement() > 0 ? fault : Fault.NONE;
            if (f == Fault.ERROR_500) {
                ex.sendResponseHeaders(500, -1);
                return;
            }
            InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream();
            byte[] bytes = body == null ? new byte[0] : body.readAllBytes();
            for (Map.Entry<String, List<String>> h : c.getHeaderFields().entrySet()) {
                if (h.getKey() != null && !h.getKey().equalsIgnoreCase("Content-Length")
                        && !h.getKey().equalsIgnoreCase("Transfer-Encoding")) {
                    ex.getResponseHeaders().put(h.getKey(), h.getValue());
                }
            }
            ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            OutputStream out = ex.getResponseBody();
            {
                switch (f) {
                    case DROP_HALFWAY -> {
                        out.write(bytes, 0, bytes.length / 2);
                        out.flush();
                        // an exception out of the handler makes the server close the connection mid-body
                        dropped = true;
                        throw new java.io.UncheckedIOException(new IOException("dropped on purpose"));
                    }
                    case CORRUPT -> {
                        if (bytes.length > 0) {
                            bytes[bytes.length / 2] ^= 0x55;
                        }
                        out.write(bytes);
                    }
                    case STALL -> {
                        out.write(bytes, 0, bytes.length / 2);
                        out.flush();
                        Thread.sleep(60_000);
                    }
                    default -> out.write(bytes);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away
        } finally {
            if (!dropped) {
                ex.close();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
