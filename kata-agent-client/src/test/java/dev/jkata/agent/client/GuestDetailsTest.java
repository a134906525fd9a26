package dev.jkata.agent.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.agent.protocol.features.AgentFeature;
import dev.jkata.agent.protocol.proto.AgentDetails;
import java.util.Collections;
import org.junit.jupiter.api.Test;

class GuestDetailsTest {

    @Test
    void anUpstreamAgentAdvertisesNoFeatures() {
        GuestDetails d = GuestDetails.from(AgentDetails.newBuilder().setVersion("1.13.0-alpha0")
                .addStorageHandlers("9p").build());
        assertThat(d.features()).isEmpty();
        assertThat(d.has(AgentFeature.WAIT_KEEPS_OUTPUT)).isFalse();
    }

    @Test
    void knownFeaturesAreReadAndUnknownOnesIgnored() {
        GuestDetails d = GuestDetails.from(AgentDetails.newBuilder().setVersion("jkata")
                .addJkataFeatures("wait-keeps-output").addJkataFeatures("time-travel").build());
        assertThat(d.features()).containsExactly(AgentFeature.WAIT_KEEPS_OUTPUT);
    }

    @Test
    void aHostileListIsBoundedAndAFeaturePastTheBoundIsNotTaken() {
        GuestDetails d = GuestDetails.from(AgentDetails.newBuilder().setVersion("x")
                .addAllJkataFeatures(Collections.nCopies(100_000, "x".repeat(100)))
                .addJkataFeatures("wait-keeps-output").build());
        assertThat(d.features()).isEmpty();
    }
}
