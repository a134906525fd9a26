/**
 * {@code kata-runtime}: an OCI runtime with runc's command line, so podman (through conmon), containerd (through its
 * runc shim) and CRI-O run containers in our VMs. {@code create} starts a {@link dev.jkata.cli.oci.SandboxDaemon} per
 * container, which holds the sandbox between command-line calls, owns the engine's standard streams and exits with the
 * container's status; the other verbs reach it through a control socket in the container's state directory under
 * {@code --root}.
 */
package dev.jkata.cli.oci;
