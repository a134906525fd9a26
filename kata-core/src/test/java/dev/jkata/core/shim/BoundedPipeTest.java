package dev.jkata.core.shim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 16 M6: a pipe holds little until output needs room, and growing keeps every byte in order. */
@Timeout(30)
class BoundedPipeTest {

    @Test
    void anIdlePipeHoldsLittleAndGrowsOnlyToItsCapacity() throws Exception {
        BoundedPipe p = new BoundedPipe(2 << 20);
        assertThat(p.allocated()).isEqualTo(BoundedPipe.INITIAL);
        byte[] data = new byte[(2 << 20)];
        new Random(3).nextBytes(data);
        assertThat(p.write(data, 0, data.length)).isTrue();
        assertThat(p.allocated()).isEqualTo(2 << 20);
        p.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.transferTo(out);
        assertThat(out.toByteArray()).isEqualTo(data);
    }

    @Test
    void growingAWrappedRingKeepsTheOrder() throws Exception {
        BoundedPipe p = new BoundedPipe(1 << 20);
        byte[] data = new byte[300_000];
        new Random(4).nextBytes(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.write(data, 0, 40_000);
        byte[] buf = new byte[30_000];
        int n = p.read(buf, 0, buf.length);
        out.write(buf, 0, n);
        p.write(data, 40_000, 60_000);         // wraps around the 64 KiB ring
        p.write(data, 100_000, 200_000);       // grows it while wrapped
        p.finish();
        p.transferTo(out);
        assertThat(out.toByteArray()).isEqualTo(data);
        assertThat(p.allocated()).isLessThanOrEqualTo(1 << 20);
    }
}
