package dev.jkata.guestimage;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The dynamic-linking facts of one 64-bit little-endian ELF file: its interpreter and the libraries it
 * names (DT_NEEDED) with its run paths. Enough to copy a program into a guest together with every shared
 * library it loads, without running {@code ldd} on untrusted input.
 */
public record ElfFile(Path path, Optional<String> interpreter, List<String> needed, List<String> runPaths) {

    private static final int PT_INTERP = 3;
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final long DT_NEEDED = 1;
    private static final long DT_STRTAB = 5;
    private static final long DT_RPATH = 15;
    private static final long DT_RUNPATH = 29;

    /** True when the file starts with the ELF magic. */
    public static boolean isElf(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4);
            return ch.read(b, 0) == 4 && b.get(0) == 0x7f && b.get(1) == 'E' && b.get(2) == 'L' && b.get(3) == 'F';
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads the program headers and the dynamic section of an ELF64 LE file. */
    public static ElfFile read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw bad(file, "larger than 2 GiB");
            }
            ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // read it all
            }
            b.flip();
            if (b.limit() < 64 || b.getInt(0) != 0x464c457f) {
                throw bad(file, "not an ELF file");
            }
            if (b.get(4) != 2 || b.get(5) != 1) {
                throw bad(file, "only 64-bit little-endian ELF is supported");
            }
            long phoff = b.getLong(0x20);
            int phentsize = Short.toUnsignedInt(b.getShort(0x36));
            int phnum = Short.toUnsignedInt(b.getShort(0x38));
            String interp = null;
            long dynOff = -1;
            long dynSize = 0;
            List<long[]> loads = new ArrayList<>(); // vaddr, offset, filesz
            for (int i = 0; i < phnum; i++) {
                int at = Math.toIntExact(phoff + (long) i * phentsize);
                int type = b.getInt(at);
                long off = b.getLong(at + 8);
                long vaddr = b.getLong(at + 16);
                long filesz = b.getLong(at + 32);
                if (type == PT_INTERP) {
                    interp = cString(b, Math.toIntExact(off));
                } else if (type == PT_DYNAMIC) {
                    dynOff = off;
                    dynSize = filesz;
                } else if (type == PT_LOAD) {
                    loads.add(new long[] {vaddr, off, filesz});
                }
            }
            List<Long> neededOffsets = new ArrayList<>();
            List<Long> pathOffsets = new ArrayList<>();
            long strtabAddr = -1;
            if (dynOff >= 0) {
                for (long at = dynOff; at + 16 <= dynOff + dynSize; at += 16) {
                    long tag = b.getLong(Math.toIntExact(at));
                    long val = b.getLong(Math.toIntExact(at + 8));
                    if (tag == 0) {
                        break;
                    } else if (tag == DT_NEEDED) {
                        neededOffsets.add(val);
                    } else if (tag == DT_RPATH || tag == DT_RUNPATH) {
                        pathOffsets.add(val);
                    } else if (tag == DT_STRTAB) {
                        strtabAddr = val;
                    }
                }
            }
            List<String> needed = new ArrayList<>();
            List<String> runPaths = new ArrayList<>();
            if (strtabAddr >= 0) {
                long strtab = toFileOffset(loads, strtabAddr);
                for (long o : neededOffsets) {
                    needed.add(cString(b, Math.toIntExact(strtab + o)));
                }
                for (long o : pathOffsets) {
                    for (String p : cString(b, Math.toIntExact(strtab + o)).split(":")) {
                        if (!p.isEmpty()) {
                            runPaths.add(p);
                        }
                    }
                }
            }
            return new ElfFile(file, Optional.ofNullable(interp), List.copyOf(needed), List.copyOf(runPaths));
        } catch (IOException e) {
            throw new KataException(KataErrorReason.UNREADABLE_PATH, "cannot read " + file + ": " + e.getMessage(), e);
        } catch (IndexOutOfBoundsException | ArithmeticException e) {
            throw bad(file, "truncated or malformed headers");
        }
    }

    private static long toFileOffset(List<long[]> loads, long vaddr) {
        for (long[] l : loads) {
            if (vaddr >= l[0] && vaddr < l[0] + l[2]) {
                return vaddr - l[0] + l[1];
            }
        }
        return vaddr; // some linkers store file offsets already
    }

    private static String cString(ByteBuffer b, int at) {
        int end = at;
        while (b.get(end) != 0) {
            end++;
        }
        byte[] s = new byte[end - at];
        b.get(at, s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static KataException bad(Path file, String why) {
        return new KataException(KataErrorReason.IMAGE_BUILD_FAILED, "cannot read ELF file " + file + ": " + why);
    }
}
