package dev.jkata.agent.client;

/** A guest path bind-mounted into the container (an OCI mount of type {@code bind}). */
public record BindMount(String guestSource, String containerDestination, boolean readOnly) {}
