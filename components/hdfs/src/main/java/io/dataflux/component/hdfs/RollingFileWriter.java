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
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.ManagementStrategy;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
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
    private static final int MAX_NAME_ATTEMPTS = 1000;

    private final HdfsEndpoint endpoint;
    private final HdfsConfiguration config;
    private final FileSystem fs;
    private final FileNaming naming;
    private final CompressionCodec codec;
    private final Expression fixedName;
    private final Path base;
    private final Set<String> openInProgress;
    private final ConcurrentMap<String, Partition> partitions = new ConcurrentHashMap<>();
    private final List<PendingCommit> pending = new ArrayList<>();
    private volatile boolean released;
    private final SyncedLengths synced;
    private final Heartbeats heartbeats;
    /** How whole Avro or Parquet files are written (fileFormat AVRO, PARQUET), else null. */
    private final RecordFiles recordFiles;
    private final FileRecovery recovery;

    /** A file whose commit failed: its records are synced and its length recorded, only the commit is retried. */
    private record PendingCommit(OpenFile file, RollReason reason) {
    }

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
        this.codec = codec;
        this.fixedName = fixedName;
        this.base = new Path(config.getPath());
        this.openInProgress = endpoint.getComponent().openInProgress();
        this.synced = new SyncedLengths(fs);
        this.heartbeats = config.getHeartbeatInterval() > 0
                ? new Heartbeats(fs, base, naming.instanceId(), config.getHeartbeatExpiry()) : null;
        this.recovery = new FileRecovery(this, endpoint, fs, naming, codec, base, openInProgress, synced, heartbeats);
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
        OpenFile file = open(relativeDir.isEmpty() ? base : new Path(base, relativeDir), exchange);
        Committed committed;
        try {
            long size = file.writeWhole(recordFiles, records, config.getSyncMode(), now());
            endpoint.getMetrics().written(records.size(), size);
            committed = commit(file, RollReason.WHOLE_FILE);
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
        openInProgress.remove(key(file.writtenPath()));
    }

    private Written writeLocked(Partition partition, Exchange exchange, Payload payload) throws IOException {
        List<Committed> committed = new ArrayList<>(1);
        // under steady traffic the writers roll an expired file themselves, so the timer is never needed to wait
        RollReason expired = partition.file == null ? null : expiry(partition.file, now());
        if (expired != null) {
            OpenFile old = partition.file;
            partition.file = null;
            Committed rolled = tryCommit(old, expired);
            if (rolled != null) {
                committed.add(rolled);
            }
        }
        if (partition.file == null) {
            partition.file = open(partition.dir, exchange);
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
        Committed rolled = tryCommit(file, reason);
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
                    tryCommit(file, reason);
                }
            } finally {
                partition.lock.unlock();
            }
        }
        retryCommits();
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
                    Committed done = tryCommit(file, reason);
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
        committed.addAll(retryCommits());
        return committed;
    }

    /**
     * After a stop that could not commit everything: this writer gives up its files (still open, or whose commit
     * failed), so that recovery (this instance's next start, or another instance once the heartbeat expired) takes them.
     */
    void release() {
        released = true;
        for (Partition partition : partitions.values()) {
            OpenFile file = partition.file;
            if (file != null) {
                openInProgress.remove(key(file.writtenPath()));
            }
        }
        synchronized (pending) {
            for (PendingCommit commit : pending) {
                openInProgress.remove(key(commit.file().writtenPath()));
            }
            pending.clear();
        }
    }

    /** Files whose commit failed and is still to be retried (kept in progress, and open to this writer). */
    int pendingCommits() {
        synchronized (pending) {
            return pending.size();
        }
    }

    private Committed tryCommit(OpenFile file, RollReason reason) {
        try {
            return commit(file, reason);
        } catch (IOException | RuntimeException e) {
            endpoint.getMetrics().commitFailed();
            LOG.warn("hdfs: committing {} ({} records, {} bytes synced) failed: {}; the commit is retried, the records are"
                    + " not written again", file.writtenPath(), file.records(), file.isRecorded() ? file.size() : 0, e.toString());
            synchronized (pending) {
                if (released) {
                    // a stop cut short: the file is left to recovery
                    openInProgress.remove(key(file.writtenPath()));
                } else {
                    pending.add(new PendingCommit(file, reason));
                }
            }
            return null;
        }
    }

    /** Retries the failed commits: lease recovered, cut back to the synced length, renamed. */
    private List<Committed> retryCommits() {
        List<PendingCommit> due;
        synchronized (pending) {
            due = new ArrayList<>(pending);
        }
        List<Committed> committed = new ArrayList<>();
        for (PendingCommit commit : due) {
            OpenFile file = commit.file();
            try {
                endpoint.getMetrics().commitRetried();
                FileRecovery.Recovered recovered = recovery.recoverFile(file.writtenPath(), file.finalPath(), naming.instanceId(), commit.reason(),
                        file.records());
                synchronized (pending) {
                    pending.remove(commit);
                }
                openInProgress.remove(key(file.writtenPath()));
                if (recovered.path() != null) {
                    committed.add(new Committed(recovered.path(), commit.reason(), file.records(), recovered.length()));
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("hdfs: retrying the commit of {} failed: {}; tried again in {} ms", file.writtenPath(),
                        e.toString(), config.getCheckIdleInterval());
            }
        }
        return committed;
    }

    /** Recovery of the in-progress files of dead writers: see {@link FileRecovery#recoverAbandoned()}. */
    List<FileRecovery.Recovered> recoverAbandoned() throws IOException {
        return recovery.recoverAbandoned();
    }

    private OpenFile open(Path dir, Exchange exchange) throws IOException {
        String name = fixedName == null ? naming.nextGeneratedName() : fixedName(exchange);
        for (int attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
            String candidate = attempt == 0 ? name : nextCandidate(name, attempt);
            Path target = new Path(dir, candidate);
            ExistingFilePolicy policy = config.getExistingFilePolicy();
            if (fs.exists(target)) {
                if (policy == ExistingFilePolicy.UNIQUE) {
                    continue;
                }
                if (policy == ExistingFilePolicy.FAIL) {
                    throw new FileAlreadyExistsException("hdfs: " + target + " exists and existingFilePolicy is FAIL");
                }
                if (policy == ExistingFilePolicy.APPEND) {
                    return appendInPlace(target);
                }
            }
            Path inProgress = new Path(dir, naming.inProgressName(candidate));
            // registered before it exists: a recovery running meanwhile must never take a file being opened
            openInProgress.add(key(inProgress));
            try {
                FSDataOutputStream out = fs.create(inProgress, false, config.getBufferSize(), replication(dir),
                        config.getBlockSize() > 0 ? config.getBlockSize() : fs.getDefaultBlockSize(dir), null);
                LOG.debug("hdfs: opened {}", inProgress);
                return new OpenFile(out, inProgress, target, codec, 0, now());
            } catch (FileAlreadyExistsException e) {
                openInProgress.remove(key(inProgress));
                if (policy != ExistingFilePolicy.UNIQUE) {
                    throw new FileAlreadyExistsException("hdfs: " + inProgress + " is already being written");
                }
            } catch (IOException | RuntimeException e) {
                openInProgress.remove(key(inProgress));
                throw e;
            }
        }
        throw new IOException("hdfs: no free file name for " + name + " under " + dir);
    }

    private OpenFile appendInPlace(Path target) throws IOException {
        long length = fs.getFileStatus(target).getLen();
        try {
            FSDataOutputStream out = fs.append(target, config.getBufferSize());
            return new OpenFile(out, target, target, codec, length, now());
        } catch (UnsupportedOperationException e) {
            throw new IOException("hdfs: existingFilePolicy=APPEND, but " + fs.getUri() + " does not support append", e);
        }
    }

    /**
     * Closes the file and gives it its final name. Replicas never race for a name (the instance id is in it), but a
     * fixed name or a restart can find the name taken: then the policy decides. A file stays in this writer's open
     * set until it is committed, so no recovery takes it while its commit is retried.
     */
    private Committed commit(OpenFile file, RollReason reason) throws IOException {
        file.close();
        Path target;
        if (file.isInPlace()) {
            target = file.finalPath();
        } else {
            target = rename(file.writtenPath(), file.finalPath(), false);
            synced.clear(file.writtenPath());
        }
        openInProgress.remove(key(file.writtenPath()));
        if (target == null) {
            return null;
        }
        endpoint.getMetrics().rolled(reason);
        LOG.info("hdfs: rolled {} (reason {}, {} records, {} bytes)", target, reason, file.records(), file.size());
        notifyRoll(new HdfsRollEvent(endpoint, reason, target.toUri().getPath(), file.records(), file.size()));
        return new Committed(target, reason, file.records(), file.size());
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
            openInProgress.remove(key(file.writtenPath()));
            return;
        }
        synchronized (pending) {
            pending.add(new PendingCommit(file, RollReason.ERROR));
        }
        retryCommits();
    }

    /**
     * Renames a finished file to a free final name; returns null when the source is gone because another instance
     * committed it. Name-collision safe (an existing name is never replaced while recovering) and idempotent (a rename
     * whose reply was lost is recognised as done).
     */
    Path rename(Path source, Path wanted, boolean recovering) throws IOException {
        ExistingFilePolicy policy = config.getExistingFilePolicy();
        String wantedName = wanted.getName();
        for (int attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
            Path target = attempt == 0 ? wanted : new Path(wanted.getParent(), nextCandidate(wantedName, attempt));
            // checked first: a local file system's rename would silently replace the target
            if (fs.exists(target)) {
                if (policy == ExistingFilePolicy.OVERWRITE && !recovering) {
                    fs.delete(target, false);
                } else if (policy == ExistingFilePolicy.FAIL && !recovering) {
                    throw new FileAlreadyExistsException("hdfs: " + target + " exists and existingFilePolicy is FAIL; "
                            + source + " is kept");
                } else {
                    continue;
                }
            }
            boolean renamed;
            try {
                renamed = fs.rename(source, target);
            } catch (IOException e) {
                // the NameNode may have renamed it and the reply been lost
                if (!fs.exists(source) && fs.exists(target)) {
                    return target;
                }
                throw e;
            }
            if (renamed) {
                return target;
            }
            if (!fs.exists(source)) {
                LOG.info("hdfs: {} was committed by another instance meanwhile", source);
                return null;
            }
            if (!fs.exists(target)) {
                throw new IOException("hdfs: renaming " + source + " to " + target + " was refused");
            }
        }
        throw new IOException("hdfs: no free final name for " + source);
    }

    private String nextCandidate(String name, int attempt) {
        return fixedName == null ? naming.nextGeneratedName() : FileNaming.numbered(name, attempt);
    }

    private String fixedName(Exchange exchange) {
        String value = fixedName.evaluate(exchange, String.class);
        return FileNaming.sanitizeSegment(value == null ? "" : value, "file name") + codecExtension();
    }

    private String codecExtension() {
        return codec == null ? "" : codec.getDefaultExtension();
    }

    private short replication(Path dir) {
        return config.getReplication() > 0 ? config.getReplication() : fs.getDefaultReplication(dir);
    }

    void notifyRoll(HdfsRollEvent event) {
        ManagementStrategy management = endpoint.getCamelContext().getManagementStrategy();
        if (management == null || management.getEventNotifiers().isEmpty()) {
            return;
        }
        try {
            management.notify((CamelEvent) event);
        } catch (Exception e) {
            LOG.debug("hdfs: an event notifier failed on {}", event, e);
        }
    }

    String key(Path path) {
        return fs.makeQualified(path).toString();
    }

    private static long now() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }
}
