package dev.jkata.qemu.errors;

/** A program the launcher runs is not installed. {@link #fixCommand()} installs it. */
public class MissingHostToolException extends QemuException {
    private static final long serialVersionUID = 1L;

    private final String tool;
    private final String fixCommand;

    public MissingHostToolException(String tool, String fixCommand) {
        super(tool + " is missing; install it with: " + fixCommand, null);
        this.tool = tool;
        this.fixCommand = fixCommand;
    }

    /** The missing program, e.g. {@value QemuBinary#NAME}. */
    public String tool() { return tool; }

    /** The command that installs it, e.g. {@value QemuBinary#INSTALL}. */
    public String fixCommand() { return fixCommand; }
}
