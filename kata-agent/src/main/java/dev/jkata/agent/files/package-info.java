/**
 * The agent's end of the file protocol ({@code dev.jkata.agent.protocol.files}): a container's files read, listed and
 * written for the host, every path resolved inside the container's root as the container sees it (its mounts
 * included), symbolic links followed only within that root, and /proc, /sys and device files out of reach.
 */
package dev.jkata.agent.files;
