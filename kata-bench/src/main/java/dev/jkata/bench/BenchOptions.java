package dev.jkata.bench;

import dev.jkata.guestimage.ImageForm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What to run and how big, from the command line ({@code --key=value}; see {@link #USAGE}). The defaults fit
 * in 15 minutes on 2 cores under TCG.
 *
 * @param benches      which benchmarks, in the order given
 * @param forms        the image forms the start benchmark boots
 * @param runs         start runs per form (medians are reported)
 * @param execs        exec round trips (p50, p99)
 * @param stdioBytes   bytes moved each way by the stdio benchmark
 * @param counts       the numbers of idle sandboxes the memory benchmark holds at once
 * @param memoryForms  the image forms the memory and concurrency benchmarks boot
 * @param output       the JSON file
 */
record BenchOptions(List<String> benches, List<ImageForm> forms, int runs, int execs, long stdioBytes,
                    List<Integer> counts, List<ImageForm> memoryForms, Path output) {

    static final List<String> ALL = List.of("start", "template", "exec", "stdio", "memory", "concurrency", "image", "network", "oci",
            "disk");

    static final String USAGE = String.join("\n",
            "usage: scripts/bench.sh [--only=start,template,exec,stdio,memory,concurrency,image,network,oci,disk] [--runs=3] [--execs=30]",
            "                        [--stdio-mib=" + defaultStdioMiB() + "] [--counts=1,4] [--with-16] [--forms=initrd,nvdimm]",
            "                        [--memory-forms=nvdimm] [--out=kata-bench/target/bench-results.json]");

    /** Issue 7's size; about 2 minutes for both directions under TCG at the throughput measured so far. */
    static int defaultStdioMiB() {
        return 256;
    }

    static BenchOptions parse(String[] args, Path defaultOutput) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unknown argument '" + a + "'\n" + USAGE);
            }
            int eq = a.indexOf('=');
            kv.put(eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "true" : a.substring(eq + 1));
        }
        List<String> benches = list(kv.remove("only"), String.join(",", ALL));
        for (String b : benches) {
            if (!ALL.contains(b)) {
                throw new IllegalArgumentException("unknown benchmark '" + b + "'; choose from " + ALL);
            }
        }
        List<Integer> counts = new ArrayList<>(list(kv.remove("counts"), "1,4").stream().map(Integer::parseInt).toList());
        if (Boolean.parseBoolean(kv.remove("with-16")) && !counts.contains(16)) {
            counts.add(16);
        }
        BenchOptions o = new BenchOptions(benches,
                forms(list(kv.remove("forms"), "initrd,nvdimm")),
                positive(kv.remove("runs"), 3, "runs"),
                positive(kv.remove("execs"), 30, "execs"),
                positive(kv.remove("stdio-mib"), defaultStdioMiB(), "stdio-mib") * (1L << 20),
                List.copyOf(counts),
                forms(list(kv.remove("memory-forms"), "nvdimm")),
                Path.of(kv.getOrDefault("out", defaultOutput.toString())).toAbsolutePath());
        kv.remove("out");
        if (!kv.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s) " + kv.keySet() + "\n" + USAGE);
        }
        return o;
    }

    boolean runs(String bench) { return benches.contains(bench); }

    /** For the report's header. */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("benches", benches);
        m.put("forms", forms);
        m.put("startRuns", runs);
        m.put("execs", execs);
        m.put("stdioMiB", stdioBytes >> 20);
        m.put("sandboxCounts", counts);
        m.put("memoryForms", memoryForms);
        return m;
    }

    private static List<String> list(String value, String dflt) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : (value == null ? dflt : value).split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim().toLowerCase(Locale.ROOT));
            }
        }
        return List.copyOf(out);
    }

    private static List<ImageForm> forms(List<String> names) {
        return names.stream().map(n -> {
            try {
                return ImageForm.valueOf(n.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown image form '" + n + "'; choose from " + Arrays.toString(ImageForm.values()));
            }
        }).toList();
    }

    private static int positive(String value, int dflt, String name) {
        if (value == null) {
            return dflt;
        }
        int n = Integer.parseInt(value);
        if (n < 1) {
            throw new IllegalArgumentException("--" + name + " must be at least 1, not " + n);
        }
        return n;
    }
}
