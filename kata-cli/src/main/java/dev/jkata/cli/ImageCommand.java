package dev.jkata.cli;

import dev.jkata.api.PullPolicy;
import dev.jkata.core.containerimage.ContainerImages;
import dev.jkata.image.store.LocalImage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kata image pull | ls | rm | prune}: the container image store (what runs in a sandbox; the guest image that
 * boots the VM is {@code kata guest-image}'s).
 */
@Command(name = "image", description = "Container images: pull, list, remove, prune (the store is ~/.cache/jkata/container-images).",
        subcommands = {ImageCommand.Pull.class, ImageCommand.Ls.class, ImageCommand.Rm.class, ImageCommand.Prune.class},
        mixinStandardHelpOptions = true)
final class ImageCommand {

    @Command(name = "pull", description = "Pull an image from its registry into the store (even if it is there: the tag may have moved).",
            mixinStandardHelpOptions = true)
    static final class Pull implements Callable<Integer> {
        @Parameters(paramLabel = "IMAGE", description = "e.g. alpine:3.20, 127.0.0.1:5000/team/app:1, name@sha256:...")
        String reference;

        @Override
        public Integer call() {
            LocalImage img = ContainerImages.pull(reference, PullPolicy.ALWAYS,
                    new TerminalPullProgress(System.err, System.console() != null));
            System.out.println(img.manifestDigest());
            return 0;
        }
    }

    @Command(name = "ls", description = "List the images in the store, most recently used first.", mixinStandardHelpOptions = true)
    static final class Ls implements Callable<Integer> {
        @Override
        public Integer call() {
            List<LocalImage> all = ContainerImages.store().list();
            System.out.printf("%-12s  %9s  %-12s  %s%n", "ID", "SIZE", "LAST USED", "REFERENCES");
            for (LocalImage i : all) {
                System.out.printf("%-12s  %8.1fM  %-12s  %s%n", i.shortId(), i.unpackedBytes() / 1048576.0,
                        ago(i.lastUsed()), i.references().isEmpty() ? "<none>" : String.join(", ", i.references()));
            }
            return 0;
        }
    }

    @Command(name = "rm", description = "Remove images by reference or ID (refused while a sandbox uses one).",
            mixinStandardHelpOptions = true)
    static final class Rm implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "IMAGE")
        List<String> images;

        @Override
        public Integer call() {
            for (String ref : images) {
                List<LocalImage> gone = ContainerImages.store().remove(ref);
                System.out.println(gone.isEmpty() ? "untagged " + ref : "removed " + gone.get(0).manifestDigest());
            }
            return 0;
        }
    }

    @Command(name = "prune", description = "Remove images not used for a while, then the least recently used beyond a size.",
            mixinStandardHelpOptions = true)
    static final class Prune implements Callable<Integer> {
        @Option(names = "--unused-for", defaultValue = "P30D", description = "ISO-8601 duration (default ${DEFAULT-VALUE}; PT0S: all).")
        Duration unusedFor;

        @Option(names = "--max-size", defaultValue = "20G", description = "Keep the store's roots under this (default ${DEFAULT-VALUE}).")
        String maxSize;

        @Override
        public Integer call() {
            long max = dev.jkata.api.MemorySize.parse(maxSize).toBytes();
            List<LocalImage> gone = ContainerImages.store().prune(unusedFor, max);
            gone.forEach(i -> System.out.println("removed " + i.shortId() + " " + i.references()));
            System.out.printf("%d images removed, %.1f MiB freed%n", gone.size(),
                    gone.stream().mapToLong(LocalImage::unpackedBytes).sum() / 1048576.0);
            return 0;
        }
    }

    static String ago(Instant t) {
        Duration d = Duration.between(t, Instant.now());
        if (d.toMinutes() < 1) {
            return "just now";
        }
        if (d.toHours() < 1) {
            return d.toMinutes() + " min ago";
        }
        if (d.toDays() < 1) {
            return d.toHours() + " h ago";
        }
        return d.toDays() + " days ago";
    }
}
