package dev.jkata.cli;

import dev.jkata.api.MemorySize;
import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxBuilder;
import dev.jkata.guestimage.cache.CacheDirectory;
import dev.jkata.core.template.Template;
import dev.jkata.core.template.Templates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kata template build | ls | rm}: the VM templates sandboxes are cloned from (in ~/.cache/jkata/templates). */
@Command(name = "template", description = "VM templates: build one ahead, list them, remove them (~/.cache/jkata/templates).",
        subcommands = {TemplateCommand.Build.class, TemplateCommand.Ls.class, TemplateCommand.Rm.class},
        mixinStandardHelpOptions = true)
final class TemplateCommand {

    @Command(name = "build", description = "Build the template of a configuration now (the first sandbox of it would"
            + " otherwise), by starting and closing one sandbox.", mixinStandardHelpOptions = true)
    static final class Build implements Callable<Integer> {
        @Option(names = "--memory", defaultValue = "512M", description = "Guest memory (default ${DEFAULT-VALUE}).")
        String memory;

        @Option(names = "--cpus", defaultValue = "1", description = "vCPUs (default ${DEFAULT-VALUE}).")
        int cpus;

        @Option(names = "--nvdimm", description = "The nvdimm guest image form.")
        boolean nvdimm;

        @Option(names = "--network", defaultValue = "none", paramLabel = "MODE", description = "none or nat (default ${DEFAULT-VALUE}).")
        String network;

        @Option(names = "--accel", defaultValue = "auto", description = "auto, kvm or tcg (default ${DEFAULT-VALUE}).")
        String accelerator;

        @Override
        public Integer call() {
            SandboxBuilder b = Sandbox.builder().memory(MemorySize.parse(memory)).cpus(cpus).accelerator(accelerator)
                    .network(dev.jkata.api.Network.of(network)).template(true);
            if (nvdimm) {
                b.nvdimm();
            }
            long t0 = System.nanoTime();
            try (Sandbox sb = b.start()) {
                System.out.printf("template ready: a sandbox of it started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            }
            return 0;
        }
    }

    @Command(name = "ls", description = "List the templates, newest first.", mixinStandardHelpOptions = true)
    static final class Ls implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            System.out.printf("%-32s  %7s  %9s  %-12s  %s%n", "TEMPLATE", "MEMORY", "STATE", "BUILT", "GUEST");
            for (Template t : all()) {
                System.out.printf("%-32s  %6dM  %8dK  %-12s  %s%n", t.digest(), t.ramBytes() >> 20, t.stateBytes() / 1024,
                        ImageCommand.ago(t.created()), guest(t.describe()));
            }
            return 0;
        }

        /** The kernel and image file names from a template's key text. */
        private static String guest(String keyText) {
            List<String> files = new ArrayList<>();
            for (String line : keyText.split("\n")) {
                if (line.startsWith("/") && line.split(" ").length == 3) {
                    files.add(Path.of(line.split(" ")[0]).getFileName().toString());
                }
            }
            return files.size() > 1 ? String.join(", ", files.subList(1, files.size())) : "";
        }
    }

    @Command(name = "rm", description = "Remove templates by name (or a unique prefix), or all; running sandboxes keep theirs.",
            mixinStandardHelpOptions = true)
    static final class Rm implements Callable<Integer> {
        @Parameters(arity = "0..*", paramLabel = "TEMPLATE")
        List<String> names = List.of();

        @Option(names = "--all", description = "Remove every template.")
        boolean all;

        @Override
        public Integer call() throws IOException {
            if (all == !names.isEmpty()) {
                System.err.println("name templates to remove, or --all");
                return 2;
            }
            int status = 0;
            List<Template> templates = all();
            for (Template t : templates) {
                if (all) {
                    t.delete();
                    System.out.println("removed " + t.digest());
                }
            }
            for (String n : names) {
                List<Template> match = templates.stream().filter(t -> t.digest().startsWith(n)).toList();
                if (match.size() != 1) {
                    System.err.println(match.isEmpty() ? "no template " + n : n + " names " + match.size() + " templates; give more of it");
                    status = 1;
                    continue;
                }
                match.get(0).delete();
                System.out.println("removed " + match.get(0).digest());
            }
            return status;
        }
    }

    /** Every whole template in the cache, newest first (damaged ones are removed on the way, as a start would). */
    static List<Template> all() throws IOException {
        Path dir = CacheDirectory.defaultLocation().root().resolve(Templates.KIND);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Template> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.getFileName().toString().startsWith(".") && Files.isDirectory(p)) {
                    Template.open(p, -1).ifPresent(out::add);
                }
            }
        }
        out.sort(Comparator.comparing(Template::created).reversed());
        return out;
    }
}
