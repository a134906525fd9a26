package dev.jkata.image.layer;

import dev.jkata.image.ImageException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a zstd stream's frame and block headers as its bytes pass to the decoder, and refuses a frame whose window
 * (the history the decoder must hold) is above {@link #MAX_WINDOW} before the decoder sees it: a 16 KiB frame that
 * declares a 1 GiB window would otherwise make the decoder allocate it. 128 MiB is zstd's own default decoder limit
 * ({@code windowLogMax} 27; the reference {@code zstd} refuses larger windows unless told {@code --long}). A
 * single-segment frame's window is its content size, so that is held to the same bound. Skippable frames are passed
 * over; the bytes themselves are not changed.
 */
final class ZstdFrameGuard extends FilterInputStream {
    /** The largest window a frame may declare: 2^27 bytes. */
    static final long MAX_WINDOW = 1L << 27;
    private static final int MAGIC = 0xFD2FB528;

    private enum State { MAGIC, SKIP_SIZE, SKIP, DESCRIPTOR, WINDOW, DICT_ID, CONTENT_SIZE, BLOCK_HEADER, BLOCK, CHECKSUM }

    private State state = State.MAGIC;
    private int need = 4;      // header bytes still to gather for the current field
    private long value;        // the field gathered so far, little-endian
    private int shift;
    private long skip;         // payload bytes to pass before the next header
    private int descriptor;
    private boolean lastBlock;

    ZstdFrameGuard(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            observe(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = in.read(buf, off, len);
        if (n > 0) {
            observe(buf, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // the decoder never skips compressed input; refusing keeps every byte observed
        return 0;
    }

    private void observe(byte[] buf, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            if (skip > 0) {
                int step = (int) Math.min(skip, end - i);
                skip -= step;
                i += step;
                if (skip == 0) {
                    afterPayload();
                }
                continue;
            }
            value |= (long) (buf[i++] & 0xff) << shift;
            shift += 8;
            if (--need == 0) {
                field(value);
                value = 0;
                shift = 0;
            }
        }
    }

    /** The current header field is whole: act on it and say what comes next. */
    private void field(long v) {
        switch (state) {
            case MAGIC -> {
                if ((int) v == MAGIC) {
                    expect(State.DESCRIPTOR, 1);
                } else if ((v & 0xFFFFFFF0L) == 0x184D2A50L) {
                    expect(State.SKIP_SIZE, 4);
                } else {
                    throw bad("a zstd frame starts with 0x" + Long.toHexString(v) + ", not zstd's magic number");
                }
            }
            case SKIP_SIZE -> payload(v, State.MAGIC);
            case DESCRIPTOR -> {
                descriptor = (int) v;
                if ((descriptor & 0x08) != 0) {
                    throw bad("a zstd frame header sets its reserved bit");
                }
                if (!singleSegment()) {
                    expect(State.WINDOW, 1);
                } else {
                    afterWindow();
                }
            }
            case WINDOW -> {
                int exponent = (int) (v >>> 3);
                long base = 1L << (10 + exponent);
                long window = base + (base / 8) * (v & 7);
                if (window > MAX_WINDOW) {
                    throw tooLarge("a window of " + window + " bytes");
                }
                afterWindow();
            }
            case DICT_ID -> afterDictionary();
            case CONTENT_SIZE -> {
                long size = fcsBytes() == 2 ? v + 256 : v;
                if (singleSegment() && (size < 0 || size > MAX_WINDOW)) {
                    throw tooLarge("a single segment of " + Long.toUnsignedString(size) + " bytes");
                }
                expect(State.BLOCK_HEADER, 3);
            }
            case BLOCK_HEADER -> {
                lastBlock = (v & 1) != 0;
                int type = (int) ((v >>> 1) & 3);
                long size = v >>> 3;
                switch (type) {
                    case 0, 2 -> payload(size, State.BLOCK);
                    case 1 -> payload(1, State.BLOCK);
                    default -> throw bad("a zstd block has the reserved type 3");
                }
            }
            case CHECKSUM -> expect(State.MAGIC, 4);
            default -> throw new IllegalStateException(state.toString());
        }
    }

    private void afterWindow() {
        int dictBytes = switch (descriptor & 3) { case 0 -> 0; case 1 -> 1; case 2 -> 2; default -> 4; };
        if (dictBytes > 0) {
            expect(State.DICT_ID, dictBytes);
        } else {
            afterDictionary();
        }
    }

    private void afterDictionary() {
        int fcs = fcsBytes();
        if (fcs > 0) {
            expect(State.CONTENT_SIZE, fcs);
        } else {
            expect(State.BLOCK_HEADER, 3);
        }
    }

    /** Passes {@code size} bytes of payload, then reads the next header. */
    private void payload(long size, State after) {
        state = after;
        skip = size;
        if (size == 0) {
            afterPayload();
        }
    }

    private void afterPayload() {
        if (state == State.MAGIC) {
            expect(State.MAGIC, 4); // a skippable frame ended
        } else if (!lastBlock) {
            expect(State.BLOCK_HEADER, 3);
        } else if ((descriptor & 0x04) != 0) {
            expect(State.CHECKSUM, 4);
        } else {
            expect(State.MAGIC, 4);
        }
    }

    private void expect(State next, int bytes) {
        state = next;
        need = bytes;
    }

    private boolean singleSegment() {
        return (descriptor & 0x20) != 0;
    }

    private int fcsBytes() {
        return switch (descriptor >>> 6) {
            case 0 -> singleSegment() ? 1 : 0;
            case 1 -> 2;
            case 2 -> 4;
            default -> 8;
        };
    }

    private static ImageException tooLarge(String what) {
        return new ImageException(ImageException.Kind.BAD_LAYER, null, "a zstd layer declares " + what + ", more than the "
                + (MAX_WINDOW >> 20) + " MiB a decoder holds by default (zstd's windowLogMax 27); it is refused rather"
                + " than given that much memory: rebuild the layer with a smaller window (no --long above 27)");
    }

    private static ImageException bad(String what) {
        return new ImageException(ImageException.Kind.BAD_LAYER, null, what + "; the layer is not valid zstd");
    }
}
