/**
 * The host side of image building: finding host tools with a typed error that names the install command,
 * running them with a deadline and a bounded capture of their output, and copying and deleting file trees.
 * The lowest package of the guest-image toolchain (it depends on nothing else here), so the engine and the
 * command line use it too.
 */
package dev.jkata.guestimage.host;
