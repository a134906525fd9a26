package dev.jkata.agent.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The agent's version and the grpc-java version it was built with, read from the {@code agent.properties}
 * resource that Maven filters at build time.
 *
 * @param agent the agent's version, {@code "unknown"} when the resource is missing
 * @param grpc  grpc-java's version
 */
public record AgentVersion(String agent, String grpc) {

    private static final AgentVersion CURRENT = load();

    /** The version of this build. */
    public static AgentVersion current() { return CURRENT; }

    private static AgentVersion load() {
        Properties p = new Properties();
        try (InputStream in = AgentVersion.class.getResourceAsStream("agent.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new AgentVersion(p.getProperty("agent.version", "unknown"), p.getProperty("grpc.version", "unknown"));
    }
}
