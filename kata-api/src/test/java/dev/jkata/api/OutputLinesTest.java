package dev.jkata.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputLinesTest {

    private static List<String> split(byte[] data) {
        List<String> lines = new ArrayList<>();
        OutputLines.split(new ByteArrayInputStream(data), lines::add);
        return lines;
    }

    private static List<String> split(String text) {
        return split(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void linesComeWithoutTheirBreaksAndALastPartialLineIsKept() {
        assertThat(split("one\ntwo\r\n\nthree")).containsExactly("one", "two", "", "three");
        assertThat(split("")).isEmpty();
        assertThat(split("ünïcödé\n")).containsExactly("ünïcödé");
    }

    @Test
    void anEndlessLineIsCutIntoBoundedPieces() {
        byte[] data = new byte[OutputLines.MAX_LINE_BYTES * 3 + 10];
        java.util.Arrays.fill(data, (byte) 'x');
        List<String> lines = split(data);
        assertThat(lines).hasSize(4);
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(OutputLines.MAX_LINE_BYTES));
    }
}
