package dev.jkata.core.sandbox;

import dev.jkata.agent.client.AgentClient;
import dev.jkata.agent.client.AgentClientConfig;
import dev.jkata.agent.client.ContainerConfig;
import dev.jkata.agent.client.ProcessConfig;
import dev.jkata.agent.client.StorageMount;
import dev.jkata.core.guest.Guest;
import dev.jkata.core.guest.GuestRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Warms a VM template's agent before it is saved: the RPCs of a sandbox's start and of its execs run a few times
 * on the default root file system, so that a clone's first calls find their classes loaded and their code compiled;
 * then the sandbox is destroyed (its shares unmounted: a mounted 9p share blocks the save) and the host's session
 * closed. The template keeps nothing of this but warm code: no container, no mount, no session.
 */
final class TemplateWarmup {
    /** Execs run in the warm-up: enough for the exec path's hot code to be compiled under C1. */
    static final int EXECS = 6;
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");

    private TemplateWarmup() {
    }

    static void warm(Guest template, GuestRequest request) {
        AgentClient agent = AgentClient.connect(template.connectAgent(), AgentClientConfig.defaults());
        try {
            Duration left = request.spec().bootTimeout().minus(template.sinceLaunch());
            agent.awaitReady(left.isNegative() ? Duration.ofSeconds(1) : left,
                    () -> template.failure().map(f -> "the template VM died while booting: " + f).orElse(null));
            agent.setGuestDateTime(java.time.Instant.now());
            // the shapes a sandbox sends (Kata's): the share mounted once by CreateSandbox, the container below it
            String mountPoint = template.sharedRoot() + "/" + AgentSandbox.CONTAINERS;
            agent.createSandbox(Ids.next(6), "template", List.of(),
                    List.of(StorageMount.ninePee(AgentSandbox.ROOTFS_TAG, mountPoint, true)));
            String cid = Ids.next(6);
            String initExecId = Ids.next(6);
            // the idle init a sandbox's default container gets, so the template has run the same path
            ProcessConfig init = new ProcessConfig(ContainerProcesses.idleCommand(agent.guestDetails()), ENV, "/", 0, 0, false);
            agent.createContainer(new ContainerConfig(cid, initExecId, List.of(), mountPoint, init, "template", List.of()));
            agent.startContainer(cid);
            for (int i = 0; i < EXECS; i++) {
                String execId = Ids.next(6);
                agent.execProcess(cid, execId, new ProcessConfig(List.of("/bin/sh", "-c", "echo warm; echo up >&2"),
                        ENV, "/", 0, 0, false));
                while (agent.readStdout(cid, execId, 4096).length > 0) {
                    // drained
                }
                while (agent.readStderr(cid, execId, 4096).length > 0) {
                    // drained
                }
                agent.waitProcess(cid, execId);
            }
            agent.killAndWait(cid, initExecId, AgentSandbox.CONTAINER_STOP);
            agent.removeContainer(cid);
            agent.destroySandbox();
        } finally {
            agent.close();
        }
    }
}
