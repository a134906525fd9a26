package dev.jkata.agent.terminal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsoleSocketTest {
    @TempDir
    Path tmp;

    @Test
    void theMasterSentOverTheSocketIsThePtyOfTheSlave() throws Exception {
        RuntimeConsole.PtyPair pair = RuntimeConsole.openPty();
        try (ConsoleSocket console = ConsoleSocket.listen(tmp.resolve("console.sock"))) {
            RuntimeConsole.sendDescriptor(console.path(), pair.master());
            RuntimeConsole.close(pair.master());

            try (Pty pty = console.receive(() -> true, Duration.ofSeconds(5));
                 OutputStream slaveOut = Files.newOutputStream(pair.slave());
                 InputStream slaveIn = Files.newInputStream(pair.slave())) {
                slaveOut.write("from the process\n".getBytes(StandardCharsets.UTF_8));
                slaveOut.flush();
                byte[] buf = new byte[64];
                int n = pty.input().read(buf, 0, buf.length);
                assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).isEqualTo("from the process\r\n");

                pty.output().write("typed\n".getBytes(StandardCharsets.UTF_8));
                n = slaveIn.read(buf);
                assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).isEqualTo("typed\n");
                pty.resize(100, 40);
            }
        }
        assertThat(tmp.resolve("console.sock")).doesNotExist();
    }

    @Test
    void aRuntimeThatExitsWithoutConnectingIsAnError() throws IOException {
        try (ConsoleSocket console = ConsoleSocket.listen(tmp.resolve("c.sock"))) {
            assertThatThrownBy(() -> console.receive(() -> false, Duration.ofSeconds(5)))
                    .isInstanceOf(IOException.class).hasMessageContaining("exited");
        }
    }
}
