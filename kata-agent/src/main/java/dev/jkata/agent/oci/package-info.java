/**
 * The OCI runtime spec as JSON: {@link dev.jkata.agent.oci.SpecTranslator} turns the protocol's protobuf
 * {@code Spec} and {@code Process} into the runtime-spec's {@code config.json} and {@code process.json}
 * trees (Jackson), field for field, leaving out what proto3 cannot tell from "unset" (zeros, empty strings).
 * The agent's own policy on top (namespaces, mounts, cgroups, paths) is the container package's.
 */
package dev.jkata.agent.oci;
