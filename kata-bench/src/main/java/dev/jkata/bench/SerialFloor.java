package dev.jkata.bench;

import dev.jkata.guestimage.GuestImage;
import dev.jkata.guestimage.ImageForm;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The floors that need the guest's root namespace or the bare port: a VM booted from the full initrd-form guest
 * image with {@code serial-floor-init.sh} instead of the agent. The host holds the agent's virtio-serial socket
 * and drives the guest with one-line commands; see the script for the protocol. One VM serves all of them.
 */
final class SerialFloor implements AutoCloseable {
    private static final Duration BOOT_DEADLINE = Duration.ofSeconds(180);
    private static final int BLOCK = 64 * 1024;
    private static final Duration DEADLINE = Duration.ofMinutes(5);
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-serial-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final FloorVm vm;
    private final SocketChannel port;

    /** What the guest said went wrong while it set up (the crun container); empty when nothing did. */
    private final String problems;

    private SerialFloor(FloorVm vm, SocketChannel port, String problems) {
        this.vm = vm;
        this.port = port;
        this.problems = problems;
    }

    static SerialFloor boot(BenchContext ctx) throws IOException, InterruptedException {
        GuestImage image = ctx.image(ImageForm.INITRD);
        FloorVm vm = FloorVm.launch(ctx, image, ctx.floors().serial(image), FloorImages.serialCommandLine(image));
        try {
            SocketChannel port = SocketChannel.open(UnixDomainSocketAddress.of(vm.vm.agentSocket()));
            ConsoleWatch.Line ready = vm.console.await(FloorImages.SERIAL_READY, BOOT_DEADLINE).orElseThrow(() ->
                    new IOException("the serial floor guest did not get ready; console:\n" + vm.console.text()));
            if (ready.text().contains("no port")) {
                throw new IOException("the serial floor guest found no agent.channel.0 port; console:\n" + vm.console.text());
            }
            String problems = String.join("; ", vm.console.text().lines().filter(l -> l.startsWith("BENCH_SERIAL:")
                    && !l.startsWith(FloorImages.SERIAL_READY)).toList());
            return new SerialFloor(vm, port, problems);
        } catch (IOException | RuntimeException | InterruptedException e) {
            vm.close();
            throw e;
        }
    }

    /** {@code count} one-byte round trips through the guest's {@code dd bs=1}; each in microseconds. */
    List<Double> pingPong(int count) throws IOException {
        return within("echo", () -> pingPongNow(count));
    }

    /** Guest → host: {@code bytes} (a multiple of 64 KiB) from {@code dd}; MiB/s, command to last byte. */
    double out(long bytes) throws IOException {
        return within("out", () -> outNow(bytes));
    }

    /** Host → guest: {@code bytes} (a multiple of 64 KiB) swallowed by the guest's {@code dd}; MiB/s, command to its answer. */
    double in(long bytes) throws IOException {
        return within("in", () -> inNow(bytes));
    }

    /** {@code crun exec floor /bin/true} run {@code count} times in a guest shell loop; ms per exec. */
    double crunExec(int count) throws IOException {
        if (!problems.isEmpty()) {
            throw new IOException("the serial floor guest reports: " + problems);
        }
        return within("crun", () -> {
            command("crun " + count);
            return Double.parseDouble(expect("crun")) / count;
        });
    }

    /** {@code /bin/true} spawned {@code count} times by a shell in the guest's root namespace; ms per spawn. */
    double spawn(int count) throws IOException {
        return within("spawn", () -> {
            command("spawn " + count);
            return Double.parseDouble(expect("spawn")) / count;
        });
    }

    private interface PortCall<T> {
        T run() throws IOException;
    }

    /** Runs {@code call}; past {@link #DEADLINE} the port is closed under it, so a silent guest cannot hang us. */
    private <T> T within(String what, PortCall<T> call) throws IOException {
        ScheduledFuture<?> alarm = WATCHDOG.schedule(() -> {
            try {
                port.close();
            } catch (IOException e) {
                // closing is all we wanted
            }
        }, DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return call.run();
        } catch (AsynchronousCloseException e) {
            throw new IOException("the floor guest did not finish '" + what + "' within " + DEADLINE + "; console:\n"
                    + vm.console.text());
        } finally {
            alarm.cancel(false);
        }
    }

    private List<Double> pingPongNow(int count) throws IOException {
        command("echo " + count);
        List<Double> rtt = new ArrayList<>();
        ByteBuffer one = ByteBuffer.allocate(1);
        for (int i = 0; i < count; i++) {
            one.clear().put((byte) 'p').flip();
            long t = System.nanoTime();
            writeFully(one);
            one.clear();
            readFully(one);
            rtt.add((System.nanoTime() - t) / 1e3);
        }
        return rtt;
    }

    private double outNow(long bytes) throws IOException {
        long t = System.nanoTime();
        command("out " + bytes / BLOCK);
        ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
        long got = 0;
        while (got < bytes) {
            buf.clear().limit((int) Math.min(buf.capacity(), bytes - got));
            int n = port.read(buf);
            if (n < 0) {
                throw new IOException("the port closed after " + got + " of " + bytes + " bytes");
            }
            got += n;
        }
        return mibPerSecond(bytes, System.nanoTime() - t);
    }

    private double inNow(long bytes) throws IOException {
        long t = System.nanoTime();
        command("in " + bytes);
        ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK);
        long sent = 0;
        while (sent < bytes) {
            buf.clear().limit((int) Math.min(BLOCK, bytes - sent));
            sent += writeFully(buf);
        }
        expect("done");
        return mibPerSecond(bytes, System.nanoTime() - t);
    }

    static double mibPerSecond(long bytes, long nanos) {
        return bytes / (double) (1 << 20) / (nanos / 1e9);
    }

    private void command(String line) throws IOException {
        writeFully(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII)));
    }

    /** Reads one line; it must start with {@code word}; returns the rest. */
    private String expect(String word) throws IOException {
        StringBuilder b = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (b.length() < 256) {
            one.clear();
            readFully(one);
            char c = (char) one.get(0);
            if (c == '\n') {
                break;
            }
            b.append(c);
        }
        String line = b.toString().trim();
        if (!line.startsWith(word)) {
            throw new IOException("the serial floor guest answered '" + line + "', not '" + word + " ...'");
        }
        return line.substring(word.length()).trim();
    }

    private int writeFully(ByteBuffer b) throws IOException {
        int n = b.remaining();
        while (b.hasRemaining()) {
            port.write(b);
        }
        return n;
    }

    private void readFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (port.read(b) < 0) {
                throw new IOException("the serial floor's port closed");
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            command("quit");
            vm.awaitPowerOff(Duration.ofSeconds(10));
        } catch (IOException | RuntimeException e) {
            // stopped below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            port.close();
            vm.close();
        }
    }
}
