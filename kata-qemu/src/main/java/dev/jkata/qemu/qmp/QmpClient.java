package dev.jkata.qemu.qmp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jkata.qemu.errors.QemuTimeoutException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to QEMU's QMP socket.
 *
 * <p>{@link #connect(Path, Duration)} reads the greeting and negotiates capabilities. Every command then waits for
 * its reply at most for a deadline: the connection's default one, or the one passed to
 * {@link #execute(String, Map, Duration)}. A deadline that passes raises {@link QemuTimeoutException} and leaves the
 * connection open. QEMU's error replies raise {@link QmpException} with QEMU's error class, connection open too.
 *
 * <p>The connection is closed, and every waiting call fails at once with {@link QmpException}, when QEMU closes the
 * socket, sends a line longer than {@link #MAX_LINE_BYTES}, sends something that is not a JSON object, or stalls a
 * write past its deadline. Events go to {@link QmpEventListener}s on the one reader thread of the connection.
 * Thread-safe; {@link #close()} is idempotent.
 */
public final class QmpClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QmpClient.class);

    /** The longest line accepted from QEMU; QMP replies of a sandbox VM are a few KiB. */
    public static final int MAX_LINE_BYTES = 1 << 20;
    /** The deadline of a call when none is given. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private final Path socket;
    private final SocketChannel channel;
    private final Duration defaultDeadline;
    private final Thread reader;
    private final Object writeLock = new Object();
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentSkipListMap<Long, CompletableFuture<JsonNode>> pending = new ConcurrentSkipListMap<>();
    private final CompletableFuture<JsonNode> greetingReply = new CompletableFuture<>();
    private final List<QmpEventListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<QmpException> closedBecause = new AtomicReference<>();
    private volatile QmpGreeting greeting;

    private QmpClient(Path socket, SocketChannel channel, Duration defaultDeadline) {
        this.socket = socket;
        this.channel = channel;
        this.defaultDeadline = defaultDeadline;
        this.reader = new Thread(this::readLoop, "qmp-reader-" + socket.getFileName());
        this.reader.setDaemon(true);
    }

    /**
     * Connects to QEMU's QMP socket, reads the greeting and sends {@code qmp_capabilities}, all within
     * {@code deadline}, which is also the default deadline of every later call.
     *
     * @throws QmpException         when the socket cannot be connected or QEMU does not speak QMP
     * @throws QemuTimeoutException when QEMU does not greet or answer within the deadline
     */
    public static QmpClient connect(Path socket, Duration deadline) {
        return connect(socket, deadline, deadline);
    }

    /**
     * As {@link #connect(Path, Duration)}, with a separate default deadline for later calls.
     *
     * @param deadline     for connecting, the greeting and capability negotiation together
     * @param callDeadline the default deadline of every later call
     */
    public static QmpClient connect(Path socket, Duration deadline, Duration callDeadline) {
        Objects.requireNonNull(socket, "socket");
        requirePositive(deadline);
        requirePositive(callDeadline);
        long start = System.nanoTime();
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new QmpException("cannot open a UNIX socket channel: " + e.getMessage(), e);
        }
        QmpClient c = new QmpClient(socket, ch, callDeadline);
        ScheduledFuture<?> guard = WATCHDOG.schedule(
                () -> c.fail(new QmpException("connecting to " + socket + " did not finish within " + deadline)),
                deadline.toNanos(), TimeUnit.NANOSECONDS);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            guard.cancel(false);
            QmpException why = c.closedBecause.get();
            c.close();
            throw new QmpException("cannot connect to QMP socket " + socket + ": " + (why != null ? why.getMessage() : e), e);
        } finally {
            guard.cancel(false);
        }
        c.reader.start();
        try {
            Duration left = deadline.minusNanos(System.nanoTime() - start);
            JsonNode g = c.await(c.greetingReply, "send its QMP greeting", left.isNegative() ? Duration.ofMillis(1) : left);
            c.greeting = parseGreeting(g);
            left = deadline.minusNanos(System.nanoTime() - start);
            c.execute("qmp_capabilities", Map.of(), left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left);
            LOG.debug("QMP connected to {} (QEMU {})", socket, c.greeting.version());
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** What QEMU said on connect. */
    public QmpGreeting greeting() {
        return greeting;
    }

    /** The socket this client is connected to. */
    public Path socket() {
        return socket;
    }

    /** Whether the connection is still open. */
    public boolean isOpen() {
        return closedBecause.get() == null;
    }

    /** {@code query-status}: the VM's run state. */
    public QmpStatus queryStatus() {
        JsonNode r = execute("query-status");
        JsonNode status = r.get("status");
        if (status == null || !status.isTextual()) {
            throw new QmpException("query-status answered without a status: " + abbreviate(r.toString()));
        }
        return new QmpStatus(status.asText(), r.path("running").asBoolean(false));
    }

    /** {@code stop}: pauses the guest's CPUs. */
    public void stop() {
        execute("stop");
    }

    /** {@code cont}: resumes the guest's CPUs. */
    public void cont() {
        execute("cont");
    }

    /** {@code system_powerdown}: presses the ACPI power button; the guest decides whether to power off. */
    public void systemPowerdown() {
        execute("system_powerdown");
    }

    /**
     * {@code quit}: QEMU exits at once. QEMU may close the socket before its reply arrives; that counts as
     * success.
     */
    public void quit() {
        try {
            execute("quit");
        } catch (QmpException e) {
            if (e.isErrorReply()) {
                throw e;
            }
            LOG.debug("QMP closed while quitting: {}", e.getMessage());
        }
    }

    /** {@code device_add} with the given arguments ({@code driver}, {@code id} and the device's properties). */
    public void deviceAdd(Map<String, ?> args) {
        Objects.requireNonNull(args, "args");
        if (!args.containsKey("driver")) {
            throw new IllegalArgumentException("device_add needs a 'driver' argument: " + args);
        }
        execute("device_add", args);
    }

    /** {@code device_del}: asks the guest to release the device; completion is the {@code DEVICE_DELETED} event. */
    public void deviceDel(String id) {
        Objects.requireNonNull(id, "id");
        execute("device_del", Map.of("id", id));
    }

    /** Runs a command without arguments under the default deadline; returns its {@code return} value. */
    public JsonNode execute(String command) {
        return execute(command, Map.of(), defaultDeadline);
    }

    /** Runs a command under the default deadline; returns its {@code return} value. */
    public JsonNode execute(String command, Map<String, ?> args) {
        return execute(command, args, defaultDeadline);
    }

    /**
     * Runs a command and returns its {@code return} value.
     *
     * @throws QmpException         when QEMU answers with an error (connection stays open) or the connection fails
     * @throws QemuTimeoutException when no reply arrives within {@code deadline} (connection stays open)
     */
    public JsonNode execute(String command, Map<String, ?> args, Duration deadline) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(args, "args");
        requirePositive(deadline);
        long id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode();
        msg.put("execute", command);
        if (!args.isEmpty()) {
            msg.set("arguments", JSON.valueToTree(args));
        }
        msg.put("id", id);
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(msg);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode arguments of " + command + ": " + e.getMessage(), e);
        }
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        try {
            QmpException closed = closedBecause.get();
            if (closed != null) {
                throw closedError(closed);
            }
            LOG.debug("QMP -> {}", abbreviate(new String(bytes, StandardCharsets.UTF_8)));
            write(bytes, deadline, command);
            JsonNode r = await(reply, "answer QMP command '" + command + "'", deadline);
            JsonNode error = r.get("error");
            if (error != null) {
                String cls = error.path("class").asText("GenericError");
                String desc = error.path("desc").asText("(no description)");
                throw new QmpException("QMP command '" + command + "' failed: " + cls + ": " + desc, cls, null);
            }
            JsonNode ret = r.get("return");
            return ret == null ? JSON.createObjectNode() : ret;
        } finally {
            pending.remove(id);
        }
    }

    /** Adds a listener for events. */
    public void addEventListener(QmpEventListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeEventListener(QmpEventListener listener) {
        listeners.remove(listener);
    }

    /** Closes the socket; waiting calls fail at once. Idempotent. */
    @Override
    public void close() {
        fail(new QmpException("the QMP connection to " + socket + " was closed by this client"));
        if (reader.isAlive() && Thread.currentThread() != reader) {
            try {
                reader.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------

    private void write(byte[] json, Duration deadline, String command) {
        ByteBuffer buf = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
        // A blocking write cannot time out by itself; a watchdog closes the socket if QEMU stops reading.
        ScheduledFuture<?> guard = WATCHDOG.schedule(
                () -> fail(new QmpException("writing QMP command '" + command + "' stalled for " + deadline)),
                deadline.toNanos(), TimeUnit.NANOSECONDS);
        try {
            synchronized (writeLock) {
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            }
        } catch (IOException e) {
            QmpException f = new QmpException("writing to QMP socket " + socket + " failed: " + e, e);
            fail(f);
            throw closedError(closedBecause.get());
        } finally {
            guard.cancel(false);
        }
    }

    private JsonNode await(CompletableFuture<JsonNode> f, String what, Duration deadline) {
        try {
            return f.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new QemuTimeoutException("QEMU did not " + what + " on " + socket, deadline);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof QmpException q) {
                throw closedError(q);
            }
            throw new QmpException("waiting for QEMU to " + what + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmpException("interrupted while waiting for QEMU to " + what, e);
        }
    }

    private static QmpException closedError(QmpException cause) {
        return new QmpException("QMP connection failed: " + cause.getMessage(), cause);
    }

    /** Closes the connection for the first reason given and fails everything waiting. */
    private void fail(QmpException cause) {
        if (!closedBecause.compareAndSet(null, cause)) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
        greetingReply.completeExceptionally(cause);
        for (Iterator<CompletableFuture<JsonNode>> it = pending.values().iterator(); it.hasNext(); ) {
            it.next().completeExceptionally(cause);
            it.remove();
        }
    }

    private void readLoop() {
        LineSplitter lines = new LineSplitter(MAX_LINE_BYTES);
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        try {
            while (true) {
                buf.clear();
                int n = channel.read(buf);
                if (n < 0) {
                    fail(new QmpException("QEMU closed the QMP connection " + socket
                            + (lines.pending() > 0 ? " in the middle of a message" : "")));
                    return;
                }
                buf.flip();
                lines.feed(buf, this::onLine);
            }
        } catch (LineSplitter.LineTooLongException e) {
            fail(new QmpException("QEMU sent " + e.getMessage() + " on " + socket + "; closing the connection", e));
        } catch (QmpException e) {
            fail(e);
        } catch (ClosedChannelException e) {
            fail(new QmpException("the QMP connection to " + socket + " was closed", e));
        } catch (IOException | RuntimeException e) {
            fail(new QmpException("reading from QMP socket " + socket + " failed: " + e, e));
        }
    }

    private void onLine(byte[] line) {
        String text = new String(line, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return;
        }
        JsonNode msg;
        try {
            msg = JSON.readTree(line);
        } catch (IOException e) {
            throw new QmpException("QEMU sent malformed JSON on " + socket + ": " + abbreviate(text), e);
        }
        if (msg == null || !msg.isObject()) {
            throw new QmpException("QEMU sent a QMP message that is not a JSON object: " + abbreviate(text));
        }
        if (msg.has("QMP")) {
            if (!greetingReply.complete(msg)) {
                LOG.debug("QMP: ignoring a second greeting on {}", socket);
            }
        } else if (msg.has("event")) {
            dispatch(parseEvent(msg, text));
        } else if (msg.has("return") || msg.has("error")) {
            LOG.debug("QMP <- {}", abbreviate(text));
            deliver(msg);
        } else {
            throw new QmpException("QEMU sent a QMP message that is neither a greeting, a reply nor an event: "
                    + abbreviate(text));
        }
    }

    private void deliver(JsonNode reply) {
        JsonNode id = reply.get("id");
        CompletableFuture<JsonNode> f;
        if (id != null && id.canConvertToLong()) {
            f = pending.get(id.asLong());
        } else {
            // QEMU answers without an id only when it could not parse the request; commands run in order.
            Map.Entry<Long, CompletableFuture<JsonNode>> first = pending.firstEntry();
            f = first == null ? null : first.getValue();
        }
        if (f == null) {
            LOG.debug("QMP: dropping a reply nobody waits for (late after a deadline?): {}", abbreviate(reply.toString()));
            return;
        }
        f.complete(reply);
    }

    private QmpEvent parseEvent(JsonNode msg, String text) {
        JsonNode name = msg.get("event");
        if (!name.isTextual()) {
            throw new QmpException("QEMU sent an event without a name: " + abbreviate(text));
        }
        JsonNode data = msg.get("data");
        if (data == null || data.isNull()) {
            data = JSON.createObjectNode();
        }
        JsonNode ts = msg.get("timestamp");
        Instant at = ts != null && ts.has("seconds")
                ? Instant.ofEpochSecond(ts.path("seconds").asLong(), Math.max(0, ts.path("microseconds").asLong()) * 1000)
                : Instant.now();
        return new QmpEvent(name.asText(), data, at);
    }

    private void dispatch(QmpEvent event) {
        LOG.debug("QMP event {} {}", event.name(), abbreviate(event.data().toString()));
        for (QmpEventListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("A QMP event listener failed on {}", event.name(), e);
            }
        }
    }

    private static QmpGreeting parseGreeting(JsonNode g) {
        JsonNode qmp = g.path("QMP");
        JsonNode v = qmp.path("version");
        JsonNode q = v.path("qemu");
        String version = q.path("major").asInt() + "." + q.path("minor").asInt() + "." + q.path("micro").asInt();
        List<String> caps = new ArrayList<>();
        qmp.path("capabilities").forEach(c -> caps.add(c.asText()));
        return new QmpGreeting(version, v.path("package").asText(""), caps);
    }

    private static void requirePositive(Duration deadline) {
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("a deadline must be positive: " + deadline);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...(" + s.length() + " chars)";
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "qmp-watchdog");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        return e;
    }
}
