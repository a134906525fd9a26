package dev.jkata.qemu.qmp;

/**
 * Receives QMP events. Called on the connection's reader thread, one event at a time and in order; it must not
 * block (hand work to another thread), because replies are read on that same thread. An exception it throws is
 * logged and does not stop delivery.
 */
@FunctionalInterface
public interface QmpEventListener {
    void onEvent(QmpEvent event);
}
