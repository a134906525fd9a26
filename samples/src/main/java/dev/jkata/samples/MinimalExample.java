package dev.jkata.samples;

import dev.jkata.api.ExecResult;
import dev.jkata.api.MemorySize;
import dev.jkata.api.Sandbox;

/** The README's minimal example: boot a sandbox, run {@code uname -a} inside it, print what it says. */
public final class MinimalExample {
    private MinimalExample() {}

    public static void main(String[] args) throws InterruptedException {
        try (Sandbox sb = Sandbox.builder().memory(MemorySize.ofMiB(512)).start()) {
            ExecResult r = sb.run("uname", "-a");
            System.out.println(r.stdout());
        }
    }
}
