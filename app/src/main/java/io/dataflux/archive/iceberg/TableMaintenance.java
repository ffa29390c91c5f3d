package io.dataflux.archive.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the table tidy, on one replica at a time (a singleton job): expires snapshots older than the retention (the
 * files only they referenced, e.g. those compaction replaced, go with them), and deletes the data files no snapshot
 * references that are older than the orphan age: those of a writer that crashed between writing a data file and
 * committing it. The age is what keeps a file another replica is about to commit from being taken for an orphan: it
 * must be longer than any write-to-commit time, retries included.
 */
public final class TableMaintenance {

    private static final Logger LOG = LoggerFactory.getLogger(TableMaintenance.class);

    private final Table table;
    private final IcebergSettings settings;
    private final Clock clock;

    public TableMaintenance(Table table, IcebergSettings settings) {
        this(table, settings, Clock.systemUTC());
    }

    /** With the clock that says how old files are (a test moves it past the orphan age). */
    public TableMaintenance(Table table, IcebergSettings settings, Clock clock) {
        this.table = table;
        this.settings = settings;
        this.clock = clock;
    }

    /** Expires old snapshots, then sweeps orphan data files. */
    public void run() {
        expireSnapshots();
        deleteOrphanDataFiles();
    }

    public void expireSnapshots() {
        table.refresh();
        if (table.currentSnapshot() == null) {
            return;
        }
        table.expireSnapshots()
                .expireOlderThan(clock.millis() - settings.snapshotRetention().toMillis())
                .retainLast(1)
                .commit();
    }

    /**
     * Deletes the files under the table's data directory that no retained snapshot references and that were last
     * modified more than the orphan age ago.
     *
     * @return how many files were deleted
     */
    public int deleteOrphanDataFiles() {
        table.refresh();
        Set<String> referenced = referencedDataFiles();
        long cutoff = clock.millis() - settings.orphanAge().toMillis();
        Path data = new Path(table.location(), "data");
        int deleted = 0;
        try {
            FileSystem fs = FileSystem.get(URI.create(table.location()), new Configuration());
            if (!fs.exists(data)) {
                return 0;
            }
            RemoteIterator<LocatedFileStatus> files = fs.listFiles(data, true);
            while (files.hasNext()) {
                LocatedFileStatus file = files.next();
                if (file.getModificationTime() < cutoff && !referenced.contains(pathOf(file.getPath().toString()))
                        && fs.delete(file.getPath(), false)) {
                    deleted++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sweep the orphan files of " + table.name(), e);
        }
        if (deleted > 0) {
            LOG.info("deleted {} orphan data files of {} (written, never committed)", deleted, table.name());
        }
        return deleted;
    }

    /** The data files of every retained snapshot, by path (without scheme and authority, as listings may differ). */
    private Set<String> referencedDataFiles() {
        Set<String> paths = new HashSet<>();
        Set<String> manifestsRead = new HashSet<>();
        for (Snapshot snapshot : table.snapshots()) {
            for (ManifestFile manifest : snapshot.dataManifests(table.io())) {
                if (!manifestsRead.add(manifest.path())) {
                    continue;
                }
                try (CloseableIterable<String> files = ManifestFiles.readPaths(manifest, table.io(), table.specs())) {
                    files.forEach(path -> paths.add(pathOf(path)));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read manifest " + manifest.path(), e);
                }
            }
        }
        return paths;
    }

    private static String pathOf(String location) {
        return new Path(location).toUri().getPath();
    }
}
