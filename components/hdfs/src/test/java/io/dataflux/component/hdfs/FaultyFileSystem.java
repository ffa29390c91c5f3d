package io.dataflux.component.hdfs;

import java.io.IOException;
import java.io.OutputStream;
import java.util.EnumSet;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.LeaseRecoverable;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.Syncable;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.util.Progressable;

/**
 * The real file system (a MiniDFSCluster's, or the local disk) with one armed fault at a step of the commit protocol,
 * thrown once: registered as {@code hadoop.fs.hdfs.impl} (HDFS) or {@code hadoop.fs.file.impl} (LOCAL).
 */
public class FaultyFileSystem extends FilterFileSystem implements LeaseRecoverable {

    /** Where the fault strikes. */
    enum Step {
        /** the sync of a write fails: the records were written, not synced */
        BEFORE_HSYNC,
        /** the records are synced, the rename is refused (nothing renamed) */
        AFTER_HSYNC_BEFORE_RENAME,
        /** the NameNode renames, the reply is lost */
        DURING_RENAME,
        /** the stream's close fails (after the last sync) */
        DURING_CLOSE
    }

    private static volatile Step armed;
    private static volatile boolean fired;

    static void arm(Step step) {
        fired = false;
        armed = step;
    }

    static boolean fired() {
        return fired;
    }

    private static boolean strike(Step step) {
        if (armed == step) {
            armed = null;
            fired = true;
            return true;
        }
        return false;
    }

    public FaultyFileSystem() {
        super(new DistributedFileSystem());
    }

    FaultyFileSystem(FileSystem inner) {
        super(inner);
    }

    /** The LOCAL variant. */
    public static class Local extends FaultyFileSystem {
        public Local() {
            super(new RawLocalFileSystem());
        }
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize, short replication,
            long blockSize, Progressable progress) throws IOException {
        FSDataOutputStream out = fs.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
        return new FSDataOutputStream(new Faulty(out), null);
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        if (src.getName().endsWith(".opened") && strike(Step.AFTER_HSYNC_BEFORE_RENAME)) {
            throw new IOException("injected: rename refused");
        }
        boolean renamed = fs.rename(src, dst);
        if (renamed && src.getName().endsWith(".opened") && strike(Step.DURING_RENAME)) {
            throw new IOException("injected: the rename's reply was lost");
        }
        return renamed;
    }

    @Override
    public boolean recoverLease(Path file) throws IOException {
        return fs instanceof LeaseRecoverable leases ? leases.recoverLease(file) : true;
    }

    @Override
    public boolean isFileClosed(Path file) throws IOException {
        // the local disk has no leases: a file is never taken from its writer, and recovering it is immediate
        return fs instanceof LeaseRecoverable leases && leases.isFileClosed(file);
    }

    private static final class Faulty extends OutputStream implements Syncable {
        private final FSDataOutputStream out;

        Faulty(FSDataOutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void hflush() throws IOException {
            out.hflush();
        }

        @Override
        public void hsync() throws IOException {
            if (strike(Step.BEFORE_HSYNC)) {
                out.hflush(); // the bytes reach the file (as a kill after a write would leave them), unsynced
                throw new IOException("injected: hsync failed");
            }
            out.hsync();
        }

        @Override
        public void close() throws IOException {
            if (strike(Step.DURING_CLOSE)) {
                out.hsync();
                throw new IOException("injected: close failed");
            }
            out.close();
        }
    }

    static EnumSet<Step> all() {
        return EnumSet.allOf(Step.class);
    }
}
