package dev.jkata.cli.oci;

import java.util.Map;
import java.util.Optional;

/**
 * Which part of a pod a bundle is, from the annotations the engines write for Kata, as Kata 1.x read them: CRI-O's
 * {@value #CRIO_TYPE} and {@value #CRIO_SANDBOX}, containerd's CRI plugin's {@value #CRI_TYPE} and
 * {@value #CRI_SANDBOX}. A {@code sandbox} container (the pod's pause container) boots the pod's VM; a
 * {@code container} joins the VM of the sandbox its id names (podman names its pod's infra container so, with CRI-O's
 * annotations, though it does not annotate the infra container). Without these annotations a container has a VM of
 * its own, as under podman or ctr.
 */
final class Pods {
    static final String CRIO_TYPE = "io.kubernetes.cri-o.ContainerType";
    static final String CRIO_SANDBOX = "io.kubernetes.cri-o.SandboxID";
    static final String CRI_TYPE = "io.kubernetes.cri.container-type";
    static final String CRI_SANDBOX = "io.kubernetes.cri.sandbox-id";

    private Pods() {}

    /**
     * Whether a container's VM is made ready to take other containers: an annotated pod sandbox, and, when the runtime
     * runs as root (the bind mounts need it), any container that is not itself a member. podman annotates a pod's
     * members ({@value #CRIO_TYPE}=container, {@value #CRIO_SANDBOX}=the infra container) but not its infra container.
     */
    static boolean mayHostMembers(Map<String, String> annotations) {
        return isSandbox(annotations)
                || !"container".equals(type(annotations)) && "root".equals(System.getProperty("user.name"));
    }

    /** Whether the bundle is a pod's sandbox container: its VM takes the pod's other containers. */
    static boolean isSandbox(Map<String, String> annotations) {
        return "sandbox".equals(type(annotations));
    }

    /**
     * The sandbox {@code id}'s bundle joins, when it is a pod's {@code container}.
     *
     * @throws RuntimeFailure for a container annotated as a pod member without the sandbox's id, or naming itself
     */
    static Optional<String> sandboxOf(Map<String, String> annotations, String id) {
        if (!"container".equals(type(annotations))) {
            return Optional.empty();
        }
        String sandbox = annotations.getOrDefault(CRIO_SANDBOX, annotations.getOrDefault(CRI_SANDBOX, "")).trim();
        if (sandbox.isEmpty()) {
            throw new RuntimeFailure("container " + id + " is annotated as a pod's container but names no sandbox ("
                    + CRIO_SANDBOX + " or " + CRI_SANDBOX + ")");
        }
        if (sandbox.equals(id)) {
            return Optional.empty(); // a sandbox container that calls itself a container: it is the pod's first
        }
        ContainerDir.checkId(sandbox);
        return Optional.of(sandbox);
    }

    private static String type(Map<String, String> annotations) {
        return annotations.getOrDefault(CRIO_TYPE, annotations.getOrDefault(CRI_TYPE, "")).trim();
    }
}
