package dev.jkata.image.layer;

import dev.jkata.image.ImageException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * Where in a layer the unpacker is, and the {@link ImageException}s for what can go wrong there: each names the
 * image, the layer and the entry (or the header after the last good one) and says what to do.
 */
final class LayerFailures {
    private static final String ADVICE = "the layer is malformed or hostile; rebuild the image or do not run it";
    private static final String DISK_FULL = "No space left on device";

    private final String image;
    private final String layer;
    private final Path root;
    private String current;
    private String previous;

    LayerFailures(String image, String layer, Path root) {
        this.image = image;
        this.layer = layer;
        this.root = root;
    }

    /** Notes that the entry named {@code rawName} is being applied. */
    void entering(String rawName) {
        current = rawName;
    }

    /** Notes that the current entry is done. */
    void done() {
        if (current != null) {
            previous = current;
        }
        current = null;
    }

    /** The current entry's name quoted for a message, or {@code '?'} between entries. */
    String currentQuoted() {
        return EntryNames.quote(current == null ? "?" : current);
    }

    ImageException refusal(String reason) {
        return failure(ImageException.Kind.BAD_LAYER, reason + "; " + ADVICE, null);
    }

    ImageException tooManyLinks(FileSystemLoopException e) {
        return failure(ImageException.Kind.BAD_LAYER, "resolving it follows too many links (more than "
                + RootedPath.MAX_LINK_HOPS + ", or a loop); " + ADVICE, e);
    }

    /** Writing to the host failed. */
    ImageException hostFailure(IOException e) {
        if (anyCause(e, t -> contains(t.getMessage(), DISK_FULL)
                || t instanceof FileSystemException fse && contains(fse.getReason(), DISK_FULL))) {
            return failure(ImageException.Kind.STORE_FAILED, "the disk holding " + root
                    + " is full; free space or point the image store elsewhere", e);
        }
        return failure(ImageException.Kind.STORE_FAILED, "could not write it under " + root + " (" + e
                + "); check that the image store is writable and its disk healthy", e);
    }

    /** Reading or parsing the layer's stream failed. */
    ImageException readFailure(Throwable e) {
        if (anyCause(e, t -> t instanceof FileSystemException || t instanceof SocketException
                || t instanceof InterruptedIOException)) {
            return failure(ImageException.Kind.STORE_FAILED, "could not read the layer (" + e
                    + "); check the disk or connection it is read from and try again", e);
        }
        if (anyCause(e, t -> t instanceof EOFException || contains(t.getMessage(), "Truncated"))) {
            return failure(ImageException.Kind.BAD_LAYER, "the layer's tar stream is truncated; " + ADVICE, e);
        }
        return failure(ImageException.Kind.BAD_LAYER, "the layer is not a valid tar stream (" + e.getMessage()
                + "); " + ADVICE, e);
    }

    private ImageException failure(ImageException.Kind kind, String what, Throwable cause) {
        return new ImageException(kind, image, where() + ": " + what, cause);
    }

    private String where() {
        if (current != null) {
            return "layer " + layer + ", entry " + EntryNames.quote(current);
        }
        if (previous != null) {
            return "layer " + layer + ", the tar header after entry " + EntryNames.quote(previous);
        }
        return "layer " + layer + ", its first tar header";
    }

    private static boolean anyCause(Throwable e, Predicate<Throwable> predicate) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (predicate.test(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(String text, String part) {
        return text != null && text.contains(part);
    }
}
