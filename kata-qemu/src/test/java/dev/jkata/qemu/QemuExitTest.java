package dev.jkata.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QemuExitTest {
    static QemuExit exit(int code, boolean requested, boolean panicked) {
        return new QemuExit(42, code, requested, Optional.of("host-qmp-quit"), panicked, List.of(), List.of(), Duration.ofSeconds(3));
    }

    @Test
    void onlyARequestedCleanExitIsNotAFailure() {
        assertThat(exit(0, true, false).failed()).isFalse();
        assertThat(exit(0, false, false).failed()).isTrue();
        assertThat(exit(137, true, false).failed()).isTrue();
        assertThat(exit(0, true, true).failed()).isTrue();
        assertThat(exit(0, false, false).unexpected()).isTrue();
    }

    @Test
    void summaryNamesPidCodeAndReason() {
        assertThat(exit(1, false, false).summary())
                .isEqualTo("QEMU pid 42 exited with code 1 unexpectedly (shutdown reason host-qmp-quit) after 3000 ms");
    }
}
