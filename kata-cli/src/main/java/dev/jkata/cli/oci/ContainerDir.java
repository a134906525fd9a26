package dev.jkata.cli.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One container's state directory, {@code <root>/<id>}, which outlives every command-line call: {@code state.json}
 * (what {@code create} learnt: bundle, pid, created, annotations), {@code status} (written by the daemon as the
 * container moves on: created, running, stopped with its exit code), the daemon's control socket {@code ctl.sock}
 * and its log. Directories are 0700 and files 0600, written whole (a temporary file renamed over the old one).
 */
final class ContainerDir {
    /** runc's rule for container ids. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_+.-]{1,1024}");
    static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final String id;

    private ContainerDir(Path dir, String id) {
        this.dir = dir;
        this.id = id;
    }

    static String checkId(String id) {
        if (!ID.matcher(id).matches() || id.equals(".") || id.equals("..")) {
            throw new RuntimeFailure("invalid container id '" + id + "': use letters, digits, _ + . and -");
        }
        return id;
    }

    /** A new container's directory; fails when the id is taken. */
    static ContainerDir create(Path root, String id) {
        checkId(id);
        try {
            Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path dir = root.resolve(id);
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            return new ContainerDir(dir, id);
        } catch (FileAlreadyExistsException e) {
            throw new RuntimeFailure("container with id " + id + " already exists");
        } catch (IOException e) {
            throw new RuntimeFailure("cannot create the state directory under " + root + ": " + e.getMessage(), e);
        }
    }

    /** An existing container's directory, or empty when there is none. */
    static Optional<ContainerDir> find(Path root, String id) {
        checkId(id);
        Path dir = root.resolve(id);
        return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) ? Optional.of(new ContainerDir(dir, id)) : Optional.empty();
    }

    static ContainerDir open(Path root, String id) {
        return find(root, id).orElseThrow(() -> new RuntimeFailure("container " + id + " does not exist"));
    }

    /** Every container under {@code root}, by id. */
    static List<ContainerDir> all(Path root) {
        List<ContainerDir> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> s = Files.list(root)) {
            s.sorted().forEach(p -> {
                String name = p.getFileName().toString();
                if (ID.matcher(name).matches() && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(new ContainerDir(p, name));
                }
            });
        } catch (IOException e) {
            throw new RuntimeFailure("cannot list " + root + ": " + e.getMessage(), e);
        }
        return out;
    }

    String id() { return id; }

    Path dir() { return dir; }

    /**
     * The daemon's control socket. It lives in the library's private state root ({@code /run/jkata/oci} for root),
     * named by a digest of this directory's path, because a UNIX socket's path must fit in 108 bytes and engines
     * choose long roots.
     */
    Path controlSocket() {
        return privateDir().resolve(digest() + ".sock");
    }

    /**
     * The control socket of the daemon whose VM runs this container's processes: its own, or, for a container that
     * joined a pod ({@link PodMember}), its pod's sandbox's.
     */
    Path vmSocket() {
        return read(PodMember.POD_FILE).map(sb -> open(dir.getParent(), sb).controlSocket()).orElse(controlSocket());
    }

    /** {@code verb} as {@link #vmSocket()}'s daemon takes it for this container: {@code VERB}, or {@code VERB-in ID}. */
    String vmRequest(String verb) {
        return read(PodMember.POD_FILE).isPresent() ? verb + "-in " + id : verb;
    }

    /** Where a pod's sandbox keeps its members' root file systems (see {@link PodRoots}), beside its control socket. */
    PodRoots podRoots() {
        return new PodRoots(privateDir().resolve("pods").resolve(digest()));
    }

    private static Path privateDir() {
        return dev.jkata.core.state.StateRoot.prepare(dev.jkata.core.state.StateRoot.prepare(
                dev.jkata.core.state.StateRoot.defaultRoot()).resolve("oci"));
    }

    private String digest() {
        return java.util.HexFormat.of().formatHex(sha256(dir.toAbsolutePath().toString())).substring(0, 24);
    }

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Path daemonLog() { return dir.resolve("daemon.log"); }

    Path errorFile() { return dir.resolve("error"); }

    /** What {@code create} records once the daemon is up. */
    void writeState(Path bundle, Path rootfs, long pid, Instant created, Map<String, String> annotations) {
        ObjectNode n = JSON.createObjectNode();
        n.put("bundle", bundle.toString()).put("rootfs", rootfs.toString()).put("pid", pid).put("created", created.toString());
        annotations.forEach(n.putObject("annotations")::put);
        if (annotations.isEmpty()) {
            n.putObject("annotations");
        }
        write("state.json", n.toString());
    }

    /** The recorded state, or empty while {@code create} has not finished. */
    Optional<ObjectNode> readState() {
        return read("state.json").map(s -> {
            try {
                return (ObjectNode) JSON.readTree(s);
            } catch (IOException | ClassCastException e) {
                throw new RuntimeFailure("the state of container " + id + " is damaged (" + dir.resolve("state.json")
                        + "); remove it with kata-runtime delete --force " + id);
            }
        });
    }

    void writeStatus(Status status, int exitCode) {
        write("status", status.oci() + (status == Status.STOPPED ? " " + exitCode : ""));
    }

    /** The status the daemon last wrote: CREATING until it wrote one. */
    Status status() {
        return read("status").map(s -> Status.parse(s.split(" ")[0])).orElse(Status.CREATING);
    }

    /** The exit code the daemon recorded, if the container stopped. */
    Optional<Integer> exitCode() {
        return read("status").map(s -> s.split(" ")).filter(p -> p.length == 2).map(p -> Integer.parseInt(p[1]));
    }

    Optional<String> error() {
        return read("error");
    }

    void writeError(String message) {
        write("error", message);
    }

    void write(String name, String content) {
        Path tmp = dir.resolve("." + name + ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            try {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new RuntimeFailure("cannot write " + dir.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    Optional<String> read(String name) {
        try {
            return Optional.of(Files.readString(dir.resolve(name), StandardCharsets.UTF_8).trim());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RuntimeFailure("cannot read " + dir.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    /** Removes the directory and everything in it (only files we wrote), and the control socket. */
    void remove() {
        try {
            Files.deleteIfExists(controlSocket());
        } catch (IOException | RuntimeException e) {
            // the directory goes regardless; a stale socket name is reused by the next container of this path
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new RuntimeFailure("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }
}
