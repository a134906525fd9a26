package dev.jkata.agent.rpc;

import dev.jkata.agent.protocol.proto.CheckRequest;
import dev.jkata.agent.protocol.proto.HealthCheckResponse;
import dev.jkata.agent.protocol.proto.HealthGrpc;
import dev.jkata.agent.protocol.proto.VersionCheckResponse;
import dev.jkata.agent.rpc.AgentVersion;
import io.grpc.stub.StreamObserver;

/** {@code grpc.Health}: Check answers SERVING once the agent serves; Version the agent's and grpc-java's versions. */
public final class GrpcHealthService extends HealthGrpc.HealthImplBase {
    private final AgentVersion version;

    public GrpcHealthService(AgentVersion version) {
        this.version = version;
    }

    @Override
    public void check(CheckRequest request, StreamObserver<HealthCheckResponse> observer) {
        Rpcs.unary(observer, () -> HealthCheckResponse.newBuilder().setStatus(HealthCheckResponse.ServingStatus.SERVING).build());
    }

    @Override
    public void version(CheckRequest request, StreamObserver<VersionCheckResponse> observer) {
        Rpcs.unary(observer, () -> VersionCheckResponse.newBuilder()
                .setAgentVersion(version.agent()).setGrpcVersion(version.grpc()).build());
    }
}
