/**
 * The host's client of the guest agent: plain Java calls translated to the Kata 1.x agent protocol (gRPC
 * over yamux streams on the VM's virtio-serial port), with deadlines and typed errors.
 */
package dev.jkata.agent.client;
