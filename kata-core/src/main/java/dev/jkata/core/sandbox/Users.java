package dev.jkata.core.sandbox;

import dev.jkata.api.InvalidConfigurationException;

/** Parses {@code uid} or {@code uid:gid} user strings. */
final class Users {
    private Users() {}

    static int[] parse(String user) {
        String[] p = user.split(":");
        try {
            int uid = Integer.parseInt(p[0]);
            int gid = p.length > 1 ? Integer.parseInt(p[1]) : uid;
            if (p.length > 2 || uid < 0 || gid < 0) {
                throw new NumberFormatException();
            }
            return new int[] {uid, gid};
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException("user", "must be a numeric uid or uid:gid such as 1000:1000, not '" + user + "'");
        }
    }
}
