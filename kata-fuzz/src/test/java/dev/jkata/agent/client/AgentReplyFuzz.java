package dev.jkata.agent.client;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.jkata.agent.protocol.proto.AgentServiceGrpc;
import dev.jkata.agent.protocol.proto.HealthGrpc;
import dev.jkata.agent.protocol.yamux.YamuxSession;
import dev.jkata.api.KataException;
import dev.jkata.api.MemorySize;
import dev.jkata.agent.server.GrpcConnectionServer;
import dev.jkata.agent.server.YamuxAgentServer;
import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * Jazzer target: the agent client's handling of what a hostile agent answers. A real yamux session and gRPC server
 * (the guest's own transport) stand in for the guest, but every RPC of the Kata agent API and of Health is answered
 * with what the input says: arbitrary bytes as the reply message (so protobuf parsing sees them raw), a status with any
 * code, description and trailers, or no message at all. Each host call must return a value within its bounds
 * (ReadStdout no more than asked, WriteStdin no more than given) or fail with a {@link KataException}; nothing else.
 */
public final class AgentReplyFuzz {
    private static final ConcurrentLinkedQueue<Consumer<StreamObserver<byte[]>>> ANSWERS = new ConcurrentLinkedQueue<>();
    private static final AgentClient CLIENT;

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) { return new ByteArrayInputStream(value); }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    };

    static {
        try {
            Path dir = Files.createTempDirectory("agent-fuzz");
            dir.toFile().deleteOnExit();
            Path socket = dir.resolve("agent.sock");
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
            socket.toFile().deleteOnExit();
            GrpcConnectionServer grpc = new GrpcConnectionServer(List.of(raw(AgentServiceGrpc.getServiceDescriptor()),
                    raw(HealthGrpc.getServiceDescriptor())));
            YamuxAgentServer agent = new YamuxAgentServer(grpc, YamuxAgentServer.defaultConfig());
            Thread guest = new Thread(() -> {
                try {
                    agent.serve(YamuxSession.server(server.accept(), YamuxAgentServer.defaultConfig()));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, "fuzz-guest");
            guest.setDaemon(true);
            guest.start();
            CLIENT = AgentClient.connect(java.nio.channels.SocketChannel.open(UnixDomainSocketAddress.of(socket)),
                    new AgentClientConfig(Duration.ofSeconds(5), Duration.ofSeconds(5),
                    MemorySize.ofMiB(1)));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private AgentReplyFuzz() {}

    /** Every method of {@code service}, taking and answering raw bytes, answered from {@link #ANSWERS}. */
    private static BindableService raw(ServiceDescriptor service) {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(service.getName());
        for (MethodDescriptor<?, ?> m : service.getMethods()) {
            b.addMethod(m.toBuilder(BYTES, BYTES).build(), ServerCalls.asyncUnaryCall((request, reply) -> {
                Consumer<StreamObserver<byte[]>> answer = ANSWERS.poll();
                if (answer == null) {
                    reply.onNext(new byte[0]);
                    reply.onCompleted();
                } else {
                    answer.accept(reply);
                }
            }));
        }
        ServerServiceDefinition def = b.build();
        return () -> def;
    }


    public static void fuzzerTestOneInput(FuzzedDataProvider in) {
        ANSWERS.clear();
        int calls = in.consumeInt(1, 4);
        for (int i = 0; i < calls && in.remainingBytes() > 0; i++) {
            ANSWERS.add(answer(in));
            hostCall(in.consumeInt(0, 7), in);
            ANSWERS.clear();
        }
    }

    private static Consumer<StreamObserver<byte[]>> answer(FuzzedDataProvider in) {
        switch (in.consumeInt(0, 2)) {
            case 0 -> {
                byte[] message = in.consumeBytes(in.consumeInt(0, 512));
                return r -> {
                    r.onNext(message);
                    r.onCompleted();
                };
            }
            case 1 -> {
                Status status = Status.fromCodeValue(in.consumeInt(1, 16)).withDescription(in.consumeString(600));
                Metadata trailers = new Metadata();
                String value = in.consumeAsciiString(64).replaceAll("[^ -~]", "");
                trailers.put(Metadata.Key.of("x-guest", Metadata.ASCII_STRING_MARSHALLER), value);
                return r -> r.onError(status.asRuntimeException(trailers));
            }
            default -> {
                return StreamObserver::onCompleted;
            }
        }
    }

    private static void hostCall(int which, FuzzedDataProvider in) {
        try {
            switch (which) {
                case 0 -> {
                    int max = in.consumeInt(1, 4096);
                    byte[] got = CLIENT.readStdout("c", "e", max);
                    if (got.length > max) {
                        throw new IllegalStateException("ReadStdout returned " + got.length + " bytes, " + max + " asked for");
                    }
                }
                case 1 -> CLIENT.waitProcess("c", "e");
                case 2 -> {
                    int len = in.consumeInt(0, 64);
                    int n = CLIENT.writeStdin("c", "e", new byte[64], 0, len);
                    if (n < 0 || n > len) {
                        throw new IllegalStateException("WriteStdin took " + n + " of " + len + " bytes");
                    }
                }
                case 3 -> CLIENT.answers(Duration.ofSeconds(5));
                case 4 -> CLIENT.execProcess("c", "e", new ProcessConfig(List.of("true"), Map.of(), "/", 0, 0, false));
                case 5 -> CLIENT.signalProcess("c", "e", 15);
                case 6 -> CLIENT.createSandbox("s", "h");
                default -> CLIENT.readStderr("c", "e", in.consumeInt(1, 4096));
            }
        } catch (KataException typed) {
            // a refusal, a protocol violation or a bad reply, each typed
        }
    }
}
