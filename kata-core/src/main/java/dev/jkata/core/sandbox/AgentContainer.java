package dev.jkata.core.sandbox;

import dev.jkata.agent.client.AgentClient;
import dev.jkata.agent.client.ProcessConfig;
import dev.jkata.api.Container;
import dev.jkata.api.ContainerSpec;
import dev.jkata.api.ExecProcess;
import dev.jkata.api.ExecResult;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.ExitStatus;
import dev.jkata.api.KataTimeoutException;
import dev.jkata.core.shim.ShimProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A container in a running sandbox; its processes are {@link ShimProcess} objects over the agent. */
final class AgentContainer implements Container {
    private static final Logger LOG = LoggerFactory.getLogger(AgentContainer.class);
    private static final Duration FOREVER = Duration.ofDays(365);

    private final AgentSandbox sandbox;
    private final AgentClient agent;
    private final String id;
    private final ContainerSpec spec;
    private final Map<String, String> sandboxEnv;
    private final Set<ShimProcess> live = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    AgentContainer(AgentSandbox sandbox, AgentClient agent, String id, ContainerSpec spec, Map<String, String> sandboxEnv) {
        this.sandbox = sandbox;
        this.agent = agent;
        this.id = id;
        this.spec = spec;
        this.sandboxEnv = sandboxEnv;
    }

    @Override
    public String id() { return id; }

    @Override
    public ExecProcess exec(ExecSpec exec) {
        sandbox.requireRunning("exec");
        if (closed.get()) {
            throw new dev.jkata.api.KataException(dev.jkata.api.KataErrorReason.ILLEGAL_STATE,
                    "container " + id + " is closed", sandbox.id(), null);
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("HOME", "/root");
        env.putAll(sandboxEnv);
        env.putAll(spec.env());
        env.putAll(exec.env());
        String user = exec.user().orElse(spec.user());
        String cwd = exec.workdir().orElse(spec.workdir());
        int[] ug = Users.parse(user);
        String execId = Ids.next(6);
        agent.execProcess(id, execId, new ProcessConfig(exec.command(), env, cwd, ug[0], ug[1], exec.terminal()));
        ShimProcess p = new ShimProcess(execId, new AgentProcessChannel(agent, id, execId));
        live.add(p);
        p.onExit().whenComplete((s, e) -> live.remove(p));
        return p;
    }

    @Override
    public ExecResult run(ExecSpec exec) throws InterruptedException {
        long limit = exec.captureLimit().toBytes();
        try (ExecProcess p = exec(exec)) {
            try {
                p.stdin().close();
            } catch (IOException e) {
                LOG.debug("closing stdin of {} failed: {}", p.id(), e.getMessage());
            }
            AtomicBoolean truncated = new AtomicBoolean();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> capture(p.stdout(), limit, truncated));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> capture(p.stderr(), limit, truncated));
            ExitStatus status;
            try {
                status = p.waitFor(exec.timeout().orElse(FOREVER));
            } catch (KataTimeoutException e) {
                p.signal(9);
                throw new KataTimeoutException("'" + String.join(" ", exec.command()) + "' in sandbox " + sandbox.id()
                        + " ran too long and was killed", exec.timeout().orElseThrow());
            }
            return new ExecResult(status, out.join(), err.join(), truncated.get());
        }
    }

    /** Reads a stream to its end, keeping at most {@code limit} bytes and draining the rest. */
    private static byte[] capture(InputStream in, long limit, AtomicBoolean truncated) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buf = new byte[16 * 1024];
        int n;
        try {
            while ((n = in.read(buf)) > 0) {
                long room = limit - kept.size();
                if (room > 0) {
                    kept.write(buf, 0, (int) Math.min(room, n));
                }
                if (n > room) {
                    truncated.set(true);
                }
            }
        } catch (IOException e) {
            LOG.debug("output capture ended: {}", e.getMessage());
        }
        return kept.toByteArray();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (ShimProcess p : live) {
            p.close();
        }
        sandbox.removeContainer(this);
    }

    void closeProcesses() {
        for (ShimProcess p : live) {
            p.close();
        }
    }
}
