package dev.jkata.image.testing;

import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** A layer a test writes entry by entry: files, directories, links, whiteouts; then gzip, zstd or plain bytes. */
public final class TestLayer {
    /** How the layer's tar is compressed, and the OCI media type that says so. */
    public enum Compression {
        NONE("application/vnd.oci.image.layer.v1.tar"),
        GZIP("application/vnd.oci.image.layer.v1.tar+gzip"),
        ZSTD("application/vnd.oci.image.layer.v1.tar+zstd");

        public final String mediaType;

        Compression(String mediaType) {
            this.mediaType = mediaType;
        }
    }

    private record Entry(String name, byte type, byte[] content, int mode, String link, int uid, int gid) {}

    private final List<Entry> entries = new ArrayList<>();
    private Compression compression = Compression.GZIP;

    public static TestLayer create() {
        return new TestLayer();
    }

    public TestLayer compression(Compression c) {
        this.compression = c;
        return this;
    }

    public Compression compression() {
        return compression;
    }

    public TestLayer dir(String name) {
        return add(new Entry(name, TarConstants.LF_DIR, new byte[0], 0755, null, 0, 0));
    }

    public TestLayer file(String name, String content) {
        return file(name, content, 0644);
    }

    public TestLayer file(String name, String content, int mode) {
        return add(new Entry(name, TarConstants.LF_NORMAL, content.getBytes(StandardCharsets.UTF_8), mode, null, 0, 0));
    }

    public TestLayer file(String name, byte[] content, int mode, int uid, int gid) {
        return add(new Entry(name, TarConstants.LF_NORMAL, content, mode, null, uid, gid));
    }

    public TestLayer symlink(String name, String target) {
        return add(new Entry(name, TarConstants.LF_SYMLINK, new byte[0], 0777, target, 0, 0));
    }

    public TestLayer hardlink(String name, String target) {
        return add(new Entry(name, TarConstants.LF_LINK, new byte[0], 0644, target, 0, 0));
    }

    /** Deletes {@code name} of a lower layer. */
    public TestLayer whiteout(String name) {
        int slash = name.lastIndexOf('/');
        String wh = (slash < 0 ? "" : name.substring(0, slash + 1)) + ".wh." + name.substring(slash + 1);
        return add(new Entry(wh, TarConstants.LF_NORMAL, new byte[0], 0644, null, 0, 0));
    }

    /** Hides everything lower layers put in {@code dir}. */
    public TestLayer opaque(String dir) {
        return add(new Entry(dir + "/.wh..wh..opq", TarConstants.LF_NORMAL, new byte[0], 0644, null, 0, 0));
    }

    private TestLayer add(Entry e) {
        entries.add(e);
        return this;
    }

    /** The uncompressed tar. */
    public byte[] tar() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry e : entries) {
                TarArchiveEntry te = new TarArchiveEntry(e.name, e.type, true);
                te.setMode(e.mode);
                te.setUserId(e.uid);
                te.setGroupId(e.gid);
                te.setModTime(1_700_000_000_000L);
                if (e.link != null) {
                    te.setLinkName(e.link);
                }
                if (e.type == TarConstants.LF_NORMAL) {
                    te.setSize(e.content.length);
                }
                tar.putArchiveEntry(te);
                if (e.type == TarConstants.LF_NORMAL) {
                    tar.write(e.content);
                }
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    /** The layer as it goes into the image: compressed as chosen. */
    public byte[] blob() throws IOException {
        byte[] tar = tar();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (compression) {
            case NONE -> out.write(tar);
            case GZIP -> {
                try (OutputStream z = new GZIPOutputStream(out)) {
                    z.write(tar);
                }
            }
            case ZSTD -> {
                try (OutputStream z = new ZstdOutputStream(out)) {
                    z.write(tar);
                }
            }
        }
        return out.toByteArray();
    }
}
