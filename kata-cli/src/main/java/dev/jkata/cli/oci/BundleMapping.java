package dev.jkata.cli.oci;

import dev.jkata.api.ContainerSpec;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.MemorySize;
import dev.jkata.api.Network;
import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxBuilder;
import dev.jkata.core.netns.JoinedNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an OCI bundle asks of the SDK: the sandbox (its root, memory and CPUs from the container's limits, the
 * engine's bind mounts as shares, the engine's network namespace), the container (security settings) and the
 * process. The daemons keep only the process lifecycle.
 */
final class BundleMapping {
    private static final Logger log = LoggerFactory.getLogger(BundleMapping.class);
    /** The guest's own memory beside what the container's limit asks for. */
    static final MemorySize GUEST_BASE = MemorySize.ofMiB(512);

    private BundleMapping() {}

    /**
     * The guest's network, from the bundle's network namespace: an engine's namespace (its CNI plugin's devices) is
     * joined; the host's own (no namespace entry: {@code --network host}) is never joined, so the guest then has only
     * its loopback, as it has when the engine asks for a fresh namespace (ctr without a path: the devices a CNI
     * plugin adds after create would come too late for a VM booted at create) unless the daemon runs in that fresh
     * namespace itself: the VM then boots at start ({@link #bootsAtStart}) and joins it.
     */
    static Network network(OciBundle.NetworkNamespace netns) {
        if (netns.path().isEmpty()) {
            if (netns.fresh()) {
                log.info("the engine asks for a new network namespace: the container gets only its loopback");
            } else {
                log.warn("the container shares the host's network namespace, which a VM cannot: it gets only its loopback");
            }
            return Network.none();
        }
        Path path = netns.path().get();
        if (Files.exists(path) && JoinedNamespace.isHost(path)) { // a path that is not there fails the join, saying so
            log.warn("the network namespace {} is the host's own, which a VM does not join: the container gets only its"
                    + " loopback", path);
            return Network.none();
        }
        return Network.namespace(path);
    }

    static SandboxBuilder builder(OciBundle b) {
        return builder(b, java.util.Optional.empty());
    }

    /** The daemon's own, fresh network namespace, which the engine's CNI plugin filled between create and start. */
    private static Network ownNamespace() {
        return Network.namespace(Path.of("/proc", Long.toString(ProcessHandle.current().pid()), "ns", "net"));
    }

    /**
     * Whether the container's VM boots at {@code start} rather than {@code create}: when the engine asked for a fresh
     * network namespace and the daemon was started in one of its own ({@link DaemonLauncher}, which says so), as for
     * {@code ctr run --cni}, whose CNI plugin fills {@code /proc/PID/ns/net} only after {@code create}.
     */
    static boolean bootsAtStart(OciBundle bundle) {
        // an annotated pod's sandbox boots at create, ready for its members (engines that run pods give a path)
        return bundle.netns().fresh() && !Pods.isSandbox(bundle.annotations()) && Boolean.getBoolean(DaemonLauncher.OWN_NETNS)
                && !JoinedNamespace.isHost(Path.of("/proc/self/ns/net"));
    }

    /** The sandbox a bundle asks for; a pod's sandbox takes its members' roots from {@code podRoots}. */
    static SandboxBuilder builder(OciBundle b, java.util.Optional<Path> podRoots) {
        SandboxBuilder sb = Sandbox.builder().network(bootsAtStart(b) ? ownNamespace() : network(b.netns()));
        podRoots.ifPresent(sb::containerRoots);
        // the container that holds the VM, with Docker's defaults: the bundle's settings bound its own process's job
        ContainerSpec.Builder holder = ContainerSpec.builder().rootfs(b.rootfs());
        b.hostname().ifPresent(holder::hostname);
        sb.container(holder.build());
        if (b.memoryLimit() > 0) {
            long mib = (b.memoryLimit() + (1 << 20) - 1) >> 20;
            sb.memory(MemorySize.ofMiB(GUEST_BASE.toMiB() + mib));
        }
        if (b.cpus() > 0) {
            sb.cpus(b.cpus());
        }
        for (OciBundle.Mount m : b.mounts()) {
            Path source = Path.of(m.source());
            // directories are shared; files (the engine's /etc/hosts, resolv.conf, .containerenv) copied and bound
            if (m.bind() && (Files.isDirectory(source) || Files.isRegularFile(source)) && shareable(m.destination())) {
                sb.share(source, m.destination(), m.readOnly());
            }
        }
        return sb;
    }

    /** The container a bundle describes, on root {@code rootfs}, with its security settings, without its process. */
    static ContainerSpec containerSpec(OciBundle b, Path rootfs) {
        ContainerSpec.Builder c = ContainerSpec.builder().rootfs(rootfs).security(b.security());
        b.hostname().ifPresent(c::hostname);
        return c.build();
    }

    /** {@code container} as a job container whose init is {@code process}. */
    static ContainerSpec jobSpec(ContainerSpec container, OciProcess process) {
        return container.withProcess(execSpec(process));
    }

    /** Bind mounts the guest provides itself (its /proc, /sys, /dev) are not shared from the host. */
    static boolean shareable(String destination) {
        for (String own : List.of("/proc", "/sys", "/dev")) {
            if (destination.equals(own) || destination.startsWith(own + "/")) {
                return false;
            }
        }
        return !destination.equals("/");
    }

    static ExecSpec execSpec(OciProcess p) {
        ExecSpec.Builder e = ExecSpec.builder(p.args()).terminal(p.terminal()).workdir(p.cwd())
                .user(p.uid() + ":" + p.gid()).captureLimit(MemorySize.ofMiB(1));
        p.capabilities().ifPresent(e::capabilities);
        if (p.noNewPrivileges()) {
            e.noNewPrivileges();
        }
        e.additionalGids(p.additionalGids().stream().mapToLong(Long::longValue).toArray());
        for (OciProcess.Rlimit r : p.rlimits()) {
            e.rlimit(r.type(), r.soft(), r.hard()); // applied by the guest's runtime: the host's may not raise them
        }
        for (String kv : p.env()) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                e.env(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return e.build();
    }
}
