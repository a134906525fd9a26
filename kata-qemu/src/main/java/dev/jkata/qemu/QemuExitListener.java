package dev.jkata.qemu;

/**
 * Told once when a VM's QEMU process has exited and been cleaned up, whether the exit was requested or not
 * ({@link QemuExit#unexpected()}). Called on a supervision thread; must not block for long.
 */
@FunctionalInterface
public interface QemuExitListener {
    void exited(QemuExit exit);
}
