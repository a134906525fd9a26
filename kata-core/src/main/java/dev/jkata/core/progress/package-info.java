/** Progress of long host-side steps, reported to SLF4J by default or to a terminal by the command line. */
package dev.jkata.core.progress;
