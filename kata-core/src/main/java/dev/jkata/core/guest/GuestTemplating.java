package dev.jkata.core.guest;

import java.nio.file.Path;

/**
 * A launcher's VM templates: a guest booted once for a configuration, its agent warmed, saved (RAM in a file, the
 * device state beside it), and cloned per sandbox. What a template is made of is the launcher's business; the
 * orchestration (when to build, where to keep it, what to do when one fails) is {@code dev.jkata.core.template}'s.
 */
public interface GuestTemplating {

    /** The cache the templates are kept in (beside the guest images they are made from). */
    dev.jkata.guestimage.cache.CacheDirectory cache();

    /**
     * What identifies the template {@code request}'s guest can be cloned from: text that changes with everything
     * the guest is made of (kernel, image, memory, CPUs, devices, accelerator, hypervisor version) and with nothing
     * that differs per sandbox (its id, run directory, the host paths of its shares).
     */
    String templateKey(GuestRequest request);

    /**
     * Boots a guest to become a template: its RAM written through to {@code ramFile}, its shares unmounted (a
     * mounted 9p share blocks the save). The caller warms its agent, then {@link Guest#saveTemplate saves} and stops it.
     */
    Guest launchTemplate(GuestRequest request, Path ramFile);

    /**
     * Starts {@code request}'s guest from a template: its RAM mapped copy-on-write from {@code ramFile}, its device
     * state loaded from {@code stateFile}, running when this returns; its agent waits for the host's session.
     *
     * @throws dev.jkata.api.KataException when the template cannot be restored; nothing of the clone is left
     */
    Guest launchClone(GuestRequest request, Path ramFile, Path stateFile);
}
