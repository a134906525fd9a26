package dev.jkata.guestimage.cache;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A SHA-256 over labelled inputs (strings and file contents): the name of a cache entry. */
public final class Digest {
    private final MessageDigest md;

    private Digest() {
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Digest start(String kind) {
        return new Digest().add("kind", kind);
    }

    public Digest add(String label, String value) {
        byte[] l = label.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        md.update((l.length + ":").getBytes(StandardCharsets.UTF_8));
        md.update(l);
        md.update((v.length + ":").getBytes(StandardCharsets.UTF_8));
        md.update(v);
        return this;
    }

    /** Adds bytes (their length, then the bytes). */
    public Digest addBytes(String label, byte[] bytes) {
        add(label, Integer.toString(bytes.length));
        md.update(bytes);
        return this;
    }

    /** Adds a file's name and contents. */
    public Digest addFile(String label, Path file) {
        add(label, file.getFileName().toString());
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new KataException(KataErrorReason.UNREADABLE_PATH, "cannot read " + file + ": " + e.getMessage(), e);
        }
        return this;
    }

    /** The hex digest, shortened to 32 characters (128 bits), plenty for a cache name. */
    public String hex() {
        return HexFormat.of().formatHex(md.digest()).substring(0, 32);
    }

    /** The full SHA-256 of a file's bytes, in hex (64 characters), as registries and OCI descriptors write it. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
