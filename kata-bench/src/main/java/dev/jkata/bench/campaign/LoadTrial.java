package dev.jkata.bench.campaign;

import dev.jkata.api.ExecProcess;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.Sandbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Load: {@code execs} processes in one sandbox, {@code parallel} at a time, each fed its own random stdin, which it
 * hashes to stdout and copies reversed-in-role to stderr ({@code tee} to stderr, hash on stdout): the host checks both
 * digests, so a lost, doubled or crossed byte shows. Counts: lost or crossed streams, hangs (an exec past its deadline).
 */
final class LoadTrial {
    private static final Duration PER_EXEC = Duration.ofMinutes(3);

    private LoadTrial() {}

    static void run(Sandbox sb, int execs, int parallel, int bytesEach, Findings f) throws InterruptedException {
        // every count whose goal is zero is printed, zero included
        for (String zero : List.of("load: execs hung", "load: execs failed", "load: stdin or stdout lost or crossed",
                "load: stderr lost or crossed")) {
            f.count(zero, 0);
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        List<Future<?>> all = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < execs; i++) {
            int n = i;
            all.add(pool.submit(() -> {
                one(sb, n, bytesEach, f);
                return null;
            }));
        }
        for (Future<?> fu : all) {
            try {
                fu.get(PER_EXEC.toMillis() * 2, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                f.count("load: execs hung", 1);
                fu.cancel(true);
            } catch (java.util.concurrent.ExecutionException e) {
                f.count("load: execs failed", 1);
                f.failure("load: " + e.getCause());
            }
        }
        pool.shutdownNow();
        double s = (System.nanoTime() - t0) / 1e9;
        f.count("load: execs", execs);
        f.figure("load: wall time", String.format("%.1f s for %d execs, %d at a time (%.1f execs/s)", s, execs, parallel, execs / s));
    }

    private static void one(Sandbox sb, int n, int bytes, Findings f) throws Exception {
        byte[] in = new byte[bytes + n % 977];
        new Random(n).nextBytes(in);
        String want = sha(in);
        // stdout: the digest of stdin; stderr: stdin itself, unchanged
        try (ExecProcess p = sb.exec(ExecSpec.builder("sh", "-c", "tee /dev/stderr | sha256sum").build())) {
            CompletableFuture<byte[]> out = read(p.stdout());
            CompletableFuture<byte[]> err = read(p.stderr());
            try (OutputStream o = p.stdin()) {
                o.write(in);
            }
            int code = p.waitFor(PER_EXEC).code();
            String gotOut = new String(out.get(PER_EXEC.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.US_ASCII);
            byte[] gotErr = err.get(PER_EXEC.toMillis(), TimeUnit.MILLISECONDS);
            f.count("load: bytes checked", in.length * 2L + gotOut.length());
            if (code != 0) {
                f.count("load: execs failed", 1);
                f.failure("load " + n + ": exit " + code);
            }
            if (!gotOut.startsWith(want)) {
                f.count("load: stdin or stdout lost or crossed", 1);
                f.failure("load " + n + ": stdout " + gotOut.trim() + ", want " + want);
            }
            if (!sha(gotErr).equals(want)) {
                f.count("load: stderr lost or crossed", 1);
                f.failure("load " + n + ": stderr carried " + gotErr.length + " bytes, want " + in.length);
            }
        }
    }

    private static CompletableFuture<byte[]> read(InputStream in) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                in.transferTo(b);
                f.complete(b.toByteArray());
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        }, "campaign-read");
        t.setDaemon(true);
        t.start();
        return f;
    }

    static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
