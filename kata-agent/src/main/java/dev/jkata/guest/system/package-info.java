/**
 * The guest operating system as the agent touches it outside containers: running a command and reading
 * its result ({@link dev.jkata.guest.system.Commands}), the host name, clock and disk sync
 * ({@link dev.jkata.guest.system.GuestOs}), facts read from sysfs ({@link dev.jkata.guest.system.GuestInfo})
 * and files the host copies in ({@link dev.jkata.guest.system.FileCopier}).
 */
package dev.jkata.guest.system;
