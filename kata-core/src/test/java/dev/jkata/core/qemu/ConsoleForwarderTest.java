package dev.jkata.core.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleForwarderTest {
    @TempDir
    Path dir;

    @Test
    void forwardsLinesCutsLongOnesAndBoundsTheLogOnDisk() throws Exception {
        Path log = dir.resolve("console.log");
        List<String> lines = new CopyOnWriteArrayList<>();
        try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
             ConsoleForwarder f = new ConsoleForwarder(log, "test", lines::add)) {
            out.write("KATA_INIT: hello\n".getBytes(StandardCharsets.UTF_8));
            byte[] noNewline = new byte[1 << 20];
            java.util.Arrays.fill(noNewline, (byte) 'x');
            for (int i = 0; i < 40; i++) { // 40 MiB without a newline: a hostile or broken guest
                out.write(noNewline);
            }
            out.write("\nlast line\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!lines.contains("last line") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        assertThat(lines).contains("KATA_INIT: hello", "last line");
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(4096));
        assertThat(Files.size(log)).isLessThanOrEqualTo(ConsoleForwarder.MAX_LOG_BYTES);
    }
}
