package io.dataflux.component.hdfs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writers' heartbeats: one empty file per writer instance, {@code <parent of path>/_heartbeats/<last name of
 * path>/<instanceId>} (beside the archive directory, so its readers never see them), whose modification
 * time the writer refreshes every heartbeatInterval. HDFS cannot tell whether a file's writer lives (recoverLease
 * revokes a live writer's lease too), so a writer is dead when its heartbeat is older than heartbeatExpiry. The
 * files live on the archive's own file system, so the component needs nothing else (no Redis, no cluster service).
 * Clocks: the age is the reader's clock minus the writer's; keep the hosts' clocks in step (NTP) far below the expiry.
 */
final class Heartbeats {

    static final String DIR = "_heartbeats";

    private final FileSystem fs;
    private final Path dir;
    private final String instanceId;
    private final long expiry;
    private volatile long lastBeat;

    Heartbeats(FileSystem fs, Path base, String instanceId, long expiry) {
        this.fs = fs;
        Path parent = base.getParent();
        this.dir = parent == null ? new Path(base, DIR + "/root") : new Path(new Path(parent, DIR), base.getName());
        this.instanceId = instanceId;
        this.expiry = expiry;
    }

    /** Refreshes this writer's heartbeat (creates its file the first time, or when a recoverer removed it). */
    void beat() throws IOException {
        Path file = new Path(dir, instanceId);
        long now = System.currentTimeMillis();
        try {
            fs.setTimes(file, now, -1);
        } catch (FileNotFoundException e) {
            fs.mkdirs(dir);
            fs.create(file, true).close();
            fs.setTimes(file, now, -1);
        }
        lastBeat = System.nanoTime();
    }

    /**
     * Whether this writer may still acknowledge: its last refresh is recent enough that no other instance can have
     * taken it for dead (half the expiry leaves room for clock skew and a slow refresh).
     */
    boolean isFresh() {
        return lastBeat != 0 && System.nanoTime() - lastBeat < TimeUnit.MILLISECONDS.toNanos(expiry / 2);
    }

    /** Milliseconds since the last heartbeat of every writer that has one. */
    Map<String, Long> ages() throws IOException {
        Map<String, Long> ages = new HashMap<>();
        FileStatus[] statuses;
        try {
            statuses = fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            return ages;
        }
        long now = System.currentTimeMillis();
        for (FileStatus status : statuses) {
            ages.put(status.getPath().getName(), now - status.getModificationTime());
        }
        return ages;
    }

    /** Removes the heartbeat of a writer that is dead and has nothing left to recover. */
    void forget(String writer) throws IOException {
        fs.delete(new Path(dir, writer), false);
    }

    String instanceId() {
        return instanceId;
    }

    long expiry() {
        return expiry;
    }
}
