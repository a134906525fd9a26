/**
 * The per-user, content-addressed cache of built artefacts: kernels, Java runtimes and guest images, each
 * published atomically under a file lock so concurrent JVMs never see or leave a half-written entry.
 */
package dev.jkata.core.cache;
