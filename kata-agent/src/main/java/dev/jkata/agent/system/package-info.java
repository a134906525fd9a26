/**
 * The guest operating system as the agent touches it outside containers: running a command and reading
 * its result ({@link dev.jkata.agent.system.Commands}), the host name, clock and disk sync
 * ({@link dev.jkata.agent.system.GuestOs}), facts read from sysfs ({@link dev.jkata.agent.system.GuestInfo})
 * and files the host copies in ({@link dev.jkata.agent.system.FileCopier}).
 */
package dev.jkata.agent.system;
