package dev.jkata.testkit.fake;

import dev.jkata.agent.protocol.proto.GuestDetailsResponse;
import dev.jkata.agent.protocol.proto.ReadStreamRequest;
import dev.jkata.agent.protocol.proto.WaitProcessRequest;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes jkata's agent answer as the upstream Kata 1.x agent (Go, 1.13) does where the two differ in what a host
 * can observe, so the host's handling of upstream is tested in CI without the upstream agent:
 * <ul>
 *   <li>WaitProcess closes the process's streams and forgets the process: a ReadStdout/ReadStderr in flight when it
 *       answers fails with {@code UNKNOWN: read |0: file already closed} (its data is lost), and one asked after it
 *       with {@code NOT_FOUND: Process ... not found};</li>
 *   <li>GetGuestDetails advertises none of jkata's features.</li>
 * </ul>
 */
final class Kata1xAgentShape implements ServerInterceptor {
    private static final String SERVICE = "grpc.AgentService/";

    /** "container/exec" of the processes WaitProcess answered for. */
    private final Set<String> waited = ConcurrentHashMap.newKeySet();

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        return switch (method) {
            case SERVICE + "WaitProcess" -> waitProcess(call, headers, next);
            case SERVICE + "ReadStdout", SERVICE + "ReadStderr" -> read(call, headers, next);
            case SERVICE + "GetGuestDetails" -> next.startCall(new SimpleForwardingServerCall<>(call) {
                @Override
                @SuppressWarnings("unchecked")
                public void sendMessage(A message) {
                    GuestDetailsResponse r = (GuestDetailsResponse) message;
                    super.sendMessage((A) r.toBuilder().setAgentDetails(r.getAgentDetails().toBuilder()
                            .clearJkataFeatures()).build());
                }
            }, headers);
            default -> next.startCall(call, headers);
        };
    }

    private <Q, A> ServerCall.Listener<Q> waitProcess(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String[] key = new String[1];
        ServerCall.Listener<Q> inner = next.startCall(new SimpleForwardingServerCall<>(call) {
            @Override
            public void sendMessage(A message) {
                waited.add(key[0]); // the streams are closed before the status is sent
                super.sendMessage(message);
            }
        }, headers);
        return new SimpleForwardingServerCallListener<>(inner) {
            @Override
            public void onMessage(Q message) {
                WaitProcessRequest r = (WaitProcessRequest) message;
                key[0] = r.getContainerId() + "/" + r.getExecId();
                super.onMessage(message);
            }
        };
    }

    private <Q, A> ServerCall.Listener<Q> read(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        ShapedRead<Q, A> shaped = new ShapedRead<>(call);
        ServerCall.Listener<Q> inner = next.startCall(shaped, headers);
        return new SimpleForwardingServerCallListener<>(inner) {
            @Override
            public void onMessage(Q message) {
                ReadStreamRequest r = (ReadStreamRequest) message;
                shaped.key = r.getContainerId() + "/" + r.getExecId();
                if (waited.contains(shaped.key)) {
                    shaped.fail(Status.NOT_FOUND.withDescription("Process " + r.getExecId() + " not found"));
                    return;
                }
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (!shaped.isFailed()) {
                    super.onHalfClose();
                }
            }
        };
    }

    /** A read whose answer is replaced by the error upstream gives once the process was waited for. */
    private final class ShapedRead<Q, A> extends SimpleForwardingServerCall<Q, A> {
        volatile String key;
        private boolean failed;

        ShapedRead(ServerCall<Q, A> call) {
            super(call);
        }

        synchronized boolean isFailed() {
            return failed;
        }

        synchronized void fail(Status status) {
            if (!failed) {
                failed = true;
                super.close(status, new Metadata());
            }
        }

        @Override
        public synchronized void sendMessage(A message) {
            if (!failed && waited.contains(key)) {
                fail(Status.UNKNOWN.withDescription("read |0: file already closed"));
            }
            if (!failed) {
                super.sendMessage(message);
            }
        }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            if (!failed && !status.isOk() && waited.contains(key)) {
                fail(Status.UNKNOWN.withDescription("read |0: file already closed"));
            }
            if (!failed) {
                super.close(status, trailers);
            }
        }
    }
}
