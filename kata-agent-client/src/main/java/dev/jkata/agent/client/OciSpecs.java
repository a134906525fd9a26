package dev.jkata.agent.client;

import dev.jkata.api.Seccomp;
import dev.jkata.api.Security;
import dev.jkata.agent.protocol.proto.LinuxNamespace;
import dev.jkata.agent.protocol.proto.LinuxResources;
import dev.jkata.agent.protocol.proto.Linux;
import dev.jkata.agent.protocol.proto.Mount;
import dev.jkata.agent.protocol.proto.Process;
import dev.jkata.agent.protocol.proto.Root;
import dev.jkata.agent.protocol.proto.Spec;
import dev.jkata.agent.protocol.proto.Storage;
import dev.jkata.agent.protocol.proto.User;
import java.util.List;
import java.util.Map;

/**
 * Translates this library's plain container and process descriptions into the Kata 1.x agent's protobuf
 * messages, the way Kata's runtime fills them: {@code Linux.Resources} always present, no pid namespace
 * entry (the agent decides the namespaces), the container's cgroup under {@code /kata}.
 */
public final class OciSpecs {
    static final String OCI_VERSION = "1.0.2";

    private OciSpecs() {}

    public static Process process(ProcessConfig p) {
        Process.Builder b = Process.newBuilder()
                .setTerminal(p.terminal())
                .setUser(User.newBuilder().setUID(p.uid()).setGID(p.gid())
                        .addAllAdditionalGids(p.additionalGids().stream().map(Long::intValue).toList()))
                .addAllArgs(p.args())
                .setCwd(p.cwd())
                .setNoNewPrivileges(p.noNewPrivileges());
        p.capabilities().ifPresent(c -> b.setCapabilities(dev.jkata.agent.protocol.proto.LinuxCapabilities.newBuilder()
                .addAllBounding(c.bounding()).addAllEffective(c.effective()).addAllInheritable(c.inheritable())
                .addAllPermitted(c.permitted()).addAllAmbient(c.ambient())));
        for (Map.Entry<String, String> e : p.env().entrySet()) {
            b.addEnv(e.getKey() + "=" + e.getValue());
        }
        for (ProcessConfig.Rlimit r : p.rlimits()) {
            b.addRlimits(dev.jkata.agent.protocol.proto.POSIXRlimit.newBuilder().setType(r.type()).setSoft(r.soft()).setHard(r.hard()));
        }
        return b.build();
    }

    public static Storage storage(StorageMount s) {
        return Storage.newBuilder().setDriver(s.driver()).setSource(s.source()).setFstype(s.fstype())
                .addAllOptions(s.options()).setMountPoint(s.mountPoint()).build();
    }

    public static Spec spec(ContainerConfig c) {
        Spec.Builder b = Spec.newBuilder()
                .setVersion(OCI_VERSION)
                .setProcess(process(c.init()))
                .setRoot(Root.newBuilder().setPath(c.rootfsGuestPath())
                        .setReadonly(c.rootReadonly() || c.security().readOnlyRoot()))
                .setHostname(c.hostname());
        b.addMounts(mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")));
        b.addMounts(mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")));
        b.addMounts(mount("/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")));
        b.addMounts(mount("/dev/shm", "shm", "tmpfs", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")));
        b.addMounts(mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")));
        b.addMounts(mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")));
        b.addMounts(mount("/tmp", "tmpfs", "tmpfs", List.of("nosuid", "nodev", "mode=1777")));
        for (String dir : c.scratchDirs()) {
            b.addMounts(mount(dir, "tmpfs", "tmpfs", List.of("nosuid", "nodev", "mode=755")));
        }
        for (BindMount m : c.mounts()) {
            b.addMounts(mount(m.containerDestination(), m.guestSource(), "bind",
                    m.readOnly() ? List.of("rbind", "ro") : List.of("rbind", "rw")));
        }
        Linux.Builder linux = Linux.newBuilder()
                .setResources(LinuxResources.newBuilder())
                .setCgroupsPath("/kata/" + c.containerId())
                .addNamespaces(LinuxNamespace.newBuilder().setType("mount"))
                .addNamespaces(LinuxNamespace.newBuilder().setType("ipc"))
                .addNamespaces(LinuxNamespace.newBuilder().setType("uts"))
                .addAllMaskedPaths(c.security().maskedPaths().orElse(Security.DOCKER_MASKED))
                .addAllReadonlyPaths(c.security().readonlyPaths().orElse(Security.DOCKER_READONLY));
        c.security().seccomp().ifPresent(s -> linux.setSeccomp(seccomp(s)));
        return b.setLinux(linux).build();
    }

    static dev.jkata.agent.protocol.proto.LinuxSeccomp seccomp(Seccomp s) {
        dev.jkata.agent.protocol.proto.LinuxSeccomp.Builder b = dev.jkata.agent.protocol.proto.LinuxSeccomp.newBuilder()
                .setDefaultAction(s.defaultAction()).addAllArchitectures(s.architectures());
        for (Seccomp.Rule r : s.rules()) {
            dev.jkata.agent.protocol.proto.LinuxSyscall.Builder rule = dev.jkata.agent.protocol.proto.LinuxSyscall.newBuilder()
                    .addAllNames(r.names()).setAction(r.action());
            for (Seccomp.Arg a : r.args()) {
                rule.addArgs(dev.jkata.agent.protocol.proto.LinuxSeccompArg.newBuilder().setIndex(a.index())
                        .setValue(a.value()).setValueTwo(a.valueTwo()).setOp(a.op()));
            }
            b.addSyscalls(rule);
        }
        return b.build();
    }

    private static Mount mount(String dest, String source, String type, List<String> options) {
        return Mount.newBuilder().setDestination(dest).setSource(source).setType(type).addAllOptions(options).build();
    }
}
