package io.dataflux.component.hdfs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.ManagementStrategy;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.DistributedFileSystem;
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

    /** What one write did: where the records went, and the files it committed. */
    record Written(Path finalPath, long bytes, long records, List<Committed> committed) {
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

    RollingFileWriter(HdfsEndpoint endpoint, FileSystem fs, FileNaming naming, CompressionCodec codec, Expression fixedName) {
        this.endpoint = endpoint;
        this.config = endpoint.getConfiguration();
        this.fs = fs;
        this.naming = naming;
        this.codec = codec;
        this.fixedName = fixedName;
        this.base = new Path(config.getPath());
        this.openInProgress = endpoint.getComponent().openInProgress();
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

    private Written writeLocked(Partition partition, Exchange exchange, Payload payload) throws IOException {
        List<Committed> committed = new ArrayList<>(1);
        // under steady traffic the writers roll an expired file themselves, so the timer is never needed to wait
        RollReason expired = partition.file == null ? null : expiry(partition.file, now());
        if (expired != null) {
            OpenFile old = partition.file;
            partition.file = null;
            committed.add(commit(old, expired));
        }
        if (partition.file == null) {
            partition.file = open(partition.dir, exchange);
        }
        OpenFile file = partition.file;
        long added;
        try {
            added = file.write(payload, config.getSyncMode(), now());
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
            return new Written(file.finalPath(), added, payload.records(), committed);
        }
        partition.file = null;
        Committed rolled = commit(file, reason);
        committed.add(rolled);
        return new Written(rolled.path(), added, payload.records(), committed);
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
                    commit(file, reason);
                }
            } catch (Exception e) {
                LOG.warn("hdfs: timed roll of a file under {} failed; it stays in progress until recovery: {}",
                        partition.dir, e.toString());
            } finally {
                partition.lock.unlock();
            }
        }
    }

    /** Commits every open file (on stop); returns the files committed. */
    List<Committed> closeAll(RollReason reason) {
        List<Committed> committed = new ArrayList<>();
        for (Partition partition : partitions.values()) {
            partition.lock.lock();
            try {
                if (partition.file != null) {
                    OpenFile file = partition.file;
                    partition.file = null;
                    committed.add(commit(file, reason));
                }
                partition.retired = true;
            } catch (Exception e) {
                LOG.warn("hdfs: closing a file under {} failed; it stays in progress until recovery: {}",
                        partition.dir, e.toString());
            } finally {
                partition.lock.unlock();
            }
        }
        partitions.clear();
        return committed;
    }

    /**
     * Start-up recovery: this instance's in-progress files left by a crash get their lease recovered and are committed,
     * or removed when empty. Files other instances are writing are not touched.
     */
    int recover() throws IOException {
        if (!fs.exists(base)) {
            return 0;
        }
        List<Path> leftBehind = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(base, true);
        while (files.hasNext()) {
            Path path = files.next().getPath();
            if (naming.isOwnInProgress(path.getName()) && !openInProgress.contains(key(path))) {
                leftBehind.add(path);
            }
        }
        int recovered = 0;
        for (Path path : leftBehind) {
            if (!recoverLease(path)) {
                LOG.warn("hdfs: lease of {} not recovered within {} ms; left for the next start", path,
                        config.getLeaseRecoveryTimeout());
                continue;
            }
            long length = fs.getFileStatus(path).getLen();
            if (length == 0) {
                fs.delete(path, false);
                LOG.info("hdfs: removed the empty in-progress file {} left by a previous run", path);
            } else {
                Path target = rename(path, new Path(path.getParent(), naming.finalNameOf(path.getName())), true);
                LOG.info("hdfs: recovered {} ({} bytes) left in progress by a previous run", target, length);
            }
            recovered++;
        }
        return recovered;
    }

    private boolean recoverLease(Path path) throws IOException {
        if (!(fs instanceof DistributedFileSystem dfs)) {
            return true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.getLeaseRecoveryTimeout());
        if (dfs.recoverLease(path)) {
            return true;
        }
        while (System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (dfs.isFileClosed(path)) {
                return true;
            }
        }
        return false;
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
            try {
                FSDataOutputStream out = fs.create(inProgress, false, config.getBufferSize(), replication(dir),
                        config.getBlockSize() > 0 ? config.getBlockSize() : fs.getDefaultBlockSize(dir), null);
                openInProgress.add(key(inProgress));
                LOG.debug("hdfs: opened {}", inProgress);
                return new OpenFile(out, inProgress, target, codec, 0, now());
            } catch (FileAlreadyExistsException e) {
                if (policy != ExistingFilePolicy.UNIQUE) {
                    throw new FileAlreadyExistsException("hdfs: " + inProgress + " is already being written");
                }
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
     * fixed name or a restart can find the name taken: then the policy decides.
     */
    private Committed commit(OpenFile file, RollReason reason) throws IOException {
        Path target;
        try {
            file.close();
            target = file.isInPlace() ? file.finalPath() : rename(file.writtenPath(), file.finalPath(), false);
        } finally {
            openInProgress.remove(key(file.writtenPath()));
        }
        endpoint.getMetrics().rolled(reason);
        LOG.info("hdfs: rolled {} (reason {}, {} records, {} bytes)", target, reason, file.records(), file.size());
        notifyRoll(new HdfsRollEvent(endpoint, reason, target.toUri().getPath(), file.records(), file.size()));
        return new Committed(target, reason, file.records(), file.size());
    }

    /** A failed write: what was synced before it is kept (and committed), the rest cut off when the file system can. */
    private void abort(OpenFile file, Exception cause) {
        LOG.warn("hdfs: write to {} failed ({}); committing what was synced before", file.writtenPath(), cause.toString());
        try {
            file.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("hdfs: closing {} after a failed write failed too", file.writtenPath(), e);
        }
        try {
            if (file.isInPlace()) {
                return;
            }
            long synced = file.size();
            if (synced == 0) {
                fs.delete(file.writtenPath(), false);
                return;
            }
            if (fs.getFileStatus(file.writtenPath()).getLen() > synced) {
                fs.truncate(file.writtenPath(), synced);
            }
            Path target = rename(file.writtenPath(), file.finalPath(), false);
            endpoint.getMetrics().rolled(RollReason.ERROR);
            LOG.info("hdfs: rolled {} (reason {}, {} records, {} bytes)", target, RollReason.ERROR, file.records(), synced);
            notifyRoll(new HdfsRollEvent(endpoint, RollReason.ERROR, target.toUri().getPath(), file.records(), synced));
        } catch (FileNotFoundException e) {
            LOG.warn("hdfs: {} is gone; nothing to commit", file.writtenPath());
        } catch (IOException | RuntimeException e) {
            LOG.warn("hdfs: {} stays in progress until recovery: {}", file.writtenPath(), e.toString());
        } finally {
            openInProgress.remove(key(file.writtenPath()));
        }
    }

    private Path rename(Path source, Path wanted, boolean recovering) throws IOException {
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
            if (fs.rename(source, target)) {
                return target;
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

    private void notifyRoll(HdfsRollEvent event) {
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

    private String key(Path path) {
        return fs.makeQualified(path).toString();
    }

    private static long now() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }
}
