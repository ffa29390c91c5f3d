package io.dataflux.component.hdfs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LeaseRecoverable;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File recovery: commits the in-progress files that no live writer holds (a dead writer's, this instance's previous
 * run's, or a file whose own commit failed), cut back to the length their writer last synced, so that nothing an
 * exchange was acknowledged for is lost and nothing torn is kept.
 */
final class FileRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(FileRecovery.class);
    private static final byte[] PARQUET_MAGIC = {'P', 'A', 'R', '1'};
    private static final byte[] AVRO_MAGIC = {'O', 'b', 'j', 1};

    private final InProgressFiles inProgressFiles;
    private final HdfsEndpoint endpoint;
    private final HdfsConfiguration config;
    private final FileSystem fs;
    private final FileNaming naming;
    private final CompressionCodec codec;
    private final Path base;
    private final Set<String> openInProgress;
    private final SyncedLengths synced;
    private final Heartbeats heartbeats;

    FileRecovery(InProgressFiles files, HdfsEndpoint endpoint, FileSystem fs, FileNaming naming, CompressionCodec codec,
                 Path base, Set<String> openInProgress, SyncedLengths synced, Heartbeats heartbeats) {
        this.inProgressFiles = files;
        this.endpoint = endpoint;
        this.config = endpoint.getConfiguration();
        this.fs = fs;
        this.naming = naming;
        this.codec = codec;
        this.base = base;
        this.openInProgress = openInProgress;
        this.synced = synced;
        this.heartbeats = heartbeats;
    }

    /** A file recovered (path null: it was empty and removed, or another instance had committed it already). */
    record Recovered(Path path, String writer, long length, long truncated) {
    }

    /**
     * Recovery: the in-progress files of writers that are gone get their lease recovered, are cut back to the length
     * their writer last synced, and are committed (or removed when empty), whatever instance wrote them. A writer is
     * gone when its heartbeat expired; this instance's own files are recovered when it no longer has them open (a
     * previous run under the same id). Fixed names have no writer in them and are left alone.
     */
    List<Recovered> recoverAbandoned() throws IOException {
        List<Recovered> done = new ArrayList<>();
        if (!fs.exists(base)) {
            return done;
        }
        Map<String, Long> ages = heartbeats == null ? Map.of() : heartbeats.ages();
        long expiry = config.getHeartbeatExpiry();
        List<Path> candidates = new ArrayList<>();
        List<Path> sidecars = new ArrayList<>();
        Set<String> writersLeft = new HashSet<>();
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(base, true);
        while (files.hasNext()) {
            Path path = files.next().getPath();
            String name = path.getName();
            if (SyncedLengths.isSidecar(name)) {
                sidecars.add(path);
                continue;
            }
            String writer = naming.writerOf(name);
            if (writer == null || openInProgress.contains(inProgressFiles.key(path))) {
                continue;
            }
            Long age = ages.get(writer);
            boolean alive = !writer.equals(naming.instanceId()) && age != null && age < expiry;
            if (alive) {
                writersLeft.add(writer);
            } else {
                candidates.add(path);
            }
        }
        for (Path path : candidates) {
            String writer = naming.writerOf(path.getName());
            try {
                Recovered recovered = recoverFile(path, new Path(path.getParent(), naming.finalNameOf(path.getName())),
                        writer, RollReason.RECOVERED, -1);
                done.add(recovered);
            } catch (IOException | RuntimeException e) {
                writersLeft.add(writer);
                LOG.warn("hdfs: recovering {} (writer {}) failed: {}; tried again at the next recovery", path, writer,
                        e.toString());
            }
        }
        for (Path sidecar : sidecars) {
            Path file = SyncedLengths.fileOf(sidecar);
            if (!openInProgress.contains(inProgressFiles.key(file)) && !fs.exists(file)) {
                fs.delete(sidecar, false);
            }
        }
        for (Map.Entry<String, Long> heartbeat : ages.entrySet()) {
            String writer = heartbeat.getKey();
            if (heartbeat.getValue() >= expiry && !writersLeft.contains(writer) && !writer.equals(naming.instanceId())) {
                heartbeats.forget(writer);
            }
        }
        return done;
    }

    /**
     * Commits an in-progress file whose writer is gone (or whose own commit failed): lease recovered, cut back to the
     * synced length (or to its last complete record), renamed to a free final name. Idempotent: a file another
     * instance committed meanwhile is left alone.
     */
    Recovered recoverFile(Path path, Path wanted, String writer, RollReason reason, long records)
            throws IOException {
        if (!fs.exists(path)) {
            LOG.info("hdfs: {} is no longer in progress (committed by another instance)", path);
            return new Recovered(null, writer, 0, 0);
        }
        if (!recoverLease(path)) {
            throw new IOException("the lease of " + path + " was not recovered within " + config.getLeaseRecoveryTimeout()
                    + " ms");
        }
        long length = fs.getFileStatus(path).getLen();
        if (isUnfinishedWholeFile(path, length)) {
            fs.delete(path, false);
            synced.clear(path);
            endpoint.getMetrics().discarded();
            LOG.warn("hdfs: removed {} ({} bytes), an Avro or Parquet file {} left unfinished: such a file is complete only"
                    + " with its footer, and none of its records was acknowledged (they are written again)", path, length,
                    who(writer));
            return new Recovered(null, writer, 0, length);
        }
        long keep = completeLength(path, length);
        long truncated = length - keep;
        if (truncated > 0) {
            truncate(path, keep);
            endpoint.getMetrics().truncated(truncated);
            LOG.warn("hdfs: cut {} back from {} to {} bytes, the length its writer {} last synced ({} bytes of a torn"
                    + " write dropped; they were never acknowledged)", path, length, keep, writer, truncated);
        }
        if (keep == 0) {
            fs.delete(path, false);
            synced.clear(path);
            LOG.info("hdfs: removed the empty in-progress file {} left by {}", path, who(writer));
            return new Recovered(null, writer, 0, truncated);
        }
        Path target = inProgressFiles.rename(path, wanted, true);
        synced.clear(path);
        if (target == null) {
            return new Recovered(null, writer, keep, truncated);
        }
        if (reason == RollReason.RECOVERED) {
            endpoint.getMetrics().recovered(writer);
        }
        endpoint.getMetrics().rolled(reason);
        LOG.info("hdfs: recovered {} ({} bytes, {} bytes cut) left in progress by {}", target, keep, truncated, who(writer));
        new HdfsRollEvent(endpoint, reason, target.toUri().getPath(), records, keep, writer, truncated).publish();
        return new Recovered(target, writer, keep, truncated);
    }

    private String who(String writer) {
        return writer.equals(naming.instanceId()) ? "a previous run of " + writer : "the dead writer " + writer;
    }

    /**
     * An Avro or Parquet file (by its first bytes) that its writer never committed: such files record no synced length,
     * as a JSONL file does after each sync, so a recorded length means a JSONL file whatever it starts with.
     */
    private boolean isUnfinishedWholeFile(Path path, long length) throws IOException {
        if (length < 4 || synced.read(path).isPresent()) {
            return false;
        }
        byte[] magic = new byte[4];
        try (org.apache.hadoop.fs.FSDataInputStream in = fs.open(path)) {
            in.readFully(0, magic);
        }
        return java.util.Arrays.equals(magic, PARQUET_MAGIC) || java.util.Arrays.equals(magic, AVRO_MAGIC);
    }

    /** The length to keep: the recorded synced length, else (uncompressed) the end of the last complete record. */
    private long completeLength(Path path, long length) throws IOException {
        OptionalLong recorded = synced.read(path);
        if (recorded.isPresent()) {
            return Math.min(recorded.getAsLong(), length);
        }
        if (codec != null || config.getFormat() != WriteFormat.LINES) {
            // nothing recorded: nothing of it was acknowledged through a completed sync
            return 0;
        }
        return lastDelimiterEnd(path, length);
    }

    private long lastDelimiterEnd(Path path, long length) throws IOException {
        byte[] delimiter = config.getDelimiter().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (delimiter.length == 0 || length == 0) {
            return length;
        }
        byte last = delimiter[delimiter.length - 1];
        int chunk = 64 * 1024;
        try (org.apache.hadoop.fs.FSDataInputStream in = fs.open(path)) {
            long end = length;
            byte[] buffer = new byte[chunk];
            while (end > 0) {
                long from = Math.max(0, end - chunk);
                int n = (int) (end - from);
                in.readFully(from, buffer, 0, n);
                for (int i = n - 1; i >= 0; i--) {
                    if (buffer[i] == last) {
                        return from + i + 1;
                    }
                }
                end = from;
            }
        }
        return 0;
    }

    private void truncate(Path path, long length) throws IOException {
        if (!fs.truncate(path, length) && !recoverLease(path)) {
            // HDFS truncates in the middle of a block by a block recovery; the file is closed when it is done
            throw new IOException("hdfs: truncating " + path + " did not finish within " + config.getLeaseRecoveryTimeout()
                    + " ms");
        }
    }

    private boolean recoverLease(Path path) throws IOException {
        if (!(fs instanceof LeaseRecoverable leases)) {
            return true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.getLeaseRecoveryTimeout());
        if (leases.isFileClosed(path) || leases.recoverLease(path)) {
            return true;
        }
        while (System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (leases.isFileClosed(path)) {
                return true;
            }
        }
        return false;
    }
}
