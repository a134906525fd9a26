package dev.jkata.bench;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One HTTP load from the host: small GETs 8 at a time (a new connection each: rate, p50 and p99 latency), then one
 * download of a known size (MiB/s). The network benches run it against a VM and against its floor alike.
 */
final class HttpLoad {
    private HttpLoad() {}

    /** What one load measured. */
    record Result(int requests, double seconds, Stats latency, double downloadMiBps) {
        double rate() { return requests / seconds; }
    }

    static Result run(URI small, URI big, long bigBytes, int requests) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        get(http, small); // the first connection warms both ends
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                all.add(pool.submit(() -> {
                    long s = System.nanoTime();
                    get(http, small);
                    latencies.add((System.nanoTime() - s) / 1e6);
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long d0 = System.nanoTime();
        long bytes = download(http, big, bigBytes);
        return new Result(requests, seconds, Stats.of(latencies), SerialFloor.mibPerSecond(bytes, System.nanoTime() - d0));
    }

    private static void get(HttpClient http, URI uri) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + r.statusCode());
        }
    }

    private static long download(HttpClient http, URI uri, long expected) throws Exception {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = r.body()) {
            for (int k; (k = in.read(buf)) >= 0; ) {
                n += k;
            }
        }
        if (n != expected) {
            throw new IllegalStateException("the download carried " + n + " bytes, not " + expected);
        }
        return n;
    }
}
