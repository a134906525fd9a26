/**
 * Sandboxes started ahead: for a spec that asks for a pool, {@link dev.jkata.core.pool.SandboxPool} keeps that
 * many running in the background so that the next start of an equal spec takes one instead of starting it. The
 * pool is generic over how a sandbox starts and how a pooled one is readied for its taker; the engine's providers
 * give it both.
 */
package dev.jkata.core.pool;
