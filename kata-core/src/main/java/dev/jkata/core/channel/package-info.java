/**
 * The sandbox's data channel: one yamux session on the guest's second virtio-serial port, beside the agent's, for
 * bulk bytes (published ports, allow-listed connections, file transfers) that must not queue behind or inside RPCs.
 */
package dev.jkata.core.channel;
