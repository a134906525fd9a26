package dev.jkata.agent.protocol.yamux;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class YamuxConfigTest {

    @Test
    void defaultsFollowTheSpecAndTurnKeepAliveOff() {
        YamuxConfig c = YamuxConfig.defaults();
        assertThat(c.initialWindowBytes()).isEqualTo(256 * 1024);
        assertThat(c.maxWindowBytes()).isEqualTo(256 * 1024);
        assertThat(c.maxFrameBytes()).isEqualTo(256 * 1024);
        assertThat(c.keepAlive()).isFalse();
        assertThat(c.connectionWriteTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void rejectsAWindowBelowTheInitialWindow() {
        assertThatThrownBy(() -> YamuxConfig.builder().maxWindowBytes(64 * 1024).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxWindowBytes");
    }

    @Test
    void rejectsNonPositiveBoundsAndTimeouts() {
        assertThatThrownBy(() -> YamuxConfig.builder().acceptBacklog(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acceptBacklog");
        assertThatThrownBy(() -> YamuxConfig.builder().streamWriteTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("streamWriteTimeout");
        assertThatThrownBy(() -> YamuxConfig.builder().maxFrameBytes(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxFrameBytes");
        assertThatThrownBy(() -> YamuxConfig.builder().keepAliveInterval(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keepAliveInterval");
    }
}
