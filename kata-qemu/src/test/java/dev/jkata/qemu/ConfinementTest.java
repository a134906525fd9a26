package dev.jkata.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfinementTest {
    @Test
    void qemuGetsASessionNoNewPrivilegesAndDiesWithItsParent() {
        assertThat(Confinement.wrapper(Optional.of(Path.of("/usr/bin/setsid")), Path.of("/usr/bin/setpriv"), false))
                .containsExactly("/usr/bin/setsid", "/usr/bin/setpriv", "--pdeathsig", "KILL", "--no-new-privs", "--");
    }

    @Test
    void asRootItAlsoLosesEveryCapability() {
        assertThat(Confinement.wrapper(Optional.empty(), Path.of("/usr/bin/setpriv"), true))
                .containsExactly("/usr/bin/setpriv", "--pdeathsig", "KILL", "--no-new-privs", "--inh-caps=-all",
                        "--bounding-set=-all", "--");
    }
}
