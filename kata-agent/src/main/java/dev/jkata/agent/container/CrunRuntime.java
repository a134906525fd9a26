package dev.jkata.agent.container;

import dev.jkata.agent.errors.AgentException;
import dev.jkata.agent.oci.Json;
import dev.jkata.agent.system.Commands;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real {@link ContainerRuntime}: crun. {@code crun run} and {@code crun exec} run in the foreground, so
 * the JVM's pipes to them are the container process's stdio and their exit status is its (crun reports
 * death by signal N as 128+N, for run and exec alike).
 *
 * <p>When the guest's root is the initramfs itself (the initrd image form), {@code pivot_root} fails with
 * EINVAL: containers are then started with {@code --no-pivot} (a move mount and chroot), as the Kata 1.x
 * agent does there. {@link #forGuest} finds out from {@code /proc/self/mountinfo}.
 */
public final class CrunRuntime implements ContainerRuntime {
    private final String crun;
    private final Path stateDir;
    private final boolean noPivot;

    /**
     * crun at {@code crunPath}, keeping its state in {@code stateDir} (crun's {@code --root}).
     *
     * @param noPivot start containers with {@code --no-pivot}: needed when the root file system is an initramfs
     */
    public CrunRuntime(String crunPath, Path stateDir, boolean noPivot) {
        this.crun = crunPath;
        this.stateDir = stateDir;
        this.noPivot = noPivot;
    }

    /** crun for this guest: {@code --no-pivot} when its root is an initramfs. */
    public static CrunRuntime forGuest(String crunPath, Path stateDir) {
        return new CrunRuntime(crunPath, stateDir, rootIsInitramfs(Path.of("/proc/self/mountinfo")));
    }

    /** Whether the topmost mount on / in {@code mountinfo} is the kernel's initramfs (rootfs or ramfs). */
    static boolean rootIsInitramfs(Path mountinfo) {
        String rootType = "";
        try {
            for (String line : Files.readAllLines(mountinfo)) {
                String[] f = line.split(" ");
                int dash = line.indexOf(" - ");
                if (f.length > 4 && f[4].equals("/") && dash > 0) {
                    rootType = line.substring(dash + 3).split(" ")[0];
                }
            }
        } catch (IOException e) {
            return false;
        }
        return rootType.equals("rootfs") || rootType.equals("ramfs");
    }

    @Override
    public Process run(String containerId, Path bundle, Path pidFile, Path logFile, Path consoleSocket) throws IOException {
        List<String> args = new ArrayList<>(List.of("run", "--bundle", bundle.toString(), "--pid-file", pidFile.toString()));
        if (noPivot) {
            args.add("--no-pivot");
        }
        args.add(containerId);
        return start(logFile, consoleSocket, args.toArray(String[]::new));
    }

    @Override
    public Process exec(String containerId, Path processJson, Path pidFile, Path logFile, Path consoleSocket) throws IOException {
        return start(logFile, consoleSocket, "exec", "--process", processJson.toString(), "--pid-file", pidFile.toString(),
                containerId);
    }

    @Override
    public void kill(String containerId, int signal, boolean all) {
        List<String> cmd = base(null);
        cmd.add("kill");
        if (all) {
            cmd.add("--all");
        }
        cmd.add(containerId);
        cmd.add(Integer.toString(signal));
        Commands.run(cmd);
    }

    @Override
    public void signal(long pid, int signal) {
        Commands.run(List.of("kill", "-" + signal, Long.toString(pid)));
    }

    /** One {@code kill} for all of them: it signals every pid it can and fails only for those already gone. */
    @Override
    public void signalAll(List<Long> pids, int signal) {
        List<String> cmd = new java.util.ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(p -> cmd.add(Long.toString(p)));
        try {
            Commands.run(cmd);
        } catch (dev.jkata.agent.errors.AgentException someGone) {
            // the others were signalled
        }
    }

    @Override
    public List<Long> pids(String containerId) {
        List<String> cmd = base(null);
        cmd.addAll(List.of("ps", "--format", "json", containerId));
        String out = Commands.run(cmd);
        try {
            return Json.parseLongArray(out);
        } catch (IOException e) {
            throw AgentException.internal("crun ps printed no JSON array: " + out, e);
        }
    }

    @Override
    public void delete(String containerId) {
        List<String> cmd = base(null);
        cmd.addAll(List.of("delete", "--force", containerId));
        Commands.run(cmd);
    }

    private Process start(Path logFile, Path consoleSocket, String... args) throws IOException {
        List<String> cmd = base(logFile);
        cmd.add(args[0]);
        if (consoleSocket != null) {
            cmd.add("--console-socket");
            cmd.add(consoleSocket.toString());
        }
        cmd.addAll(List.of(args).subList(1, args.length));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (consoleSocket != null) {
            // the process's stdio is the terminal; crun's own messages go to the log file
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        return pb.start();
    }

    private List<String> base(Path logFile) {
        List<String> cmd = new ArrayList<>(List.of(crun, "--root", stateDir.toString()));
        if (logFile != null) {
            cmd.add("--log=" + logFile);
        }
        return cmd;
    }

    @Override
    public String toString() {
        return "CrunRuntime[" + crun + ", root " + stateDir + (noPivot ? ", no pivot" : "") + "]";
    }
}
