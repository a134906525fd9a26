package dev.jkata.qemu.config;

import dev.jkata.api.Accelerator;
import dev.jkata.api.MemorySize;
import dev.jkata.qemu.errors.InvalidQemuConfigException;
import dev.jkata.qemu.accel.ResolvedAccelerator;
import dev.jkata.qemu.device.BaseOptions;
import dev.jkata.qemu.device.CpuAccelerator;
import dev.jkata.qemu.device.DirectKernelBoot;
import dev.jkata.qemu.device.FileBackedRam;
import dev.jkata.qemu.device.HostFiles;
import dev.jkata.qemu.device.HotplugRoom;
import dev.jkata.qemu.device.Incoming;
import dev.jkata.qemu.device.Machine;
import dev.jkata.qemu.device.MachineFeature;
import dev.jkata.qemu.device.Memory;
import dev.jkata.qemu.device.PidFile;
import dev.jkata.qemu.device.QemuDevice;
import dev.jkata.qemu.device.QmpSocket;
import dev.jkata.qemu.device.Seccomp;
import dev.jkata.qemu.device.SerialConsole;
import dev.jkata.qemu.device.Smp;
import dev.jkata.qemu.device.VirtioSerialBus;
import dev.jkata.qemu.device.VirtioSerialPort;
import dev.jkata.qemu.device.VmName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything QEMU needs to boot one VM: the machine-wide settings and a list of devices. Built by
 * {@link #builder()}; no invalid config exists. Each value checks itself (the device records, {@link RunPaths},
 * {@link MachineType}); the rules between devices and the machine (a memory device needs hotplug slots and
 * {@code maxmem}, an NVDIMM needs {@code nvdimm=on}, 9p mount tags are distinct) are checked once, by the
 * canonical constructor. A failure is an {@link InvalidQemuConfigException} whose {@code field()} is the
 * property at fault.
 *
 * <p>Every VM gets: the base options ({@code -nodefaults -no-user-config -nographic -no-reboot}), a QMP socket,
 * a pid file, the serial console written to {@link RunPaths#consoleLog()}, and the virtio-serial port
 * {@value #AGENT_PORT_NAME} on {@link RunPaths#agentSocket()}. Anything else (NVDIMM, 9p shares, balloon, network)
 * is a {@link QemuDevice} added with {@link Builder#device(QemuDevice)}: a new device needs no change here.
 *
 * @param name                optional VM name ({@code -name})
 * @param machine             the machine type
 * @param accelerator         the requested accelerator
 * @param cpus                virtual CPUs, 1 to {@value Smp#MAX_CPUS}
 * @param memory              boot RAM, hotplug slots and {@code maxmem}
 * @param boot                the guest kernel, initrd and kernel command line
 * @param sandbox             whether to pass {@code -sandbox on} (only where QEMU supports it)
 * @param tcgTranslationCache TCG's translation block cache size (unused under KVM)
 * @param paths               where the VM's sockets, log and pid file live
 * @param ramFile             the guest's RAM on a host file (VM templates and their clones), or QEMU's own memory
 * @param incoming            whether QEMU starts stopped, waiting for a saved device state ({@code -incoming defer});
 *                            only a clone, whose RAM is a template's file mapped privately, starts this way
 * @param devices             the VM's devices, in the order they were added
 * @param networkNamespace    the network namespace QEMU runs in (its tap devices are there), or empty for the
 *                            launching process's own
 */
public record QemuConfig(
        Optional<String> name,
        MachineType machine,
        Accelerator accelerator,
        int cpus,
        Memory memory,
        DirectKernelBoot boot,
        boolean sandbox,
        MemorySize tcgTranslationCache,
        RunPaths paths,
        Optional<RamFile> ramFile,
        boolean incoming,
        List<QemuDevice> devices,
        Optional<Path> networkNamespace) {

    /** The virtio-serial port the guest agent listens on. */
    public static final String AGENT_PORT_NAME = "agent.channel.0";

    public static final MemorySize DEFAULT_MEMORY = MemorySize.ofMiB(512);
    /**
     * TCG's translation cache is resident in QEMU once the guest's JVM has run a while. Measured with our guests
     * (TCG, 2 cores, run("true") p50 over 30): 96 MiB execs as fast as 128 MiB (408-414 against 413-478 ms) with
     * 32 MiB less PSS per sandbox; 64 MiB is 10-25% slower (459-538 ms), 32 MiB twice as slow (translations are
     * flushed and redone).
     */
    public static final MemorySize DEFAULT_TCG_TRANSLATION_CACHE = MemorySize.ofMiB(96);

    /** The object id of a file-backed RAM. */
    private static final String RAM_BACKEND = "ram0";

    public QemuConfig {
        Objects.requireNonNull(name, "name");
        name.ifPresent(VmName::new); // the name's check is VmName's
        require(machine != null, "machine", "is required");
        require(accelerator != null, "accelerator", "is required");
        new Smp(cpus); // the CPU count's check is Smp's
        require(memory != null, "memory", "is required");
        require(boot != null, "kernel", "is required");
        CpuAccelerator.requireTranslationCache(tcgTranslationCache);
        require(paths != null, "runDir", "is required");
        Objects.requireNonNull(ramFile, "ramFile");
        require(devices != null, "devices", "is required");
        devices = List.copyOf(devices);
        DeviceRules.validate(machine, memory, devices);
        Objects.requireNonNull(networkNamespace, "networkNamespace");
        networkNamespace.ifPresent(n -> require(n.isAbsolute(), "networkNamespace", n + " is not an absolute path"));
        if (ramFile.isPresent()) {
            Path dir = ramFile.get().path().getParent();
            require(dir != null && Files.isDirectory(dir), "ramFile", "the directory of " + ramFile.get().path()
                    + " does not exist");
        }
        if (incoming) {
            require(ramFile.isPresent() && !ramFile.get().shared(), "incoming",
                    "a VM that starts from a saved state needs its template's RAM file, mapped privately");
            Path ram = ramFile.get().path();
            long size = HostFiles.readableSize(ram, "ramFile");
            require(size == memory.size().toBytes(), "ramFile", ram + " holds " + size + " bytes, not the "
                    + memory.size().toBytes() + " of memory " + memory.size() + ": it belongs to another configuration");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, to derive a variant. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name.orElse(null);
        b.machine = machine;
        b.accelerator = accelerator;
        b.cpus = cpus;
        b.memory = memory.size();
        b.memorySlots = memory.slots();
        b.maxMemory = memory.maxMemory();
        b.kernel = boot.kernel();
        b.initrd = boot.initrd().orElse(null);
        b.append = boot.commandLine();
        b.sandbox = sandbox;
        b.tcgTranslationCache = tcgTranslationCache;
        b.paths = paths;
        b.devices.addAll(devices);
        b.ramFile = ramFile.orElse(null);
        b.incoming = incoming;
        b.networkNamespace = networkNamespace.orElse(null);
        return b;
    }

    /** The added devices of one type, in order (e.g. every {@code NinePShare}). */
    public <T extends QemuDevice> List<T> devices(Class<T> type) {
        return devices.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /**
     * Every device of this VM under the given accelerator, in command-line order: the machine-wide ones, the boot
     * source, the memory devices (those that take hotplug room), the agent's virtio-serial port, then the other
     * added devices in the order they were added.
     *
     * @throws IllegalArgumentException if {@code accelerator} contradicts an explicit request in this config
     */
    public List<QemuDevice> allDevices(ResolvedAccelerator resolved) {
        Objects.requireNonNull(resolved, "resolved");
        if (accelerator != Accelerator.AUTO && !accelerator.name().equals(resolved.name())) {
            throw new IllegalArgumentException("the config requests " + accelerator + " but " + resolved + " was resolved");
        }
        Set<MachineFeature> features = EnumSet.noneOf(MachineFeature.class);
        devices.forEach(d -> features.addAll(d.machineFeatures()));
        List<QemuDevice> d = new ArrayList<>();
        name.ifPresent(n -> d.add(new VmName(n)));
        d.add(new Machine(machine.qemuName(), features, ramFile.map(r -> RAM_BACKEND)));
        d.add(new CpuAccelerator(resolved, tcgTranslationCache));
        d.add(new Smp(cpus));
        d.add(memory);
        ramFile.ifPresent(r -> d.add(new FileBackedRam(RAM_BACKEND, r.path(), memory.size(), r.shared())));
        if (incoming) {
            d.add(new Incoming());
        }
        d.add(new BaseOptions());
        if (sandbox) {
            d.add(new Seccomp());
        }
        d.add(new PidFile(paths.pidFile()));
        d.add(new QmpSocket(paths.qmpSocket()));
        d.add(new SerialConsole("console0", paths.consoleLog()));
        d.add(boot);
        devices.stream().filter(x -> !x.hotplugRoom().isNone()).forEach(d::add);
        d.add(new VirtioSerialBus("serial0"));
        d.add(new VirtioSerialPort("agent0", paths.agentSocket(), AGENT_PORT_NAME));
        devices.stream().filter(x -> x.hotplugRoom().isNone()).forEach(d::add);
        return List.copyOf(d);
    }

    /** The full argv: {@code qemuBinary} followed by every device's arguments. */
    public List<String> toArgs(Path qemuBinary, ResolvedAccelerator resolved) {
        Objects.requireNonNull(qemuBinary, "qemuBinary");
        List<String> argv = new ArrayList<>();
        argv.add(qemuBinary.toString());
        for (QemuDevice device : allDevices(resolved)) {
            argv.addAll(device.args());
        }
        return List.copyOf(argv);
    }

    private static void require(boolean ok, String field, String problem) {
        if (!ok) {
            throw new InvalidQemuConfigException(field, problem);
        }
    }

    /** Builds a {@link QemuConfig}; {@code kernel} and {@code runDir} are required, the rest has defaults. */
    public static final class Builder {
        private String name;
        private MachineType machine = MachineType.Q35;
        private String machineText;
        private Accelerator accelerator = Accelerator.AUTO;
        private int cpus = 1;
        private MemorySize memory = DEFAULT_MEMORY;
        private Integer memorySlots;
        private MemorySize maxMemory;
        private Path kernel;
        private Path initrd;
        private String append = "";
        private boolean sandbox;
        private MemorySize tcgTranslationCache = DEFAULT_TCG_TRANSLATION_CACHE;
        private Path runDir;
        private RunPaths paths;
        private final List<QemuDevice> devices = new ArrayList<>();
        private RamFile ramFile;
        private boolean incoming;
        private Path networkNamespace;

        private Builder() {
        }

        /** The VM's name ({@code -name}); letters, digits, '.', '-', '_'. */
        public Builder name(String name) { this.name = name; return this; }

        /** The machine type; {@link MachineType#Q35} by default. */
        public Builder machine(MachineType machine) { this.machine = machine; this.machineText = null; return this; }

        /** The machine type as text ({@code q35}, {@code pc}); an unknown name fails at {@link #build()}. */
        public Builder machine(String machine) { this.machineText = machine == null ? "" : machine; return this; }

        /** {@link Accelerator#AUTO} by default. */
        public Builder accelerator(Accelerator accelerator) { this.accelerator = accelerator; return this; }

        /** Virtual CPUs; 1 by default. */
        public Builder cpus(int cpus) { this.cpus = cpus; return this; }

        /** Boot RAM; 512 MiB by default. */
        public Builder memory(MemorySize memory) { this.memory = memory; return this; }

        /** Memory hotplug slots; by default the slots the added memory devices take (0 without any). */
        public Builder memorySlots(int slots) { this.memorySlots = slots; return this; }

        /** The RAM ceiling with hotplug; by default {@code memory} plus the room the added memory devices take. */
        public Builder maxMemory(MemorySize maxMemory) { this.maxMemory = maxMemory; return this; }

        /** The guest kernel (required). */
        public Builder kernel(Path kernel) { this.kernel = kernel; return this; }

        /** The initial ram disk. */
        public Builder initrd(Path initrd) { this.initrd = initrd; return this; }

        /**
         * The kernel command line. {@code console=ttyS0} is put in front unless it already names a
         * {@code console=}; nothing else is added.
         */
        public Builder append(String append) { this.append = append; return this; }

        /** Whether to pass {@code -sandbox on}; off by default, turn on where kata-check found support. */
        public Builder sandbox(boolean sandbox) { this.sandbox = sandbox; return this; }

        /** TCG's translation block cache; {@link #DEFAULT_TCG_TRANSLATION_CACHE} (96 MiB) by default. */
        public Builder tcgTranslationCache(MemorySize size) { this.tcgTranslationCache = size; return this; }

        /** The directory for the VM's sockets, console log and pid file, laid out by {@link RunPaths#in(Path)}. */
        public Builder runDir(Path runDir) { this.runDir = runDir; this.paths = null; return this; }

        /** Explicit runtime paths instead of {@link #runDir(Path)}'s layout. */
        public Builder paths(RunPaths paths) { this.paths = paths; this.runDir = null; return this; }

        /** Adds a device (an NVDIMM, a 9p share, a balloon, ...); devices render in the order added. */
        public Builder device(QemuDevice device) { this.devices.add(Objects.requireNonNull(device, "device")); return this; }

        /** The guest's RAM on a host file (a template's, shared; a clone's, private); {@code null} for QEMU's own. */
        public Builder ramFile(RamFile ramFile) { this.ramFile = ramFile; return this; }

        /** Whether QEMU starts stopped, waiting for a saved state ({@code -incoming defer}); needs a private {@link #ramFile}. */
        public Builder incoming(boolean incoming) { this.incoming = incoming; return this; }

        /**
         * The network namespace QEMU is started in ({@code nsenter --net=PATH}, before its confinement drops every
         * capability), where its {@link dev.jkata.qemu.device.TapNetwork tap devices} are; {@code null} for the
         * launching process's own.
         */
        public Builder networkNamespace(Path netns) { this.networkNamespace = netns; return this; }

        /**
         * Validates and builds.
         *
         * @throws InvalidQemuConfigException naming the field at fault
         */
        public QemuConfig build() {
            MachineType m = machineText != null ? MachineType.parse(machineText) : machine;
            HotplugRoom room = DeviceRules.room(devices);
            int slots = memorySlots != null ? memorySlots : room.slots();
            MemorySize max = maxMemory != null ? maxMemory : memory == null ? null : memory.plus(room.memory());
            Memory mem = new Memory(memory, slots, max);
            RunPaths p = paths != null ? paths : runDir != null ? RunPaths.in(runDir) : null;
            String cmdline = append == null ? null
                    : append.contains("console=") ? append.strip() : ("console=ttyS0 " + append.strip()).strip();
            DirectKernelBoot boot = new DirectKernelBoot(kernel, Optional.ofNullable(initrd), cmdline);
            return new QemuConfig(Optional.ofNullable(name), m, accelerator, cpus, mem, boot, sandbox,
                    tcgTranslationCache, p, Optional.ofNullable(ramFile), incoming, devices,
                    Optional.ofNullable(networkNamespace));
        }
    }
}
