package dev.jkata.agent;

import dev.jkata.agent.logging.ConsoleLogging;
import dev.jkata.agent.server.VirtioPort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;

/**
 * The guest agent's entry point, started by the guest init as the VM's long-running process; when it
 * returns, init powers the guest off. It prints its milestones to stdout, the guest's serial console:
 * <pre>
 * KATA_AGENT: JVM started N ms before main (uptime U s)
 * KATA_AGENT: ready in N ms, uptime U s, VmRSS R kB, serving PORT
 * </pre>
 * "ready" counts from the JVM's start to the gRPC server running with the port open.
 */
public final class AgentMain {
    private AgentMain() {}

    public static void main(String[] args) {
        long mainAt = System.currentTimeMillis();
        long jvmStart = mainAt - sinceProcessStartMs().orElse(0);
        System.out.println(ConsoleLogging.PREFIX + "JVM started " + (mainAt - jvmStart) + " ms before main (uptime "
                + uptime() + " s)");
        // the agent's transport is in-JVM: Netty must not look for (or unpack) its native libraries
        System.setProperty("io.grpc.netty.shaded.io.netty.transport.noNative", "true");
        // a fixed machine id spares Netty its search of the network interfaces for a MAC address (slow, and
        // the guest has none): the id only names channels
        System.setProperty("io.netty.machineId", "02:00:00:00:00:01");
        System.setProperty("io.grpc.netty.shaded.io.netty.machineId", "02:00:00:00:00:01");
        System.setProperty("slf4j.provider", "dev.jkata.agent.logging.JulServiceProvider");
        System.setProperty("slf4j.internal.verbosity", "WARN");
        ConsoleLogging.install(System.out, Level.parse(System.getProperty("kata.agent.log", "INFO")));

        AgentConfig config = AgentConfig.from(System.getProperties(), args);
        VirtioPort port;
        try {
            port = VirtioPort.open(config.port(), Duration.ofSeconds(10));
        } catch (IOException e) {
            System.out.println(ConsoleLogging.PREFIX + "cannot open " + config.port() + ": " + e.getMessage());
            System.exit(2);
            return;
        } catch (InterruptedException e) {
            System.exit(3);
            return;
        }
        GuestAgent agent = GuestAgent.forGuest(config);
        startForwarding(new dev.jkata.agent.files.FileService(cid -> agent.sandbox().container(cid).filesRoot()));
        System.out.println(ConsoleLogging.PREFIX + "ready in " + (System.currentTimeMillis() - jvmStart) + " ms, uptime "
                + uptime() + " s, VmRSS " + rssKiB() + " kB, serving " + config.port());
        agent.servePort(port);
    }

    /** Serves the forwarding port (published ports, allow-listed egress, files) on a thread of its own, when the VM has one. */
    private static void startForwarding(dev.jkata.agent.files.FileService files) {
        java.util.Optional<Path> path = VirtioPort.byName(dev.jkata.agent.protocol.forward.ForwardRequest.PORT_NAME);
        if (path.isEmpty()) {
            System.out.println(ConsoleLogging.PREFIX + "no forwarding port: published ports and allow-lists are off");
            return;
        }
        Thread t = new Thread(() -> {
            try {
                new dev.jkata.agent.network.ForwardServer(files).servePort(VirtioPort.open(path.get(), Duration.ofSeconds(1)));
            } catch (IOException | InterruptedException | RuntimeException e) {
                System.out.println(ConsoleLogging.PREFIX + "forwarding port " + path.get() + " failed: " + e);
            }
        }, "forward-port");
        t.setDaemon(true);
        t.start();
    }

    /**
     * How long ago this process started, from its start time in /proc/self/stat (clock ticks since boot) and
     * /proc/uptime. ProcessHandle's start instant is off by up to a second: it adds the ticks to the boot time,
     * which Linux gives in whole seconds.
     */
    static java.util.OptionalLong sinceProcessStartMs() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // the fields after the command name, which is in parentheses and may hold spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long startTicks = Long.parseLong(f[19]);
            double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
            return java.util.OptionalLong.of(Math.max(0, Math.round(uptime * 1000) - startTicks * 1000 / CLOCK_TICKS));
        } catch (IOException | RuntimeException e) {
            return java.util.OptionalLong.empty();
        }
    }

    /** USER_HZ, which the kernel reports process times in: 100 on every Linux the guest runs. */
    private static final long CLOCK_TICKS = 100;

    /** Seconds since the kernel started, from /proc/uptime; "?" where there is none. */
    static String uptime() {
        try {
            return Files.readString(Path.of("/proc/uptime")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** The resident set size from /proc/self/status, in KiB; -1 where there is none. */
    static long rssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
