/**
 * Sandbox state on the host: one directory per sandbox (owner, sockets, pid file, console log) and the
 * reaper that removes what dead owners left behind, including their QEMU processes.
 */
package dev.jkata.core.state;
