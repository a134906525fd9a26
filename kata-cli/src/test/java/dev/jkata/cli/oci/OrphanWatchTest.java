package dev.jkata.cli.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** N-L12: a daemon whose create never recorded it, or whose directory was removed, ends itself. */
class OrphanWatchTest {
    @TempDir
    Path root;

    @Test
    void aDaemonNamedByItsPidFileStaysAndOneNoLongerNamedEnds() throws Exception {
        ContainerDir dir = ContainerDir.create(root, "c1");
        long me = ProcessHandle.current().pid();
        dir.write("pid", Long.toString(me));
        assertThat(OrphanWatch.orphanedBecause(dir, me)).isNull();
        assertThat(OrphanWatch.orphanedBecause(dir, me + 1)).contains("another process");
        CountDownLatch ended = new CountDownLatch(1);
        OrphanWatch.start(dir, me, Duration.ofMillis(50), Duration.ofMillis(20), ended::countDown);
        assertThat(ended.await(500, TimeUnit.MILLISECONDS)).as("still named: stays").isFalse();
        dir.remove();
        assertThat(ended.await(5, TimeUnit.SECONDS)).as("its directory gone: ends").isTrue();
    }

    @Test
    void aDaemonWhoseCreateNeverWroteItsPidEnds() throws Exception {
        ContainerDir dir = ContainerDir.create(root, "c2");
        assertThat(OrphanWatch.orphanedBecause(dir, ProcessHandle.current().pid())).contains("create did not finish");
        dir.remove();
    }
}
