package dev.jkata.bench;

import dev.jkata.qemu.accel.AcceleratorProbe;
import dev.jkata.qemu.accel.AcceleratorVerdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the figures were measured on: CPU, cores, memory, host kernel, QEMU, JVM, and the accelerator verdict. */
final class MachineInfo {
    private MachineInfo() {}

    static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", field(read("/proc/cpuinfo"), "model name"));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        String memKb = field(read("/proc/meminfo"), "MemTotal").replace("kB", "").trim();
        m.put("memory", memKb.isEmpty() ? "unknown" : (Long.parseLong(memKb) >> 10) + " MiB");
        m.put("host", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("qemu", firstLine("qemu-system-x86_64", "--version"));
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        AcceleratorVerdict v = AcceleratorProbe.host().detect();
        m.put("accelerator", v.accelerator() + " (" + v.reason() + ")");
        return m;
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            return "";
        }
    }

    private static String field(String text, String key) {
        return text.lines().filter(l -> l.startsWith(key)).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
    }

    private static String firstLine(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).lines().findFirst().orElse("");
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "not found";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
