/** Image manifests and indexes (OCI and Docker v2 schema 2): their media types, descriptors and platforms. */
package dev.jkata.image.manifest;
