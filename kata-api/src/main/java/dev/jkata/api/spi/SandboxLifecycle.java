package dev.jkata.api.spi;

import dev.jkata.api.IllegalSandboxStateException;
import dev.jkata.api.SandboxState;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The state of one sandbox, moved only along {@link SandboxState#next()}: the state machine every
 * {@link SandboxProvider}'s sandboxes share. Thread-safe; a call in the wrong state raises
 * {@link IllegalSandboxStateException} naming both states.
 */
public final class SandboxLifecycle {
    private final String sandboxId;
    /**
     * How long a close waits for operations already under way (an exec being started) before it tears down anyway;
     * each of them is bounded by its own deadline, and the VM's end ends what it started.
     */
    public static final Duration OPERATIONS_ON_CLOSE = Duration.ofSeconds(10);

    private SandboxState state = SandboxState.CREATED;
    private int inFlight;

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

    /**
     * Runs {@code action} as an operation of a running sandbox: it starts only in RUNNING, and a close that begins
     * meanwhile waits for it (up to {@link #OPERATIONS_ON_CLOSE}) before tearing down, so a process the action
     * starts is seen by the close. Operations run concurrently with each other; the state lock is not held while
     * {@code action} runs.
     */
    public <T> T whileRunning(String operation, Supplier<T> action) {
        synchronized (this) {
            requireRunning(operation);
            inFlight++;
        }
        try {
            return action.get();
        } finally {
            synchronized (this) {
                inFlight--;
                notifyAll();
            }
        }
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
    public boolean beginClose() {
        synchronized (this) {
            if (state == SandboxState.STOPPED || state == SandboxState.STOPPING) {
                return false;
            }
            state = SandboxState.STOPPING;
        }
        awaitOperations(OPERATIONS_ON_CLOSE);
        return true;
    }

    /** How many {@link #whileRunning} operations are running now. */
    public synchronized int operationsInFlight() {
        return inFlight;
    }

    /** Waits until no {@link #whileRunning} operation runs, for at most {@code max}; true when none does. */
    private synchronized boolean awaitOperations(Duration max) {
        long end = System.nanoTime() + max.toNanos();
        boolean interrupted = false;
        try {
            while (inFlight > 0) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    interrupted = true; // closing goes on; the flag is kept for the caller
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Teardown finished. */
    public synchronized void closed() {
        state = SandboxState.STOPPED;
    }
}
