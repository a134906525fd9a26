package dev.jkata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code kata run} end to end in a real VM: standard input goes in, output and the exit code come back. */
@Timeout(300)
class RunCommandIT {
    @Test
    void standardInputReachesTheCommandWithItsEndOfFile() throws Exception {
        byte[] input = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(input);
        String want = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Stdio io = new Stdio(new ByteArrayInputStream(input), new PrintStream(out, true), new PrintStream(err, true), false);

        int code = KataCli.execute(io, "run", "-e", "X=from-e", "-w", "/tmp", "--", "sh", "-c",
                "sha256sum; echo \"$X $(pwd)\" >&2; exit 3");

        assertThat(code).as("stderr: %s", err).isEqualTo(3);
        assertThat(out.toString()).startsWith(want + "  -");
        assertThat(err.toString()).contains("from-e /tmp");
    }

    /** A CI script's one-shot job: sources in, a build on the sandbox's disk, its artifact out, what it used. */
    @Test
    void aOneShotJobCopiesInBuildsOnItsDiskAndCopiesOut(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path src = java.nio.file.Files.createDirectories(tmp.resolve("src"));
        java.nio.file.Files.writeString(src.resolve("build.sh"), "#!/bin/sh\nmkdir -p out && dd if=/dev/zero of=out/blob"
                + " bs=1M count=300 2>/dev/null && echo built > out/report.txt\n");
        src.resolve("build.sh").toFile().setExecutable(true);
        java.nio.file.Path dest = java.nio.file.Files.createDirectories(tmp.resolve("artifacts"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Stdio io = new Stdio(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(err, true), false);

        int code = KataCli.execute(io, "run", "--disk", "1G", "--stats", "--copy-in", src + ":/job",
                "--copy-out", "/job/out:" + dest, "-w", "/job", "--", "./build.sh");

        assertThat(code).as("stderr: %s", err).isZero();
        assertThat(dest.resolve("out/report.txt")).hasContent("built");
        assertThat(java.nio.file.Files.size(dest.resolve("out/blob"))).as("300M: more than the 228M a 512M guest holds in RAM").isEqualTo(300L << 20);
        assertThat(err.toString()).contains("used: CPU").contains("disk ");
    }

    /** The issue's own scenario: {@code kata run -p HOST:80 -- httpd ...}, and the host's HTTP client gets the page. */
    @Test
    void aPublishedPortServesThePageToTheHost() throws Exception {
        int hostPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            hostPort = probe.getLocalPort();
        }
        java.io.PipedOutputStream stdin = new java.io.PipedOutputStream();
        java.io.PipedInputStream in = new java.io.PipedInputStream(stdin);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Stdio io = new Stdio(in, new PrintStream(out, true), new PrintStream(err, true), false);
        java.util.concurrent.CompletableFuture<Integer> run = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                KataCli.execute(io, "run", "-p", hostPort + ":80", "--", "sh", "-c",
                        "mkdir -p /tmp/www && echo 'a page from the VM' > /tmp/www/index.html && httpd -p 80 -h /tmp/www"
                                + " && read line && echo \"stopping on $line\""));
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String body = null;
        for (int i = 0; i < 600 && body == null && !run.isDone(); i++) {
            try {
                java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + hostPort + "/")).timeout(java.time.Duration.ofSeconds(10)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    body = r.body();
                }
            } catch (java.io.IOException notYet) {
                Thread.sleep(500);
            }
        }
        stdin.write("request\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        stdin.close();
        int code = run.get(120, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(body).as("stderr: %s", err).isEqualTo("a page from the VM\n");
        assertThat(code).as("stderr: %s", err).isZero();
        assertThat(out.toString()).contains("stopping on request");
        assertThat(err.toString()).contains("guest port 80 is published on 127.0.0.1:" + hostPort);
        try (java.net.ServerSocket again = new java.net.ServerSocket()) {
            again.bind(new java.net.InetSocketAddress("127.0.0.1", hostPort)); // free again once kata run ended
        }
    }
}
