package dev.jkata.guestimage;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the complete closure of shared libraries that a set of ELF programs load, the way the dynamic
 * loader would: the file's own run paths ({@code $ORIGIN} expanded), then the system library directories.
 * A library that cannot be found is an error, so a guest never boots with a program that cannot start.
 */
public final class SharedLibraryResolver {
    private static final List<Path> SYSTEM_DIRS = List.of(
            Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/lib64"), Path.of("/usr/lib64"), Path.of("/lib"), Path.of("/usr/lib"));

    private SharedLibraryResolver() {}

    /**
     * Returns every library file (real path on the host, as the loader would name it) that the given
     * programs need, directly or indirectly, including the ELF interpreter. Programs' own directory trees
     * are searched through their run paths, so a jlink runtime's private libraries resolve to themselves.
     */
    public static Set<Path> closure(List<Path> programs) {
        return closure(programs, List.of());
    }

    /** As {@link #closure(List)}, also searching {@code extraDirs} (a Java runtime's lib/server for libjvm). */
    public static Set<Path> closure(List<Path> programs, List<Path> extraDirs) {
        Set<Path> result = new LinkedHashSet<>();
        Set<Path> seen = new LinkedHashSet<>();
        Deque<Path> todo = new ArrayDeque<>(programs);
        while (!todo.isEmpty()) {
            Path file = todo.pop();
            if (!seen.add(file.toAbsolutePath().normalize())) {
                continue;
            }
            ElfFile elf = ElfFile.read(file);
            elf.interpreter().ifPresent(i -> {
                Path p = Path.of(i);
                result.add(p);
                todo.add(p);
            });
            List<Path> dirs = new ArrayList<>();
            for (String rp : elf.runPaths()) {
                dirs.add(Path.of(rp.replace("$ORIGIN", file.toAbsolutePath().getParent().toString())
                        .replace("${ORIGIN}", file.toAbsolutePath().getParent().toString())));
            }
            dirs.addAll(extraDirs);
            dirs.addAll(SYSTEM_DIRS);
            for (String lib : elf.needed()) {
                Path found = null;
                for (Path d : dirs) {
                    Path candidate = d.resolve(lib);
                    if (Files.exists(candidate)) {
                        found = candidate;
                        break;
                    }
                }
                if (found == null) {
                    throw new KataException(KataErrorReason.IMAGE_BUILD_FAILED,
                            file + " needs " + lib + ", which is not in " + dirs
                                    + "; install the package that provides it (apt-file search " + lib + ")");
                }
                result.add(found);
                todo.add(found);
            }
        }
        result.removeIf(p -> programs.contains(p));
        return result;
    }
}
