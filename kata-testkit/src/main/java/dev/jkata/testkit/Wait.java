package dev.jkata.testkit;

import dev.jkata.api.KataTimeoutException;
import dev.jkata.api.Sandbox;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Waits until a server in a sandbox is ready, as Testcontainers' wait strategies do: its published port takes and
 * keeps a connection, an HTTP path answers with a status, or its output shows a line. Each waits at most the time
 * given and then throws a {@link KataTimeoutException} saying what it waited for.
 */
public final class Wait {
    private static final Duration POLL = Duration.ofMillis(200);

    private Wait() {}

    /**
     * Until a connection to published {@code guestPort} gets through to a listener in the guest. (The host's end
     * always accepts; a guest without a listener then closes the connection at once, which this tells apart.)
     */
    public static void forPort(Sandbox sandbox, int guestPort, Duration timeout) throws InterruptedException {
        InetSocketAddress a = sandbox.publishedAddress(guestPort);
        poll("port " + guestPort + " of sandbox " + sandbox.id() + " to take connections", timeout, () -> {
            try (Socket s = new Socket()) {
                s.connect(a, 2_000);
                s.setSoTimeout(2_000); // the guest's refusal takes a round trip, slow under TCG
                try {
                    return s.getInputStream().read() >= 0; // a server that speaks first
                } catch (java.net.SocketTimeoutException quiet) {
                    return true; // still open: something in the guest holds it
                }
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Until {@code GET path} on published {@code guestPort} answers with {@code status}. */
    public static void forHttp(Sandbox sandbox, int guestPort, String path, int status, Duration timeout)
            throws InterruptedException {
        InetSocketAddress a = sandbox.publishedAddress(guestPort);
        URI uri = URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + path);
        poll(uri + " to answer " + status, timeout, () -> {
            try {
                HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
                c.setConnectTimeout(2_000);
                c.setReadTimeout(5_000);
                try {
                    return c.getResponseCode() == status;
                } finally {
                    c.disconnect();
                }
            } catch (IOException e) {
                return false;
            }
        });
    }

    /**
     * Until a line of {@code output} (a process's stdout or stderr) matches {@code regex}; the stream is read up to
     * and including that line, the rest is left to the caller.
     */
    public static String forLogLine(InputStream output, String regex, Duration timeout) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        CompletableFuture<String> found = CompletableFuture.supplyAsync(() -> {
            BufferedReader r = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8), 1);
            try {
                for (String line; (line = r.readLine()) != null; ) {
                    if (p.matcher(line).find()) {
                        return line;
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        try {
            String line = found.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new KataTimeoutException("the output ended before a line matched " + regex, timeout);
            }
            return line;
        } catch (TimeoutException e) {
            found.cancel(true);
            throw new KataTimeoutException("no line matched " + regex + " within " + timeout.toMillis() + " ms", timeout);
        } catch (ExecutionException e) {
            throw new KataTimeoutException("reading the output failed: " + e.getCause(), timeout, e.getCause());
        }
    }

    private interface Check {
        boolean ready() throws InterruptedException;
    }

    private static void poll(String what, Duration timeout, Check check) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (check.ready()) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new KataTimeoutException("waited " + timeout.toMillis() + " ms for " + what, timeout);
            }
            Thread.sleep(POLL.toMillis());
        }
    }
}
