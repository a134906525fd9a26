package dev.jkata.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One fuzzing run of one target: Jazzer's libFuzzer driver in a JVM of its own, on this test's class path, with the
 * target's corpus under {@code target/fuzz/<target>/corpus} (kept between runs, so a long run goes on where the last
 * stopped), its hand-written seeds from {@code src/test/resources/seeds/<target>}, and any crashing input written
 * beside the corpus. The heap is small on purpose: a decoder that allocates what a hostile peer asks for fails the
 * run with an {@code OutOfMemoryError}, which Jazzer reports as a finding.
 *
 * @param runs       how many inputs ({@code -runs})
 * @param maxSeconds a bound on the whole run ({@code -max_total_time}); it ends at whichever comes first
 */
public record JazzerRun(Class<?> target, long runs, long maxSeconds) {
    private static final Pattern DONE = Pattern.compile("Done (\\d+) runs in (\\d+) second");
    /** A single input taking longer than this is a hang, reported as a finding. */
    static final int INPUT_TIMEOUT_S = 20;
    /** java.util.logging off in the fuzzing JVM: grpc-java logs a stack trace for most hostile replies. */
    private static final Path QUIET_JUL = Path.of("src", "test", "resources", "fuzz-logging.properties");

    /** The settings from system properties: {@code kata.fuzz.runs} (default 30000), {@code kata.fuzz.maxSeconds} (60). */
    public static JazzerRun of(Class<?> target) {
        return new JazzerRun(target, Long.getLong("kata.fuzz.runs", 30_000), Long.getLong("kata.fuzz.maxSeconds", 60));
    }

    /** What one run did: inputs tried, seconds taken, Jazzer's exit status and its output's tail. */
    public record Result(long inputs, long seconds, int exitCode, String tail) {
        public boolean clean() { return exitCode == 0; }
    }

    public Result run() throws IOException, InterruptedException {
        Path dir = Path.of("target", "fuzz", target.getSimpleName()).toAbsolutePath();
        Path corpus = Files.createDirectories(dir.resolve("corpus"));
        Path log = dir.resolve("jazzer.log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-Xss1m", "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=off",
                "-Djava.util.logging.config.file=" + QUIET_JUL.toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"),
                "com.code_intelligence.jazzer.Jazzer",
                "--target_class=" + target.getName(),
                "--instrumentation_includes=dev.jkata.**",
                "--reproducer_path=" + dir,
                "-artifact_prefix=" + dir + "/",
                "-runs=" + runs, "-max_total_time=" + maxSeconds, "-timeout=" + INPUT_TIMEOUT_S,
                "-print_final_stats=1", corpus.toString()));
        // hand-written seeds (valid sessions to mutate from), read only: new inputs go to the corpus above
        Path seeds = Path.of("src", "test", "resources", "seeds", target.getSimpleName()).toAbsolutePath();
        if (Files.isDirectory(seeds)) {
            cmd.add(seeds.toString());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(maxSeconds + 120, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            return new Result(0, maxSeconds, -1, "Jazzer did not end within " + (maxSeconds + 120) + " s; see " + log);
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Matcher m = DONE.matcher(out);
        long inputs = 0, seconds = 0;
        while (m.find()) {
            inputs = Long.parseLong(m.group(1));
            seconds = Long.parseLong(m.group(2));
        }
        String tail = out.length() > 4000 ? out.substring(out.length() - 4000) : out;
        return new Result(inputs, seconds, p.exitValue(), tail);
    }
}
