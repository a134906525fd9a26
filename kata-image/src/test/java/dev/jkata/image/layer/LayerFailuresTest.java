package dev.jkata.image.layer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.image.ImageException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LayerFailuresTest {
    private final LayerFailures failures = new LayerFailures("img:1", "sha256:ab", Path.of("/store/root"));

    @Test
    void aFullDiskIsAStoreFailureSayingWhatToDo() {
        failures.entering("usr/lib/big.so");
        ImageException e = failures.hostFailure(new FileSystemException("/store/root/usr/lib/big.so", null,
                "No space left on device"));

        assertThat(e.kind()).isEqualTo(ImageException.Kind.STORE_FAILED);
        assertThat(e.getMessage()).contains("img:1", "sha256:ab", "'usr/lib/big.so'",
                "the disk holding /store/root is full; free space or point the image store elsewhere");
        assertThat(failures.hostFailure(new IOException("No space left on device")).getMessage())
                .contains("is full");
    }

    @Test
    void otherHostFailuresNameTheEntry() {
        failures.entering("etc/x");
        ImageException e = failures.hostFailure(new AccessDeniedException("/store/root/etc/x"));

        assertThat(e.kind()).isEqualTo(ImageException.Kind.STORE_FAILED);
        assertThat(e.getMessage()).contains("'etc/x'", "could not write it").doesNotContain("is full");
    }

    @Test
    void readFailuresAreBadLayersUnlessTheHostFailed() {
        failures.entering("a");
        failures.done();

        ImageException truncated = failures.readFailure(new EOFException("Truncated TAR archive"));
        assertThat(truncated.kind()).isEqualTo(ImageException.Kind.BAD_LAYER);
        assertThat(truncated.getMessage()).contains("the tar header after entry 'a'", "truncated");

        assertThat(failures.readFailure(new IOException("Error detected parsing the header")).kind())
                .isEqualTo(ImageException.Kind.BAD_LAYER);
        assertThat(failures.readFailure(new IllegalArgumentException("bad octal")).kind())
                .isEqualTo(ImageException.Kind.BAD_LAYER);
        assertThat(failures.readFailure(new IOException("read", new FileSystemException("blob: Input/output error")))
                .kind()).isEqualTo(ImageException.Kind.STORE_FAILED);
    }
}
