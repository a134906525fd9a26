package dev.jkata.image.registry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.net.http.HttpResponse;

/**
 * A response body pushed into a {@link Sink} as it arrives, never more than {@code limit} bytes. The caller waits
 * with {@link #await}, which drops the connection when the registry goes {@code stall} without a byte or the
 * deadline passes: the JDK's HTTP client has no read timeout of its own.
 */
final class StreamingBody implements HttpResponse.BodySubscriber<Long> {

    /** Where the bytes go; it may refuse them by throwing. */
    interface Sink {
        void accept(ByteBuffer data) throws IOException;
    }

    /** Why a body ended early: too long, stalled, past the deadline, dropped, or refused by the sink. */
    static final class BodyException extends IOException {
        private static final long serialVersionUID = 1L;
        final boolean tooLong;

        BodyException(String message, boolean tooLong, Throwable cause) {
            super(message, cause);
            this.tooLong = tooLong;
        }
    }

    /** The sink refused the bytes (a full disk): not the registry's fault, and not worth a retry. */
    static final class SinkFailure extends IOException {
        private static final long serialVersionUID = 1L;

        SinkFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final Sink sink;
    private final long limit;
    private final CompletableFuture<Long> result = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;
    private volatile long received;
    private volatile long lastProgress = System.nanoTime();

    StreamingBody(Sink sink, long limit) {
        this.sink = sink;
        this.limit = limit;
    }

    long received() {
        return received;
    }

    @Override
    public CompletionStage<Long> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        try {
            for (ByteBuffer b : items) {
                int n = b.remaining();
                if (received + n > limit) {
                    throw new BodyException("the response is longer than the " + limit + " bytes expected", true, null);
                }
                try {
                    sink.accept(b);
                } catch (IOException e) {
                    throw new SinkFailure(e);
                }
                received += n;
            }
            lastProgress = System.nanoTime();
            subscription.request(1);
        } catch (IOException e) {
            subscription.cancel();
            result.completeExceptionally(e);
        } catch (RuntimeException e) {
            subscription.cancel();
            result.completeExceptionally(e);
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(received);
    }

    /** Waits for the whole body; bytes received, or an IOException saying why it ended early. */
    long await(Duration stall, Instant deadline) throws IOException {
        while (true) {
            try {
                return result.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                String why = null;
                if (Instant.now().isAfter(deadline)) {
                    why = "the pull's deadline passed";
                } else if (System.nanoTime() - lastProgress > stall.toNanos()) {
                    why = "the registry sent nothing for " + stall.toSeconds() + " s";
                }
                if (why != null) {
                    abort();
                    throw new BodyException(why, false, null);
                }
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof IOException io) {
                    throw io;
                }
                throw new BodyException("the response failed: " + c, false, c);
            } catch (InterruptedException e) {
                abort();
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while reading the registry's response");
            }
        }
    }

    void abort() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        result.completeExceptionally(new BodyException("aborted", false, null));
    }
}
