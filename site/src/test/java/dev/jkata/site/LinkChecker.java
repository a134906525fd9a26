package dev.jkata.site;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks the links of a generated static site: every {@code href} and {@code src} in every HTML page that
 * points inside the site must name a file that exists there, and a {@code #fragment} on a link to a page
 * must name an {@code id} (or {@code name}) in that page. Links with a scheme (http, https, mailto, ...)
 * are collected but not followed: the build runs without a network.
 */
final class LinkChecker {
    private static final Pattern ATTRIBUTE =
            Pattern.compile("\\b(?:href|src)\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)')", Pattern.CASE_INSENSITIVE);
    private static final Pattern ANCHOR =
            Pattern.compile("\\b(?:id|name)\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)')", Pattern.CASE_INSENSITIVE);
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

    /** What a check found. */
    record Report(int pages, int internalLinks, List<String> broken, Set<String> external) {
        boolean ok() { return broken.isEmpty(); }
    }

    private final Path root;
    private final Map<Path, Set<String>> anchors = new HashMap<>();

    LinkChecker(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Report check() {
        List<Path> pages;
        try (Stream<Path> s = Files.walk(root)) {
            pages = s.filter(p -> p.getFileName().toString().endsWith(".html")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> broken = new ArrayList<>();
        Set<String> external = new TreeSet<>();
        int internal = 0;
        for (Path page : pages) {
            Matcher m = ATTRIBUTE.matcher(read(page));
            while (m.find()) {
                String link = (m.group(1) != null ? m.group(1) : m.group(2)).trim().replace("&amp;", "&");
                if (link.isEmpty() || link.startsWith("//") || SCHEME.matcher(link).find()) {
                    if (!link.isEmpty()) {
                        external.add(link);
                    }
                    continue;
                }
                internal++;
                String problem = problem(page, link);
                if (problem != null) {
                    broken.add(root.relativize(page) + ": " + link + " (" + problem + ")");
                }
            }
        }
        return new Report(pages.size(), internal, broken, external);
    }

    /** Why {@code link} in {@code page} is broken, or null when it is fine. */
    private String problem(Path page, String link) {
        int hash = link.indexOf('#');
        String fragment = hash >= 0 ? decode(link.substring(hash + 1)) : "";
        String path = hash >= 0 ? link.substring(0, hash) : link;
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        Path target;
        if (path.isEmpty()) {
            target = page;
        } else if (path.startsWith("/")) {
            return "absolute path: use a relative link so the site works wherever it is served";
        } else {
            target = page.getParent().resolve(decode(path)).normalize();
            if (!target.startsWith(root)) {
                return "points outside the site";
            }
            if (Files.isDirectory(target)) {
                target = target.resolve("index.html");
            }
            if (!Files.isRegularFile(target)) {
                return "no such file " + root.relativize(target);
            }
        }
        if (!fragment.isEmpty() && target.getFileName().toString().endsWith(".html")
                && !anchorsOf(target).contains(fragment)) {
            return "no id \"" + fragment + "\" in " + root.relativize(target);
        }
        return null;
    }

    private Set<String> anchorsOf(Path page) {
        return anchors.computeIfAbsent(page, p -> {
            Set<String> ids = new TreeSet<>();
            Matcher m = ANCHOR.matcher(read(p));
            while (m.find()) {
                ids.add(m.group(1) != null ? m.group(1) : m.group(2));
            }
            return ids;
        });
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
