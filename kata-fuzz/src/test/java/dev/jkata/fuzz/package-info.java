/**
 * Coverage-guided fuzzing of the host's decoders of guest-sent bytes: {@link dev.jkata.fuzz.JazzerRun} runs one
 * Jazzer target in a JVM of its own; {@link dev.jkata.fuzz.HostDecodersFuzzTest} runs each target briefly as a unit
 * test (scripts/fuzz.sh runs them long). The targets sit in the packages they fuzz, so they can reach what those
 * packages keep to themselves.
 */
package dev.jkata.fuzz;
