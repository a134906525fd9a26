package dev.jkata.agent.rpc;

import dev.jkata.agent.errors.AgentException;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one unary RPC body and answers it: the result, or the status its failure maps to. The mapping is
 * here and only here: an {@link AgentException}'s reason names the status code (NOT_FOUND,
 * INVALID_ARGUMENT, ALREADY_EXISTS, FAILED_PRECONDITION, INTERNAL, DEADLINE_EXCEEDED, CANCELLED); any other
 * exception is INTERNAL.
 */
final class Rpcs {
    private static final Logger LOG = Logger.getLogger(Rpcs.class.getName());

    private Rpcs() {}

    /** Runs a body that returns promptly. */
    static <T> void unary(StreamObserver<T> observer, Supplier<T> body) {
        answer(observer, body);
    }

    /**
     * Runs a body that may block for long (WaitProcess, ReadStdout, WriteStdin): when the caller cancels
     * the call or its deadline passes, the thread is interrupted and the body ends with CANCELLED.
     */
    static <T> void blocking(StreamObserver<T> observer, Supplier<T> body) {
        Context ctx = Context.current();
        Thread thread = Thread.currentThread();
        Context.CancellationListener onCancel = c -> thread.interrupt();
        ctx.addListener(onCancel, Runnable::run);
        try {
            answer(observer, body);
        } finally {
            ctx.removeListener(onCancel);
            Thread.interrupted();
        }
    }

    /** The status an agent failure maps to. */
    static StatusRuntimeException status(AgentException e) {
        Status.Code code = switch (e.reason()) {
            case NOT_FOUND -> Status.Code.NOT_FOUND;
            case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
            case ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> Status.Code.FAILED_PRECONDITION;
            case INTERNAL -> Status.Code.INTERNAL;
            case DEADLINE_EXCEEDED -> Status.Code.DEADLINE_EXCEEDED;
            case CANCELLED -> Status.Code.CANCELLED;
        };
        return code.toStatus().withDescription(e.getMessage()).asRuntimeException();
    }

    private static <T> void answer(StreamObserver<T> observer, Supplier<T> body) {
        T result;
        try {
            result = body.get();
        } catch (AgentException e) {
            if (e.reason() == AgentException.Reason.INTERNAL) {
                LOG.log(Level.WARNING, e.getMessage(), e.getCause());
            }
            send(observer, status(e));
            return;
        } catch (StatusRuntimeException e) {
            send(observer, e);
            return;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "RPC failed", e);
            send(observer, Status.INTERNAL.withDescription(String.valueOf(e)).asRuntimeException());
            return;
        }
        try {
            observer.onNext(result);
            observer.onCompleted();
        } catch (StatusRuntimeException cancelled) {
            LOG.log(Level.FINE, "the caller went away", cancelled);
        }
    }

    private static void send(StreamObserver<?> observer, StatusRuntimeException error) {
        try {
            observer.onError(error);
        } catch (StatusRuntimeException cancelled) {
            LOG.log(Level.FINE, "the caller went away", cancelled);
        }
    }
}
