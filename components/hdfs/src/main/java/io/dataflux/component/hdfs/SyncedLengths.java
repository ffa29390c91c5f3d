package io.dataflux.component.hdfs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.OptionalLong;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The length of an in-progress file that was last synced, recorded after each sync where it outlives the writer: an
 * extended attribute of the file ({@value #XATTR}) on HDFS, else (RawLocalFileSystem has no xattrs) a hidden sidecar
 * file beside it, {@code _<in-progress name>.synced}, replaced atomically (written aside, then renamed over). Every
 * write ends on a record boundary (a compressed write is one complete member), so recovery cuts a file back to this
 * length and no committed file holds a torn line.
 */
final class SyncedLengths {

    static final String XATTR = "user.dataflux.synced";
    static final String SIDECAR_SUFFIX = ".synced";

    private final FileSystem fs;
    private volatile boolean xattrs = true;

    SyncedLengths(FileSystem fs) {
        this.fs = fs;
    }

    void record(Path file, long length) throws IOException {
        byte[] value = ByteBuffer.allocate(Long.BYTES).putLong(length).array();
        if (xattrs) {
            try {
                fs.setXAttr(file, XATTR, value);
                return;
            } catch (UnsupportedOperationException e) {
                xattrs = false;
            }
        }
        Path sidecar = sidecar(file);
        Path aside = new Path(sidecar.getParent(), sidecar.getName() + ".tmp");
        try (FSDataOutputStream out = fs.create(aside, true)) {
            out.write(value);
        }
        if (!fs.rename(aside, sidecar)) {
            fs.delete(sidecar, false);
            if (!fs.rename(aside, sidecar)) {
                throw new IOException("hdfs: could not record the synced length of " + file + " in " + sidecar);
            }
        }
    }

    /** The recorded length, or empty when none was recorded (nothing was synced, or it was written before this). */
    OptionalLong read(Path file) throws IOException {
        if (xattrs) {
            try {
                Map<String, byte[]> attributes = fs.getXAttrs(file);
                byte[] value = attributes == null ? null : attributes.get(XATTR);
                if (value != null && value.length == Long.BYTES) {
                    return OptionalLong.of(ByteBuffer.wrap(value).getLong());
                }
            } catch (UnsupportedOperationException e) {
                xattrs = false;
            }
        }
        try (InputStream in = fs.open(sidecar(file))) {
            byte[] value = in.readNBytes(Long.BYTES + 1);
            return value.length == Long.BYTES ? OptionalLong.of(ByteBuffer.wrap(value).getLong()) : OptionalLong.empty();
        } catch (FileNotFoundException e) {
            return OptionalLong.empty();
        }
    }

    /** Removes the sidecar of a file that was committed or removed (the attribute goes with the file). */
    void clear(Path file) throws IOException {
        if (!xattrs) {
            fs.delete(sidecar(file), false);
        }
    }

    static Path sidecar(Path file) {
        return new Path(file.getParent(), "_" + file.getName() + SIDECAR_SUFFIX);
    }

    static boolean isSidecar(String name) {
        return name.startsWith("_") && (name.endsWith(SIDECAR_SUFFIX) || name.endsWith(SIDECAR_SUFFIX + ".tmp"));
    }

    /** The file a sidecar belongs to. */
    static Path fileOf(Path sidecar) {
        String name = sidecar.getName();
        String file = name.substring(1, name.lastIndexOf(SIDECAR_SUFFIX));
        return new Path(sidecar.getParent(), file);
    }
}
