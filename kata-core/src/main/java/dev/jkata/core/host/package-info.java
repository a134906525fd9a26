/**
 * The host side of image building: finding host tools with a typed error that names the install command,
 * and running them with a deadline and a bounded capture of their output.
 */
package dev.jkata.core.host;
