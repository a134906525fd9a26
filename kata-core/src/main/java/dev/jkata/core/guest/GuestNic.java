package dev.jkata.core.guest;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A network device the guest gets on a tap device the caller made in a network namespace: the launcher starts the
 * hypervisor in that namespace and gives the guest a NIC with this MAC address on the tap.
 *
 * @param namespace the network namespace the tap is in (every NIC of one guest is in the same one)
 * @param tapName   the tap device's name in that namespace
 * @param mac       the guest interface's MAC address, lower case
 */
public record GuestNic(Path namespace, String tapName, String mac) {
    public GuestNic {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(tapName, "tapName");
        Objects.requireNonNull(mac, "mac");
    }
}
