/**
 * The public API of jkata: sandboxes (micro-VMs), containers and processes as plain Java objects, the
 * value types they are built from ({@link dev.jkata.api.MemorySize}) and the unchecked exception family
 * rooted at {@link dev.jkata.api.KataException}. Depends on nothing but the JDK.
 */
package dev.jkata.api;
