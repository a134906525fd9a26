/**
 * A client for the QEMU Machine Protocol over a UNIX socket ({@link dev.jkata.qemu.qmp.QmpClient}), using only the
 * JDK's UNIX-domain {@code SocketChannel}.
 *
 * <p>QEMU is treated as untrusted input: every call has a deadline, a line longer than
 * {@link dev.jkata.qemu.qmp.QmpClient#MAX_LINE_BYTES} or malformed JSON closes the connection with a
 * {@link dev.jkata.qemu.qmp.QmpException}, and calls still waiting fail at once when the connection closes.
 * One reader thread per connection parses replies and hands events to listeners.
 */
package dev.jkata.qemu.qmp;
