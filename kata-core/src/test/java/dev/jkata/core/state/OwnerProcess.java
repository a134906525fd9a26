package dev.jkata.core.state;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A separate JVM that owns one sandbox state directory and then waits to be killed: {@code root id [pidOfQemu]}.
 * It prints "owned" once the directory and its lock exist.
 */
public final class OwnerProcess {
    private OwnerProcess() {}

    public static void main(String[] args) throws Exception {
        StateDirectory dir = StateDirectory.create(Path.of(args[0]), args[1]);
        if (args.length > 2) {
            Files.writeString(dir.resolve("qemu.pid"), args[2] + "\n");
        }
        System.out.println("owned");
        System.out.flush();
        Thread.sleep(600_000);
    }

    /** Starts the owner JVM and waits until it owns the directory. */
    static Process start(Path root, String id, String... more) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                OwnerProcess.class.getName(), root.toString(), id));
        cmd.addAll(List.of(more));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        var in = new BufferedReader(new InputStreamReader(p.getInputStream()));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("owned")) {
                return p;
            }
        }
        throw new AssertionError("the owner JVM ended before it owned " + id + ": exit " + p.waitFor());
    }
}
