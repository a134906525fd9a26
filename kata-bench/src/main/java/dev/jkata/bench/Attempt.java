package dev.jkata.bench;

import java.util.Optional;

/** Something a benchmark needs (a floor VM, a sandbox) that was set up, or the reason it could not be. */
record Attempt<T>(T value, String reason) {

    interface Setup<T> {
        T get() throws Exception;
    }

    static <T> Attempt<T> of(Setup<T> setup) {
        try {
            return new Attempt<>(setup.get(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt<>(null, "interrupted");
        } catch (Exception e) {
            return new Attempt<>(null, reason(e));
        }
    }

    /** An exception's message on one line, at most 400 characters: the reason a row gives. */
    static String reason(Exception e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String one = String.join(" | ", msg.lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
        return one.length() <= 400 ? one : one.substring(0, 397) + "...";
    }

    static <T> Attempt<T> failed(String reason) {
        return new Attempt<>(null, reason);
    }

    Optional<T> get() { return Optional.ofNullable(value); }

    boolean ok() { return value != null; }
}
