package dev.jkata.agent.storage;

import java.util.List;
import java.util.Objects;

/**
 * A storage the host asks the agent to mount: the protocol's {@code Storage} message, without protobuf.
 *
 * @param driver      how the storage reaches the guest: {@code 9p}, {@code local} or {@code ephemeral}
 * @param source      the device, tag ({@code kataShared}) or path the driver resolves
 * @param fsType      the file system type given to mount; may be empty
 * @param options     mount options, as given to {@code mount -o}
 * @param mountPoint  the absolute guest path to mount on
 */
public record StorageSpec(String driver, String source, String fsType, List<String> options, String mountPoint) {
    public StorageSpec {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(fsType, "fsType");
        options = List.copyOf(options);
        Objects.requireNonNull(mountPoint, "mountPoint");
    }
}
