package dev.jkata.cli.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The verbs of kata-runtime's command line, each with runc's flags. */
final class Verbs {
    private Verbs() {}

    static void noPreservedFds(int count) {
        if (count != 0) {
            throw new RuntimeFailure("--preserve-fds " + count + ": host file descriptors cannot be passed into a VM");
        }
    }

    /** Shared by every verb: the global options. */
    abstract static class Verb implements Callable<Integer> {
        @ParentCommand
        KataRuntime top;
    }

    @Command(name = "create", description = "Create a container from a bundle: its VM boots, its process waits for start.")
    static class Create extends Verb {
        @Option(names = {"--bundle", "-b"}, description = "The bundle directory (default: the current directory).")
        Path bundle = Path.of(".");
        @Option(names = "--pid-file", description = "Write the container's pid here.")
        Path pidFile;
        @Option(names = "--console-socket", description = "A UNIX socket that receives the terminal's master side.")
        Path consoleSocket;
        @Option(names = "--no-pivot", description = "Accepted; a VM has no host root to pivot from.")
        boolean noPivot;
        @Option(names = "--no-new-keyring", description = "Accepted; the guest kernel has its own keyrings.")
        boolean noNewKeyring;
        @Option(names = "--preserve-fds", description = "Accepted only as 0: file descriptors cannot cross into a VM.")
        int preserveFds;
        @Parameters(index = "0", paramLabel = "<container-id>")
        String id;

        @Override
        public Integer call() throws InterruptedException {
            noPreservedFds(preserveFds);
            top.lifecycle().create(id, bundle, Optional.ofNullable(pidFile), Optional.ofNullable(consoleSocket));
            return 0;
        }
    }

    @Command(name = "start", description = "Start the process of a created container.")
    static class Start extends Verb {
        @Parameters(index = "0", paramLabel = "<container-id>")
        String id;

        @Override
        public Integer call() {
            top.lifecycle().start(id);
            return 0;
        }
    }

    @Command(name = "run", description = "Create and start a container; without --detach, wait for it and delete it.")
    static class Run extends Create {
        @Option(names = {"--detach", "-d"}, description = "Return once the process has started.")
        boolean detach;
        @Option(names = "--keep", description = "Do not delete the container after it exits.")
        boolean keep;

        @Override
        public Integer call() throws InterruptedException {
            noPreservedFds(preserveFds);
            Lifecycle l = top.lifecycle();
            Process daemon = l.create(id, bundle, Optional.ofNullable(pidFile), Optional.ofNullable(consoleSocket));
            try {
                l.start(id);
            } catch (RuntimeFailure e) {
                l.delete(id, true);
                throw e;
            }
            if (detach) {
                return 0;
            }
            int code = daemon.waitFor();
            if (!keep) {
                l.delete(id, true);
            }
            return code;
        }
    }

    @Command(name = "state", description = "Print a container's state (the OCI runtime spec's JSON).")
    static class State extends Verb {
        @Parameters(index = "0", paramLabel = "<container-id>")
        String id;

        @Override
        public Integer call() throws IOException {
            top.out().println(ContainerDir.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(top.lifecycle().state(id)));
            return 0;
        }
    }

    @Command(name = "kill", description = "Send a signal (default TERM) to a container's process.")
    static class Kill extends Verb {
        @Option(names = {"--all", "-a"}, description = "Every process of the container (its VM's processes end with it).")
        boolean all;
        @Parameters(index = "0", paramLabel = "<container-id>")
        String id;
        @Parameters(index = "1", arity = "0..1", paramLabel = "<signal>")
        String signal = "TERM";

        @Override
        public Integer call() {
            top.lifecycle().kill(id, Signals.parse(signal), all);
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a stopped container (with --force, any container): its VM and state go.")
    static class Delete extends Verb {
        @Option(names = {"--force", "-f"}, description = "Kill it first if it runs; no error if it does not exist.")
        boolean force;
        @Parameters(index = "0", paramLabel = "<container-id>")
        String id;

        @Override
        public Integer call() {
            top.lifecycle().delete(id, force);
            return 0;
        }
    }

    @Command(name = "list", description = "List the containers under --root.")
    static class ListContainers extends Verb {
        @Option(names = {"--format", "-f"}, description = "table or json.")
        String format = "table";
        @Option(names = {"--quiet", "-q"}, description = "Ids only.")
        boolean quiet;

        @Override
        public Integer call() throws IOException {
            List<ObjectNode> all = top.lifecycle().list();
            if (quiet) {
                all.forEach(s -> top.out().println(s.path("id").asText()));
            } else if (format.equals("json")) {
                top.out().println(all.isEmpty() ? "null" : ContainerDir.JSON.writeValueAsString(all));
            } else if (format.equals("table")) {
                top.out().printf("%-12s%-12s%-12s%-12s%-12s%s%n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
                for (ObjectNode s : all) {
                    top.out().printf("%-12s%-12d%-12s%-12s%-12s%s%n", s.path("id").asText(), s.path("pid").asLong(),
                            s.path("status").asText(), s.path("bundle").asText(), s.path("created").asText(), "root");
                }
            } else {
                throw new RuntimeFailure("invalid format option");
            }
            return 0;
        }
    }

    @Command(name = "ps", description = "The host processes of a container: its daemon (the VM's processes are its children).")
    static class Ps extends Verb {
        @Option(names = {"--format", "-f"}, description = "table or json.")
        String format = "table";
        @Parameters(index = "0", paramLabel = "<container-id>")
        String id;
        @Parameters(index = "1..*", paramLabel = "<ps-args>", description = "Accepted and ignored.")
        List<String> psArgs = List.of();

        @Override
        public Integer call() {
            ObjectNode s = top.lifecycle().state(id);
            long pid = s.path("pid").asLong();
            if (format.equals("json")) {
                top.out().println(pid == 0 ? "[]" : "[" + pid + "]");
            } else if (format.equals("table")) {
                top.out().println("PID");
                if (pid != 0) {
                    top.out().println(pid);
                }
            } else {
                throw new RuntimeFailure("invalid format option");
            }
            return 0;
        }
    }

    @Command(name = "exec", description = "Run another process in a running container.")
    static class Exec extends Verb {
        @Option(names = {"--process", "-p"}, description = "A JSON file with the process (the spec's process object).")
        Path process;
        @Option(names = {"--detach", "-d"})
        boolean detach;
        @Option(names = "--pid-file")
        Path pidFile;
        @Option(names = {"--tty", "-t"})
        boolean tty;
        @Option(names = "--console-socket")
        Path consoleSocket;
        @Option(names = "--cwd")
        String cwd;
        @Option(names = {"--env", "-e"})
        List<String> env = List.of();
        @Option(names = {"--user", "-u"})
        String user;
        @Option(names = "--preserve-fds")
        int preserveFds;
        @Parameters(index = "0", paramLabel = "<container-id>")
        String id;
        @Parameters(index = "1..*", paramLabel = "<command>")
        List<String> command = List.of();

        @Override
        public Integer call() throws IOException, InterruptedException {
            noPreservedFds(preserveFds);
            Lifecycle l = top.lifecycle();
            ContainerDir dir = ContainerDir.open(l.root(), id);
            Status s = l.status(dir);
            if (s != Status.RUNNING) {
                throw new RuntimeFailure("cannot exec in a container that is " + s.oci());
            }
            ObjectNode spec = processSpec();
            OciProcess parsed = OciProcess.parse(spec, "process"); // bad input fails here, with the field's name
            if (parsed.terminal() != (consoleSocket != null)) {
                throw new RuntimeFailure(parsed.terminal() ? "a terminal (--tty or process.terminal) needs --console-socket"
                        : "--console-socket given, but the process has no terminal (--tty)");
            }
            Pty pty = null;
            if (parsed.terminal()) {
                pty = Pty.open();
                pty.sendMaster(consoleSocket);
            }
            Path file = dir.dir().resolve("exec-" + java.util.UUID.randomUUID() + ".json");
            Files.writeString(file, spec.toString());
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            if (!detach) {
                if (pidFile != null) {
                    Lifecycle.writePidFile(pidFile, ProcessHandle.current().pid());
                }
                if (pty != null) {
                    try (Pty t = pty) {
                        java.io.OutputStream term = t.out();
                        return ExecClient.attach(dir, file, t.in(), term, term, Optional.of(t.slavePath()), () -> { });
                    }
                }
                return ExecClient.attach(dir, file, System.in, top.out(), System.err, Optional.empty(), () -> { });
            }
            Path ready = dir.dir().resolve(file.getFileName() + ".ready");
            List<String> helperArgs = new java.util.ArrayList<>(List.of(dir.dir().getParent().toString(), id, file.toString(),
                    ready.toString()));
            if (pty != null) {
                helperArgs.add(pty.slavePath().toString()); // kept open here until the helper has it open too
            }
            Process helper = DaemonLauncher.start(dir, ExecClient.class, helperArgs);
            long deadline = System.nanoTime() + Lifecycle.CALL_TIMEOUT.toNanos();
            try {
                while (!Files.exists(ready)) {
                    if (!helper.isAlive() || System.nanoTime() > deadline) {
                        helper.destroyForcibly();
                        throw new RuntimeFailure("exec in " + id + " did not start (exit " + (helper.isAlive() ? "none" : helper.exitValue()) + ")");
                    }
                    Thread.sleep(10);
                }
                String said = Files.readString(ready);
                if (said.startsWith("error ")) {
                    throw new RuntimeFailure(said.substring(6));
                }
            } finally {
                Files.deleteIfExists(ready);
                Files.deleteIfExists(file);
                if (pty != null) {
                    pty.close();
                }
            }
            if (pidFile != null) {
                Lifecycle.writePidFile(pidFile, helper.pid());
            }
            return 0;
        }

        /** The process: the --process file, else the command line's arguments and flags. */
        private ObjectNode processSpec() throws IOException {
            if (process != null) {
                if (!command.isEmpty()) {
                    throw new RuntimeFailure("give either --process or a command, not both");
                }
                if (Files.size(process) > OciBundle.MAX_CONFIG_BYTES) {
                    throw new RuntimeFailure(process + " is too large for a process");
                }
                var node = ContainerDir.JSON.readTree(process.toFile());
                if (node == null || !node.isObject()) {
                    throw new RuntimeFailure(process + " is not a JSON object");
                }
                return (ObjectNode) node;
            }
            if (command.isEmpty()) {
                throw new RuntimeFailure("exec needs a command, or --process FILE");
            }
            ObjectNode p = ContainerDir.JSON.createObjectNode();
            p.put("terminal", tty);
            ArrayNode args = p.putArray("args");
            command.forEach(args::add);
            ArrayNode e = p.putArray("env");
            e.add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            env.forEach(e::add);
            p.put("cwd", cwd == null ? "/" : cwd);
            ObjectNode u = p.putObject("user");
            if (user != null) {
                String[] ug = user.split(":", 2);
                try {
                    u.put("uid", Long.parseLong(ug[0]));
                    u.put("gid", ug.length > 1 ? Long.parseLong(ug[1]) : 0);
                } catch (NumberFormatException x) {
                    throw new RuntimeFailure("--user must be UID[:GID], not '" + user + "'");
                }
            }
            return p;
        }
    }

    /** A verb that is one request to a live container's daemon. */
    abstract static class DaemonRequest extends Verb {
        @Parameters(index = "0", paramLabel = "<container-id>")
        String id;

        abstract String request();

        @Override
        public Integer call() {
            top.lifecycle().control(id, request());
            return 0;
        }
    }

    @Command(name = "pause", description = "Pause a container: its VM's virtual CPUs stop (QMP stop).")
    static class Pause extends DaemonRequest {
        @Override
        String request() {
            return "pause";
        }
    }

    @Command(name = "resume", description = "Resume a paused container (QMP cont).")
    static class Resume extends DaemonRequest {
        @Override
        String request() {
            return "resume";
        }
    }

    @Command(name = "update", description = "Change a container's resources: a VM's memory and CPUs are fixed at its start.")
    static class Update extends Verb {
        @Option(names = {"--resources", "-r"}, description = "A JSON file of linux.resources (memory.limit, cpu.quota, cpu.period, pids.limit).")
        Path resources;
        @Option(names = "--memory", description = "Memory limit in bytes (or with k, m, g).")
        String memory;
        @Option(names = "--cpu-quota", description = "CPU time per period, in µs.")
        Long cpuQuota;
        @Option(names = "--cpu-period", description = "The CPU period, in µs.")
        Long cpuPeriod;
        @Option(names = "--pids-limit", description = "The most processes.")
        Long pids;
        @Option(names = {"--cpu-shares", "--cpuset-cpus", "--memory-swap", "--memory-reservation", "--kernel-memory",
                "--blkio-weight", "--cpuset-mems"}, description = "Refused: not limits a VM's container can take.")
        List<String> unsupported = List.of();
        @Parameters(index = "0", paramLabel = "<container-id>")
        String id;

        @Override
        public Integer call() throws IOException {
            top.lifecycle().state(id); // an unknown id says so first
            if (!unsupported.isEmpty()) {
                throw new RuntimeFailure("kata-runtime update sets --memory, --cpu-quota, --cpu-period and --pids-limit"
                        + " (or -r FILE); the others are not limits a container in a VM can take");
            }
            long mem;
            try {
                mem = memory == null ? 0 : dev.jkata.api.MemorySize.parse(memory).toBytes();
            } catch (IllegalArgumentException e) {
                throw new RuntimeFailure("--memory: " + e.getMessage());
            }
            long quota = cpuQuota == null ? 0 : cpuQuota;
            long period = cpuPeriod == null ? 0 : cpuPeriod;
            long pidsLimit = pids == null ? 0 : pids;
            if (resources != null) {
                if (Files.size(resources) > OciBundle.MAX_CONFIG_BYTES) {
                    throw new RuntimeFailure(resources + " is too large for resources");
                }
                com.fasterxml.jackson.databind.JsonNode r = ContainerDir.JSON.readTree(resources.toFile());
                mem = r.path("memory").path("limit").asLong(mem);
                quota = r.path("cpu").path("quota").asLong(quota);
                period = r.path("cpu").path("period").asLong(period);
                pidsLimit = r.path("pids").path("limit").asLong(pidsLimit);
            }
            ObjectNode n = ContainerDir.JSON.createObjectNode().put("memory", mem).put("cpuQuota", quota)
                    .put("cpuPeriod", period).put("pids", pidsLimit);
            top.lifecycle().update(id, n.toString());
            return 0;
        }
    }

    @Command(name = "features", description = "Print what this runtime supports (JSON).")
    static class Features extends Verb {
        @Override
        public Integer call() throws IOException {
            ObjectNode n = ContainerDir.JSON.createObjectNode();
            n.put("ociVersionMin", "1.0.0").put("ociVersionMax", KataRuntime.OCI_VERSION);
            ArrayNode hooks = n.putArray("hooks"); // run on the host; createContainer and startContainer would run in the guest
            List.of("prestart", "createRuntime", "poststart", "poststop").forEach(hooks::add);
            ArrayNode opts = n.putArray("mountOptions");
            List.of("bind", "rbind", "ro", "rw", "nosuid", "nodev", "noexec", "rprivate").forEach(opts::add);
            ObjectNode linux = n.putObject("linux");
            ArrayNode ns = linux.putArray("namespaces");
            List.of("pid", "network", "ipc", "uts", "mount").forEach(ns::add);
            ObjectNode ann = n.putObject("annotations");
            ann.put("io.jkata.runtime.isolation", "vm");
            top.out().println(ContainerDir.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n));
            return 0;
        }
    }

    @Command(name = "spec", description = "Write a starting config.json into the bundle directory.")
    static class Spec extends Verb {
        @Option(names = {"--bundle", "-b"})
        Path bundle = Path.of(".");
        @Option(names = "--rootless")
        boolean rootless;

        @Override
        public Integer call() throws IOException {
            Path config = bundle.resolve("config.json");
            if (Files.exists(config)) {
                throw new RuntimeFailure("File " + config + " exists. Remove it first");
            }
            ObjectNode n = ContainerDir.JSON.createObjectNode();
            n.put("ociVersion", KataRuntime.OCI_VERSION);
            ObjectNode p = n.putObject("process");
            p.put("terminal", true);
            p.putObject("user").put("uid", 0).put("gid", 0);
            p.putArray("args").add("sh");
            p.putArray("env").add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").add("TERM=xterm");
            p.put("cwd", "/");
            n.putObject("root").put("path", "rootfs").put("readonly", true);
            n.put("hostname", "kata");
            n.putArray("mounts");
            n.putObject("linux").putArray("namespaces");
            Files.writeString(config, ContainerDir.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n));
            return 0;
        }
    }
}
