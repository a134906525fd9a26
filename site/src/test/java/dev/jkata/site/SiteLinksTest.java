package dev.jkata.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The documentation as built by this module (maven-site-plugin renders it into target/site before the test
 * phase): every page is there and no internal link is broken. A broken link fails the build.
 */
class SiteLinksTest {
    /** The pages the menu promises; a renamed or lost page must be noticed here. */
    private static final List<String> PAGES = List.of("index.html", "getting-started.html", "concepts.html",
            "architecture.html", "api.html", "cli.html", "configuration.html", "troubleshooting.html",
            "guest-image.html", "status.html");
    /** External links are not checked (no network in the build); keep them few. */
    private static final int MAX_EXTERNAL_LINKS = 15;

    private static Path site() {
        return Path.of(System.getProperty("basedir", "."), "target", "site");
    }

    @Test
    void everyPageOfTheMenuIsGenerated() {
        for (String page : PAGES) {
            assertThat(site().resolve(page)).as("generated page %s", page).isRegularFile();
        }
    }

    @Test
    void noInternalLinkIsBroken() {
        assertThat(Files.isDirectory(site())).as("the site was rendered into %s", site()).isTrue();
        LinkChecker.Report r = new LinkChecker(site()).check();
        System.out.printf("site link check: %d pages, %d internal links, %d external (not followed)%n",
                r.pages(), r.internalLinks(), r.external().size());
        assertThat(r.pages()).isGreaterThanOrEqualTo(PAGES.size());
        assertThat(r.broken()).as("broken links in %s", site()).isEmpty();
    }

    @Test
    void externalLinksAreFew() {
        LinkChecker.Report r = new LinkChecker(site()).check();
        assertThat(r.external()).as("external links (not checkable offline)").hasSizeLessThanOrEqualTo(MAX_EXTERNAL_LINKS);
    }
}
