package dev.jkata.agent.rpc;

import dev.jkata.agent.protocol.proto.CloseStdinRequest;
import dev.jkata.agent.protocol.proto.ExecProcessRequest;
import dev.jkata.agent.protocol.proto.TtyWinResizeRequest;
import dev.jkata.agent.fakes.AgentHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** terminal=true: the fake runtime hands the agent a real pty over the console socket, as crun does. */
class TerminalRpcTest {
    @TempDir
    Path tmp;
    AgentHarness h;

    @BeforeEach
    void start() {
        h = AgentHarness.withIdleContainer(tmp, "c1");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private void execWithTerminal(String execId, String... args) {
        h.agent.execProcess(ExecProcessRequest.newBuilder().setContainerId("c1").setExecId(execId)
                .setProcess(AgentHarness.process(args).toBuilder().setTerminal(true)).build());
    }

    @Test
    void aTerminalProcessSeesATtyAndItsOutputComesOnStdoutOnly() {
        execWithTerminal("t", "sh", "-c", "test -t 0 && test -t 1 && echo tty; echo err >&2");

        assertThat(new String(h.readAll("c1", "t", true), StandardCharsets.UTF_8)).isEqualTo("tty\r\nerr\r\n");
        assertThat(h.readAll("c1", "t", false)).isEmpty();
        assertThat(h.waitProcess("c1", "t")).isZero();
    }

    @Test
    void inputIsTypedAndCloseStdinTypesEndOfFile() {
        execWithTerminal("cat", "cat");
        h.writeStdin("c1", "cat", "hello\n".getBytes(StandardCharsets.UTF_8));
        h.agent.closeStdin(CloseStdinRequest.newBuilder().setContainerId("c1").setExecId("cat").build());

        String out = new String(h.readAll("c1", "cat", true), StandardCharsets.UTF_8);
        assertThat(out).as("the echo, then cat's copy").isEqualTo("hello\r\nhello\r\n");
        assertThat(h.waitProcess("c1", "cat")).isZero();
    }

    @Test
    void ttyWinResizeSetsTheSize() {
        execWithTerminal("stty", "sh", "-c", "read go; stty size");
        h.agent.ttyWinResize(TtyWinResizeRequest.newBuilder().setContainerId("c1").setExecId("stty").setRow(40).setColumn(100).build());
        h.writeStdin("c1", "stty", "go\n".getBytes(StandardCharsets.UTF_8));

        assertThat(new String(h.readAll("c1", "stty", true), StandardCharsets.UTF_8)).endsWith("40 100\r\n");
        assertThat(h.waitProcess("c1", "stty")).isZero();
    }

    @Test
    void aSignalledTerminalProcessReportsOneHundredTwentyEightPlusTheSignal() {
        execWithTerminal("s", "sleep", "30");
        h.agent.signalProcess(dev.jkata.agent.protocol.proto.SignalProcessRequest.newBuilder().setContainerId("c1").setExecId("s")
                .setSignal(9).build());

        assertThat(h.waitProcess("c1", "s")).isEqualTo(137);
    }
}
