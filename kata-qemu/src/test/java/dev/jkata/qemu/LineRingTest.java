package dev.jkata.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LineRingTest {
    @Test
    void keepsTheLastLinesEachBounded() {
        LineRing r = new LineRing(3, 5);
        for (int i = 1; i <= 5; i++) {
            r.add("line" + i);
        }
        r.add("0123456789");
        assertThat(r.snapshot()).containsExactly("line4", "line5", "01234...");
    }
}
