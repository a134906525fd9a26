package dev.jkata.image.layer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/** Lexical checks and normalisation of tar entry and link names, and their quoting in messages. */
final class EntryNames {
    static final int MAX_NAME_BYTES = 4096;
    static final int MAX_COMPONENT_BYTES = 255;
    private static final int MAX_QUOTED_CHARS = 200;

    private EntryNames() {}

    /**
     * The name relative to the root, without empty, {@code .} or {@code ..} components; {@code ""} is the root.
     *
     * @param what how to refer to the name in a refusal, e.g. "the entry name"
     */
    static String normalise(String raw, String what) throws LayerViolation {
        if (raw.indexOf('\0') >= 0) {
            throw new LayerViolation(what + " contains a NUL byte");
        }
        if (raw.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new LayerViolation(what + " is longer than " + MAX_NAME_BYTES + " bytes");
        }
        Deque<String> parts = new ArrayDeque<>();
        for (String part : raw.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw new LayerViolation(what + " climbs out of the image's root with '..'");
                }
                parts.removeLast();
                continue;
            }
            if (part.getBytes(StandardCharsets.UTF_8).length > MAX_COMPONENT_BYTES) {
                throw new LayerViolation(what + " has a component longer than " + MAX_COMPONENT_BYTES + " bytes");
            }
            parts.addLast(part);
        }
        return String.join("/", parts);
    }

    /** The name's last component, or {@code ""} for the root. */
    static String baseName(String normalised) {
        return normalised.substring(normalised.lastIndexOf('/') + 1);
    }

    /** The name's parent, {@code ""} for a top-level name. */
    static String parentName(String normalised) {
        int slash = normalised.lastIndexOf('/');
        return slash < 0 ? "" : normalised.substring(0, slash);
    }

    /** The name quoted for a message: control characters escaped, long names shortened. */
    static String quote(String raw) {
        StringBuilder out = new StringBuilder("'");
        int limit = Math.min(raw.length(), MAX_QUOTED_CHARS);
        for (int i = 0; i < limit; i++) {
            char c = raw.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (raw.length() > limit) {
            out.append("...(").append(raw.length()).append(" characters)");
        }
        return out.append('\'').toString();
    }
}
