package io.dataflux.component.hdfs;

import java.io.IOException;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a writer's files live: opens each new file under its in-progress name (registered in the component's set of
 * files open in this JVM, so that no recovery takes it) and later renames it to a free final name, both by the
 * existingFilePolicy. Shared by the rolling writer and the recovery, so that both name files the same way.
 */
final class InProgressFiles {

    private static final Logger LOG = LoggerFactory.getLogger(InProgressFiles.class);
    private static final int MAX_NAME_ATTEMPTS = 1000;

    private final HdfsConfiguration config;
    private final FileSystem fs;
    private final FileNaming naming;
    private final CompressionCodec codec;
    /** The fileName expression, or null for generated names. */
    private final Expression fixedName;
    private final Set<String> openInProgress;

    InProgressFiles(HdfsConfiguration config, FileSystem fs, FileNaming naming, CompressionCodec codec, Expression fixedName,
                    Set<String> openInProgress) {
        this.config = config;
        this.fs = fs;
        this.naming = naming;
        this.codec = codec;
        this.fixedName = fixedName;
        this.openInProgress = openInProgress;
    }

    /** A new file in the directory, open under its in-progress name (or, with APPEND, the existing file itself). */
    OpenFile open(Path dir, Exchange exchange) throws IOException {
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
                return new OpenFile(out, inProgress, target, codec, 0, RollingFileWriter.now());
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
            return new OpenFile(out, target, target, codec, length, RollingFileWriter.now());
        } catch (UnsupportedOperationException e) {
            throw new IOException("hdfs: existingFilePolicy=APPEND, but " + fs.getUri() + " does not support append", e);
        }
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

    /** A file's key in the set of files open in this JVM: its fully qualified path. */
    String key(Path path) {
        return fs.makeQualified(path).toString();
    }
}
