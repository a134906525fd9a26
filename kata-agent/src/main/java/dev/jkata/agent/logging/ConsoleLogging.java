package dev.jkata.agent.logging;

import java.io.PrintStream;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sends java.util.logging to the console as {@code KATA_AGENT: LEVEL logger: message} lines, stack traces
 * indented below. Only the agent's main calls {@link #install}; tests keep their own logging.
 */
public final class ConsoleLogging {
    /** The prefix of every agent line on the guest console, which the host and the benchmarks grep for. */
    public static final String PREFIX = "KATA_AGENT: ";

    private ConsoleLogging() {}

    /** Replaces the root logger's handlers with one that prints to {@code out} at {@code level} and above. */
    public static void install(PrintStream out, Level level) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(level);
        root.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (!isLoggable(r)) {
                    return;
                }
                StringBuilder sb = new StringBuilder(PREFIX).append(r.getLevel().getName()).append(' ')
                        .append(shortName(r.getLoggerName())).append(": ").append(message(r));
                Throwable t = r.getThrown();
                for (int depth = 0; t != null && depth < 5; depth++, t = t.getCause()) {
                    sb.append("\n").append(PREFIX).append("    ").append(depth == 0 ? "" : "caused by ").append(t);
                }
                synchronized (out) {
                    out.println(sb);
                    out.flush();
                }
            }

            @Override
            public void flush() {
                out.flush();
            }

            @Override
            public void close() {
                out.flush();
            }
        });
    }

    private static String message(LogRecord r) {
        String m = r.getMessage();
        Object[] params = r.getParameters();
        if (m == null) {
            return "";
        }
        if (params == null || params.length == 0) {
            return m;
        }
        try {
            return java.text.MessageFormat.format(m, params);
        } catch (IllegalArgumentException e) {
            return m;
        }
    }

    private static String shortName(String logger) {
        if (logger == null) {
            return "";
        }
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }
}
