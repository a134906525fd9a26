package dev.jkata.agent.container;

import java.nio.file.Path;

/**
 * Where the agent keeps each container's files in the guest.
 *
 * <pre>
 * {stateRoot}/shared/containers/           host storages (the 9p share) are mounted at or below here
 * {stateRoot}/{cid}/config.json            the OCI bundle
 * {stateRoot}/{cid}/scratch/{upper,work}   tmpfs: the overlay's writable layer
 * {stateRoot}/{cid}/rootfs                 the overlay: the container's root file system
 * {stateRoot}/{cid}/exec-N.{json,pid,log}  one exec's process.json, pid file and crun log
 * {cgroupRoot}/kata/{cid}                  the container's cgroup (cgroupsPath /kata/{cid})
 * </pre>
 *
 * @param stateRoot  {@code /run/kata-containers} in the guest
 * @param cgroupRoot where cgroup2 is mounted, {@code /sys/fs/cgroup} in the guest
 */
public record ContainerLayout(Path stateRoot, Path cgroupRoot) {

    /** The guest's layout: {@code /run/kata-containers} and {@code /sys/fs/cgroup}. */
    public static ContainerLayout guest() {
        return new ContainerLayout(Path.of("/run/kata-containers"), Path.of("/sys/fs/cgroup"));
    }

    /** Where the host's container storages are mounted; relative root paths resolve against {@code <this>/<cid>}. */
    public Path sharedContainers() { return stateRoot.resolve("shared").resolve("containers"); }

    public Path bundle(String cid) { return stateRoot.resolve(cid); }

    public Path config(String cid) { return bundle(cid).resolve("config.json"); }

    public Path scratch(String cid) { return bundle(cid).resolve("scratch"); }

    public Path rootfs(String cid) { return bundle(cid).resolve("rootfs"); }

    public Path initPidFile(String cid) { return bundle(cid).resolve("init.pid"); }

    public Path initLog(String cid) { return bundle(cid).resolve("init.log"); }

    /** The OCI {@code linux.cgroupsPath}. */
    public String cgroupsPath(String cid) { return "/kata/" + cid; }

    /** The parent of every container's cgroup. */
    public Path containersCgroup() { return cgroupRoot.resolve("kata"); }

    /** The container's cgroup directory. */
    public Path cgroupDir(String cid) { return containersCgroup().resolve(cid); }
}
