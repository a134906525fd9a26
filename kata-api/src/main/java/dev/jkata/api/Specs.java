package dev.jkata.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks the specs share: environment entries, guest paths, host names; each failure names its field. */
final class Specs {
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9_])?");
    /** Guest places a share may not cover: the guest's own kernel interfaces and device nodes. */
    private static final Pattern USER_PART = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}");
    private static final String[] RESERVED = {"/proc", "/sys", "/dev"};

    private Specs() {}

    /** An environment variable: a name without '=' or NUL, a value without NUL. */
    static void envEntry(String key, String value, String field) {
        if (key == null || value == null) {
            throw new InvalidConfigurationException(field, "a variable's name and value must not be null (name " + key + ")");
        }
        if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
            throw new InvalidConfigurationException(field, "'" + key + "' is not a variable name (no '=', no NUL, not empty)");
        }
    }

    /** A checked, immutable copy. */
    static Map<String, String> env(Map<String, String> env, String field) {
        if (env == null) {
            throw new InvalidConfigurationException(field, "must not be null");
        }
        Map<String, String> copy = new LinkedHashMap<>();
        env.forEach((k, v) -> {
            envEntry(k, v, field);
            copy.put(k, v);
        });
        return Map.copyOf(copy);
    }

    /** An absolute guest path with no '.' or '..' parts, not '/' and not under /proc, /sys or /dev. */
    static void guestMountPoint(String path, String field) {
        if (path == null || !path.startsWith("/")) {
            throw new InvalidConfigurationException(field, "the guest path must be absolute, not '" + path + "'");
        }
        for (String part : path.split("/")) {
            if (part.equals(".") || part.equals("..")) {
                throw new InvalidConfigurationException(field, "the guest path '" + path + "' must not contain '.' or '..'");
            }
        }
        String p = path.replaceAll("/+$", "");
        if (p.isEmpty()) {
            throw new InvalidConfigurationException(field, "a share cannot cover the container's whole root '/'");
        }
        for (String r : RESERVED) {
            if (p.equals(r) || p.startsWith(r + "/")) {
                throw new InvalidConfigurationException(field, "the guest path '" + path + "' is under " + r
                        + ", which the guest kernel provides; choose another place such as /mnt/...");
            }
        }
        if (path.indexOf(':') >= 0 || path.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidConfigurationException(field, "the guest path '" + path.replaceAll("\\p{Cntrl}", "?")
                    + "' must not contain ':' or control characters (NUL, newline, ...)");
        }
    }

    /** A host name as one DNS label (RFC 1123): letters, digits and '-', 1 to 63 characters. */
    /**
     * A user as every provider takes it: {@code uid}, {@code uid:gid}, {@code name} or {@code name:group} (names as
     * POSIX allows them, ids from 0 to 2147483647), or empty for the container's own. Whether a name exists is the
     * root file system's to say, when a process starts.
     */
    static void user(String user, String field) {
        if (user == null) {
            throw new InvalidConfigurationException(field, "must not be null; leave it unset for the image's user or root");
        }
        if (user.isEmpty()) {
            return;
        }
        String[] parts = user.split(":", -1);
        if (parts.length > 2 || user.length() > 65) {
            throw new InvalidConfigurationException(field, "must be uid, uid:gid, name or name:group, not '" + user + "'");
        }
        for (String part : parts) {
            if (!USER_PART.matcher(part).matches()) {
                throw new InvalidConfigurationException(field, "must be uid, uid:gid, name or name:group (a name of"
                        + " letters, digits, '_', '.' and '-'; an id from 0 to 2147483647), not '" + user + "'");
            }
            if (part.chars().allMatch(Character::isDigit)) {
                try {
                    Integer.parseInt(part);
                } catch (NumberFormatException e) {
                    throw new InvalidConfigurationException(field, "'" + part + "' in '" + user + "' is larger than 2147483647");
                }
            }
        }
    }

    static void hostname(String name, String field) {
        if (name == null || !HOSTNAME.matcher(name).matches()) {
            throw new InvalidConfigurationException(field, "'" + name + "' is not a host name: 1 to 63 letters, digits,"
                    + " '_', '.' and '-', not starting or ending with '-' or '.' (engines' generated names, such as"
                    + " podman's pod names, hold '_')");
        }
    }
}
