package dev.jkata.guestimage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.KataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElfFileTest {
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @Test
    void readsInterpreterAndNeededLibrariesOfADynamicProgram() {
        ElfFile elf = ElfFile.read(JAVA);
        assertThat(elf.interpreter()).hasValueSatisfying(i -> assertThat(i).contains("ld-linux"));
        assertThat(elf.needed()).contains("libjli.so");
        assertThat(elf.runPaths()).anySatisfy(p -> assertThat(p).contains("$ORIGIN"));
    }

    @Test
    void closureFollowsRunPathsAndIncludesLibcAndTheLoader() {
        Set<Path> libs = SharedLibraryResolver.closure(List.of(JAVA));
        assertThat(libs).anySatisfy(p -> assertThat(p.getFileName().toString()).isEqualTo("libjli.so"));
        assertThat(libs).anySatisfy(p -> assertThat(p.getFileName().toString()).startsWith("libc.so"));
        assertThat(libs).anySatisfy(p -> assertThat(p.toString()).contains("ld-linux"));
    }

    @Test
    void aNonElfFileIsATypedError(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("script"), "#!/bin/sh\necho hi\n");
        assertThat(ElfFile.isElf(f)).isFalse();
        assertThatThrownBy(() -> ElfFile.read(f)).isInstanceOf(KataException.class).hasMessageContaining("not an ELF");
    }
}
