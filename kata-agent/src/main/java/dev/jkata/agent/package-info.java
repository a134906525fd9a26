/**
 * The guest agent: the Java program the guest init starts inside the VM. It serves the Kata 1.x agent
 * protocol (gRPC over yamux streams on the virtio-serial port agent.channel.0) and runs containers with crun.
 */
package dev.jkata.agent;
