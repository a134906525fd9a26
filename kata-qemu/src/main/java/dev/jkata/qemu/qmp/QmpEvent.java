package dev.jkata.qemu.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * An asynchronous QMP event, e.g. {@code SHUTDOWN}, {@code STOP}, {@code RESUME}, {@code POWERDOWN},
 * {@code GUEST_PANICKED}, {@code DEVICE_DELETED}.
 *
 * @param name      the event name as QEMU sends it
 * @param data      the event's {@code data} object (an empty object when QEMU sent none)
 * @param timestamp when QEMU says the event happened
 */
public record QmpEvent(String name, JsonNode data, Instant timestamp) {
    public static final String SHUTDOWN = "SHUTDOWN";
    public static final String POWERDOWN = "POWERDOWN";
    public static final String STOP = "STOP";
    public static final String RESUME = "RESUME";
    public static final String GUEST_PANICKED = "GUEST_PANICKED";
    public static final String DEVICE_DELETED = "DEVICE_DELETED";

    public QmpEvent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(timestamp, "timestamp");
    }

    /** Whether this is the named event. */
    public boolean is(String eventName) {
        return name.equals(eventName);
    }
}
