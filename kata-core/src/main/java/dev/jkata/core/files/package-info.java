/**
 * A container's files from the host ({@link dev.jkata.api.ContainerFiles}) over the sandbox's data channel: the file
 * protocol's client, and the tree copies built on it, which treat everything the guest sends as hostile (names checked,
 * counts and depth bounded, nothing written through a link).
 */
package dev.jkata.core.files;
