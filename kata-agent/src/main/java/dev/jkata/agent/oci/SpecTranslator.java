package dev.jkata.agent.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jkata.agent.protocol.proto.Box;
import dev.jkata.agent.protocol.proto.Linux;
import dev.jkata.agent.protocol.proto.LinuxBlockIO;
import dev.jkata.agent.protocol.proto.LinuxCPU;
import dev.jkata.agent.protocol.proto.LinuxCapabilities;
import dev.jkata.agent.protocol.proto.LinuxDevice;
import dev.jkata.agent.protocol.proto.LinuxDeviceCgroup;
import dev.jkata.agent.protocol.proto.LinuxHugepageLimit;
import dev.jkata.agent.protocol.proto.LinuxIDMapping;
import dev.jkata.agent.protocol.proto.LinuxInterfacePriority;
import dev.jkata.agent.protocol.proto.LinuxMemory;
import dev.jkata.agent.protocol.proto.LinuxNamespace;
import dev.jkata.agent.protocol.proto.LinuxNetwork;
import dev.jkata.agent.protocol.proto.LinuxResources;
import dev.jkata.agent.protocol.proto.LinuxSeccomp;
import dev.jkata.agent.protocol.proto.LinuxSeccompArg;
import dev.jkata.agent.protocol.proto.LinuxSyscall;
import dev.jkata.agent.protocol.proto.LinuxThrottleDevice;
import dev.jkata.agent.protocol.proto.LinuxWeightDevice;
import dev.jkata.agent.protocol.proto.Mount;
import dev.jkata.agent.protocol.proto.POSIXRlimit;
import dev.jkata.agent.protocol.proto.Process;
import dev.jkata.agent.protocol.proto.Spec;
import dev.jkata.agent.protocol.proto.User;

import java.util.List;
import java.util.Map;

/**
 * Translates the protocol's OCI messages into runtime-spec JSON trees, with the runtime-spec's field names.
 *
 * <p>proto3 cannot carry "unset": a zero number, an empty string or list and an absent message are left
 * out of the JSON, so that the runtime applies its default instead of, say, a memory limit of 0. Unsigned
 * protobuf fields are read as unsigned. The host's hooks are dropped: their paths name host binaries.
 */
public final class SpecTranslator {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private SpecTranslator() {}

    /** The {@code config.json} tree of {@code spec}, before the agent's policy. */
    public static ObjectNode config(Spec spec) {
        ObjectNode c = JSON.objectNode();
        str(c, "ociVersion", spec.getVersion());
        if (spec.hasProcess()) {
            c.set("process", process(spec.getProcess()));
        }
        if (spec.hasRoot()) {
            ObjectNode root = c.putObject("root");
            root.put("path", spec.getRoot().getPath());
            if (spec.getRoot().getReadonly()) {
                root.put("readonly", true);
            }
        }
        str(c, "hostname", spec.getHostname());
        if (spec.getMountsCount() > 0) {
            ArrayNode mounts = c.putArray("mounts");
            for (Mount m : spec.getMountsList()) {
                ObjectNode o = mounts.addObject();
                o.put("destination", m.getDestination());
                str(o, "type", m.getType());
                str(o, "source", m.getSource());
                strings(o, "options", m.getOptionsList());
            }
        }
        map(c, "annotations", spec.getAnnotationsMap());
        if (spec.hasLinux()) {
            c.set("linux", linux(spec.getLinux()));
        }
        return c;
    }

    /** The runtime-spec {@code process} tree of {@code p}: the init's, or an exec's {@code process.json}. */
    public static ObjectNode process(Process p) {
        ObjectNode o = JSON.objectNode();
        if (p.getTerminal()) {
            o.put("terminal", true);
        }
        if (p.hasConsoleSize()) {
            Box b = p.getConsoleSize();
            ObjectNode box = o.putObject("consoleSize");
            box.put("height", u32(b.getHeight()));
            box.put("width", u32(b.getWidth()));
        }
        User u = p.getUser();
        ObjectNode user = o.putObject("user");
        user.put("uid", u32(u.getUID()));
        user.put("gid", u32(u.getGID()));
        if (u.getAdditionalGidsCount() > 0) {
            ArrayNode gids = user.putArray("additionalGids");
            u.getAdditionalGidsList().forEach(g -> gids.add(u32(g)));
        }
        strings(o, "args", p.getArgsList());
        strings(o, "env", p.getEnvList());
        str(o, "cwd", p.getCwd());
        if (p.hasCapabilities()) {
            LinuxCapabilities caps = p.getCapabilities();
            ObjectNode c = o.putObject("capabilities");
            c.set("bounding", array(caps.getBoundingList()));
            c.set("effective", array(caps.getEffectiveList()));
            c.set("inheritable", array(caps.getInheritableList()));
            c.set("permitted", array(caps.getPermittedList()));
            c.set("ambient", array(caps.getAmbientList()));
        }
        if (p.getRlimitsCount() > 0) {
            ArrayNode rl = o.putArray("rlimits");
            for (POSIXRlimit r : p.getRlimitsList()) {
                ObjectNode e = rl.addObject().put("type", r.getType());
                e.set("hard", u64(r.getHard()));
                e.set("soft", u64(r.getSoft()));
            }
        }
        if (p.getNoNewPrivileges()) {
            o.put("noNewPrivileges", true);
        }
        str(o, "apparmorProfile", p.getApparmorProfile());
        if (p.getOOMScoreAdj() != 0) {
            // uint32 on the wire although the kernel's value may be negative: the host sends its two's complement
            o.put("oomScoreAdj", p.getOOMScoreAdj());
        }
        str(o, "selinuxLabel", p.getSelinuxLabel());
        return o;
    }

    private static ObjectNode linux(Linux l) {
        ObjectNode o = JSON.objectNode();
        idMappings(o, "uidMappings", l.getUIDMappingsList());
        idMappings(o, "gidMappings", l.getGIDMappingsList());
        map(o, "sysctl", l.getSysctlMap());
        if (l.hasResources()) {
            o.set("resources", resources(l.getResources()));
        }
        str(o, "cgroupsPath", l.getCgroupsPath());
        if (l.getNamespacesCount() > 0) {
            ArrayNode ns = o.putArray("namespaces");
            for (LinuxNamespace n : l.getNamespacesList()) {
                ObjectNode e = ns.addObject().put("type", n.getType());
                str(e, "path", n.getPath());
            }
        }
        if (l.getDevicesCount() > 0) {
            ArrayNode devs = o.putArray("devices");
            for (LinuxDevice d : l.getDevicesList()) {
                ObjectNode e = devs.addObject().put("path", d.getPath()).put("type", d.getType())
                        .put("major", d.getMajor()).put("minor", d.getMinor());
                if (d.getFileMode() != 0) {
                    e.put("fileMode", u32(d.getFileMode()));
                }
                e.put("uid", u32(d.getUID())).put("gid", u32(d.getGID()));
            }
        }
        if (l.hasSeccomp()) {
            o.set("seccomp", seccomp(l.getSeccomp()));
        }
        str(o, "rootfsPropagation", l.getRootfsPropagation());
        strings(o, "maskedPaths", l.getMaskedPathsList());
        strings(o, "readonlyPaths", l.getReadonlyPathsList());
        str(o, "mountLabel", l.getMountLabel());
        if (l.hasIntelRdt() && !l.getIntelRdt().getL3CacheSchema().isEmpty()) {
            o.putObject("intelRdt").put("l3CacheSchema", l.getIntelRdt().getL3CacheSchema());
        }
        return o;
    }

    private static ObjectNode resources(LinuxResources r) {
        ObjectNode o = JSON.objectNode();
        if (r.getDevicesCount() > 0) {
            ArrayNode devs = o.putArray("devices");
            for (LinuxDeviceCgroup d : r.getDevicesList()) {
                ObjectNode e = devs.addObject().put("allow", d.getAllow());
                str(e, "type", d.getType());
                boolean all = d.getType().isEmpty() || d.getType().equals("a");
                if (!all && d.getMajor() >= 0) {
                    e.put("major", d.getMajor());
                }
                if (!all && d.getMinor() >= 0) {
                    e.put("minor", d.getMinor());
                }
                str(e, "access", d.getAccess());
            }
        }
        if (r.hasMemory()) {
            LinuxMemory m = r.getMemory();
            ObjectNode e = JSON.objectNode();
            num(e, "limit", m.getLimit());
            num(e, "reservation", m.getReservation());
            num(e, "swap", m.getSwap());
            num(e, "kernel", m.getKernel());
            num(e, "kernelTCP", m.getKernelTCP());
            if (m.getSwappiness() != 0) {
                e.set("swappiness", u64(m.getSwappiness()));
            }
            if (m.getDisableOOMKiller()) {
                e.put("disableOOMKiller", true);
            }
            nonEmpty(o, "memory", e);
        }
        if (r.hasCPU()) {
            LinuxCPU c = r.getCPU();
            ObjectNode e = JSON.objectNode();
            if (c.getShares() != 0) {
                e.set("shares", u64(c.getShares()));
            }
            num(e, "quota", c.getQuota());
            if (c.getPeriod() != 0) {
                e.set("period", u64(c.getPeriod()));
            }
            num(e, "realtimeRuntime", c.getRealtimeRuntime());
            if (c.getRealtimePeriod() != 0) {
                e.set("realtimePeriod", u64(c.getRealtimePeriod()));
            }
            str(e, "cpus", c.getCpus());
            str(e, "mems", c.getMems());
            nonEmpty(o, "cpu", e);
        }
        if (r.hasPids() && r.getPids().getLimit() != 0) {
            o.putObject("pids").put("limit", r.getPids().getLimit());
        }
        if (r.hasBlockIO()) {
            nonEmpty(o, "blockIO", blockIo(r.getBlockIO()));
        }
        if (r.getHugepageLimitsCount() > 0) {
            ArrayNode h = o.putArray("hugepageLimits");
            for (LinuxHugepageLimit l : r.getHugepageLimitsList()) {
                h.addObject().put("pageSize", l.getPagesize()).set("limit", u64(l.getLimit()));
            }
        }
        if (r.hasNetwork()) {
            LinuxNetwork n = r.getNetwork();
            ObjectNode e = JSON.objectNode();
            if (n.getClassID() != 0) {
                e.put("classID", u32(n.getClassID()));
            }
            if (n.getPrioritiesCount() > 0) {
                ArrayNode p = e.putArray("priorities");
                for (LinuxInterfacePriority ip : n.getPrioritiesList()) {
                    p.addObject().put("name", ip.getName()).put("priority", u32(ip.getPriority()));
                }
            }
            nonEmpty(o, "network", e);
        }
        return o;
    }

    private static ObjectNode blockIo(LinuxBlockIO b) {
        ObjectNode e = JSON.objectNode();
        if (b.getWeight() != 0) {
            e.put("weight", u32(b.getWeight()));
        }
        if (b.getLeafWeight() != 0) {
            e.put("leafWeight", u32(b.getLeafWeight()));
        }
        if (b.getWeightDeviceCount() > 0) {
            ArrayNode a = e.putArray("weightDevice");
            for (LinuxWeightDevice d : b.getWeightDeviceList()) {
                ObjectNode w = a.addObject().put("major", d.getMajor()).put("minor", d.getMinor());
                if (d.getWeight() != 0) {
                    w.put("weight", u32(d.getWeight()));
                }
                if (d.getLeafWeight() != 0) {
                    w.put("leafWeight", u32(d.getLeafWeight()));
                }
            }
        }
        throttle(e, "throttleReadBpsDevice", b.getThrottleReadBpsDeviceList());
        throttle(e, "throttleWriteBpsDevice", b.getThrottleWriteBpsDeviceList());
        throttle(e, "throttleReadIOPSDevice", b.getThrottleReadIOPSDeviceList());
        throttle(e, "throttleWriteIOPSDevice", b.getThrottleWriteIOPSDeviceList());
        return e;
    }

    private static void throttle(ObjectNode o, String name, List<LinuxThrottleDevice> devices) {
        if (devices.isEmpty()) {
            return;
        }
        ArrayNode a = o.putArray(name);
        for (LinuxThrottleDevice d : devices) {
            a.addObject().put("major", d.getMajor()).put("minor", d.getMinor()).set("rate", u64(d.getRate()));
        }
    }

    private static ObjectNode seccomp(LinuxSeccomp s) {
        ObjectNode o = JSON.objectNode();
        str(o, "defaultAction", s.getDefaultAction());
        strings(o, "architectures", s.getArchitecturesList());
        if (s.getSyscallsCount() > 0) {
            ArrayNode calls = o.putArray("syscalls");
            for (LinuxSyscall sc : s.getSyscallsList()) {
                ObjectNode c = calls.addObject();
                c.set("names", array(sc.getNamesList()));
                c.put("action", sc.getAction());
                if (sc.getArgsCount() > 0) {
                    ArrayNode args = c.putArray("args");
                    for (LinuxSeccompArg a : sc.getArgsList()) {
                        ObjectNode arg = args.addObject();
                        arg.set("index", u64(a.getIndex()));
                        arg.set("value", u64(a.getValue()));
                        arg.set("valueTwo", u64(a.getValueTwo()));
                        arg.put("op", a.getOp());
                    }
                }
            }
        }
        return o;
    }

    private static void idMappings(ObjectNode o, String name, List<LinuxIDMapping> mappings) {
        if (mappings.isEmpty()) {
            return;
        }
        ArrayNode a = o.putArray(name);
        for (LinuxIDMapping m : mappings) {
            a.addObject().put("containerID", u32(m.getContainerID())).put("hostID", u32(m.getHostID()))
                    .put("size", u32(m.getSize()));
        }
    }

    private static long u32(int v) { return Integer.toUnsignedLong(v); }

    /** A uint64 as JSON: exact when it fits a long, else the unsigned value as a big integer. */
    private static JsonNode u64(long v) {
        return v >= 0 ? JSON.numberNode(v) : JSON.numberNode(new java.math.BigInteger(Long.toUnsignedString(v)));
    }

    private static void num(ObjectNode o, String name, long v) {
        if (v != 0) {
            o.put(name, v);
        }
    }

    private static void str(ObjectNode o, String name, String v) {
        if (!v.isEmpty()) {
            o.put(name, v);
        }
    }

    private static void strings(ObjectNode o, String name, List<String> values) {
        if (!values.isEmpty()) {
            o.set(name, array(values));
        }
    }

    private static ArrayNode array(List<String> values) {
        ArrayNode a = JSON.arrayNode(values.size());
        values.forEach(a::add);
        return a;
    }

    private static void map(ObjectNode o, String name, Map<String, String> values) {
        if (!values.isEmpty()) {
            ObjectNode m = o.putObject(name);
            values.forEach(m::put);
        }
    }

    private static void nonEmpty(ObjectNode parent, String name, ObjectNode child) {
        if (!child.isEmpty()) {
            parent.set(name, child);
        }
    }
}
