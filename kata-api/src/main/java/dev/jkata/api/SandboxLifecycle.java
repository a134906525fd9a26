package dev.jkata.api;

import java.util.function.Supplier;

/**
 * The state of one sandbox, moved only along {@link SandboxState#next()}: the state machine every
 * {@link SandboxProvider}'s sandboxes share. Thread-safe; a call in the wrong state raises
 * {@link IllegalSandboxStateException} naming both states.
 */
public final class SandboxLifecycle {
    private final String sandboxId;
    private SandboxState state = SandboxState.CREATED;

    public SandboxLifecycle(String sandboxId) {
        this.sandboxId = sandboxId;
    }

    public synchronized SandboxState state() { return state; }

    /** Moves to {@code to}, or throws when that is not a legal transition from the current state. */
    public synchronized void moveTo(SandboxState to) {
        if (!state.canMoveTo(to)) {
            throw new IllegalSandboxStateException(sandboxId, "moving to " + to, state, to);
        }
        state = to;
    }

    /** Throws unless the sandbox is {@link SandboxState#RUNNING}. */
    public synchronized void requireRunning(String operation) {
        if (state != SandboxState.RUNNING) {
            throw new IllegalSandboxStateException(sandboxId, operation, state, SandboxState.RUNNING);
        }
    }

    /** Runs {@code action} while holding the state at RUNNING, so a close cannot start halfway through it. */
    public synchronized <T> T whileRunning(String operation, Supplier<T> action) {
        requireRunning(operation);
        return action.get();
    }

    /** Marks the sandbox failed (its VM died or its start failed); a later close still tears it down. */
    public synchronized void fail() {
        if (state != SandboxState.STOPPED && state != SandboxState.STOPPING) {
            state = SandboxState.FAILED;
        }
    }

    /**
     * Starts closing. Returns true for the one caller that must tear the sandbox down; false when it is
     * already stopping or stopped, which makes {@code close()} idempotent.
     */
    public synchronized boolean beginClose() {
        if (state == SandboxState.STOPPED || state == SandboxState.STOPPING) {
            return false;
        }
        state = SandboxState.STOPPING;
        return true;
    }

    /** Teardown finished. */
    public synchronized void closed() {
        state = SandboxState.STOPPED;
    }
}
