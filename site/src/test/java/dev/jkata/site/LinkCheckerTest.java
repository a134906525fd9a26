package dev.jkata.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The link checker on small made-up sites: it must catch each kind of broken link and pass good ones. */
class LinkCheckerTest {
    @TempDir
    Path site;

    private void page(String name, String body) throws IOException {
        Path p = site.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "<html><body>" + body + "</body></html>");
    }

    @Test
    void goodLinksPass() throws IOException {
        page("index.html", "<a href=\"a.html\">a</a> <a href=\"a.html#Part_two\">two</a> <a href=\"#top\">top</a>"
                + " <img src=\"img/x.png\"/> <a href='sub/'>sub</a> <a id=\"top\"></a>"
                + " <a href=\"https://example.org/\">out</a> <a href=\"mailto:x@example.org\">mail</a>");
        page("a.html", "<section><a id=\"Part_two\"></a><a href=\"index.html?x=1\">back</a></section>");
        page("sub/index.html", "<a href=\"../index.html\">up</a>");
        Files.createDirectories(site.resolve("img"));
        Files.write(site.resolve("img/x.png"), new byte[] {1});

        LinkChecker.Report r = new LinkChecker(site).check();

        assertThat(r.broken()).isEmpty();
        assertThat(r.pages()).isEqualTo(3);
        assertThat(r.external()).containsExactly("https://example.org/", "mailto:x@example.org");
    }

    @Test
    void eachKindOfBrokenLinkIsReported() throws IOException {
        page("index.html", "<a href=\"missing.html\">1</a> <a href=\"a.html#Nope\">2</a> <a href=\"#gone\">3</a>"
                + " <img src=\"img/none.png\"/> <a href=\"../../etc/passwd\">4</a> <a href=\"/abs.html\">5</a>");
        page("a.html", "<a id=\"Yes\"></a>");

        LinkChecker.Report r = new LinkChecker(site).check();

        assertThat(r.ok()).isFalse();
        assertThat(r.broken()).hasSize(6);
        assertThat(String.join("\n", r.broken()))
                .contains("missing.html (no such file")
                .contains("a.html#Nope (no id \"Nope\"")
                .contains("#gone (no id")
                .contains("img/none.png (no such file")
                .contains("../../etc/passwd (points outside the site)")
                .contains("/abs.html (absolute path");
    }
}
