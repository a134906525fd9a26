package dev.jkata.core.sandbox;

import dev.jkata.agent.client.AgentClient;
import dev.jkata.agent.client.ProcessConfig;
import dev.jkata.api.Container;
import dev.jkata.api.ContainerSpec;
import dev.jkata.api.ExecProcess;
import dev.jkata.api.ExecSpec;
import dev.jkata.core.shim.ShimProcess;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** A container in a running sandbox; its processes are {@link ShimProcess} objects over the agent. */
final class AgentContainer implements Container {

    private final AgentSandbox sandbox;
    private final AgentClient agent;
    private final String id;
    private final String initExecId;
    private final ContainerSpec spec;
    private final Map<String, String> sandboxEnv;
    private final ContainerDefaults defaults;
    private final Set<ShimProcess> live = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile ShimProcess init; // a job container's own process; null for one held by the idle init

    AgentContainer(AgentSandbox sandbox, AgentClient agent, String id, String initExecId, ContainerSpec spec,
                   Map<String, String> sandboxEnv, ContainerDefaults defaults) {
        this.initExecId = initExecId;
        this.defaults = defaults;
        this.sandbox = sandbox;
        this.agent = agent;
        this.id = id;
        this.spec = spec;
        this.sandboxEnv = sandboxEnv;
    }

    @Override
    public String id() { return id; }

    @Override
    public java.util.Optional<dev.jkata.api.ContainerImage> image() {
        return defaults.image();
    }

    @Override
    public dev.jkata.api.ContainerStats stats() {
        return sandbox.whileRunning("stats", () -> UsageReadings.container(agent.statsContainer(id)));
    }

    @Override
    public dev.jkata.api.ContainerFiles files() {
        sandbox.requireRunning("files");
        return new dev.jkata.core.files.SandboxFiles(sandbox::dataChannel, id, sandbox.id(),
                () -> sandbox.requireRunning("a file operation"));
    }

    @Override
    public void update(dev.jkata.api.ResourceLimits limits) {
        sandbox.requireRunning("update");
        agent.updateContainer(id, limits.memory().map(dev.jkata.api.MemorySize::toBytes).orElse(0L),
                limits.cpuQuotaMicros().orElse(0), limits.cpuPeriodMicros().orElse(0), limits.pids().orElse(0));
    }

    @Override
    public ExecProcess exec(ExecSpec exec) {
        return sandbox.whileRunning("exec", () -> start(exec));
    }

    private ExecProcess start(ExecSpec exec) {
        if (closed.get()) {
            throw new dev.jkata.api.KataException(dev.jkata.api.KataErrorReason.ILLEGAL_STATE,
                    "container " + id + " is closed", sandbox.id(), null);
        }
        String execId = Ids.next(6);
        agent.execProcess(id, execId, ContainerProcesses.of(exec, spec, sandboxEnv, defaults));
        ShimProcess p = track(new ShimProcess(execId, new AgentProcessChannel(agent, id, execId), exec.terminal(),
                sandbox.waitOrder()));
        exec.timeout().ifPresent(t -> dev.jkata.api.spi.ExecDeadlines.killAfter(p, t, p.onExit()));
        return p;
    }

    private ShimProcess track(ShimProcess p) {
        live.add(p);
        p.onExit().whenComplete((s, e) -> live.remove(p));
        return p;
    }

    /** Attaches the shim of a job container's own process, its init, once the container started. */
    void attachInit(boolean terminal) {
        this.init = track(new ShimProcess(initExecId, new AgentProcessChannel(agent, id, initExecId), terminal,
                sandbox.waitOrder()));
    }

    @Override
    public java.util.Optional<ExecProcess> init() {
        return java.util.Optional.ofNullable(init);
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

    /**
     * Removes this container from the guest as Kata's runtime does: SIGKILL to its processes, WaitProcess of its init
     * (within {@code stopBound}), then RemoveContainer.
     *
     * @throws dev.jkata.api.KataTimeoutException when its init outlives {@code stopBound}; it is not removed then
     */
    void removeFromGuest(java.time.Duration stopBound) {
        agent.killAndWait(id, initExecId, stopBound);
        agent.removeContainer(id);
    }

    /**
     * Closes every live process at once, each on a thread of its own, within {@code budget} in all; the ones still
     * closing then are abandoned (the VM's stop ends them). When the agent does not answer, all are abandoned at once.
     */
    /** Tells every process's waiters {@code why} before its kill (the sandbox's deadline). */
    void expireProcesses(dev.jkata.api.KataException why) {
        List.copyOf(live).forEach(p -> p.expire(why));
    }

    void closeProcesses(boolean agentAnswers, java.time.Duration budget) {
        List<ShimProcess> all = List.copyOf(live);
        if (!agentAnswers) {
            all.forEach(ShimProcess::abandon);
            return;
        }
        List<Thread> closers = new java.util.ArrayList<>();
        for (ShimProcess p : all) {
            Thread t = new Thread(p::close, "kata-close-" + p.id());
            t.setDaemon(true);
            t.start();
            closers.add(t);
        }
        long deadline = System.nanoTime() + budget.toNanos();
        for (int i = 0; i < closers.size(); i++) {
            try {
                closers.get(i).join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (closers.get(i).isAlive()) {
                all.get(i).abandon();
                closers.get(i).interrupt();
            }
        }
    }
}
