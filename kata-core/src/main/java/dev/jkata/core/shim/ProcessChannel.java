package dev.jkata.core.shim;

/**
 * The agent calls one process needs, in plain Java types: the seam between the shim and the agent
 * protocol (so the shim never sees protobuf, and a fake can stand in for the agent in unit tests).
 */
public interface ProcessChannel {

    /** Reads up to {@code max} bytes of {@code output}; an empty array means end of stream. Blocks until data. */
    byte[] read(ProcessOutput output, int max);

    /** Writes stdin; returns how many bytes the agent took. */
    int write(byte[] data, int off, int len);

    /** Sends end-of-file to the process's stdin. */
    void closeStdin();

    /** Blocks until the process exits; returns its status (128+N for signal N) and whether the OOM killer ended it. */
    dev.jkata.agent.client.AgentClient.ProcessExit awaitExit();

    void signal(int signal);

    void resize(int columns, int rows);
}
