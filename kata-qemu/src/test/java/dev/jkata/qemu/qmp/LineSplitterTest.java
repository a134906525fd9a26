package dev.jkata.qemu.qmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
    final List<String> lines = new ArrayList<>();

    void feed(LineSplitter s, String text) throws Exception {
        s.feed(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)),
                b -> lines.add(new String(b, StandardCharsets.UTF_8)));
    }

    @Test
    void linesSpanningChunksAreJoined() throws Exception {
        LineSplitter s = new LineSplitter(100);
        feed(s, "{\"a\":");
        feed(s, "1}\r\n{\"b\"");
        feed(s, ":2}\n");
        assertThat(lines).containsExactly("{\"a\":1}\r", "{\"b\":2}");
        assertThat(s.pending()).isZero();
    }

    @Test
    void aLineAtTheBoundPassesOneBeyondFails() throws Exception {
        LineSplitter s = new LineSplitter(10);
        feed(s, "0123456789\n");
        assertThat(lines).containsExactly("0123456789");
        assertThatThrownBy(() -> feed(s, "01234567890")).isInstanceOf(LineSplitter.LineTooLongException.class);
    }
}
