package dev.jkata.api;

/**
 * A guest TCP port made reachable from the host: connections to {@code hostAddress:hostPort} on the host reach
 * {@code guestPort} on the guest's loopback, where the containers' servers listen (they share the sandbox's
 * network namespace). Works with every {@link Network}, {@link Network#none()} too: the connections travel on
 * the host's own channel to the agent.
 *
 * @param guestPort   the port a server in the sandbox listens on, 1 to 65535
 * @param hostAddress the host address to bind, an IPv4 literal ({@code 127.0.0.1} by default, {@code 0.0.0.0} for all)
 * @param hostPort    the host port, or 0 for an ephemeral one ({@link Sandbox#hostPort(int)} says which)
 */
public record PublishedPort(int guestPort, String hostAddress, int hostPort) {
    private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    public PublishedPort {
        if (guestPort < 1 || guestPort > 65535) {
            throw new InvalidConfigurationException("publish", "guest port " + guestPort + " is not 1 to 65535");
        }
        if (hostPort < 0 || hostPort > 65535) {
            throw new InvalidConfigurationException("publish", "host port " + hostPort + " is not 0 (any) to 65535");
        }
        if (hostAddress == null || !IPV4.matcher(hostAddress).matches()) {
            throw new InvalidConfigurationException("publish", "host address '" + hostAddress + "' is not an IPv4 address"
                    + " (127.0.0.1, or 0.0.0.0 for every interface)");
        }
        for (String octet : hostAddress.split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                throw new InvalidConfigurationException("publish", "host address '" + hostAddress + "' is not an IPv4 address");
            }
        }
    }

    /** {@code guestPort} on an ephemeral port of 127.0.0.1. */
    public static PublishedPort of(int guestPort) {
        return new PublishedPort(guestPort, "127.0.0.1", 0);
    }

    /**
     * Parses docker's forms: {@code GUEST}, {@code HOST:GUEST}, {@code ADDRESS:HOST:GUEST} (a host port of 0 or
     * empty: ephemeral).
     */
    public static PublishedPort parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidConfigurationException("publish", "a published port must not be empty; GUEST, HOST:GUEST or ADDRESS:HOST:GUEST");
        }
        String[] p = text.split(":", -1);
        try {
            return switch (p.length) {
                case 1 -> of(Integer.parseInt(p[0]));
                case 2 -> new PublishedPort(Integer.parseInt(p[1]), "127.0.0.1", p[0].isEmpty() ? 0 : Integer.parseInt(p[0]));
                case 3 -> new PublishedPort(Integer.parseInt(p[2]), p[0], p[1].isEmpty() ? 0 : Integer.parseInt(p[1]));
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException("publish", "'" + text + "' is not GUEST, HOST:GUEST or ADDRESS:HOST:GUEST"
                    + " (ports are numbers)");
        }
    }

    @Override
    public String toString() {
        return hostAddress + ":" + (hostPort == 0 ? "*" : hostPort) + "->" + guestPort;
    }
}
