/**
 * The sandbox: a QEMU VM with its agent, driven through an explicit state machine. Starting one builds or
 * finds the guest image, launches QEMU, waits for the agent, and creates the default container; closing
 * one removes every process, socket and directory it made, on every path.
 */
package dev.jkata.core.sandbox;
