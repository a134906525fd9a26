/**
 * Pseudo-terminals for processes with {@code terminal=true}: the OCI runtime creates the pty inside the
 * container and hands its master to the agent over a console socket ({@code SCM_RIGHTS}), which the JDK
 * cannot receive; {@link dev.jkata.agent.terminal.ConsoleSocket} and {@link dev.jkata.agent.terminal.Pty}
 * do it through JNA. Linux on 64-bit only (x86-64, aarch64), which is what the guest is.
 */
package dev.jkata.agent.terminal;
