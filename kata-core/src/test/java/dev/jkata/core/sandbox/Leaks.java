package dev.jkata.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What a closed sandbox must not leave behind: its QEMU process and its state directory. */
final class Leaks {
    private Leaks() {}

    static List<ProcessHandle> qemuChildren() {
        return ProcessHandle.current().descendants()
                .filter(h -> h.info().command().map(c -> c.contains("qemu-system")).orElse(false))
                .filter(ProcessHandle::isAlive)
                .toList();
    }

    static void assertNoneLeft(Path stateRoot, String sandboxId) throws IOException, InterruptedException {
        for (int i = 0; i < 50 && !qemuChildren().isEmpty(); i++) {
            Thread.sleep(100);
        }
        assertThat(qemuChildren()).as("QEMU processes left running").isEmpty();
        assertThat(stateRoot.resolve(sandboxId)).as("state directory of %s", sandboxId).doesNotExist();
        if (Files.isDirectory(stateRoot)) {
            try (Stream<Path> s = Files.list(stateRoot)) {
                assertThat(s.toList()).as("leftovers under %s", stateRoot).isEmpty();
            }
        }
    }
}
