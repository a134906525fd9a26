/**
 * File systems the agent mounts in the guest: the host's storages (the 9p share {@code kataShared}, local
 * directories, ephemeral tmpfs), each mounted once per mount point and reference counted, behind the
 * {@link dev.jkata.agent.storage.Mounter} seam that the real agent implements with busybox mount/umount.
 */
package dev.jkata.agent.storage;
