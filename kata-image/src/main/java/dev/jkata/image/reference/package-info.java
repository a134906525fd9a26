/** Image references ({@code registry/repository:tag@digest}), normalised as Docker does. */
package dev.jkata.image.reference;
