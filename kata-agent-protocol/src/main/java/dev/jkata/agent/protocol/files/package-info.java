/**
 * The file protocol: the host reads and writes a container's files over a stream of the forwarding port's yamux
 * session (review S7: bulk bytes on a data channel of their own, not in 1 MiB long-poll RPCs). A stream's first line is
 * {@link dev.jkata.agent.protocol.files.FileRequest#HEAD}; a binary {@link dev.jkata.agent.protocol.files.FileRequest}
 * follows, then a {@link dev.jkata.agent.protocol.files.FileStatus}, then what the operation carries. Every string
 * and count on the wire is bounded; both ends treat the other as hostile.
 */
package dev.jkata.agent.protocol.files;
