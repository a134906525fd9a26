/**
 * The OCI distribution API's pull side: HTTPS (plain HTTP for loopback and insecure-marked registries), Bearer
 * tokens and Basic authentication with Docker's credentials, bounded and digest-checked streaming with retries
 * and Range resume.
 */
package dev.jkata.image.registry;
