package dev.jkata.image.layer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A tar reader that refuses the header entries commons-compress would otherwise read whole into memory when they
 * are oversized: PAX headers over {@value #MAX_PAX_BYTES} bytes, GNU long names or link names over
 * {@value #MAX_LONG_NAME_BYTES} bytes, and chains of more than {@value #MAX_CHAINED_HEADERS} such headers before
 * one entry (which it would otherwise follow by recursion).
 */
final class BoundedTarInputStream extends TarArchiveInputStream {
    static final long MAX_PAX_BYTES = 1024 * 1024;
    static final long MAX_LONG_NAME_BYTES = 64 * 1024;
    static final int MAX_CHAINED_HEADERS = 32;

    private int depth;

    BoundedTarInputStream(InputStream tar) {
        super(tar, StandardCharsets.UTF_8.name());
    }

    @Override
    public TarArchiveEntry getNextEntry() throws IOException {
        if (depth >= MAX_CHAINED_HEADERS) {
            throw new IOException("more than " + MAX_CHAINED_HEADERS + " extended headers precede one entry");
        }
        depth++;
        try {
            return super.getNextEntry();
        } finally {
            depth--;
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        TarArchiveEntry current = getCurrentEntry();
        if (current != null) {
            refuseOversizedHeader(current);
        }
        return super.read(buffer, offset, length);
    }

    private static void refuseOversizedHeader(TarArchiveEntry entry) throws IOException {
        if ((entry.isPaxHeader() || entry.isGlobalPaxHeader()) && entry.getSize() > MAX_PAX_BYTES) {
            throw new IOException("a PAX header of " + entry.getSize() + " bytes is larger than the "
                    + MAX_PAX_BYTES + " bytes allowed");
        }
        if ((entry.isGNULongNameEntry() || entry.isGNULongLinkEntry()) && entry.getSize() > MAX_LONG_NAME_BYTES) {
            throw new IOException("a GNU long name of " + entry.getSize() + " bytes is larger than the "
                    + MAX_LONG_NAME_BYTES + " bytes allowed");
        }
    }
}
