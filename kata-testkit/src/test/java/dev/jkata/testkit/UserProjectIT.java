package dev.jkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11: the extension in a user's own Maven project (kata-bom imported, kata-testkit declared before JUnit, as
 * a new user writes it) on an older and a newer JUnit 5 than jkata builds with. The project is built by Maven
 * itself, offline: jkata's artifacts come from this reactor's jars, everything else from this build's local
 * repository, both served as file repositories into a local repository of the test's own, so the user's local
 * repository is never written. Before the fix, the testkit's compile-scoped JUnit API won over the project's engine
 * and the run failed at start with NoClassDefFoundError: org/junit/platform/engine/OutputDirectoryCreator.
 */
class UserProjectIT {
    /** The modules a user's project reaches through kata-testkit, and the BOM and parent their poms name. */
    private static final List<String> JARS = List.of("kata-api", "kata-qemu", "kata-agent-protocol", "kata-agent-client",
            "kata-agent", "kata-guest-image", "kata-image", "kata-core", "kata-testkit");
    private static final long BUILD_MINUTES = 5;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "JUnit {0}")
    @ValueSource(strings = {"5.10.3", "5.11.4", "5.14.4"})
    void aUsersProjectRunsTheExtensionOnItsOwnJUnit(String junit) throws Exception {
        String version = System.getProperty("kata.test.version");
        Path hostRepo = Path.of(System.getProperty("kata.test.localRepository",
                System.getProperty("user.home") + "/.m2/repository"));
        assertThat(version).as("kata.test.version (set by the build)").isNotBlank();
        Path reactor = reactorRepository(Path.of("..").toAbsolutePath().normalize(), version);
        Path project = userProject(junit, version, reactor, hostRepo);

        Path log = dir.resolve("build.log");
        Process mvn = new ProcessBuilder("mvn", "-B", "-o", "-Daether.offline.protocols=file",
                "-Dmaven.repo.local=" + dir.resolve("m2"), "test")
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!mvn.waitFor(BUILD_MINUTES, TimeUnit.MINUTES)) {
            mvn.descendants().forEach(ProcessHandle::destroyForcibly);
            mvn.destroyForcibly().waitFor();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(mvn.exitValue()).as("the user's build on JUnit %s:%n%s", junit, tail(out)).isZero();
        assertThat(out).contains("Tests run: 2, Failures: 0, Errors: 0, Skipped: 0");
    }

    /** jkata's poms and jars, as Maven lays them out in a repository. */
    private Path reactorRepository(Path root, String version) throws IOException {
        Path repo = dir.resolve("reactor");
        put(repo, "jkata-parent", version, root.resolve("pom.xml"), null);
        put(repo, "kata-bom", version, root.resolve("kata-bom/pom.xml"), null);
        for (String m : JARS) {
            Path jar = root.resolve(m).resolve("target").resolve(m + "-" + version + ".jar");
            assertThat(jar).as("the reactor's %s jar (the IT runs after package)", m).exists();
            put(repo, m, version, root.resolve(m).resolve("pom.xml"), jar);
        }
        return repo;
    }

    private static void put(Path repo, String artifact, String version, Path pom, Path jar) throws IOException {
        Path d = Files.createDirectories(repo.resolve("dev/jkata").resolve(artifact).resolve(version));
        Files.copy(pom, d.resolve(artifact + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            Files.copy(jar, d.resolve(artifact + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private Path userProject(String junit, String version, Path reactor, Path hostRepo) throws IOException {
        Path p = dir.resolve("project");
        Path src = Files.createDirectories(p.resolve("src/test/java/demo"));
        Files.writeString(p.resolve("pom.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>demo</groupId><artifactId>demo</artifactId><version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <repositories>
                    <repository><id>jkata-reactor</id><url>%1$s</url></repository>
                    <repository><id>host</id><url>%2$s</url></repository>
                  </repositories>
                  <pluginRepositories><pluginRepository><id>host</id><url>%2$s</url></pluginRepository></pluginRepositories>
                  <dependencyManagement><dependencies>
                    <dependency><groupId>dev.jkata</groupId><artifactId>kata-bom</artifactId><version>%3$s</version>
                      <type>pom</type><scope>import</scope></dependency>
                  </dependencies></dependencyManagement>
                  <dependencies>
                    <dependency><groupId>dev.jkata</groupId><artifactId>kata-testkit</artifactId><scope>test</scope></dependency>
                    <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId>
                      <version>%4$s</version><scope>test</scope></dependency>
                  </dependencies>
                  <build><plugins>
                    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.14.0</version></plugin>
                    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId><version>3.5.3</version></plugin>
                  </plugins></build>
                </project>
                """.formatted(reactor.toUri(), hostRepo.toUri(), version, junit));
        Files.writeString(src.resolve("DemoTest.java"), """
                package demo;

                import dev.jkata.api.Sandbox;
                import dev.jkata.testkit.Fake;
                import dev.jkata.testkit.KataSandbox;
                import dev.jkata.testkit.KataTest;
                import org.junit.jupiter.api.Assertions;
                import org.junit.jupiter.api.Test;

                @KataTest
                class DemoTest {
                    @KataSandbox(fake = Fake.AGENT, env = "WHO=user")
                    Sandbox sandbox;

                    @Test
                    void runsACommand() throws Exception {
                        Assertions.assertEquals("hi user\\n", sandbox.run("sh", "-c", "echo hi $WHO").stdout());
                    }

                    @Test
                    void returnsItsExitCode() throws Exception {
                        Assertions.assertEquals(3, sandbox.run("sh", "-c", "exit 3").exitCode());
                    }
                }
                """);
        return p;
    }

    private static String tail(String s) {
        return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
    }
}
