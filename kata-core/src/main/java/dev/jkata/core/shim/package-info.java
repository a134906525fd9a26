/**
 * The shim: one object per process in the guest, turning the agent's ReadStdout / ReadStderr / WriteStdin /
 * WaitProcess calls into Java streams and an exit status, with bounded buffers and back-pressure.
 */
package dev.jkata.core.shim;
