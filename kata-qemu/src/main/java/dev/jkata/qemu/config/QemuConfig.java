package dev.jkata.qemu.config;

import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.MemorySize;
import dev.jkata.qemu.accel.Accelerator;
import dev.jkata.qemu.accel.ResolvedAccelerator;
import dev.jkata.qemu.device.BaseOptions;
import dev.jkata.qemu.device.CpuAccelerator;
import dev.jkata.qemu.device.DirectKernelBoot;
import dev.jkata.qemu.device.FileBackedRam;
import dev.jkata.qemu.device.Incoming;
import dev.jkata.qemu.device.Machine;
import dev.jkata.qemu.device.Memory;
import dev.jkata.qemu.device.NinePShare;
import dev.jkata.qemu.device.Nvdimm;
import dev.jkata.qemu.device.PidFile;
import dev.jkata.qemu.device.QemuDevice;
import dev.jkata.qemu.device.QmpSocket;
import dev.jkata.qemu.device.Seccomp;
import dev.jkata.qemu.device.SerialConsole;
import dev.jkata.qemu.device.Smp;
import dev.jkata.qemu.device.VirtioSerialBus;
import dev.jkata.qemu.device.VirtioSerialPort;
import dev.jkata.qemu.device.VmName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything QEMU needs to boot one VM, validated as a whole. Built by {@link #builder()}; every rule is checked
 * by the canonical constructor, so no invalid config exists. A failure is an
 * {@link InvalidConfigurationException} whose {@code field()} is the builder property at fault.
 *
 * <p>Every VM gets: the base options ({@code -nodefaults -no-user-config -nographic -no-reboot}), a QMP socket,
 * a pid file, the serial console written to {@link RunPaths#consoleLog()}, and the virtio-serial port
 * {@value #AGENT_PORT_NAME} on {@link RunPaths#agentSocket()}.
 *
 * @param name                optional VM name ({@code -name})
 * @param machine             the machine type
 * @param accelerator         the requested accelerator
 * @param cpus                virtual CPUs, 1 to {@value #MAX_CPUS}
 * @param memory              boot RAM, whole MiB
 * @param memorySlots         memory hotplug slots (0 = none)
 * @param maxMemory           RAM ceiling including hotplug; equals {@code memory} without slots
 * @param kernel              the guest kernel file
 * @param initrd              the initial ram disk, if any
 * @param kernelCommandLine   the full kernel command line (starts with {@code console=ttyS0} unless the caller
 *                            chose a console)
 * @param nvdimm              a read-only root filesystem image mapped as {@code /dev/pmem0}, if any
 * @param sharedDirs          the 9p shares, each with its own mount tag
 * @param sandbox             whether to pass {@code -sandbox on} (only where QEMU supports it)
 * @param tcgTranslationCache TCG's translation block cache size (unused under KVM)
 * @param paths               where the VM's sockets, log and pid file live
 * @param extraDevices        more devices, rendered last
 * @param ramFile             the guest's RAM on a host file (VM templates and their clones), or QEMU's own memory
 * @param incoming            whether QEMU starts stopped, waiting for a saved device state ({@code -incoming defer});
 *                            only a clone, whose RAM is a template's file mapped privately, starts this way
 */
public record QemuConfig(
        Optional<String> name,
        MachineType machine,
        Accelerator accelerator,
        int cpus,
        MemorySize memory,
        int memorySlots,
        MemorySize maxMemory,
        Path kernel,
        Optional<Path> initrd,
        String kernelCommandLine,
        Optional<NvdimmImage> nvdimm,
        List<SharedDir> sharedDirs,
        boolean sandbox,
        MemorySize tcgTranslationCache,
        RunPaths paths,
        List<QemuDevice> extraDevices,
        Optional<RamFile> ramFile,
        boolean incoming) {

    /** The virtio-serial port the guest agent listens on. */
    public static final String AGENT_PORT_NAME = "agent.channel.0";
    /** The most virtual CPUs a config accepts (the i440FX limit; Q35 takes more, no sandbox needs them). */
    public static final int MAX_CPUS = 255;
    /** The most hotplug slots QEMU accepts. */
    public static final int MAX_MEMORY_SLOTS = 255;
    /** x86 Linux's COMMAND_LINE_SIZE less the terminating NUL. */
    public static final int MAX_COMMAND_LINE_BYTES = 2047;

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
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9._-]{1,31}");
    private static final long MIB = 1L << 20;

    public QemuConfig {
        Objects.requireNonNull(name, "name");
        name.ifPresent(n -> require(NAME.matcher(n).matches(), "name",
                "'" + n + "' is not 1 to 64 letters, digits, '.', '-', '_'"));
        require(machine != null, "machine", "is required");
        require(accelerator != null, "accelerator", "is required");
        require(cpus >= 1, "cpus", "must be positive, was " + cpus);
        require(cpus <= MAX_CPUS, "cpus", "must be at most " + MAX_CPUS + ", was " + cpus);
        require(memory != null && !memory.isZero(), "memory", "must be positive, was " + memory);
        require(memory.toBytes() % MIB == 0, "memory", "must be a whole number of MiB, was " + memory.toBytes() + " bytes");
        require(maxMemory != null, "maxMemory", "is required");
        require(maxMemory.toBytes() % MIB == 0, "maxMemory", "must be a whole number of MiB, was " + maxMemory.toBytes() + " bytes");
        require(memorySlots >= 0 && memorySlots <= MAX_MEMORY_SLOTS, "memorySlots",
                "must be 0 to " + MAX_MEMORY_SLOTS + ", was " + memorySlots);
        require(maxMemory.compareTo(memory) >= 0, "maxMemory", maxMemory + " is below memory " + memory);
        if (memorySlots == 0) {
            require(maxMemory.equals(memory), "memorySlots", "maxMemory " + maxMemory + " above memory " + memory
                    + " needs at least one hotplug slot");
        } else {
            require(maxMemory.compareTo(memory) > 0, "maxMemory", memorySlots + " hotplug slots need maxMemory above memory "
                    + memory + ", was " + maxMemory);
        }

        requireReadableFile(kernel, "kernel");
        // QEMU runs in the run directory: every host path it gets must be absolute.
        kernel = kernel.toAbsolutePath();
        initrd = initrd.map(Path::toAbsolutePath);
        Objects.requireNonNull(initrd, "initrd");
        initrd.ifPresent(i -> requireReadableFile(i, "initrd"));
        require(kernelCommandLine != null, "append", "is required");
        require(kernelCommandLine.chars().noneMatch(c -> c < 0x20 || c == 0x7f), "append",
                "must not contain control characters such as newlines");
        int cmdBytes = kernelCommandLine.getBytes(StandardCharsets.UTF_8).length;
        require(cmdBytes <= MAX_COMMAND_LINE_BYTES, "append", "the kernel command line is " + cmdBytes
                + " bytes, more than the kernel's " + MAX_COMMAND_LINE_BYTES);

        Objects.requireNonNull(nvdimm, "nvdimm");
        if (nvdimm.isPresent()) {
            NvdimmImage image = nvdimm.get();
            requireReadableFile(image.path(), "nvdimmImage");
            require(!image.size().isZero(), "nvdimmImage", image.path() + " is empty");
            require(machine.supportsNvdimm(), "nvdimm", "machine " + machine.qemuName() + " does not support nvdimm");
            require(memorySlots >= 1, "memorySlots", "an nvdimm takes a hotplug slot; set memorySlots to at least 1");
            MemorySize room = MemorySize.ofBytes(maxMemory.toBytes() - memory.toBytes());
            require(room.compareTo(image.alignedSize()) >= 0, "maxMemory", "maxMemory " + maxMemory
                    + " leaves " + room + " above memory " + memory + ", less than the nvdimm image's "
                    + image.alignedSize() + " (" + image.size().toBytes() + " bytes rounded up to "
                    + NvdimmImage.ALIGNMENT + "); raise maxMemory to at least " + memory.plus(image.alignedSize()));
        }

        require(sharedDirs != null, "sharedDirs", "is required");
        sharedDirs = List.copyOf(sharedDirs);
        Set<String> tags = new HashSet<>();
        for (SharedDir s : sharedDirs) {
            require(TAG.matcher(s.mountTag()).matches(), "sharedDirs",
                    "mount tag '" + s.mountTag() + "' is not 1 to 31 letters, digits, '.', '-', '_'");
            require(tags.add(s.mountTag()), "sharedDirs", "mount tag '" + s.mountTag() + "' is used twice");
            require(Files.isDirectory(s.hostDir()), "sharedDirs", s.hostDir() + " is not a directory");
        }

        require(tcgTranslationCache != null && tcgTranslationCache.toMiB() >= 1
                        && tcgTranslationCache.toBytes() % MIB == 0, "tcgTranslationCache",
                "must be a positive whole number of MiB, was " + tcgTranslationCache);
        require(paths != null, "runDir", "is required");
        require(extraDevices != null, "extraDevices", "is required");
        extraDevices = List.copyOf(extraDevices);
        Objects.requireNonNull(ramFile, "ramFile");
        if (ramFile.isPresent()) {
            Path dir = ramFile.get().path().getParent();
            require(dir != null && Files.isDirectory(dir), "ramFile", "the directory of " + ramFile.get().path()
                    + " does not exist");
        }
        if (incoming) {
            require(ramFile.isPresent() && !ramFile.get().shared(), "incoming",
                    "a VM that starts from a saved state needs its template's RAM file, mapped privately");
            Path ram = ramFile.get().path();
            long size = readableFileSize(ram, "ramFile");
            require(size == memory.toBytes(), "ramFile", ram + " holds " + size + " bytes, not the "
                    + memory.toBytes() + " of memory " + memory + ": it belongs to another configuration");
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
        b.memory = memory;
        b.memorySlots = memorySlots;
        b.maxMemory = maxMemory;
        b.kernel = kernel;
        b.initrd = initrd.orElse(null);
        b.append = kernelCommandLine;
        b.nvdimmImage = nvdimm.map(NvdimmImage::path).orElse(null);
        b.sharedDirs.addAll(sharedDirs);
        b.sandbox = sandbox;
        b.tcgTranslationCache = tcgTranslationCache;
        b.paths = paths;
        b.extraDevices.addAll(extraDevices);
        b.ramFile = ramFile.orElse(null);
        b.incoming = incoming;
        return b;
    }

    /**
     * The devices of this VM under the given accelerator, in command-line order.
     *
     * @throws IllegalArgumentException if {@code accelerator} contradicts an explicit request in this config
     */
    public List<QemuDevice> devices(ResolvedAccelerator resolved) {
        Objects.requireNonNull(resolved, "resolved");
        if (accelerator != Accelerator.AUTO && !accelerator.name().equals(resolved.name())) {
            throw new IllegalArgumentException("the config requests " + accelerator + " but " + resolved + " was resolved");
        }
        List<QemuDevice> d = new ArrayList<>();
        name.ifPresent(n -> d.add(new VmName(n)));
        d.add(new Machine(machine.qemuName(), nvdimm.isPresent(), ramFile.map(r -> RAM_BACKEND)));
        d.add(new CpuAccelerator(resolved, tcgTranslationCache));
        d.add(new Smp(cpus));
        d.add(new Memory(memory, memorySlots, maxMemory));
        ramFile.ifPresent(r -> d.add(new FileBackedRam(RAM_BACKEND, r.path(), memory, r.shared())));
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
        d.add(new DirectKernelBoot(kernel, initrd, kernelCommandLine));
        nvdimm.ifPresent(n -> d.add(new Nvdimm("nv0", n.path(), n.size())));
        d.add(new VirtioSerialBus("serial0"));
        d.add(new VirtioSerialPort("agent0", paths.agentSocket(), AGENT_PORT_NAME));
        for (int i = 0; i < sharedDirs.size(); i++) {
            SharedDir s = sharedDirs.get(i);
            d.add(new NinePShare("fsdev" + i, s.hostDir(), s.mountTag(), s.readOnly(), s.mappedOwners()));
        }
        d.addAll(extraDevices);
        return List.copyOf(d);
    }

    /** The full argv: {@code qemuBinary} followed by every device's arguments. */
    public List<String> toArgs(Path qemuBinary, ResolvedAccelerator resolved) {
        Objects.requireNonNull(qemuBinary, "qemuBinary");
        List<String> argv = new ArrayList<>();
        argv.add(qemuBinary.toString());
        for (QemuDevice device : devices(resolved)) {
            argv.addAll(device.args());
        }
        return List.copyOf(argv);
    }

    private static void require(boolean ok, String field, String problem) {
        if (!ok) {
            throw new InvalidConfigurationException(field, problem);
        }
    }

    /** The size of a file that must exist and be readable, or a failure naming {@code field}. */
    private static long readableFileSize(Path file, String field) {
        requireReadableFile(file, field);
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new InvalidConfigurationException(field, "cannot read the size of " + file + ": " + e);
        }
    }

    private static void requireReadableFile(Path file, String field) {
        require(file != null, field, "is required");
        require(Files.isRegularFile(file), field, file + " does not exist or is not a regular file");
        require(Files.isReadable(file), field, file + " is not readable");
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
        private Boolean nvdimm;
        private Path nvdimmImage;
        private final List<SharedDir> sharedDirs = new ArrayList<>();
        private boolean sandbox;
        private MemorySize tcgTranslationCache = DEFAULT_TCG_TRANSLATION_CACHE;
        private Path runDir;
        private RunPaths paths;
        private final List<QemuDevice> extraDevices = new ArrayList<>();
        private RamFile ramFile;
        private boolean incoming;

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

        /** Memory hotplug slots; 0 by default, 1 when an nvdimm image is set. */
        public Builder memorySlots(int slots) { this.memorySlots = slots; return this; }

        /** The RAM ceiling with hotplug; {@code memory} by default, {@code memory} + the aligned nvdimm image size with one. */
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

        /** Whether the VM gets an nvdimm; on by default when {@link #nvdimmImage(Path)} is set. */
        public Builder nvdimm(boolean nvdimm) { this.nvdimm = nvdimm; return this; }

        /** A read-only rootfs image mapped as {@code /dev/pmem0}; its size is read at {@link #build()}. */
        public Builder nvdimmImage(Path image) { this.nvdimmImage = image; return this; }

        /** Adds a 9p share. */
        public Builder share(SharedDir share) { this.sharedDirs.add(Objects.requireNonNull(share, "share")); return this; }

        /** Adds a read-only 9p share tagged {@value SharedDir#DEFAULT_TAG}. */
        public Builder share(Path hostDir) { return share(SharedDir.readOnly(hostDir)); }

        /** Whether to pass {@code -sandbox on}; off by default, turn on where kata-check found support. */
        public Builder sandbox(boolean sandbox) { this.sandbox = sandbox; return this; }

        /** TCG's translation block cache; 128 MiB by default. */
        public Builder tcgTranslationCache(MemorySize size) { this.tcgTranslationCache = size; return this; }

        /** The directory for the VM's sockets, console log and pid file, laid out by {@link RunPaths#in(Path)}. */
        public Builder runDir(Path runDir) { this.runDir = runDir; this.paths = null; return this; }

        /** Explicit runtime paths instead of {@link #runDir(Path)}'s layout. */
        public Builder paths(RunPaths paths) { this.paths = paths; this.runDir = null; return this; }

        /** Adds a device rendered after the standard ones. */
        public Builder device(QemuDevice device) { this.extraDevices.add(Objects.requireNonNull(device, "device")); return this; }

        /** The guest's RAM on a host file (a template's, shared; a clone's, private); {@code null} for QEMU's own. */
        public Builder ramFile(RamFile ramFile) { this.ramFile = ramFile; return this; }

        /** Whether QEMU starts stopped, waiting for a saved state ({@code -incoming defer}); needs a private {@link #ramFile}. */
        public Builder incoming(boolean incoming) { this.incoming = incoming; return this; }

        /**
         * Validates and builds.
         *
         * @throws InvalidConfigurationException naming the field at fault
         */
        public QemuConfig build() {
            MachineType m = machineText != null ? MachineType.parse(machineText) : machine;
            boolean wantNvdimm = nvdimm != null ? nvdimm : nvdimmImage != null;
            if (wantNvdimm && nvdimmImage == null) {
                throw new InvalidConfigurationException("nvdimmImage", "nvdimm is on but no image is set");
            }
            if (!wantNvdimm && nvdimmImage != null) {
                throw new InvalidConfigurationException("nvdimm", "an nvdimm image is set but nvdimm is off");
            }
            require(memory != null, "memory", "is required");
            Optional<NvdimmImage> image = Optional.empty();
            if (wantNvdimm) {
                long size = readableFileSize(nvdimmImage, "nvdimmImage");
                require(size > 0, "nvdimmImage", nvdimmImage + " is empty");
                image = Optional.of(new NvdimmImage(nvdimmImage, MemorySize.ofBytes(size)));
            }
            int slots = memorySlots != null ? memorySlots : image.isPresent() ? 1 : 0;
            MemorySize max = maxMemory != null ? maxMemory
                    : image.map(i -> memory.plus(i.alignedSize())).orElse(memory);
            RunPaths p = paths != null ? paths : runDir != null ? RunPaths.in(runDir) : null;
            String cmdline = append == null ? null
                    : append.contains("console=") ? append.strip() : ("console=ttyS0 " + append.strip()).strip();
            return new QemuConfig(Optional.ofNullable(name), m, accelerator, cpus, memory, slots, max,
                    kernel, Optional.ofNullable(initrd), cmdline, image, sharedDirs, sandbox, tcgTranslationCache, p,
                    extraDevices, Optional.ofNullable(ramFile), incoming);
        }
    }
}
