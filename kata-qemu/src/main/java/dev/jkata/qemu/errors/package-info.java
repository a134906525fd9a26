/**
 * What kata-qemu throws: the root {@link dev.jkata.qemu.errors.QemuException} and the kinds the launcher, the
 * configuration and the QMP client share. A leaf package, so every other package of the module may throw them
 * without a cycle; failures peculiar to one package (the accelerator's, QMP's, migration's) are subclasses kept
 * beside their code. kata-core maps every kind to the user API's exceptions once, in {@code QemuErrors}.
 */
package dev.jkata.qemu.errors;
