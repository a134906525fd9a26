package dev.jkata.cli;

import dev.jkata.api.ExecProcess;
import java.util.LinkedHashMap;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * While a command runs, SIGINT, SIGTERM and SIGHUP sent to {@code kata} go to the command instead (its exit status
 * then says what happened, and the sandbox is closed as usual); with a terminal, SIGWINCH passes the new window
 * size on. The JVM's own handlers come back on close.
 */
final class SignalForwarding implements AutoCloseable {
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

    private SignalForwarding() {}

    static SignalForwarding to(ExecProcess process, HostTerminal term) {
        SignalForwarding f = new SignalForwarding();
        for (String name : new String[] {"INT", "TERM", "HUP"}) {
            f.install(name, s -> {
                try {
                    process.signal(s.getNumber());
                } catch (RuntimeException e) {
                    // the command is already gone
                }
            });
        }
        if (term.active()) {
            f.install("WINCH", s -> term.size().ifPresent(cr -> {
                try {
                    process.resizeTty(cr[0], cr[1]);
                } catch (RuntimeException e) {
                    // the command is already gone
                }
            }));
        }
        return f;
    }

    private void install(String name, SignalHandler handler) {
        try {
            Signal s = new Signal(name);
            previous.put(s, Signal.handle(s, handler));
        } catch (IllegalArgumentException e) {
            // this JVM reserves or lacks the signal (e.g. with -Xrs): it is simply not forwarded
        }
    }

    @Override
    public void close() {
        previous.forEach((s, h) -> {
            try {
                Signal.handle(s, h);
            } catch (IllegalArgumentException e) {
                // as in install
            }
        });
        previous.clear();
    }
}
