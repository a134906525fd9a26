package dev.jkata.agent.process;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class OutputBufferTest {

    @Test
    void readsAcrossChunksUpToMax() throws Exception {
        OutputBuffer b = new OutputBuffer(100);
        b.write(new byte[] {1, 2, 3});
        b.write(new byte[] {4, 5});

        assertThat(b.read(4)).containsExactly(1, 2, 3, 4);
        assertThat(b.read(4)).containsExactly(5);
        assertThat(b.size()).isZero();
    }

    @Test
    void aWriteBlocksWhileFullAndResumesWhenRead() throws Exception {
        OutputBuffer b = new OutputBuffer(4);
        b.write(new byte[] {1, 2, 3});
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
            try {
                b.write(new byte[] {4, 5});
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertThat(second).isNotDone();

        assertThat(b.read(10)).containsExactly(1, 2, 3);
        second.get(5, TimeUnit.SECONDS);
        assertThat(b.read(10)).containsExactly(4, 5);
    }

    @Test
    void aChunkLargerThanTheCapacityGoesInWhenEmpty() throws Exception {
        OutputBuffer b = new OutputBuffer(2);
        b.write(new byte[] {1, 2, 3, 4});
        assertThat(b.read(10)).containsExactly(1, 2, 3, 4);
    }

    @Test
    void endOfStreamComesAfterTheLastByte() throws Exception {
        OutputBuffer b = new OutputBuffer(10);
        b.write(new byte[] {9});
        b.finish();

        assertThat(b.endDelivered()).isFalse();
        assertThat(b.read(10)).containsExactly(9);
        assertThat(b.read(10)).isNull();
        assertThat(b.endDelivered()).isTrue();
    }

    @Test
    void aReadWaitsForData() throws Exception {
        OutputBuffer b = new OutputBuffer(10);
        CompletableFuture<byte[]> r = CompletableFuture.supplyAsync(() -> {
            try {
                return b.read(10);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        assertThat(r).isNotDone();
        b.write(new byte[] {7});
        assertThat(r.get(5, TimeUnit.SECONDS)).containsExactly(7);
    }

    @Test
    void discardDropsDataAndReleasesABlockedWriter() throws Exception {
        OutputBuffer b = new OutputBuffer(1);
        b.write(new byte[] {1});
        CompletableFuture<Void> w = CompletableFuture.runAsync(() -> {
            try {
                b.write(new byte[] {2});
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        b.discard();
        w.get(5, TimeUnit.SECONDS);
        assertThat(b.read(10)).isNull();
    }
}
