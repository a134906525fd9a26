package dev.jkata.qemu.qmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jkata.qemu.errors.QemuTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class QmpClientTest {
    static final Duration DEADLINE = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    private FakeQmpServer server(FakeQmpServer.Script script) throws Exception {
        return new FakeQmpServer(tmp.resolve("qmp.sock"), script);
    }

    @Test
    void greetsNegotiatesAndQueriesStatus() throws Exception {
        try (FakeQmpServer s = server(c -> {
            c.handshake();
            JsonNode q = c.readCommand();
            assertThat(q.path("execute").asText()).isEqualTo("query-status");
            assertThat(q.has("arguments")).isFalse();
            c.reply(q, "{\"status\": \"running\", \"singlestep\": false, \"running\": true}");
            c.readCommand();
        }); QmpClient qmp = QmpClient.connect(s.socket(), DEADLINE)) {
            assertThat(qmp.greeting().version()).isEqualTo("7.2.22");
            assertThat(qmp.greeting().packageName()).isEqualTo("Debian 1:7.2+dfsg-7");
            assertThat(qmp.greeting().capabilities()).containsExactly("oob");
            assertThat(qmp.queryStatus()).isEqualTo(new QmpStatus("running", true));
        }
    }

    @Test
    void typedCommandsSendTheirNamesAndArguments() throws Exception {
        List<JsonNode> seen = new CopyOnWriteArrayList<>();
        try (FakeQmpServer s = server(c -> {
            c.handshake();
            JsonNode cmd;
            while ((cmd = c.readCommand()) != null) {
                seen.add(cmd);
                c.reply(cmd, "{}");
            }
        }); QmpClient qmp = QmpClient.connect(s.socket(), DEADLINE)) {
            qmp.stop();
            qmp.cont();
            qmp.systemPowerdown();
            Map<String, Object> dev = new LinkedHashMap<>();
            dev.put("driver", "virtio-blk-pci");
            dev.put("id", "blk0");
            dev.put("drive", "d0");
            qmp.deviceAdd(dev);
            qmp.deviceDel("blk0");
            JsonNode r = qmp.execute("query-name", Map.of(), Duration.ofSeconds(2));
            assertThat(r.isObject()).isTrue();
            qmp.quit();
        }
        assertThat(seen).extracting(n -> n.path("execute").asText())
                .containsExactly("stop", "cont", "system_powerdown", "device_add", "device_del", "query-name", "quit");
        assertThat(seen.get(3).get("arguments").toString()).isEqualTo("{\"driver\":\"virtio-blk-pci\",\"id\":\"blk0\",\"drive\":\"d0\"}");
        assertThat(seen.get(4).get("arguments").toString()).isEqualTo("{\"id\":\"blk0\"}");
        assertThat(seen).extracting(n -> n.get("id").asLong()).doesNotHaveDuplicates();
    }

    @Test
    void errorReplyRaisesQmpExceptionWithQemusClassAndKeepsTheConnection() throws Exception {
        try (FakeQmpServer s = server(c -> {
            c.handshake();
            c.error(c.readCommand(), "DeviceNotFound", "Device 'nope' not found");
            JsonNode q = c.readCommand();
            c.reply(q, "{\"status\": \"paused\", \"running\": false}");
            c.readCommand();
        }); QmpClient qmp = QmpClient.connect(s.socket(), DEADLINE)) {
            assertThatThrownBy(() -> qmp.deviceDel("nope"))
                    .isInstanceOfSatisfying(QmpException.class, e -> {
                        assertThat(e.errorClass()).contains("DeviceNotFound");
                        assertThat(e.isErrorReply()).isTrue();
                    })
                    .hasMessageContaining("Device 'nope' not found");
            assertThat(qmp.isOpen()).isTrue();
            assertThat(qmp.queryStatus()).isEqualTo(new QmpStatus("paused", false));
        }
    }

    @Test
    void eventsReachListenersWithDataAndTimestamp() throws Exception {
        List<QmpEvent> events = new CopyOnWriteArrayList<>();
        CountDownLatch three = new CountDownLatch(3);
        try (FakeQmpServer s = server(c -> {
            c.handshake();
            JsonNode cmd = c.readCommand();
            c.event("STOP", null);
            c.event("SHUTDOWN", "{\"guest\": true, \"reason\": \"guest-shutdown\"}");
            c.reply(cmd, "{}");
            c.event("GUEST_PANICKED", "{\"action\": \"pause\"}");
            c.readCommand();
        }); QmpClient qmp = QmpClient.connect(s.socket(), DEADLINE)) {
            qmp.addEventListener(e -> {
                events.add(e);
                three.countDown();
            });
            qmp.addEventListener(e -> {
                throw new IllegalStateException("a broken listener must not stop delivery");
            });
            qmp.stop();
            assertThat(three.await(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(events).extracting(QmpEvent::name).containsExactly("STOP", "SHUTDOWN", "GUEST_PANICKED");
        assertThat(events.get(0).data().isObject()).isTrue();
        assertThat(events.get(1).data().path("reason").asText()).isEqualTo("guest-shutdown");
        assertThat(events.get(1).is(QmpEvent.SHUTDOWN)).isTrue();
        assertThat(events.get(1).timestamp()).isEqualTo(Instant.ofEpochSecond(1700000000, 250_000_000));
    }

    @Test
    void oversizedLineClosesTheConnectionAndFailsThePendingCall() throws Exception {
        try (FakeQmpServer s = server(c -> {
            c.handshake();
            c.readCommand();
            String big = "{\"return\": \"" + "x".repeat(QmpClient.MAX_LINE_BYTES) + "\"}";
            try {
                c.send(big);
            } catch (java.io.IOException closedByClient) {
                // expected: the client hangs up once the bound is passed
            }
        }); QmpClient qmp = QmpClient.connect(s.socket(), DEADLINE)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(qmp::queryStatus)
                    .isInstanceOf(QmpException.class)
                    .hasMessageContaining("exceeded " + QmpClient.MAX_LINE_BYTES + " bytes");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(DEADLINE);
            assertThat(qmp.isOpen()).isFalse();
            assertThatThrownBy(qmp::queryStatus).isInstanceOf(QmpException.class);
        }
    }

    @Test
    void garbageClosesTheConnection() throws Exception {
        try (FakeQmpServer s = server(c -> {
            c.handshake();
            c.readCommand();
            c.sendLine("{\"return\": {} garbage");
            c.readCommand();
        }); QmpClient qmp = QmpClient.connect(s.socket(), DEADLINE)) {
            assertThatThrownBy(qmp::queryStatus)
                    .isInstanceOfSatisfying(QmpException.class, e -> assertThat(e.isErrorReply()).isFalse())
                    .hasMessageContaining("malformed JSON");
            assertThat(qmp.isOpen()).isFalse();
        }
    }

    @Test
    void aJsonValueThatIsNotAnObjectIsAViolation() throws Exception {
        try (FakeQmpServer s = server(c -> {
            c.handshake();
            c.readCommand();
            c.sendLine("[1, 2, 3]");
            c.readCommand();
        }); QmpClient qmp = QmpClient.connect(s.socket(), DEADLINE)) {
            assertThatThrownBy(qmp::queryStatus).isInstanceOf(QmpException.class).hasMessageContaining("not a JSON object");
        }
    }

    @Test
    void aGarbageGreetingFailsTheConnect() throws Exception {
        try (FakeQmpServer s = server(c -> {
            c.sendLine("SSH-2.0-OpenSSH_9.2");
            c.readCommand();
        })) {
            assertThatThrownBy(() -> QmpClient.connect(s.socket(), DEADLINE))
                    .isInstanceOf(QmpException.class).hasMessageContaining("malformed JSON");
        }
    }

    @Test
    void silentServerTimesOutTheConnect() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (FakeQmpServer s = server(c -> release.await(20, TimeUnit.SECONDS))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> QmpClient.connect(s.socket(), Duration.ofMillis(300)))
                    .isInstanceOfSatisfying(QemuTimeoutException.class,
                            e -> assertThat(e.timeout()).isLessThanOrEqualTo(Duration.ofMillis(300)))
                    .hasMessageContaining("greeting");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        } finally {
            release.countDown();
        }
    }

    @Test
    void unansweredCommandTimesOutAndTheConnectionStaysUsable() throws Exception {
        try (FakeQmpServer s = server(c -> {
            c.handshake();
            JsonNode ignored = c.readCommand();
            JsonNode q = c.readCommand();
            c.reply(ignored, "{\"status\": \"late\", \"running\": false}"); // a late reply is dropped
            c.reply(q, "{\"status\": \"running\", \"running\": true}");
            c.readCommand();
        }); QmpClient qmp = QmpClient.connect(s.socket(), DEADLINE)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> qmp.execute("query-status", Map.of(), Duration.ofMillis(200)))
                    .isInstanceOf(QemuTimeoutException.class)
                    .hasMessageContaining("query-status");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
            assertThat(qmp.queryStatus().status()).isEqualTo("running");
        }
    }

    @Test
    void pendingCallFailsAtOnceWhenTheServerHangsUp() throws Exception {
        try (FakeQmpServer s = server(c -> {
            c.handshake();
            c.readCommand();
            Thread.sleep(100);
            c.close();
        }); QmpClient qmp = QmpClient.connect(s.socket(), Duration.ofSeconds(20))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(qmp::queryStatus).isInstanceOf(QmpException.class).hasMessageContaining("closed");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void quitToleratesQemuHangingUpBeforeItsReply() throws Exception {
        try (FakeQmpServer s = server(c -> {
            c.handshake();
            c.readCommand();
            c.close();
        }); QmpClient qmp = QmpClient.connect(s.socket(), DEADLINE)) {
            qmp.quit();
            assertThat(qmp.isOpen()).isFalse();
        }
    }

    @Test
    void aReplyWithoutIdGoesToTheOldestCall() throws Exception {
        try (FakeQmpServer s = server(c -> {
            c.handshake();
            c.readCommand();
            c.sendLine("{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error\"}}");
            c.readCommand();
        }); QmpClient qmp = QmpClient.connect(s.socket(), DEADLINE)) {
            assertThatThrownBy(qmp::stop).isInstanceOf(QmpException.class).hasMessageContaining("JSON parse error");
        }
    }

    @Test
    void connectingToNothingFails() {
        assertThatThrownBy(() -> QmpClient.connect(tmp.resolve("absent.sock"), DEADLINE))
                .isInstanceOf(QmpException.class).hasMessageContaining("absent.sock");
    }

    @Test
    void closeIsIdempotentAndLaterCallsFail() throws Exception {
        try (FakeQmpServer s = server(c -> {
            c.handshake();
            c.readCommand();
        })) {
            QmpClient qmp = QmpClient.connect(s.socket(), DEADLINE);
            qmp.close();
            qmp.close();
            assertThat(qmp.isOpen()).isFalse();
            assertThatThrownBy(qmp::queryStatus).isInstanceOf(QmpException.class).hasMessageContaining("closed by this client");
        }
    }

    @Test
    void deadlinesMustBePositive() throws Exception {
        try (FakeQmpServer s = server(c -> {
            c.handshake();
            c.readCommand();
        }); QmpClient qmp = QmpClient.connect(s.socket(), DEADLINE)) {
            assertThatThrownBy(() -> qmp.execute("stop", Map.of(), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
