package dev.jkata.cli.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.cli.oci.cri.ContainerConfig;
import dev.jkata.cli.oci.cri.ContainerMetadata;
import dev.jkata.cli.oci.cri.ContainerState;
import dev.jkata.cli.oci.cri.ContainerStatusRequest;
import dev.jkata.cli.oci.cri.CreateContainerRequest;
import dev.jkata.cli.oci.cri.ExecSyncRequest;
import dev.jkata.cli.oci.cri.ExecSyncResponse;
import dev.jkata.cli.oci.cri.ImageSpec;
import dev.jkata.cli.oci.cri.PodSandboxConfig;
import dev.jkata.cli.oci.cri.PodSandboxMetadata;
import dev.jkata.cli.oci.cri.PodSandboxState;
import dev.jkata.cli.oci.cri.PodSandboxStatus;
import dev.jkata.cli.oci.cri.PodSandboxStatusRequest;
import dev.jkata.cli.oci.cri.RemovePodSandboxRequest;
import dev.jkata.cli.oci.cri.RunPodSandboxRequest;
import dev.jkata.cli.oci.cri.RuntimeServiceGrpc;
import dev.jkata.cli.oci.cri.StartContainerRequest;
import dev.jkata.cli.oci.cri.StopPodSandboxRequest;
import dev.jkata.cli.oci.cri.VersionRequest;
import dev.jkata.image.testing.RegistryServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The path kubelet drives: containerd's CRI plugin (Debian's containerd 1.6) with a runtime handler {@code kata} that
 * runs kata-runtime through the runc shim (BinaryName), a CNI bridge network written by the test, and a pause image
 * the test builds, driven by a CRI v1 client over containerd's socket as kubelet would. The seed's story: a pod
 * with a web server, run in a VM, answers at the pod's IP; ExecSync works; stop and remove leave no VM, tap or
 * namespace. containerd runs on a private root, state and socket, and is stopped at the end.
 */
@Timeout(1200)
class CriPodIT {
    static final String HANDLER = "kata";
    static final String BRIDGE = "jkcri0";
    static RegistryServer registry;
    static Path home;
    static Process containerd;
    static String image;
    static String pause;
    static String subnet;
    static EpollEventLoopGroup group;
    static ManagedChannel channel;

    static List<String> ctr(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ctr", "--address", home.resolve("c.sock").toString(), "--namespace", "k8s.io"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static RuntimeServiceGrpc.RuntimeServiceBlockingStub cri() {
        return RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(300, TimeUnit.SECONDS);
    }

    @BeforeAll
    static void startContainerd() throws Exception {
        registry = RegistryServer.plain();
        home = Files.createTempDirectory("jkata-cri-it");
        image = Engines.pushBusybox(registry);
        pause = Engines.pushPause(registry);
        subnet = "10.215." + ThreadLocalRandom.current().nextInt(20, 220);
        Path cni = Files.createDirectories(home.resolve("cni"));
        Files.writeString(cni.resolve("10-jkata-it.conflist"), "{\"cniVersion\":\"0.4.0\",\"name\":\"jkata-cri-it\","
                + "\"plugins\":[{\"type\":\"bridge\",\"bridge\":\"" + BRIDGE + "\",\"isGateway\":true,\"ipMasq\":false,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + home.resolve("ipam") + "\","
                + "\"ranges\":[[{\"subnet\":\"" + subnet + ".0/24\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}]}\n");
        String cri = "plugins.\"io.containerd.grpc.v1.cri\"";
        Files.writeString(home.resolve("config.toml"), String.join("\n",
                "version = 2",
                "root = \"" + home.resolve("root") + "\"",
                "state = \"" + home.resolve("state") + "\"",
                "[grpc]",
                "  address = \"" + home.resolve("c.sock") + "\"",
                "[" + cri + "]",
                "  sandbox_image = \"" + pause + "\"",
                "  disable_apparmor = true",
                "[" + cri + ".containerd]",
                "  default_runtime_name = \"" + HANDLER + "\"",
                "[" + cri + ".containerd.runtimes." + HANDLER + "]",
                "  runtime_type = \"io.containerd.runc.v2\"",
                "[" + cri + ".containerd.runtimes." + HANDLER + ".options]",
                "  BinaryName = \"" + Engines.RUNTIME + "\"",
                "[" + cri + ".cni]",
                "  bin_dir = \"/usr/lib/cni\"",
                "  conf_dir = \"" + cni + "\"",
                "[" + cri + ".registry.mirrors.\"" + registry.host() + "\"]",
                "  endpoint = [\"http://" + registry.host() + "\"]",
                ""));
        containerd = Engines.startContainerd(home);
        Engines.run(ctr("image", "pull", "--plain-http", image), 300).ok();
        Engines.run(ctr("image", "pull", "--plain-http", pause), 300).ok();
        group = new EpollEventLoopGroup(1);
        channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(home.resolve("c.sock").toString()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(group).usePlaintext().build();
        // the CRI service answers once containerd has booted, a moment after its socket appears
        String api = null;
        for (int i = 0; api == null; i++) {
            try {
                api = cri().version(VersionRequest.newBuilder().setVersion("v1").build()).getRuntimeApiVersion();
            } catch (io.grpc.StatusRuntimeException e) {
                if (i == 300) {
                    throw new AssertionError("containerd's CRI service never answered: " + e.getMessage() + "\n"
                            + Files.readString(home.resolve("containerd.log")), e);
                }
                Thread.sleep(100);
            }
        }
        assertThat(api).as("containerd's CRI plugin answers v1").isEqualTo("v1");
    }

    @AfterAll
    static void stopContainerd() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
        if (containerd != null) {
            Engines.endTasks(CriPodIT::ctr);
            containerd.destroy();
            if (!containerd.waitFor(20, TimeUnit.SECONDS)) {
                containerd.destroyForcibly().waitFor();
            }
        }
        Engines.run(List.of("ip", "link", "del", BRIDGE), new byte[0], 60);
        if (home != null) {
            Engines.deleteTree(home);
        }
        Engines.deleteTree(Path.of("/run/containerd/runc/k8s.io"));
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void aPodWithAWebServerAnswersAtThePodsIpInItsVm() throws Exception {
        Set<Long> before = Engines.vmProcesses();
        Set<String> namespacesBefore = netns();
        PodSandboxConfig pod = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("nginx").setNamespace("default")
                        .setUid(UUID.randomUUID().toString()).setAttempt(0))
                .setHostname("nginx").build();
        String podId = cri().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).setRuntimeHandler(HANDLER)
                .build()).getPodSandboxId();
        boolean removed = false;
        try {
            PodSandboxStatus status = cri().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId)
                    .build()).getStatus();
            assertThat(status.getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
            assertThat(status.getRuntimeHandler()).isEqualTo(HANDLER);
            String ip = status.getNetwork().getIp();
            assertThat(ip).as("the pod's IP from the CNI bridge").startsWith(subnet + ".");
            assertThat(Engines.vmProcesses()).as("the pod runs in a VM of its own").hasSizeGreaterThan(before.size());

            String web = cri().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId).setSandboxConfig(pod)
                    .setConfig(ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("web"))
                            .setImage(ImageSpec.newBuilder().setImage(image))
                            .addCommand("sh").addCommand("-c").addCommand("mkdir -p /www && echo hello-from-the-pod"
                                    + " > /www/index.html && exec httpd -f -p 80 -h /www"))
                    .build()).getContainerId();
            cri().startContainer(StartContainerRequest.newBuilder().setContainerId(web).build());
            assertThat(cri().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(web).build()).getStatus()
                    .getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);

            assertThat(Engines.httpGet(ip, 80)).as("curl http://<pod IP>:80 from the host").contains("hello-from-the-pod");

            ExecSyncResponse cat = cri().execSync(ExecSyncRequest.newBuilder().setContainerId(web)
                    .addCmd("cat").addCmd("/www/index.html").setTimeout(120).build());
            assertThat(cat.getExitCode()).as(cat.getStderr().toStringUtf8()).isZero();
            assertThat(cat.getStdout().toString(StandardCharsets.UTF_8)).isEqualTo("hello-from-the-pod\n");
            ExecSyncResponse failing = cri().execSync(ExecSyncRequest.newBuilder().setContainerId(web)
                    .addCmd("sh").addCmd("-c").addCmd("echo to-stderr >&2; exit 3").setTimeout(120).build());
            assertThat(failing.getExitCode()).isEqualTo(3);
            assertThat(failing.getStderr().toString(StandardCharsets.UTF_8)).isEqualTo("to-stderr\n");

            cri().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            cri().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            removed = true;
        } finally {
            if (!removed) {
                cri().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
                cri().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            }
        }
        Engines.assertNoVmLeftBeyond(before);
        assertThat(netns()).as("the pod's network namespace is gone").isSubsetOf(namespacesBefore);
    }

    private static Set<String> netns() {
        return Set.of(Engines.run(List.of("ip", "netns", "list"), new byte[0], 60).ok().out().split("\n"));
    }
}
