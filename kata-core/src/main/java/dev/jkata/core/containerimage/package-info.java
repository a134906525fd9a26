/**
 * Container images for sandboxes: the JVM's image store and registry settings, and a pull's progress as log
 * lines. (The guest image that boots the VM is {@code dev.jkata.guestimage}'s.)
 */
package dev.jkata.core.containerimage;
