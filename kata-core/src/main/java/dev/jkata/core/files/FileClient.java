package dev.jkata.core.files;

import dev.jkata.agent.protocol.files.FileEntry;
import dev.jkata.agent.protocol.files.FileOp;
import dev.jkata.agent.protocol.files.FileProtocolException;
import dev.jkata.agent.protocol.files.FileRequest;
import dev.jkata.agent.protocol.files.FileStatus;
import dev.jkata.agent.protocol.yamux.YamuxStream;
import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.core.channel.DataChannel;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The file protocol's host end for one container: one stream of the data channel per operation. Every failure is a
 * typed {@link KataException}; a stream is reset when an operation is abandoned half way.
 */
final class FileClient {
    /** The most entries one directory may list: a hostile guest's listing is bounded. */
    static final int MAX_ENTRIES = 1_000_000;
    /** How long a status or a pause in a transfer may take. */
    private static final Duration IDLE = Duration.ofMinutes(5);

    private final Supplier<DataChannel> channel;
    private final String containerId;
    private final String sandboxId;

    FileClient(Supplier<DataChannel> channel, String containerId, String sandboxId) {
        this.channel = channel;
        this.containerId = containerId;
        this.sandboxId = sandboxId;
    }

    /** {@code path} checked: absolute, and not into /proc or /sys (the agent checks again, after links). */
    static String checked(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new InvalidConfigurationException("guestPath", "must be an absolute path in the container, such as"
                    + " /work/src, not '" + path + "'");
        }
        if (path.indexOf('\0') >= 0) {
            throw new InvalidConfigurationException("guestPath", "must not hold a NUL character");
        }
        String n = java.nio.file.Path.of(path).normalize().toString();
        if (n.equals("/proc") || n.startsWith("/proc/") || n.equals("/sys") || n.startsWith("/sys/")) {
            throw new InvalidConfigurationException("guestPath", path + " is in " + (n.startsWith("/proc") ? "/proc" : "/sys")
                    + ", the guest kernel's files, not the container's; read them with an exec instead");
        }
        return path;
    }

    FileEntry stat(String path) {
        return call(FileRequest.of(FileOp.STAT, containerId, checked(path)), s -> FileEntry.read(new DataInputStream(s.getInputStream())));
    }

    List<FileEntry> list(String path) {
        return call(FileRequest.of(FileOp.LIST, containerId, checked(path)), s -> {
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 64 * 1024));
            List<FileEntry> out = new ArrayList<>();
            while (true) {
                int marker = in.readUnsignedByte();
                if (marker == 0) {
                    return out;
                }
                if (marker != 1 || out.size() >= MAX_ENTRIES) {
                    throw new FileProtocolException(marker != 1 ? "not an entry marker: " + marker
                            : "a directory of more than " + MAX_ENTRIES + " entries");
                }
                out.add(FileEntry.read(in));
            }
        });
    }

    void mkdirs(String path, int mode) {
        call(new FileRequest(FileOp.MKDIRS, containerId, checked(path), mode, ""), s -> null);
    }

    void delete(String path) {
        call(FileRequest.of(FileOp.DELETE, containerId, checked(path)), s -> null);
    }

    void symlink(String path, String target) {
        call(new FileRequest(FileOp.SYMLINK, containerId, checked(path), 0, target), s -> null);
    }

    void link(String path, String existing) {
        call(new FileRequest(FileOp.LINK, containerId, checked(path), 0, checked(existing)), s -> null);
    }

    /** The file's bytes; closing the stream early resets the transfer. */
    InputStream read(String path) {
        YamuxStream s = open(FileRequest.of(FileOp.READ, containerId, checked(path)));
        try {
            FileStatus.read(s.getInputStream());
        } catch (IOException e) {
            s.reset();
            throw failure(FileOp.READ, path, e);
        }
        return new FilterInputStream(s.getInputStream()) {
            private boolean closed;

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    if (s.isRemoteClosed()) {
                        try {
                            s.close();
                        } catch (IOException e) {
                            s.reset();
                        }
                    } else {
                        s.reset(); // stops the guest sending the rest
                    }
                }
            }
        };
    }

    /** Streams {@code content} into the file; the guest's verdict comes after the last byte. */
    void write(String path, InputStream content, int mode) {
        if ((mode & ~07777) != 0) {
            throw new InvalidConfigurationException("mode", "must be permission bits such as 0644, not " + Integer.toOctalString(mode));
        }
        YamuxStream s = open(new FileRequest(FileOp.WRITE, containerId, checked(path), mode, ""));
        boolean done = false;
        try {
            FileStatus.read(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = content.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
            s.closeWrite();
            FileStatus.read(s.getInputStream());
            done = true;
        } catch (IOException e) {
            throw failure(FileOp.WRITE, path, e);
        } finally {
            if (done) {
                try {
                    s.close();
                } catch (IOException e) {
                    s.reset();
                }
            } else {
                s.reset();
            }
        }
    }

    private interface Reply<T> {
        T read(YamuxStream s) throws IOException;
    }

    private <T> T call(FileRequest req, Reply<T> reply) {
        YamuxStream s = open(req);
        try {
            FileStatus.read(s.getInputStream());
            T t = reply.read(s);
            s.close();
            return t;
        } catch (IOException e) {
            s.reset();
            throw failure(req.op(), req.path(), e);
        }
    }

    private YamuxStream open(FileRequest req) {
        YamuxStream s;
        try {
            s = channel.get().openStream();
        } catch (IOException e) {
            throw new KataException(KataErrorReason.IO, "cannot reach the files of container " + containerId + ": "
                    + e.getMessage(), sandboxId, e);
        }
        try {
            s.readTimeout(IDLE);
            req.write(s.getOutputStream());
            return s;
        } catch (IOException e) {
            s.reset();
            throw failure(req.op(), req.path(), e);
        }
    }

    private KataException failure(FileOp op, String path, IOException e) {
        String what = op.name().toLowerCase(java.util.Locale.ROOT) + " " + path + " in container " + containerId;
        if (e instanceof FileStatus.FailedException f) {
            return switch (f.failure()) {
                case NOT_FOUND, NO_CONTAINER -> new KataException(KataErrorReason.NOT_FOUND, "cannot " + what + ": "
                        + f.getMessage(), sandboxId, null);
                case INVALID -> new InvalidConfigurationException("guestPath", "cannot " + what + ": " + f.getMessage());
                case CONFLICT, IO -> new KataException(KataErrorReason.IO, "cannot " + what + ": " + f.getMessage(), sandboxId, null);
            };
        }
        if (e instanceof FileProtocolException) {
            return new KataException(KataErrorReason.PROTOCOL_VIOLATION, "the guest broke the file protocol on " + what
                    + ": " + e.getMessage(), sandboxId, e);
        }
        return new KataException(KataErrorReason.IO, "cannot " + what + ": " + e.getMessage(), sandboxId, e);
    }
}
