package dev.jkata.guestimage.kernel;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One kernel's module tree ({@code lib/modules/VERSION}), read through depmod's own index files:
 * {@code modules.dep} for hard dependencies, {@code modules.softdep} for "load this first" hints (ext4 wants
 * crc32c), {@code modules.alias} to turn an alias such as {@code crypto-crc32c} into a module, and
 * {@code modules.builtin} for drivers compiled into the kernel. No dependency name is kept by hand.
 */
public final class KernelModules {
    private final Path dir;
    /** module name → relative path of its .ko file. */
    private final Map<String, String> files = new HashMap<>();
    /** module name → names of the modules it depends on. */
    private final Map<String, List<String>> deps = new HashMap<>();
    private final Map<String, List<String>> softPre = new HashMap<>();
    private final Map<String, String> aliases = new HashMap<>();
    private final Set<String> builtin = new HashSet<>();

    private KernelModules(Path dir) {
        this.dir = dir;
    }

    /** Reads the index files in {@code dir}; it must hold modules.dep (run {@code depmod -b} to make one). */
    public static KernelModules read(Path dir) {
        KernelModules m = new KernelModules(dir);
        Path depFile = dir.resolve("modules.dep");
        if (!Files.isReadable(depFile)) {
            throw new KataException(KataErrorReason.KERNEL_UNSUITABLE, "no modules.dep in " + dir
                    + "; generate it with: depmod -b ROOT VERSION (ROOT holds lib/modules/VERSION)");
        }
        try {
            for (String line : Files.readAllLines(depFile)) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String file = line.substring(0, colon).trim();
                String name = nameOf(file);
                m.files.put(name, file);
                List<String> d = new ArrayList<>();
                for (String dep : line.substring(colon + 1).trim().split("\\s+")) {
                    if (!dep.isEmpty()) {
                        d.add(nameOf(dep));
                    }
                }
                m.deps.put(name, d);
            }
            Path builtinFile = dir.resolve("modules.builtin");
            if (Files.isReadable(builtinFile)) {
                for (String line : Files.readAllLines(builtinFile)) {
                    if (!line.isBlank()) {
                        m.builtin.add(nameOf(line.trim()));
                    }
                }
            }
            Path softFile = dir.resolve("modules.softdep");
            if (Files.isReadable(softFile)) {
                for (String line : Files.readAllLines(softFile)) {
                    String[] w = line.trim().split("\\s+");
                    if (w.length >= 3 && w[0].equals("softdep")) {
                        List<String> pre = new ArrayList<>();
                        boolean inPre = false;
                        for (int i = 2; i < w.length; i++) {
                            if (w[i].equals("pre:")) {
                                inPre = true;
                            } else if (w[i].equals("post:")) {
                                inPre = false;
                            } else if (inPre) {
                                pre.add(w[i]);
                            }
                        }
                        m.softPre.put(normalize(w[1]), pre);
                    }
                }
            }
            Path aliasFile = dir.resolve("modules.alias");
            if (Files.isReadable(aliasFile)) {
                for (String line : Files.readAllLines(aliasFile)) {
                    String[] w = line.trim().split("\\s+");
                    if (w.length == 3 && w[0].equals("alias")) {
                        m.aliases.putIfAbsent(normalize(w[1]), normalize(w[2]));
                    }
                }
            }
        } catch (IOException e) {
            throw new KataException(KataErrorReason.UNREADABLE_PATH, "cannot read kernel modules in " + dir + ": " + e.getMessage(), e);
        }
        return m;
    }

    public Path directory() { return dir; }

    /** True when the kernel has the driver compiled in. */
    public boolean isBuiltin(String module) { return builtin.contains(normalize(module)); }

    /**
     * The .ko files (relative to {@link #directory()}) needed to load {@code wanted}, each after everything
     * it depends on. Built-in drivers need nothing. A driver the kernel has neither built in nor as a module
     * is a {@link KataErrorReason#KERNEL_UNSUITABLE} error naming it.
     */
    public List<String> loadOrder(List<String> wanted) {
        return loadOrder(wanted, List.of());
    }

    /**
     * As {@link #loadOrder(List)}, followed by the {@code optional} drivers this kernel has (and what they need);
     * an optional driver it lacks, or one that needs a module it lacks, is left out.
     */
    public List<String> loadOrder(List<String> wanted, List<String> optional) {
        LinkedHashSet<String> order = new LinkedHashSet<>();
        List<String> missing = new ArrayList<>();
        for (String w : wanted) {
            visit(normalize(w), order, new HashSet<>(), missing, true);
        }
        for (String o : optional) {
            LinkedHashSet<String> trial = new LinkedHashSet<>(order);
            List<String> lacking = new ArrayList<>();
            visit(normalize(o), trial, new HashSet<>(), lacking, true);
            if (lacking.isEmpty()) {
                order = trial;
            }
        }
        if (!missing.isEmpty()) {
            throw new KataException(KataErrorReason.KERNEL_UNSUITABLE, "the kernel in " + dir
                    + " has neither built in nor as modules: " + missing
                    + "; use a kernel with these drivers (Debian's linux-image-amd64 has them all)");
        }
        List<String> out = new ArrayList<>();
        for (String name : order) {
            out.add(files.get(name));
        }
        return out;
    }

    private void visit(String name, LinkedHashSet<String> order, Set<String> path, List<String> missing, boolean required) {
        if (order.contains(name) || builtin.contains(name) || !path.add(name)) {
            return;
        }
        if (!files.containsKey(name)) {
            String real = aliases.get(name);
            if (real != null && !real.equals(name)) {
                visit(real, order, path, missing, required);
            } else if (required) {
                missing.add(name);
            }
            return;
        }
        for (String soft : softPre.getOrDefault(name, List.of())) {
            visit(normalize(soft), order, path, missing, false);
        }
        for (String dep : deps.getOrDefault(name, List.of())) {
            visit(dep, order, path, missing, true);
        }
        order.add(name);
    }

    /** {@code kernel/fs/ext4/ext4.ko.xz} → {@code ext4}; dashes and underscores are the same to the kernel. */
    static String nameOf(String file) {
        String base = file.substring(file.lastIndexOf('/') + 1);
        int ko = base.indexOf(".ko");
        return normalize(ko >= 0 ? base.substring(0, ko) : base);
    }

    static String normalize(String module) {
        return module.replace('-', '_');
    }
}
