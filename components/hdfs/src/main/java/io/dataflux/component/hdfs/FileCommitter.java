package io.dataflux.component.hdfs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.dataflux.component.hdfs.RollingFileWriter.Committed;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a writer's finished files (close, rename to the final name, roll event) and keeps those whose commit failed
 * to retry only the commit: their records are synced and their length recorded, so writing them again would leave a
 * second copy. Retried by the writer's timer, on stop, and after a failed write.
 */
final class FileCommitter {

    private static final Logger LOG = LoggerFactory.getLogger(FileCommitter.class);

    private final HdfsEndpoint endpoint;
    private final HdfsConfiguration config;
    private final InProgressFiles files;
    private final Set<String> openInProgress;
    private final SyncedLengths synced;
    private final FileRecovery recovery;
    private final FileNaming naming;
    private final List<PendingCommit> pending = new ArrayList<>();
    private volatile boolean released;

    /** A file whose commit failed: its records are synced and its length recorded, only the commit is retried. */
    private record PendingCommit(OpenFile file, RollReason reason) {
    }

    FileCommitter(HdfsEndpoint endpoint, InProgressFiles files, Set<String> openInProgress, SyncedLengths synced,
                  FileRecovery recovery, FileNaming naming) {
        this.endpoint = endpoint;
        this.config = endpoint.getConfiguration();
        this.files = files;
        this.openInProgress = openInProgress;
        this.synced = synced;
        this.recovery = recovery;
        this.naming = naming;
    }

    /**
     * Closes the file and gives it its final name. Replicas never race for a name (the instance id is in it), but a
     * fixed name or a restart can find the name taken: then the policy decides. A file stays in this writer's open
     * set until it is committed, so no recovery takes it while its commit is retried.
     */
    Committed commit(OpenFile file, RollReason reason) throws IOException {
        file.close();
        Path target;
        if (file.isInPlace()) {
            target = file.finalPath();
        } else {
            target = files.rename(file.writtenPath(), file.finalPath(), false);
            synced.clear(file.writtenPath());
        }
        openInProgress.remove(files.key(file.writtenPath()));
        if (target == null) {
            return null;
        }
        endpoint.getMetrics().rolled(reason);
        LOG.info("hdfs: rolled {} (reason {}, {} records, {} bytes)", target, reason, file.records(), file.size());
        new HdfsRollEvent(endpoint, reason, target.toUri().getPath(), file.records(), file.size()).publish();
        return new Committed(target, reason, file.records(), file.size());
    }

    /** Files whose commit failed and is still to be retried (kept in progress, and open to this writer). */
    int pendingCommits() {
        synchronized (pending) {
            return pending.size();
        }
    }

    /** Commits the file, or keeps it to retry the commit later; returns the committed file, or null. */
    Committed tryCommit(OpenFile file, RollReason reason) {
        try {
            return commit(file, reason);
        } catch (IOException | RuntimeException e) {
            endpoint.getMetrics().commitFailed();
            LOG.warn("hdfs: committing {} ({} records, {} bytes synced) failed: {}; the commit is retried, the records are"
                    + " not written again", file.writtenPath(), file.records(), file.isRecorded() ? file.size() : 0, e.toString());
            synchronized (pending) {
                if (released) {
                    // a stop cut short: the file is left to recovery
                    openInProgress.remove(files.key(file.writtenPath()));
                } else {
                    pending.add(new PendingCommit(file, reason));
                }
            }
            return null;
        }
    }

    /** Retries the failed commits: lease recovered, cut back to the synced length, renamed. */
    List<Committed> retryCommits() {
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
                openInProgress.remove(files.key(file.writtenPath()));
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

    /** A file whose write failed after what was synced before was recorded: only its commit is left to do. */
    void retryLater(OpenFile file, RollReason reason) {
        synchronized (pending) {
            pending.add(new PendingCommit(file, reason));
        }
    }

    /** A stop cut short: the files whose commit failed are given up to recovery, and so are those failing from now on. */
    void release() {
        released = true;
        synchronized (pending) {
            for (PendingCommit commit : pending) {
                openInProgress.remove(files.key(commit.file().writtenPath()));
            }
            pending.clear();
        }
    }
}
