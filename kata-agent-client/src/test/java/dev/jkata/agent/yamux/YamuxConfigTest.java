package dev.jkata.agent.yamux;

import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.MemorySize;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class YamuxConfigTest {

    @Test
    void defaultsFollowTheSpecAndTurnKeepAliveOff() {
        YamuxConfig c = YamuxConfig.defaults();
        assertThat(c.initialStreamWindow()).isEqualTo(MemorySize.ofKiB(256));
        assertThat(c.maxStreamWindow()).isEqualTo(MemorySize.ofKiB(256));
        assertThat(c.maxFrameDataLength()).isEqualTo(MemorySize.ofKiB(256));
        assertThat(c.keepAlive()).isFalse();
        assertThat(c.connectionWriteTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void rejectsAWindowBelowTheInitialWindow() {
        assertThatThrownBy(() -> YamuxConfig.builder().maxStreamWindow(MemorySize.ofKiB(64)).build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.field()).isEqualTo("maxStreamWindow"));
    }

    @Test
    void rejectsNonPositiveBoundsAndTimeouts() {
        assertThatThrownBy(() -> YamuxConfig.builder().acceptBacklog(-1).build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.field()).isEqualTo("acceptBacklog"));
        assertThatThrownBy(() -> YamuxConfig.builder().streamWriteTimeout(Duration.ZERO).build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.field()).isEqualTo("streamWriteTimeout"));
        assertThatThrownBy(() -> YamuxConfig.builder().maxFrameDataLength(MemorySize.ofGiB(4)).build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.field()).isEqualTo("maxFrameDataLength"));
        assertThatThrownBy(() -> YamuxConfig.builder().keepAliveInterval(Duration.ofSeconds(-1)).build())
                .isInstanceOf(InvalidConfigurationException.class);
    }
}
