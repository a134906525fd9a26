/** The {@code kata} command line (picocli): run a command in a sandbox, check the host, build images. */
package dev.jkata.cli;
