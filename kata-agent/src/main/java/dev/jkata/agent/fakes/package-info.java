/**
 * Test doubles of the agent's seams: a container runtime that runs processes on the host, a mounter that
 * mounts nothing, a guest OS that changes nothing. They let the agent's real services run outside a VM: in
 * the agent's own tests, and in kata-testkit's fake hypervisor, which serves the real agent in the test's JVM.
 * Never part of the guest image: the guest jar leaves this package out.
 */
package dev.jkata.agent.fakes;
