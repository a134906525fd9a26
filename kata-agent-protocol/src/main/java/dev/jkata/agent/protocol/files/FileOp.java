package dev.jkata.agent.protocol.files;

/**
 * What a file stream asks, each about one path in one container:
 * <ul>
 *   <li>{@code STAT}: its {@link FileEntry}, a symbolic link itself rather than what it names;</li>
 *   <li>{@code LIST}: the entries of a directory, each once, then an end marker;</li>
 *   <li>{@code READ}: a regular file's bytes, to the stream's end;</li>
 *   <li>{@code WRITE}: the host's bytes, to its half-close, into a regular file of {@code mode}, which replaces what
 *       was there once whole (written beside it, then renamed); a second status follows the bytes;</li>
 *   <li>{@code MKDIRS}: the directory and its missing parents, of {@code mode};</li>
 *   <li>{@code DELETE}: the path, a directory with all it holds; a symbolic link is removed, never followed;</li>
 *   <li>{@code SYMLINK}: a symbolic link at the path whose target is {@code other}, as given;</li>
 *   <li>{@code LINK}: a hard link at the path to the existing file {@code other} of the same container.</li>
 * </ul>
 */
public enum FileOp { STAT, LIST, READ, WRITE, MKDIRS, DELETE, SYMLINK, LINK }
