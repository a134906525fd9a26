/**
 * Progress of long host-side steps (kernel fetch, image build), reported to SLF4J by default or to a terminal
 * by the command line. Depends on nothing else in the guest-image toolchain.
 */
package dev.jkata.guestimage.progress;
