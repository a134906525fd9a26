package dev.jkata.qemu.errors;

/** A config or device the launcher was given cannot work. {@link #field()} names the offending setting. */
public class InvalidQemuConfigException extends QemuException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;

    public InvalidQemuConfigException(String field, String problem) {
        this(field, problem, null);
    }

    public InvalidQemuConfigException(String field, String problem, Throwable cause) {
        super(field + ": " + problem, cause);
        this.field = field;
        this.problem = problem;
    }

    /** The setting at fault, e.g. {@code cpus}, {@code append}, {@code runDir}. */
    public String field() { return field; }

    /** What is wrong with it, without the field's name. */
    public String problem() { return problem; }
}
