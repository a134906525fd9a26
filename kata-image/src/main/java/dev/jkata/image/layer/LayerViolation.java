package dev.jkata.image.layer;

/** An entry breaks a rule this package enforces; the message says which, in words fit for the user. */
final class LayerViolation extends Exception {
    private static final long serialVersionUID = 1L;

    LayerViolation(String reason) {
        super(reason, null, false, false);
    }
}
