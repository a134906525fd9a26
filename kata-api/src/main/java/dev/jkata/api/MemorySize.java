package dev.jkata.api;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of memory in bytes. Units live in the type, so no API takes a bare {@code int mb}.
 *
 * <p>Parses the forms a user types on a command line: {@code 512M}, {@code 2G}, {@code 64MiB}, {@code 4096K}
 * or a plain byte count. Binary multiples throughout (1M = 1 MiB).
 */
public final class MemorySize implements Comparable<MemorySize> {
    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*([KMGT]?)(I?B)?", Pattern.CASE_INSENSITIVE);

    /** No memory: an absent size where the API says so (a sandbox without a disk). */
    public static final MemorySize ZERO = new MemorySize(0);

    private final long bytes;

    private MemorySize(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("memory size must not be negative: " + bytes + " bytes");
        }
        this.bytes = bytes;
    }

    public static MemorySize ofBytes(long bytes) { return new MemorySize(bytes); }
    public static MemorySize ofKiB(long kib) { return new MemorySize(Math.multiplyExact(kib, 1024L)); }
    public static MemorySize ofMiB(long mib) { return new MemorySize(Math.multiplyExact(mib, 1024L * 1024)); }
    public static MemorySize ofGiB(long gib) { return new MemorySize(Math.multiplyExact(gib, 1024L * 1024 * 1024)); }

    /** Parses {@code 512M}, {@code 2G}, {@code 64MiB}, {@code 1048576}; throws with the accepted forms otherwise. */
    public static MemorySize parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a memory size: '" + text + "' (use a number with K, M, G or T, e.g. 512M)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "" -> ofBytes(n);
            case "K" -> ofKiB(n);
            case "M" -> ofMiB(n);
            case "G" -> ofGiB(n);
            default -> ofBytes(Math.multiplyExact(n, 1024L * 1024 * 1024 * 1024));
        };
    }

    public long toBytes() { return bytes; }
    public long toKiB() { return bytes / 1024; }
    public long toMiB() { return bytes / (1024 * 1024); }

    public boolean isZero() { return bytes == 0; }

    public MemorySize plus(MemorySize other) { return new MemorySize(Math.addExact(bytes, other.bytes)); }

    @Override
    public int compareTo(MemorySize o) { return Long.compare(bytes, o.bytes); }

    @Override
    public boolean equals(Object o) { return o instanceof MemorySize m && m.bytes == bytes; }

    @Override
    public int hashCode() { return Long.hashCode(bytes); }

    /** The largest exact binary unit: {@code 512M}, {@code 2G}, {@code 1536K}, {@code 100B}. */
    @Override
    public String toString() {
        String[] units = {"T", "G", "M", "K"};
        long[] sizes = {1L << 40, 1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes != 0 && bytes % sizes[i] == 0) {
                return (bytes / sizes[i]) + units[i];
            }
        }
        return bytes + "B";
    }
}
