/**
 * Processes the agent runs for the host, and their stdio: a {@link dev.jkata.agent.process.GuestProcess}
 * holds one launched process (a container's init or an exec), bounded output buffers filled by pump
 * threads with back-pressure (a full buffer blocks the pump, so the process's writes block; nothing is
 * dropped), its stdin, and its exit status (128+N when signal N killed it).
 */
package dev.jkata.agent.process;
