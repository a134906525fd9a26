package dev.jkata.bench.campaign;

import dev.jkata.api.ExecProcess;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.MemorySize;
import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxBuilder;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The owner in an owner-death trial, run in a JVM of its own: it starts sandboxes in the state root it is given and
 * keeps them busy (execs, stdio both ways, close, start again) until it is killed. It prints a line at each phase
 * so the trial knows what it interrupted. With a second argument, a memory size in MiB that no template exists for
 * yet, its first start builds that configuration's template.
 */
public final class OwnerProcess {
    private OwnerProcess() {}

    public static void main(String[] args) throws Exception {
        Path stateRoot = Path.of(args[0]);
        boolean newTemplate = args.length > 1;
        while (true) {
            System.out.println(newTemplate ? "phase template build" : "phase boot");
            newTemplate = false;
            SandboxBuilder builder = Sandbox.builder().stateRoot(stateRoot);
            if (args.length > 1) {
                builder.memory(MemorySize.ofMiB(Long.parseLong(args[1])));
            }
            try (Sandbox sb = builder.start()) {
                for (int i = 0; i < 3; i++) {
                    System.out.println("phase exec");
                    sb.run("true");
                    System.out.println("phase stdio");
                    try (ExecProcess p = sb.exec(ExecSpec.builder("sh", "-c", "cat >/dev/null; head -c 200000 /dev/zero").build())) {
                        try (OutputStream o = p.stdin()) {
                            o.write(new byte[300_000]);
                        }
                        p.stdout().transferTo(OutputStream.nullOutputStream());
                        p.waitFor(Duration.ofMinutes(2));
                    }
                }
                System.out.println("phase close");
            }
        }
    }
}
