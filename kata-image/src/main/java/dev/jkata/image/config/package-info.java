/** An image's config (environment, entrypoint, command, user, ports, labels) as a sandbox applies it. */
package dev.jkata.image.config;
