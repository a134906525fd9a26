package dev.jkata.core.sandbox;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Random ids for sandboxes, containers and processes: short (socket paths are bounded) and unguessable. */
final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    static String next(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
