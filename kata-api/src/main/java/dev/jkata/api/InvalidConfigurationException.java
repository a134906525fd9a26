package dev.jkata.api;

/** A spec or builder was given a value it cannot use. {@link #field()} names the offending field. */
public class InvalidConfigurationException extends KataException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public InvalidConfigurationException(String field, String problem) {
        super(KataErrorReason.INVALID_CONFIGURATION, field + ": " + problem);
        this.field = field;
    }

    public String field() { return field; }
}
