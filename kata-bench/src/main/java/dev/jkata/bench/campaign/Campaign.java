package dev.jkata.bench.campaign;

import dev.jkata.api.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The campaign's command: {@code scripts/campaign.sh [--owner-deaths=100] [--execs=1000] [--parallel=8]
 * [--sandboxes=50] [--only=owner,load,sequence,faults,badinput]}. Prints every count (the goal of each is zero, except the totals)
 * and exits 1 when one that should be zero is not.
 */
public final class Campaign {
    private Campaign() {}

    /** The settings of one run. */
    public record Settings(int ownerDeaths, Duration maxKillDelay, int execs, int parallel, int stdinBytes, int sandboxes,
                           String only) {
        boolean runs(String part) { return only.isEmpty() || java.util.List.of(only.split(",")).contains(part); }
    }

    public static Findings run(Settings s, Path work) throws Exception {
        Findings f = new Findings();
        Files.createDirectories(work);
        if (s.runs("load") && s.execs() > 0) {
            System.out.println("[campaign] load: " + s.execs() + " execs, " + s.parallel() + " at a time");
            try (Sandbox sb = Sandbox.builder().stateRoot(Files.createDirectories(work.resolve("load"))).cpus(2).start()) {
                LoadTrial.run(sb, s.execs(), s.parallel(), s.stdinBytes(), f);
            }
        }
        if (s.runs("sequence") && s.sandboxes() > 0) {
            System.out.println("[campaign] sequence: " + s.sandboxes() + " sandboxes");
            SequenceTrial.run(Files.createDirectories(work.resolve("sequence")), s.sandboxes(), f);
        }
        if (s.runs("badinput")) {
            System.out.println("[campaign] bad input: every builder setting with nonsense, through start()");
            BadInputTrial.run(work, f);
        }
        if (s.runs("faults")) {
            System.out.println("[campaign] faults: QEMU killed, guest panic, frozen VM, stdin not read, full disk");
            FaultTrial.run(work, f);
        }
        if (s.runs("owner") && s.ownerDeaths() > 0) {
            System.out.println("[campaign] owner death: " + s.ownerDeaths() + " trials");
            OwnerDeathTrial.run(work, s.ownerDeaths(), s.maxKillDelay(), 16, f);
        }
        return f;
    }

    /** The counts whose goal is zero. */
    public static boolean clean(Findings f) {
        return f.counts().entrySet().stream().noneMatch(e -> e.getValue() > 0 && isFault(e.getKey()));
    }

    static boolean isFault(String name) {
        return name.contains("hung") || name.contains("failed") || name.contains("lost") || name.contains("leaked")
                || name.contains("grown") || name.contains("left") || name.contains("alive") || name.contains("deleted")
                || name.contains("over budget") || name.contains("untyped");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (String a : args) {
            if (!a.startsWith("--") || !a.contains("=")) {
                System.err.println("usage: campaign.sh [--owner-deaths=N] [--kill-within-s=S] [--execs=N] [--parallel=N]"
                        + " [--stdin-kib=N] [--sandboxes=N] [--only=owner,load,sequence,faults,badinput]");
                System.exit(2);
            }
            o.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        Settings s = new Settings(Integer.parseInt(o.getOrDefault("owner-deaths", "100")),
                Duration.ofSeconds(Long.parseLong(o.getOrDefault("kill-within-s", "120"))),
                Integer.parseInt(o.getOrDefault("execs", "1000")), Integer.parseInt(o.getOrDefault("parallel", "8")),
                Integer.parseInt(o.getOrDefault("stdin-kib", "64")) * 1024,
                Integer.parseInt(o.getOrDefault("sandboxes", "50")), o.getOrDefault("only", ""));
        Findings f = run(s, Path.of("kata-bench/target/campaign-work").toAbsolutePath());
        System.out.println("Campaign " + s);
        System.out.print(f);
        System.exit(clean(f) ? 0 : 1);
    }
}
