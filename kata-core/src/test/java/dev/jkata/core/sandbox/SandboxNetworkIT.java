package dev.jkata.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.jkata.api.ExecResult;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.Network;
import dev.jkata.api.PublishedPort;
import dev.jkata.api.Sandbox;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Networks in real VMs, every peer on the host's loopback: a published port serving 1000 requests; no network
 * (only lo, the host unreachable); NAT (the host's loopback reached by name); an allow-list (the allowed server
 * answers, another port, UDP and other addresses do not).
 */
@Timeout(600)
class SandboxNetworkIT {
    @TempDir
    Path stateRoot;

    private final List<HttpServer> servers = new ArrayList<>();

    @BeforeEach
    void none() {
        servers.clear();
    }

    @AfterEach
    void stopServers() {
        servers.forEach(s -> s.stop(0));
    }

    /** A server on the host's 127.0.0.1 answering every path with {@code body}. */
    private int hostServer(String body) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        s.createContext("/", ex -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        s.start();
        servers.add(s);
        return s.getAddress().getPort();
    }

    /** What the guest's network looks like, for a failure's message. */
    private static String diagnose(Sandbox sb) throws InterruptedException {
        ExecResult d = sb.run("sh", "-c", "cat /etc/hosts /etc/resolv.conf; ip addr; ip route; ls -l /etc/hosts");
        return d.stdout() + d.stderr();
    }

    /**
     * An HTTP GET from inside the guest with nc: the static busybox's wget crashes on any address but loopback
     * (its static glibc), and cannot look names up either.
     */
    private static ExecResult get(Sandbox sb, String address, int port) throws InterruptedException {
        return sb.run("sh", "-c", "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 10 " + address + " " + port);
    }

    private static void serveHttp(Sandbox sb, int port) throws Exception {
        sb.exec(ExecSpec.builder("sh", "-c", "mkdir -p /tmp/www && echo 'hello from the guest' > /tmp/www/index.html"
                + " && exec httpd -f -p " + port + " -h /tmp/www").build());
        // wait until it listens, from inside the guest
        ExecResult up = sb.run("sh", "-c", "for i in $(seq 100); do wget -q -O - http://127.0.0.1:" + port
                + "/ && exit 0; sleep 0.1; done; exit 1");
        assertThat(up.exitCode()).as("httpd answers in the guest: %s", up.stderr()).isZero();
    }

    @Test
    void aPublishedPortServesTheHostWithNoGuestNetwork() throws Exception {
        String id;
        int hostPort;
        try (Sandbox sb = Sandbox.builder().publish(80).stateRoot(stateRoot).start()) {
            id = sb.id();
            serveHttp(sb, 80);
            hostPort = sb.hostPort(80);
            assertThat(sb.publishedAddress(80).getAddress().isLoopbackAddress()).isTrue();

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            AtomicInteger ok = new AtomicInteger();
            List<Future<?>> all = new ArrayList<>();
            List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 1000; i++) {
                all.add(pool.submit(() -> {
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostPort + "/"))
                                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200 && r.body().equals("hello from the guest\n")) {
                            ok.incrementAndGet();
                        } else {
                            errors.add(r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        errors.add(e.toString());
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
            pool.shutdown();
            assertThat(errors).as("failed requests").isEmpty();
            assertThat(ok.get()).isEqualTo(1000);

            // no network: the guest has only its loopback, and the host is out of reach
            ExecResult links = sb.run("sh", "-c", "ls /sys/class/net");
            assertThat(links.stdout().trim()).isEqualTo("lo");
            int port = hostServer("host");
            ExecResult reach = get(sb, Network.HOST_ADDRESS, port);
            assertThat(reach.stdout()).isEmpty();
            assertThat(reach.stderr()).contains("can't connect");
        }
        // the host port is free the moment close() returns
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", hostPort));
        }
        Leaks.assertNoneLeft(stateRoot, id);
    }

    @Test
    void natReachesTheHostsLoopbackByName() throws Exception {
        int port = hostServer("hello from the host");
        try (Sandbox sb = Sandbox.builder().network(Network.nat()).stateRoot(stateRoot).start()) {
            // the static busybox cannot look names up: the name is checked in /etc/hosts
            ExecResult r = get(sb, Network.HOST_ADDRESS, port);
            assertThat(r.stdout()).as("%s\n%s", r.stderr(), diagnose(sb)).startsWith("HTTP/1.1 200").endsWith("hello from the host");
            ExecResult conf = sb.run("sh", "-c", "cat /etc/hosts /etc/resolv.conf; ip -4 -o addr show dev eth0; ip route");
            assertThat(conf.stdout()).contains("10.0.2.2\thost.kata.internal").contains("nameserver 10.0.2.3").contains("10.0.2.15/24").contains("default via 10.0.2.2");
        }
    }

    @Test
    void anAllowListLetsThroughOnlyWhatItNames() throws Exception {
        int allowed = hostServer("yes-server");
        int other = hostServer("no-server");
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             Sandbox sb = Sandbox.builder().network(Network.nat().allow("127.0.0.1:" + allowed))
                     .stateRoot(stateRoot).start()) {
            ExecResult ok = get(sb, Network.HOST_ADDRESS, allowed);
            assertThat(ok.stdout()).as("%s\n%s", ok.stderr(), diagnose(sb)).startsWith("HTTP/1.1 200").endsWith("yes-server");

            ExecResult refused = get(sb, Network.HOST_ADDRESS, other);
            assertThat(refused.stdout()).as("another port of the host").doesNotContain("no-server");
            assertThat(refused.stderr()).contains("can't connect");

            ExecResult elsewhere = sb.run("sh", "-c", "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 192.0.2.1 " + allowed
                    + "; ping -c 1 -W 2 192.0.2.1; echo udp | nc -u -w 1 10.0.2.2 " + udp.getLocalPort()
                    + "; echo udp | nc -u -w 1 192.0.2.1 " + udp.getLocalPort() + "; ls /sys/class/net");
            assertThat(elsewhere.stdout()).doesNotContain("-server").doesNotContain("bytes from 192.0.2.1")
                    .contains("lo").doesNotContain("eth0");
            udp.setSoTimeout(2_000);
            assertThatThrownBy(() -> udp.receive(new DatagramPacket(new byte[64], 64)))
                    .as("no UDP datagram reaches the host").isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void aHostPortInUseFailsBeforeAnyVmBoots() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            long before = Leaks.qemuChildren().size();
            assertThatThrownBy(() -> Sandbox.builder().publish(new PublishedPort(80, "127.0.0.1", taken.getLocalPort()))
                    .stateRoot(stateRoot).start())
                    .isInstanceOfSatisfying(KataException.class, e -> {
                        assertThat(e.reason()).isEqualTo(KataErrorReason.NETWORK_FAILED);
                        assertThat(e.getMessage()).contains("in use").contains(String.valueOf(taken.getLocalPort()));
                    });
            assertThat(Leaks.qemuChildren().size()).isEqualTo(before);
        }
        try (var dirs = java.nio.file.Files.list(stateRoot)) {
            assertThat(dirs.filter(java.nio.file.Files::isDirectory)).as("no state directory is left").isEmpty();
        }
    }
}
