/**
 * The agent protocol's messages and gRPC stubs, generated at build time from {@code src/main/proto}:
 * {@code agent.proto} (service {@code grpc.AgentService}), {@code health.proto} ({@code grpc.Health}),
 * {@code oci.proto} (the OCI {@code Spec}) and {@code pkg/types/types.proto} (network types, package
 * {@code types}). Names, field numbers and types are those of the Kata Containers 1.x agent, so either
 * side of this protocol can talk to an upstream peer. Keep these types behind a translation layer; the
 * public API never exposes them.
 */
package dev.jkata.agent.protocol.proto;
