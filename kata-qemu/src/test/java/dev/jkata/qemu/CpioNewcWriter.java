package dev.jkata.qemu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a cpio archive in the "newc" format the Linux kernel unpacks as an initramfs. Test helper. */
final class CpioNewcWriter {
    static final int DIR = 0040000;
    static final int FILE = 0100000;
    static final int SYMLINK = 0120000;
    static final int CHAR_DEVICE = 0020000;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int inode = 1;

    CpioNewcWriter dir(String name) {
        return entry(name, DIR | 0755, new byte[0], 0, 0);
    }

    CpioNewcWriter file(String name, int perm, byte[] data) {
        return entry(name, FILE | perm, data, 0, 0);
    }

    CpioNewcWriter symlink(String name, String target) {
        return entry(name, SYMLINK | 0777, target.getBytes(StandardCharsets.UTF_8), 0, 0);
    }

    CpioNewcWriter charDevice(String name, int perm, int major, int minor) {
        return entry(name, CHAR_DEVICE | perm, new byte[0], major, minor);
    }

    /** Appends the trailer and writes the archive. */
    void writeTo(Path file) throws IOException {
        entry("TRAILER!!!", 0, new byte[0], 0, 0);
        Files.write(file, out.toByteArray());
    }

    private CpioNewcWriter entry(String name, int mode, byte[] data, int rdevMajor, int rdevMinor) {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
        boolean trailer = name.equals("TRAILER!!!");
        StringBuilder h = new StringBuilder("070701");
        long[] fields = {
                trailer ? 0 : inode++,              // ino
                mode,                               // mode
                0, 0,                               // uid, gid
                (mode & DIR) == DIR && !trailer ? 2 : 1, // nlink
                0,                                  // mtime
                data.length,                        // filesize
                0, 0,                               // devmajor, devminor
                rdevMajor, rdevMinor,               // rdevmajor, rdevminor
                nameBytes.length,                   // namesize, with the NUL
                0                                   // check
        };
        for (long f : fields) {
            h.append(String.format("%08x", f));
        }
        write(h.toString().getBytes(StandardCharsets.US_ASCII));
        write(nameBytes);
        pad();
        write(data);
        pad();
        return this;
    }

    private void write(byte[] b) {
        out.write(b, 0, b.length);
    }

    private void pad() {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }
}
