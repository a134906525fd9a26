package dev.jkata.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void medianOfAnOddAndAnEvenCount() {
        assertThat(Stats.of(5, 1, 3).median()).isEqualTo(3);
        assertThat(Stats.of(4, 1, 3, 2).median()).isEqualTo(2.5);
    }

    @Test
    void percentilesAreNearestRank() {
        Stats s = Stats.of(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
        assertThat(s.p50()).isEqualTo(5);
        assertThat(s.p99()).isEqualTo(10);
        assertThat(s.percentile(90)).isEqualTo(9);
        assertThat(Stats.of(7).p99()).isEqualTo(7);
    }

    @Test
    void anEmptySampleHasNoMedian() {
        assertThatThrownBy(() -> Stats.of().median()).isInstanceOf(IllegalStateException.class);
    }
}
