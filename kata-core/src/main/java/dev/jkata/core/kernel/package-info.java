/**
 * The guest kernel: Debian's stock kernel fetched as a package into the cache (never installed on the host),
 * or a user-supplied kernel, with the module tree the guest init loads drivers from.
 */
package dev.jkata.core.kernel;
