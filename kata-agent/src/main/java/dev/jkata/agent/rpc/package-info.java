/**
 * The agent's gRPC services, wire-compatible with Kata 1.x: {@link dev.jkata.agent.rpc.GrpcAgentService}
 * ({@code grpc.AgentService}) and {@link dev.jkata.agent.rpc.GrpcHealthService} ({@code grpc.Health}).
 * This package is the translation layer: protobuf in, calls on the container and system packages, protobuf
 * out, and every {@link dev.jkata.agent.errors.AgentException} mapped to a gRPC status in one place
 * ({@link dev.jkata.agent.rpc.Rpcs}).
 */
package dev.jkata.agent.rpc;
