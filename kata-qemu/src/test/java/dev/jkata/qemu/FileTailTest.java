package dev.jkata.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTailTest {
    @TempDir
    Path tmp;

    @Test
    void lastLinesOfASmallFile() throws Exception {
        Path f = Files.writeString(tmp.resolve("c.log"), "a\r\nb\nc\n");
        assertThat(FileTail.lastLines(f, 2)).containsExactly("b", "c");
        assertThat(FileTail.lastLines(f, 10)).containsExactly("a", "b", "c");
    }

    @Test
    void readsOnlyTheEndOfAHugeFileAndDropsTheCutLine() throws Exception {
        Path f = tmp.resolve("big.log");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            sb.append("console line ").append(i).append('\n');
        }
        Files.writeString(f, sb);
        assertThat(FileTail.lastLines(f, 2)).containsExactly("console line 19998", "console line 19999");
        assertThat(FileTail.lastLines(f, 100_000)).allMatch(l -> l.startsWith("console line "));
    }

    @Test
    void missingFileIsEmpty() {
        assertThat(FileTail.lastLines(tmp.resolve("none"), 5)).isEmpty();
    }
}
