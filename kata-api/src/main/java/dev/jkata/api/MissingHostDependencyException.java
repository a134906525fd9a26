package dev.jkata.api;

/** A tool or package the host needs is missing. {@link #fixCommand()} is the command that installs it. */
public class MissingHostDependencyException extends KataException {
    private static final long serialVersionUID = 1L;

    private final String what;
    private final String fixCommand;

    public MissingHostDependencyException(String what, String fixCommand) {
        this(what, fixCommand, null);
    }

    /** The same, found by a lower layer that said so with {@code cause}. */
    public MissingHostDependencyException(String what, String fixCommand, Throwable cause) {
        super(KataErrorReason.MISSING_HOST_DEPENDENCY, what + " is missing; install it with: " + fixCommand, cause);
        this.what = what;
        this.fixCommand = fixCommand;
    }

    /** The missing tool, file or package. */
    public String what() { return what; }

    /** The command that fixes it, e.g. {@code sudo apt-get install -y qemu-system-x86}. */
    public String fixCommand() { return fixCommand; }
}
