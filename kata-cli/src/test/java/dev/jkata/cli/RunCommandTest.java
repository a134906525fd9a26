package dev.jkata.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunCommandTest {
    @Test
    void aShareSplitsAtTheLastColonBeforeTheGuestPath() {
        assertThat(RunCommand.Share.parse("/data/a:b:/in:ro")).isEqualTo(new RunCommand.Share(Path.of("/data/a:b"), "/in", true));
        assertThat(RunCommand.Share.parse("./out:/out")).isEqualTo(new RunCommand.Share(Path.of("./out"), "/out", false));
        for (String bad : new String[] {"/only", ":/x", "/x:", "/x:relative", "/x:/y:rw"}) {
            assertThatThrownBy(() -> RunCommand.Share.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--share");
        }
    }

    @Test
    void envTakesKeyValueOrPassesTheHostsValue() {
        assertThat(RunCommand.parseEnv("A=b=c", Map.of())).isEqualTo(Map.entry("A", "b=c"));
        assertThat(RunCommand.parseEnv("HOME", Map.of("HOME", "/root"))).isEqualTo(Map.entry("HOME", "/root"));
        assertThat(RunCommand.parseEnv("EMPTY=", Map.of())).isEqualTo(Map.entry("EMPTY", ""));
        assertThatThrownBy(() -> RunCommand.parseEnv("=x", Map.of())).hasMessageContaining("-e takes");
        assertThatThrownBy(() -> RunCommand.parseEnv("1A=x", Map.of())).hasMessageContaining("-e takes");
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThat(RunCommand.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(RunCommand.parseDuration("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(RunCommand.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
        for (String bad : new String[] {"0", "-5s", "soon", "99999999999999h"}) {
            assertThatThrownBy(() -> RunCommand.parseDuration(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void optionsBecomeTheExecSpec() {
        RunCommand run = parse("run", "-t", "-e", "A=1", "-w", "/tmp", "-u", "1000:1000", "--", "sh", "-c", "x");
        var spec = run.execSpec(run.command, Optional.of(Duration.ofSeconds(3)));
        assertThat(spec.command()).containsExactly("sh", "-c", "x");
        assertThat(spec.terminal()).isTrue();
        assertThat(spec.env()).containsEntry("A", "1");
        assertThat(spec.workdir()).contains("/tmp");
        assertThat(spec.user()).contains("1000:1000");
        assertThat(spec.timeout()).contains(Duration.ofSeconds(3));
        assertThat(parse("run", "--", "true").execSpec(List.of("true"), Optional.empty()).timeout()).as("no limit by default").isEmpty();
    }

    @Test
    void kataFailuresExit125AndBadCommandLines2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Stdio io = new Stdio(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true), false);
        assertThat(KataCli.execute(io, "run", "--timeout", "0", "--", "true")).isEqualTo(KataCli.FAILED);
        assertThat(err.toString()).contains("--timeout must be positive");
        assertThat(KataCli.execute(io, "run", "--no-such-option", "--", "true")).isEqualTo(KataCli.USAGE);
        assertThat(KataCli.execute(io, "run")).as("no command and no image").isEqualTo(KataCli.USAGE);
        assertThat(err.toString()).contains("name a command after --");
        assertThat(KataCli.execute(io, "run", "--image", "alpine", "--rootfs", "/", "--", "true")).isEqualTo(KataCli.USAGE);
        assertThat(err.toString()).contains("--image and --rootfs exclude each other");
        assertThat(KataCli.execute(io, "run", "--image", "alpine", "--pull", "sometimes", "--", "true")).isEqualTo(KataCli.FAILED);
        assertThat(err.toString()).contains("--pull must be missing, always or never");
        assertThat(KataCli.execute(io, "run", "--image", "Not A Reference", "--", "true")).isEqualTo(KataCli.FAILED);
        assertThat(err.toString()).contains("Not A Reference");
    }

    private static RunCommand parse(String... args) {
        Stdio io = new Stdio(new ByteArrayInputStream(new byte[0]), System.out, System.err, false);
        RunCommand run = new RunCommand(io);
        picocli.CommandLine cl = new picocli.CommandLine(run);
        cl.parseArgs(java.util.Arrays.copyOfRange(args, 1, args.length));
        return run;
    }

    @Test
    void copiesSplitAtTheGuestPathsColon() {
        assertThat(RunCommand.splitCopy("/src/a:b:/work", true)).containsExactly("/src/a:b", "/work");
        assertThat(RunCommand.splitCopy("./src:/work", true)).containsExactly("./src", "/work");
        assertThat(RunCommand.splitCopy("/out/x:./build:1", false)).containsExactly("/out/x", "./build:1");
        for (String bad : new String[] {"src", "src:work", ":/work", "/work:"}) {
            assertThatThrownBy(() -> RunCommand.splitCopy(bad, true)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--copy-in takes HOST:GUEST");
        }
        assertThatThrownBy(() -> RunCommand.splitCopy("out:/host", false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--copy-out takes GUEST:HOST");
    }
}
