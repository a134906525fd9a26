package dev.jkata.agent.protocol.yamux;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameHeaderTest {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void synWindowUpdateOpeningStreamOneIsTheSpecsTwelveBytes() {
        assertThat(FrameHeader.windowUpdate(1, FrameHeader.SYN, 0).encode())
                .containsExactly(bytes(0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00));
    }

    @Test
    void ackWindowUpdateGrantingExtraWindowCarriesTheDeltaInTheLength() {
        assertThat(FrameHeader.windowUpdate(2, FrameHeader.ACK, 0x40000).encode())
                .containsExactly(bytes(0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00));
    }

    @Test
    void pingRequestAndReplyEchoTheOpaqueValueOnStreamZero() {
        assertThat(FrameHeader.ping(FrameHeader.SYN, 0x01020304).encode())
                .containsExactly(bytes(0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04));
        assertThat(FrameHeader.ping(FrameHeader.ACK, 0x01020304).encode())
                .containsExactly(bytes(0x00, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04));
    }

    @Test
    void goAwayCarriesItsCodeInTheLength() {
        assertThat(FrameHeader.goAway(GoAwayCode.NORMAL).encode())
                .containsExactly(bytes(0x00, 0x03, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0x00));
        assertThat(FrameHeader.goAway(GoAwayCode.PROTOCOL_ERROR).encode())
                .containsExactly(bytes(0x00, 0x03, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0x01));
        assertThat(FrameHeader.goAway(GoAwayCode.INTERNAL_ERROR).encode())
                .containsExactly(bytes(0x00, 0x03, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0x02));
    }

    @Test
    void dataFrameFieldsAreBigEndianAndUnsigned() {
        FrameHeader h = FrameHeader.data(0xFFFF_FFFE, FrameHeader.FIN | FrameHeader.RST, 0x8000_0001);
        byte[] wire = h.encode();
        assertThat(wire).containsExactly(bytes(0x00, 0x00, 0x00, 0x0C, 0xFF, 0xFF, 0xFF, 0xFE, 0x80, 0x00, 0x00, 0x01));
        FrameHeader back = FrameHeader.decode(wire, 0);
        assertThat(back).isEqualTo(h);
        assertThat(back.streamIdUnsigned()).isEqualTo(0xFFFF_FFFEL);
        assertThat(back.lengthUnsigned()).isEqualTo(0x8000_0001L);
        assertThat(back.has(FrameHeader.FIN)).isTrue();
        assertThat(back.has(FrameHeader.SYN)).isFalse();
        assertThat(back.toString()).isEqualTo("DATA[stream=4294967294 flags=FIN|RST length=2147483649]");
    }

    @Test
    void decodesAtAnOffset() {
        byte[] wire = new byte[20];
        FrameHeader.windowUpdate(7, FrameHeader.FIN, 99).encodeInto(wire, 5);
        assertThat(FrameHeader.decode(wire, 5)).isEqualTo(FrameHeader.windowUpdate(7, FrameHeader.FIN, 99));
    }

    @Test
    void rejectsAnyVersionButZero() {
        byte[] wire = FrameHeader.data(1, 0, 0).encode();
        wire[0] = 1;
        assertThatThrownBy(() -> FrameHeader.decode(wire, 0))
                .isInstanceOf(YamuxProtocolException.class)
                .hasMessageContaining("version 1");
    }

    @Test
    void rejectsUnknownFrameTypes() {
        byte[] wire = FrameHeader.data(1, 0, 0).encode();
        wire[1] = 4;
        assertThatThrownBy(() -> FrameHeader.decode(wire, 0))
                .isInstanceOf(YamuxProtocolException.class)
                .hasMessageContaining("type 4");
    }

    @Test
    void flagsMustFitSixteenBits() {
        assertThatThrownBy(() -> FrameHeader.data(1, 0x10000, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
