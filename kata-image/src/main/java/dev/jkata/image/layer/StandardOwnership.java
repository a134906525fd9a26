package dev.jkata.image.layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** The built-in {@link Ownership} strategies. */
enum StandardOwnership implements Ownership {
    NATIVE {
        @Override
        public void apply(Path path, FileType type, long uid, long gid, int mode) throws IOException {
            Files.setAttribute(path, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
            if (type != FileType.SYMLINK) {
                setMode(path, mode & 07777);
            }
        }
    },
    MAPPED_XATTR {
        @Override
        public void apply(Path path, FileType type, long uid, long gid, int mode) throws IOException {
            int kind = switch (type) {
                case REGULAR -> MappedXattr.S_IFREG;
                case DIRECTORY -> MappedXattr.S_IFDIR;
                case SYMLINK -> MappedXattr.S_IFLNK;
            };
            MappedXattr.write(path, uid, gid, kind | (type == FileType.SYMLINK ? 0777 : mode & 07777));
            setMode(path, type == FileType.DIRECTORY ? 0700 : 0600);
        }

        @Override
        public boolean linksAsFiles() {
            return true;
        }
    },
    KEEP_CALLER {
        @Override
        public void apply(Path path, FileType type, long uid, long gid, int mode) throws IOException {
            if (type == FileType.SYMLINK) {
                return;
            }
            int kept = mode & 01777;
            setMode(path, type == FileType.DIRECTORY ? kept | 0700 : kept);
        }
    };

    static void setMode(Path path, int mode) throws IOException {
        Files.setAttribute(path, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
    }
}
