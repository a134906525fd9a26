package dev.jkata.core.template;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;

/**
 * The hypervisor rejected a template's saved state (it is corrupt, or of another build): the one failure of a clone
 * that is the template's own, so the template is removed and built again. Any other failure of a clone (a timeout on a
 * loaded host, an interrupt, a killed hypervisor) leaves the template every sandbox clones from as it is.
 */
public final class TemplateRejectedException extends KataException {
    private static final long serialVersionUID = 1L;

    public TemplateRejectedException(String message, Throwable cause) {
        super(KataErrorReason.HYPERVISOR_FAILED, message, cause);
    }
}
