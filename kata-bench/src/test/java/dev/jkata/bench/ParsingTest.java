package dev.jkata.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.guestimage.ImageForm;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark's readers of what it measures: console markers, smaps, options. */
class ParsingTest {

    @Test
    void consoleLinesGiveTheGuestsUptime() {
        assertThat(new ConsoleWatch.Line(0, "KATA_INIT: drivers loaded at 4.45s").uptime()).hasValue(4.45);
        assertThat(new ConsoleWatch.Line(0, "KATA_AGENT: ready in 8943 ms, uptime 12.11 s, VmRSS 49164 kB").uptime())
                .hasValue(12.11);
        assertThat(new ConsoleWatch.Line(0, "KATA_AGENT: JVM started 2501 ms before main (uptime 5.98 s)").uptime())
                .hasValue(5.98);
        assertThat(new ConsoleWatch.Line(0, "Booting from ROM...").uptime()).isEmpty();
    }

    @Test
    void smapsIsSplitIntoGuestRamTranslationCacheImageAndTheRest() {
        String smaps = String.join("\n",
                "7fb11fe00000-7fb13fe00000 rw-p 00000000 00:00 0 ",
                "Rss:              286720 kB",
                "Pss:              286720 kB",
                "Pss_Dirty:        286720 kB",
                "7fb145fff000-7fb14ffff000 r--s 00000000 fe:00 16041457                   /cache/images/x/rootfs.img",
                "Pss:               14028 kB",
                "7fb150000000-7fb157fff000 rwxp 00000000 00:00 0 ",
                "Pss:              131068 kB",
                "55d0c0000000-55d0c0100000 r-xp 00000000 fe:00 1 /usr/bin/qemu-system-x86_64",
                "Pss:                2048 kB",
                "");
        Map<String, Double> b = MemoryBench.breakdown(smaps);
        assertThat(b.get("guest RAM")).isEqualTo(280.0);
        assertThat(b.get("TCG translation cache")).isCloseTo(128.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(b.get("nvdimm rootfs image (shared)")).isCloseTo(13.7, org.assertj.core.data.Offset.offset(0.01));
        assertThat(b.get("other (QEMU binary, libraries, heap)")).isEqualTo(2.0);
    }

    @Test
    void optionsHaveDefaultsThatFitTheTimeBudget() {
        BenchOptions o = BenchOptions.parse(new String[0], Path.of("out.json"));
        assertThat(o.benches()).containsExactly("start", "template", "exec", "stdio", "memory", "concurrency", "image", "network", "oci",
                "disk");
        assertThat(o.runs()).isEqualTo(3);
        assertThat(o.execs()).isEqualTo(30);
        assertThat(o.counts()).containsExactly(1, 4);
        assertThat(o.forms()).containsExactly(ImageForm.INITRD, ImageForm.NVDIMM);
    }

    @Test
    void optionsAreParsedAndCheckedWithUsage() {
        BenchOptions o = BenchOptions.parse(new String[] {"--only=exec,stdio", "--with-16", "--stdio-mib=256", "--forms=nvdimm"},
                Path.of("out.json"));
        assertThat(o.benches()).isEqualTo(List.of("exec", "stdio"));
        assertThat(o.counts()).containsExactly(1, 4, 16);
        assertThat(o.stdioBytes()).isEqualTo(256L << 20);
        assertThat(o.forms()).containsExactly(ImageForm.NVDIMM);
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--only=warp"}, Path.of("x"))).hasMessageContaining("warp");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--runz=2"}, Path.of("x"))).hasMessageContaining("usage");
    }
}
