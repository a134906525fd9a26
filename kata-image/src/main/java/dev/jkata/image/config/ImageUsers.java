package dev.jkata.image.config;

import dev.jkata.image.ImageException;
import dev.jkata.image.layer.RootedPath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Resolves a container user ({@code name}, {@code uid}, {@code name:group}, {@code uid:gid}) to numbers through the
 * root file system's own /etc/passwd and /etc/group, as Docker does: a name must exist; a bare uid takes the gid
 * its passwd entry has, else 0. The files are the image's (hostile): read inside the root only and bounded.
 */
public final class ImageUsers {
    private static final int MAX_BYTES = 4 << 20;

    private ImageUsers() {}

    /** {@code user} as {uid, gid}; {@code image} names the image in errors. */
    public static int[] resolve(Path rootfs, String user, String image) {
        return resolve(rootfs, user, image, false);
    }

    /** As {@link #resolve(Path, String, String)}; {@code linksAsFiles} for a root unpacked with mapped owners. */
    public static int[] resolve(Path rootfs, String user, String image, boolean linksAsFiles) {
        String[] parts = user.split(":", -1);
        if (parts.length > 2 || parts[0].isEmpty() || (parts.length == 2 && parts[1].isEmpty())) {
            throw bad(image, user, "is not user, uid, user:group or uid:gid");
        }
        List<String[]> passwd = table(rootfs, "etc/passwd", image, linksAsFiles);
        int uid;
        int gid;
        Optional<String[]> entry;
        if (isNumber(parts[0])) {
            uid = number(parts[0], image, user);
            entry = passwd.stream().filter(e -> e.length > 3 && e[2].equals(parts[0])).findFirst();
        } else {
            entry = passwd.stream().filter(e -> e.length > 3 && e[0].equals(parts[0])).findFirst();
            if (entry.isEmpty()) {
                throw bad(image, user, "names user '" + parts[0] + "', which the image's /etc/passwd does not have");
            }
            uid = number(entry.get()[2], image, user);
        }
        gid = entry.filter(e -> isNumber(e[3])).map(e -> Integer.parseInt(e[3])).orElse(0);
        if (parts.length == 2) {
            if (isNumber(parts[1])) {
                gid = number(parts[1], image, user);
            } else {
                List<String[]> group = table(rootfs, "etc/group", image, linksAsFiles);
                String[] g = group.stream().filter(e -> e.length > 2 && e[0].equals(parts[1])).findFirst()
                        .orElseThrow(() -> bad(image, user, "names group '" + parts[1] + "', which the image's /etc/group does not have"));
                gid = number(g[2], image, user);
            }
        }
        return new int[] {uid, gid};
    }

    private static List<String[]> table(Path rootfs, String file, String image, boolean linksAsFiles) {
        try {
            Path p = RootedPath.resolve(rootfs, file, true, linksAsFiles);
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                return List.of();
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                bytes = in.readNBytes(MAX_BYTES + 1);
            }
            if (bytes.length > MAX_BYTES) {
                throw new ImageException(ImageException.Kind.BAD_LAYER, image, "its /" + file + " is larger than "
                        + (MAX_BYTES >> 20) + " MiB");
            }
            return new String(bytes, StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(l -> l.split(":", -1)).toList();
        } catch (IOException e) {
            throw new ImageException(ImageException.Kind.BAD_LAYER, image, "cannot read its /" + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean isNumber(String s) {
        return s.matches("[0-9]{1,10}");
    }

    private static int number(String s, String image, String user) {
        try {
            int n = Integer.parseInt(s);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw bad(image, user, "resolves to '" + s + "', which is not an id from 0 to 2147483647");
        }
    }

    private static dev.jkata.api.InvalidConfigurationException bad(String image, String user, String why) {
        return new dev.jkata.api.InvalidConfigurationException("user", "'" + user + "' " + why + " (image " + image + ")");
    }
}
