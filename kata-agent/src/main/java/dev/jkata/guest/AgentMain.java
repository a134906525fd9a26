package dev.jkata.guest;

/**
 * The guest agent's entry point, started by the guest init as the VM's long-running process.
 */
public final class AgentMain {
    private AgentMain() {}

    public static void main(String[] args) {
        long jvmMs = ProcessHandle.current().info().startInstant()
                .map(t -> System.currentTimeMillis() - t.toEpochMilli()).orElse(-1L);
        System.out.println("KATA_AGENT: JVM up in " + jvmMs + " ms");
        System.out.println("KATA_AGENT: no protocol server in this build yet; exiting");
        System.exit(1);
    }
}
