package dev.jkata.api;

/** A call that is not legal in the sandbox's current state; the message names both states. */
public class IllegalSandboxStateException extends KataException {
    private static final long serialVersionUID = 1L;

    private final SandboxState state;

    public IllegalSandboxStateException(String sandboxId, String operation, SandboxState state, SandboxState required) {
        super(KataErrorReason.ILLEGAL_STATE, operation + " needs the sandbox " + required + ", but it is " + state, sandboxId, null);
        this.state = state;
    }

    public SandboxState state() { return state; }
}
