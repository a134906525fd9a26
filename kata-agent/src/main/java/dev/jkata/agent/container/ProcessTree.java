package dev.jkata.agent.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A process and everything it started, as the guest's {@code /proc} shows them (each process's parent pid), for
 * killing a job whole: a SIGKILL of an exec'd process must reach the children it left running ({@code sh -c 'sleep
 * 100 & wait'}), or they hold its output open and keep running. The tree is frozen first (SIGSTOP, repeated until no
 * new process shows up) so that nothing it forks in the meantime escapes, then killed. A process that left the tree
 * before (a daemon that double-forked to the container's init) is the container's, and ends with it.
 */
final class ProcessTree {
    private static final int SIGSTOP = 19;
    private static final int SIGKILL = 9;
    private static final int ROUNDS = 8;

    private final Path proc;

    ProcessTree(Path proc) {
        this.proc = proc;
    }

    /** {@code pid} and its descendants now, parents before children. */
    List<Long> of(long pid) {
        Map<Long, List<Long>> children = new HashMap<>();
        try (Stream<Path> entries = Files.list(proc)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long parent = parentOf(p);
                if (parent > 0) {
                    children.computeIfAbsent(parent, k -> new ArrayList<>()).add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            return List.of(pid);
        }
        List<Long> out = new ArrayList<>();
        out.add(pid);
        for (int i = 0; i < out.size(); i++) {
            out.addAll(children.getOrDefault(out.get(i), List.of()));
        }
        return out;
    }

    /** The parent pid in {@code /proc/PID/stat}, or 0 when the process is gone. */
    private static long parentOf(Path dir) {
        try {
            String stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
            // pid (comm) state ppid ...: the command may hold spaces and parentheses, so read after the last ')'
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(rest[1]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Freezes {@code pid} and its descendants, then kills them all; {@code signal} sends one signal to some pids. */
    void kill(long pid, Signaller signal) {
        Set<Long> frozen = new LinkedHashSet<>();
        for (int round = 0; round < ROUNDS; round++) {
            List<Long> now = new ArrayList<>(of(pid));
            now.removeAll(frozen);
            if (now.isEmpty()) {
                break;
            }
            signal.send(now, SIGSTOP);
            frozen.addAll(now);
        }
        if (frozen.isEmpty()) {
            frozen.add(pid);
        }
        signal.send(List.copyOf(frozen), SIGKILL);
    }

    /** Sends a signal to processes, ignoring those already gone. */
    @FunctionalInterface
    interface Signaller {
        void send(List<Long> pids, int signal);
    }
}
