package io.dataflux.component.hdfs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.ScheduledPollConsumer;
import org.apache.camel.util.ObjectHelper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobFilter;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * Polls the endpoint's directory for complete files (in-progress and already read files are skipped), emits each as a
 * whole, in chunks or in lines, and then renames it with readSuffix, moves it or deletes it. A file whose exchange
 * fails is left as it is and read again at the next poll.
 */
public class HdfsConsumer extends ScheduledPollConsumer {

    private final HdfsConfiguration config;
    private final Path base;
    private FileSystem fs;
    private FileNaming naming;
    private GlobFilter filter;
    private CompressionCodecFactory codecs;
    private Path moveTo;
    private HdfsHealthCheck healthCheck;

    public HdfsConsumer(HdfsEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.config = endpoint.getConfiguration();
        this.base = new Path(config.getPath());
    }

    @Override
    public HdfsEndpoint getEndpoint() {
        return (HdfsEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        Configuration conf = HdfsFileSystems.configuration(config);
        naming = new FileNaming(config, getEndpoint().instanceId(), "");
        filter = new GlobFilter(config.getPattern());
        codecs = new CompressionCodecFactory(conf);
        moveTo = ObjectHelper.isEmpty(config.getMoveTo()) ? null
                : config.getMoveTo().startsWith("/") ? new Path(config.getMoveTo()) : new Path(base, config.getMoveTo());
        fs = HdfsFileSystems.open(config);
        if (config.isConnectOnStartup()) {
            try {
                fs.exists(base);
            } catch (IOException e) {
                fs.close();
                fs = null;
                throw new IOException("hdfs: " + getEndpoint().location() + " cannot be reached: " + e.getMessage(), e);
            }
        }
        if (getEndpoint().getComponent().isHealthCheckConsumerEnabled()) {
            healthCheck = HdfsHealthCheck.register(getEndpoint(), "consumer", () -> fs);
        }
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        if (healthCheck != null) {
            healthCheck.unregister();
            healthCheck = null;
        }
        if (fs != null) {
            fs.close();
            fs = null;
        }
    }

    @Override
    protected int poll() throws Exception {
        if (!fs.exists(base)) {
            return 0;
        }
        int files = 0;
        for (FileStatus file : readyFiles()) {
            if (!isRunAllowed()) {
                break;
            }
            if (config.getMaxMessagesPerPoll() > 0 && files >= config.getMaxMessagesPerPoll()) {
                break;
            }
            if (read(file)) {
                afterRead(file.getPath());
            }
            files++;
        }
        return files;
    }

    private List<FileStatus> readyFiles() throws IOException {
        List<FileStatus> ready = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> listing = fs.listFiles(base, config.isRecursive());
        while (listing.hasNext()) {
            LocatedFileStatus file = listing.next();
            Path path = file.getPath();
            String name = path.getName();
            if (naming.isInProgress(name) || name.endsWith("." + config.getReadSuffix()) || !filter.accept(path)
                    || (moveTo != null && isUnder(path, moveTo))
                    || (config.getOwner() != null && !config.getOwner().equals(file.getOwner()))) {
                continue;
            }
            ready.add(file);
        }
        ready.sort(Comparator.comparing(file -> file.getPath().toString()));
        return ready;
    }

    /** Emits the file; false when an exchange failed (the failure went to the exception handler). */
    private boolean read(FileStatus file) throws IOException {
        CompressionCodec codec = config.isDecompress() ? codecs.getCodec(file.getPath()) : null;
        try (InputStream raw = fs.open(file.getPath(), config.getBufferSize());
             InputStream in = codec == null ? raw : codec.createInputStream(raw)) {
            switch (config.getReadMode()) {
                case FILE:
                    return emit(file, 0, config.isStreamDownload() ? in : in.readAllBytes());
                case CHUNK:
                    long chunk = 0;
                    byte[] bytes;
                    while ((bytes = in.readNBytes(config.getChunkSize())).length > 0) {
                        if (!emit(file, chunk++, bytes)) {
                            return false;
                        }
                    }
                    return true;
                default:
                    BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                    long number = 0;
                    String line;
                    while ((line = lines.readLine()) != null) {
                        if (!emit(file, number++, line)) {
                            return false;
                        }
                    }
                    return true;
            }
        }
    }

    private boolean emit(FileStatus file, long index, Object body) {
        Exchange exchange = createExchange(false);
        try {
            Message message = exchange.getMessage();
            message.setBody(body);
            message.setHeader(HdfsConstants.FILE_NAME, relativeName(file.getPath()));
            message.setHeader(HdfsConstants.FILE_NAME_ONLY, file.getPath().getName());
            message.setHeader(HdfsConstants.FILE_PATH, file.getPath().toUri().getPath());
            message.setHeader(HdfsConstants.FILE_LENGTH, file.getLen());
            message.setHeader(HdfsConstants.FILE_LAST_MODIFIED, file.getModificationTime());
            message.setHeader(HdfsConstants.INDEX, index);
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        boolean ok = exchange.getException() == null;
        if (!ok) {
            getExceptionHandler().handleException("hdfs: reading " + file.getPath() + " failed", exchange,
                    exchange.getException());
        }
        releaseExchange(exchange, false);
        return ok;
    }

    private void afterRead(Path path) throws IOException {
        if (config.isDelete()) {
            fs.delete(path, false);
        } else if (moveTo != null) {
            fs.mkdirs(moveTo);
            renameToFreeName(path, moveTo, path.getName());
        } else {
            renameToFreeName(path, path.getParent(), path.getName() + "." + config.getReadSuffix());
        }
    }

    /** A file read twice (e.g. written again under the same fixed name) must not be read again and again. */
    private void renameToFreeName(Path source, Path dir, String name) throws IOException {
        for (int attempt = 0; attempt < 1000; attempt++) {
            Path target = new Path(dir, FileNaming.numbered(name, attempt));
            if (!fs.exists(target) && fs.rename(source, target)) {
                return;
            }
        }
        throw new IOException("hdfs: no free name in " + dir + " for " + source + " after reading it");
    }

    private String relativeName(Path path) {
        String full = path.toUri().getPath();
        String root = base.toUri().getPath();
        String prefix = root.endsWith("/") ? root : root + "/";
        return full.startsWith(prefix) ? full.substring(prefix.length()) : path.getName();
    }

    private static boolean isUnder(Path path, Path dir) {
        String child = path.toUri().getPath();
        String parent = dir.toUri().getPath();
        return child.startsWith(parent.endsWith("/") ? parent : parent + "/");
    }
}
