package dev.jkata.agent.protocol.yamux;

import java.util.Objects;

/**
 * One 12-byte yamux frame header: version (1 byte, always 0), type (1), flags (2), stream id (4) and
 * length (4), all big-endian. Stream id and length are unsigned 32-bit values held in {@code int}s;
 * use {@link #streamIdUnsigned()} and {@link #lengthUnsigned()} to read them as numbers.
 */
public record FrameHeader(FrameType type, int flags, int streamId, int length) {
    /** Bytes in an encoded header. */
    public static final int SIZE = 12;
    /** The only protocol version. */
    public static final int VERSION = 0;

    /** Opens a stream (with data or a window update); marks a ping request. */
    public static final int SYN = 0x1;
    /** Accepts a stream; marks a ping reply. */
    public static final int ACK = 0x2;
    /** Half-closes a stream: the sender sends no more data. */
    public static final int FIN = 0x4;
    /** Aborts a stream at once. */
    public static final int RST = 0x8;

    public FrameHeader {
        Objects.requireNonNull(type, "type");
        if ((flags & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("flags must fit 16 bits: " + flags);
        }
    }

    public static FrameHeader data(int streamId, int flags, int length) {
        return new FrameHeader(FrameType.DATA, flags, streamId, length);
    }

    public static FrameHeader windowUpdate(int streamId, int flags, int delta) {
        return new FrameHeader(FrameType.WINDOW_UPDATE, flags, streamId, delta);
    }

    public static FrameHeader ping(int flags, int opaque) {
        return new FrameHeader(FrameType.PING, flags, 0, opaque);
    }

    public static FrameHeader goAway(GoAwayCode code) {
        return new FrameHeader(FrameType.GO_AWAY, 0, 0, code.code());
    }

    public boolean has(int flag) { return (flags & flag) != 0; }

    public long streamIdUnsigned() { return Integer.toUnsignedLong(streamId); }

    public long lengthUnsigned() { return Integer.toUnsignedLong(length); }

    /** The 12 bytes on the wire. */
    public byte[] encode() {
        byte[] b = new byte[SIZE];
        encodeInto(b, 0);
        return b;
    }

    /** Writes the 12 header bytes at {@code offset}. */
    public void encodeInto(byte[] b, int offset) {
        b[offset] = (byte) VERSION;
        b[offset + 1] = (byte) type.code();
        b[offset + 2] = (byte) (flags >>> 8);
        b[offset + 3] = (byte) flags;
        putInt(b, offset + 4, streamId);
        putInt(b, offset + 8, length);
    }

    /**
     * Decodes 12 bytes at {@code offset}.
     *
     * @throws YamuxProtocolException for a version other than 0 or an unknown type
     */
    public static FrameHeader decode(byte[] b, int offset) {
        int version = b[offset] & 0xFF;
        if (version != VERSION) {
            throw new YamuxProtocolException("unsupported yamux version " + version + " (only 0 exists)");
        }
        int typeCode = b[offset + 1] & 0xFF;
        FrameType type = FrameType.ofCode(typeCode);
        if (type == null) {
            throw new YamuxProtocolException("unknown yamux frame type " + typeCode);
        }
        int flags = ((b[offset + 2] & 0xFF) << 8) | (b[offset + 3] & 0xFF);
        return new FrameHeader(type, flags, getInt(b, offset + 4), getInt(b, offset + 8));
    }

    @Override
    public String toString() {
        StringBuilder f = new StringBuilder();
        if (has(SYN)) f.append("|SYN");
        if (has(ACK)) f.append("|ACK");
        if (has(FIN)) f.append("|FIN");
        if (has(RST)) f.append("|RST");
        int unknown = flags & ~(SYN | ACK | FIN | RST);
        if (unknown != 0) f.append("|0x").append(Integer.toHexString(unknown));
        return type + "[stream=" + streamIdUnsigned() + " flags=" + (f.length() == 0 ? "0" : f.substring(1))
                + " length=" + lengthUnsigned() + "]";
    }

    private static void putInt(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 24);
        b[o + 1] = (byte) (v >>> 16);
        b[o + 2] = (byte) (v >>> 8);
        b[o + 3] = (byte) v;
    }

    private static int getInt(byte[] b, int o) {
        return ((b[o] & 0xFF) << 24) | ((b[o + 1] & 0xFF) << 16) | ((b[o + 2] & 0xFF) << 8) | (b[o + 3] & 0xFF);
    }
}
