package io.dataflux.component.hdfs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.avro.generic.IndexedRecord;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LeaseRecoverable;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open files of one producer, one per partition directory, and the rules that roll them. Writes to one partition
 * are serialised by that partition's lock; different partitions are written in parallel. The timer rolls by age and
 * idle time under the same locks.
 */
final class RollingFileWriter {

    private static final Logger LOG = LoggerFactory.getLogger(RollingFileWriter.class);

    private final HdfsEndpoint endpoint;
    private final HdfsConfiguration config;
    private final FileSystem fs;
    private final FileNaming naming;
    private final InProgressFiles files;
    private final Path base;
    private final Set<String> openInProgress;
    private final ConcurrentMap<String, Partition> partitions = new ConcurrentHashMap<>();
    private final SyncedLengths synced;
    private final Heartbeats heartbeats;
    /** How whole Avro or Parquet files are written (fileFormat AVRO, PARQUET), else null. */
    private final RecordFiles recordFiles;
    private final FileRecovery recovery;
    private final FileCommitter committer;

    /**
     * What one write did: where the records went, the index (from 0) of its first record in that file, and the files
     * it committed.
     */
    record Written(Path finalPath, long bytes, long records, long firstRecordIndex, List<Committed> committed) {
    }

    /** A committed file. */
    record Committed(Path path, RollReason reason, long records, long bytes) {
    }

    private static final class Partition {
        final String key;
        final Path dir;
        final ReentrantLock lock = new ReentrantLock();
        OpenFile file;
        boolean retired;

        Partition(String key, Path dir) {
            this.key = key;
            this.dir = dir;
        }
    }

    RollingFileWriter(HdfsEndpoint endpoint, FileSystem fs, FileNaming naming, CompressionCodec codec, Expression fixedName,
                      RecordFiles recordFiles) {
        this.endpoint = endpoint;
        this.recordFiles = recordFiles;
        this.config = endpoint.getConfiguration();
        this.fs = fs;
        this.naming = naming;
        this.base = new Path(config.getPath());
        this.openInProgress = endpoint.getComponent().openInProgress();
        this.files = new InProgressFiles(config, fs, naming, codec, fixedName, openInProgress);
        this.synced = new SyncedLengths(fs);
        this.heartbeats = config.getHeartbeatInterval() > 0
                ? new Heartbeats(fs, base, naming.instanceId(), config.getHeartbeatExpiry()) : null;
        this.recovery = new FileRecovery(files, endpoint, fs, naming, codec, base, openInProgress, synced, heartbeats);
        this.committer = new FileCommitter(endpoint, files, openInProgress, synced, recovery, naming);
    }

    Written write(String relativeDir, Exchange exchange, Payload payload) throws IOException {
        while (true) {
            Partition partition = partitions.computeIfAbsent(relativeDir,
                    key -> new Partition(key, key.isEmpty() ? base : new Path(base, key)));
            partition.lock.lock();
            try {
                if (!partition.retired) {
                    return writeLocked(partition, exchange, payload);
                }
            } finally {
                partition.lock.unlock();
            }
        }
    }

    /**
     * Avro and Parquet: the records become one file of their own, written under its in-progress name, synced, closed
     * (its footer written) and renamed before this returns, so the exchange completes only once the file is whole. A
     * failure removes the in-progress file: none of its records was acknowledged, they are all written again.
     */
    Written writeWholeFile(String relativeDir, Exchange exchange, List<IndexedRecord> records) throws IOException {
        OpenFile file = files.open(relativeDir.isEmpty() ? base : new Path(base, relativeDir), exchange);
        Committed committed;
        try {
            long size = file.writeWhole(recordFiles, records, config.getSyncMode(), now());
            endpoint.getMetrics().written(records.size(), size);
            committed = committer.commit(file, RollReason.WHOLE_FILE);
            if (committed == null) {
                throw new IOException("hdfs: " + file.writtenPath() + " was removed by another instance's recovery before"
                        + " its commit (this writer was taken for dead)");
            }
        } catch (IOException | RuntimeException e) {
            endpoint.getMetrics().writeFailed();
            discard(file, e);
            throw e;
        }
        return new Written(committed.path(), committed.bytes(), records.size(), 0, List.of(committed));
    }

    /** A whole file that failed before its commit: removed, so that no recovery ever commits it. */
    private void discard(OpenFile file, Exception cause) {
        LOG.warn("hdfs: writing {} failed ({}); the file is removed, its {} records are written again", file.writtenPath(),
                cause.toString(), file.records());
        try {
            file.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("hdfs: closing {} after a failed write failed too", file.writtenPath(), e);
        }
        try {
            fs.delete(file.writtenPath(), false);
        } catch (IOException | RuntimeException e) {
            // left to recovery, which removes unfinished Avro and Parquet files too
            LOG.warn("hdfs: removing {} failed: {}", file.writtenPath(), e.toString());
        }
        openInProgress.remove(files.key(file.writtenPath()));
    }

    private Written writeLocked(Partition partition, Exchange exchange, Payload payload) throws IOException {
        List<Committed> committed = new ArrayList<>(1);
        // under steady traffic the writers roll an expired file themselves, so the timer is never needed to wait
        RollReason expired = partition.file == null ? null : expiry(partition.file, now());
        if (expired != null) {
            OpenFile old = partition.file;
            partition.file = null;
            Committed rolled = committer.tryCommit(old, expired);
            if (rolled != null) {
                committed.add(rolled);
            }
        }
        if (partition.file == null) {
            partition.file = files.open(partition.dir, exchange);
        }
        OpenFile file = partition.file;
        long firstRecordIndex = file.records();
        long added;
        try {
            added = file.write(payload, config.getSyncMode(), now());
            confirmDurable(file);
        } catch (IOException | RuntimeException e) {
            endpoint.getMetrics().writeFailed();
            partition.file = null;
            abort(file, e);
            throw e;
        }
        endpoint.getMetrics().written(payload.records(), added);
        RollReason reason = config.getRollSize() > 0 && file.size() >= config.getRollSize() ? RollReason.SIZE
                : config.getRollCount() > 0 && file.records() >= config.getRollCount() ? RollReason.COUNT : null;
        if (reason == null) {
            return new Written(file.finalPath(), added, payload.records(), firstRecordIndex, committed);
        }
        partition.file = null;
        // the records are synced and their length recorded: a commit that fails now is retried as a commit, the
        // exchange succeeds (writing the records again would leave a second copy)
        Committed rolled = committer.tryCommit(file, reason);
        if (rolled != null) {
            committed.add(rolled);
        }
        return new Written(rolled != null ? rolled.path() : file.finalPath(), added, payload.records(), firstRecordIndex,
                committed);
    }

    /**
     * After a sync, before the exchange may complete: records the synced length where it outlives this writer, and
     * checks that nobody can have taken the file over (recovery by another instance), so that what is acknowledged
     * is never cut off by a recovery.
     */
    private void confirmDurable(OpenFile file) throws IOException {
        if (file.isInPlace()) {
            return;
        }
        synced.record(file.writtenPath(), file.size());
        file.recorded();
        if (fs instanceof LeaseRecoverable leases && leases.isFileClosed(file.writtenPath())) {
            // closed under our feet: another instance recovered it (it took us for dead); it commits the file
            file.leaseLost();
            throw new IOException("hdfs: " + file.writtenPath() + " was recovered by another instance while open");
        }
        if (heartbeats != null && !heartbeats.isFresh()) {
            throw new IOException("hdfs: the heartbeat of " + heartbeats.instanceId() + " was not refreshed for half of "
                    + heartbeats.expiry() + " ms; another instance may take this writer for dead, so " + file.writtenPath()
                    + " is not acknowledged");
        }
    }

    private RollReason expiry(OpenFile file, long now) {
        if (config.getRollAge() > 0 && now - file.openedAt() >= config.getRollAge()) {
            return RollReason.AGE;
        }
        if (config.getRollIdle() > 0 && now - file.lastWriteAt() >= config.getRollIdle()) {
            return RollReason.IDLE;
        }
        return null;
    }

    /** The timer's check: rolls the files open too long or idle too long, and forgets partitions with no open file. */
    void rollExpired() {
        long now = now();
        for (Partition partition : partitions.values()) {
            partition.lock.lock();
            try {
                OpenFile file = partition.file;
                if (file == null) {
                    partition.retired = true;
                    partitions.remove(partition.key, partition);
                    continue;
                }
                RollReason reason = expiry(file, now);
                if (reason != null) {
                    partition.file = null;
                    committer.tryCommit(file, reason);
                }
            } finally {
                partition.lock.unlock();
            }
        }
        committer.retryCommits();
    }

    /** Refreshes this writer's heartbeat (the producer's timer). */
    void beat() {
        if (heartbeats == null) {
            return;
        }
        try {
            heartbeats.beat();
        } catch (IOException | RuntimeException e) {
            LOG.warn("hdfs: the heartbeat of {} could not be refreshed: {}", heartbeats.instanceId(), e.toString());
        }
    }

    /** Commits every open file and every file whose commit failed (on stop); returns the files committed. */
    List<Committed> closeAll(RollReason reason) {
        List<Committed> committed = new ArrayList<>();
        for (Partition partition : partitions.values()) {
            partition.lock.lock();
            try {
                if (partition.file != null) {
                    OpenFile file = partition.file;
                    partition.file = null;
                    Committed done = committer.tryCommit(file, reason);
                    if (done != null) {
                        committed.add(done);
                    }
                }
                partition.retired = true;
            } finally {
                partition.lock.unlock();
            }
        }
        partitions.clear();
        committed.addAll(committer.retryCommits());
        return committed;
    }

    /**
     * After a stop that could not commit everything: this writer gives up its files (still open, or whose commit
     * failed), so that recovery (this instance's next start, or another instance once the heartbeat expired) takes them.
     */
    void release() {
        committer.release();
        for (Partition partition : partitions.values()) {
            OpenFile file = partition.file;
            if (file != null) {
                openInProgress.remove(files.key(file.writtenPath()));
            }
        }
    }

    /** Files whose commit failed and is still to be retried (kept in progress, and open to this writer). */
    int pendingCommits() {
        return committer.pendingCommits();
    }


    /** Recovery of the in-progress files of dead writers: see {@link FileRecovery#recoverAbandoned()}. */
    List<FileRecovery.Recovered> recoverAbandoned() throws IOException {
        return recovery.recoverAbandoned();
    }

    /**
     * A failed write: what was synced (and recorded) before it is kept and committed, the rest cut off; a file another
     * instance took over is left to it.
     */
    private void abort(OpenFile file, Exception cause) {
        LOG.warn("hdfs: write to {} failed ({}); committing what was synced before", file.writtenPath(), cause.toString());
        try {
            file.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("hdfs: closing {} after a failed write failed too", file.writtenPath(), e);
        }
        if (file.isInPlace() || file.isLeaseLost()) {
            openInProgress.remove(files.key(file.writtenPath()));
            return;
        }
        committer.retryLater(file, RollReason.ERROR);
        committer.retryCommits();
    }

    static long now() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }
}
