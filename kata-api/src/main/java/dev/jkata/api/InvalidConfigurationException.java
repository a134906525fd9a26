package dev.jkata.api;

/** A spec or builder was given a value it cannot use. {@link #field()} names the offending field. */
public class InvalidConfigurationException extends KataException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public InvalidConfigurationException(String field, String problem) {
        this(field, problem, null);
    }

    /** The same, found by a lower layer that said so with {@code cause}. */
    public InvalidConfigurationException(String field, String problem, Throwable cause) {
        super(KataErrorReason.INVALID_CONFIGURATION, field + ": " + problem, cause);
        this.field = field;
    }

    public String field() { return field; }
}
