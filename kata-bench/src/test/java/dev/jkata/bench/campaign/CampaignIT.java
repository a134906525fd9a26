package dev.jkata.bench.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The campaign's short form, in CI: every fault count zero. The long form is scripts/campaign.sh. */
@Timeout(1800)
class CampaignIT {
    @TempDir
    Path work;

    @Test
    void theShortCampaignFindsNoFault() throws Exception {
        Findings f = Campaign.run(new Campaign.Settings(3, Duration.ofSeconds(40), 120, 8, 64 * 1024, 3, ""), work);
        System.out.println("[campaign]\n" + f);
        assertThat(f.failures()).isEmpty();
        assertThat(Campaign.clean(f)).as(f.toString()).isTrue();
        assertThat(f.count("load: execs")).isEqualTo(120);
        assertThat(f.count("owner death: trials")).isEqualTo(3);
        assertThat(f.count("sequence: sandboxes started and closed")).isEqualTo(3);
        assertThat(f.count("faults: trials")).as("fault trials run").isEqualTo(6);
        assertThat(f.count("bad input: settings tried")).as("bad settings tried").isGreaterThan(40);
    }
}
