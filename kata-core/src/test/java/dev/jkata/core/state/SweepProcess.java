package dev.jkata.core.state;

import java.nio.file.Path;
import java.util.List;

/** A separate JVM that sweeps a root once and prints {@code reaped ID} per directory it removed. */
public final class SweepProcess {
    private SweepProcess() {}

    public static void main(String[] args) {
        for (String id : Reaper.sweep(Path.of(args[0]), List.of())) {
            System.out.println("reaped " + id);
        }
    }
}
