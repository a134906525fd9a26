package dev.jkata.core.cli;

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
}
