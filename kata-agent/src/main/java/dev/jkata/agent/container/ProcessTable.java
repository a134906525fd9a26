package dev.jkata.agent.container;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.jkata.agent.errors.AgentException;
import dev.jkata.agent.oci.Json;
import dev.jkata.agent.system.Commands;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * ListProcesses: the container's processes as a JSON array of guest pids ({@code "json"}), or as the
 * guest's {@code ps} table ({@code "table"}, with the caller's ps arguments, {@code -ef} by default)
 * filtered to the container's pids by the PID column, header kept.
 */
public final class ProcessTable {
    private final String ps;

    /** Uses {@code ps} from the PATH (busybox's in the guest). */
    public ProcessTable() {
        this("ps");
    }

    public ProcessTable(String psCommand) {
        this.ps = psCommand;
    }

    /** Lists {@code pids} in {@code format}: "json" or "table". */
    public byte[] list(List<Long> pids, String format, List<String> psArgs) {
        switch (format) {
            case "json":
                ArrayNode a = JsonNodeFactory.instance.arrayNode(pids.size());
                pids.forEach(a::add);
                return Json.toBytes(a);
            case "table":
                return table(pids, psArgs).getBytes(StandardCharsets.UTF_8);
            default:
                throw AgentException.invalid("invalid ListProcesses format '" + format + "': use \"table\" or \"json\"");
        }
    }

    private String table(List<Long> pids, List<String> psArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ps);
        cmd.addAll(psArgs.isEmpty() ? List.of("-ef") : psArgs);
        String[] lines = Commands.run(cmd).split("\n");
        if (lines.length == 0 || lines[0].isBlank()) {
            throw AgentException.internal("ps printed nothing");
        }
        String[] header = lines[0].trim().split("\\s+");
        int pidColumn = -1;
        for (int i = 0; i < header.length; i++) {
            if (header[i].equals("PID")) {
                pidColumn = i;
                break;
            }
        }
        if (pidColumn < 0) {
            throw AgentException.internal("ps printed no PID column: " + lines[0]);
        }
        Set<Long> wanted = new HashSet<>(pids);
        StringBuilder out = new StringBuilder(lines[0]).append('\n');
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].trim().split("\\s+");
            if (fields.length <= pidColumn) {
                continue;
            }
            try {
                if (wanted.contains(Long.parseLong(fields[pidColumn]))) {
                    out.append(lines[i]).append('\n');
                }
            } catch (NumberFormatException ignored) {
                // not a process line
            }
        }
        return out.toString();
    }
}
