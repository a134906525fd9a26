package dev.jkata.cli.oci;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * Where kata-runtime reports, as runc does: {@code time="..." level=error msg="..."} on standard error, and the same
 * in the {@code --log} file, one JSON object per line with {@code --log-format json} (containerd's shim reads the
 * last error from there).
 */
final class RuntimeLog {
    private final PrintStream err;
    private final Optional<Path> file;
    private final boolean json;
    private final boolean debug;

    RuntimeLog(PrintStream err, Optional<Path> file, boolean json, boolean debug) {
        this.err = err;
        this.file = file;
        this.json = json;
        this.debug = debug;
    }

    void error(String message) {
        write("error", message, true);
    }

    void debug(String message) {
        if (debug) {
            write("debug", message, false);
        }
    }

    private void write(String level, String message, boolean toStderr) {
        String time = Instant.now().toString();
        String text = "time=\"" + time + "\" level=" + level + " msg=\"" + message.replace("\"", "\\\"") + "\"";
        if (toStderr) {
            err.println(text);
            err.flush();
        }
        if (file.isPresent()) {
            String line;
            if (json) {
                ObjectNode n = ContainerDir.JSON.createObjectNode().put("level", level).put("msg", message).put("time", time);
                line = n.toString();
            } else {
                line = text;
            }
            try {
                Files.writeString(file.get(), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            } catch (IOException e) {
                if (toStderr) {
                    err.println("time=\"" + time + "\" level=warning msg=\"cannot write the log " + file.get() + "\"");
                }
            }
        }
    }
}
