/**
 * The features an agent advertises beyond Kata 1.x's behaviour, and their names on the wire: one vocabulary that
 * the guest agent announces and the host reads, so behaviour that differs between agents is asked, not guessed.
 */
package dev.jkata.agent.protocol.features;
