package dev.jkata.cli;

import dev.jkata.guestimage.cache.CacheDirectory;
import dev.jkata.guestimage.host.HostTools;
import dev.jkata.qemu.check.CheckItem;
import dev.jkata.qemu.check.HostCheck;
import dev.jkata.qemu.check.HostReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kata check}: can this host run sandboxes, and how (KVM or TCG)? */
@Command(name = "check", description = "Check that this host can run sandboxes: QEMU, accelerator, tools, kernel and images.",
        mixinStandardHelpOptions = true)
final class CheckCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Override
    public Integer call() {
        HostReport report = HostCheck.run().plus(imageItems());
        System.out.println(json ? report.toJson() : report.toText());
        return report.ok() ? 0 : 1;
    }

    static List<CheckItem> imageItems() {
        List<CheckItem> items = new ArrayList<>();
        for (HostTools t : List.of(HostTools.BUSYBOX, HostTools.CRUN, HostTools.MKFS_EXT4, HostTools.DEPMOD)) {
            items.add(t.find().map(p -> CheckItem.ok(t.binary(), p.toString()))
                    .orElseGet(() -> CheckItem.fail(t.binary(), "missing; install with: " + HostTools.installCommand(t.debianPackage()))));
        }
        Path cache = CacheDirectory.defaultLocation().root();
        items.add(cached(cache.resolve("kernels"), "guest kernel", "fetched on first use (apt-get download linux-image-amd64)"));
        items.add(cached(cache.resolve("images"), "guest images", "built on first use, or now with: bin/kata guest-image build"));
        return items;
    }

    private static CheckItem cached(Path dir, String what, String otherwise) {
        try (Stream<Path> s = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            List<Path> entries = s.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
            return entries.isEmpty() ? CheckItem.warn(what, "none cached yet; " + otherwise)
                    : CheckItem.ok(what, entries.size() + " cached in " + dir);
        } catch (java.io.IOException e) {
            return CheckItem.warn(what, "cannot read " + dir + ": " + e.getMessage());
        }
    }
}
