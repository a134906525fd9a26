package dev.jkata.core.sandbox;

import dev.jkata.agent.client.AgentClient;
import dev.jkata.core.shim.ProcessChannel;
import dev.jkata.core.shim.ProcessOutput;

/** One process's calls, bound to its container and exec id, over the sandbox's agent client. */
record AgentProcessChannel(AgentClient agent, String containerId, String execId) implements ProcessChannel {

    @Override
    public byte[] read(ProcessOutput output, int max) {
        return output == ProcessOutput.STDERR ? agent.readStderr(containerId, execId, max) : agent.readStdout(containerId, execId, max);
    }

    @Override
    public int write(byte[] data, int off, int len) {
        return agent.writeStdin(containerId, execId, data, off, len);
    }

    @Override
    public void closeStdin() {
        agent.closeStdin(containerId, execId);
    }

    @Override
    public AgentClient.ProcessExit awaitExit() {
        return agent.waitExit(containerId, execId);
    }

    @Override
    public void signal(int signal) {
        agent.signalProcess(containerId, execId, signal);
    }

    @Override
    public void resize(int columns, int rows) {
        agent.ttyWinResize(containerId, execId, columns, rows);
    }
}
