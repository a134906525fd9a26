/**
 * The agent's logging: java.util.logging (in the guest's jlink runtime) to stdout, which is the guest's
 * serial console, one {@code KATA_AGENT:} line per record; and an SLF4J provider that routes the protocol
 * library's SLF4J logging (yamux) into it, so the agent needs no logging backend.
 */
package dev.jkata.agent.logging;
