/**
 * VM templates: per configuration, a guest booted once, its agent warmed, and saved to the cache (RAM in a file,
 * the device state beside it); every later sandbox of that configuration is a clone that maps the RAM
 * copy-on-write and resumes where the template stopped. {@link dev.jkata.core.template.Templates} decides when to
 * build, clone or fall back to a cold boot; {@link dev.jkata.core.template.Template} is one stored template, checked
 * before it is trusted. The hypervisor side is {@link dev.jkata.core.guest.GuestTemplating}.
 */
package dev.jkata.core.template;
