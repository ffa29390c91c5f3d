package io.dataflux.component.hdfs;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.avro.generic.IndexedRecord;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.DefaultProducer;
import org.apache.camel.util.ObjectHelper;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archive writer: appends each exchange's records to the open file of its partition, syncs them before the
 * exchange completes (so a completed exchange is durable), and rolls files by size, count, age and idle time.
 */
public class HdfsProducer extends DefaultProducer {

    private static final Logger LOG = LoggerFactory.getLogger(HdfsProducer.class);

    private final HdfsConfiguration config;
    private FileSystem fs;
    private RollingFileWriter writer;
    private RecordEncoder encoder;
    private PartitionResolver partitions;
    private ScheduledExecutorService rollTimer;
    private HdfsHealthCheck healthCheck;
    private volatile boolean ready;

    public HdfsProducer(HdfsEndpoint endpoint) {
        super(endpoint);
        this.config = endpoint.getConfiguration();
    }

    @Override
    public HdfsEndpoint getEndpoint() {
        return (HdfsEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        HdfsEndpoint endpoint = getEndpoint();
        FileFormat fileFormat = config.getFileFormat();
        // Avro and Parquet compress inside the file: no stream codec, no codec extension
        CompressionCodec codec = fileFormat.isWholeFile() ? null
                : config.getCompressionCodec().create(HdfsFileSystems.configuration(config));
        RecordFiles recordFiles = fileFormat.isWholeFile()
                ? new RecordFiles(config, HdfsFileSystems.configuration(config)) : null;
        if (recordFiles != null) {
            recordFiles.check();
        }
        String extension = (config.getFileExtension() != null ? config.getFileExtension()
                : fileFormat.isWholeFile() ? fileFormat.extension()
                : config.getFormat() == WriteFormat.LINES ? ".jsonl" : "")
                + (codec == null ? "" : codec.getDefaultExtension());
        FileNaming naming = endpoint.naming(extension);
        Expression fixedName = null;
        if (ObjectHelper.isNotEmpty(config.getFileName())) {
            fixedName = endpoint.getCamelContext().resolveLanguage("simple").createExpression(config.getFileName());
            fixedName.init(endpoint.getCamelContext());
        }
        encoder = new RecordEncoder(endpoint.objectMapper(), config.getFormat(), config.getDelimiter());
        partitions = new PartitionResolver(endpoint.getCamelContext(), config.getPartition());
        fs = HdfsFileSystems.open(config);
        writer = new RollingFileWriter(endpoint, fs, naming, codec, fixedName, recordFiles);
        if (config.isConnectOnStartup()) {
            try {
                ensureReady();
            } catch (IOException | RuntimeException e) {
                // a producer that fails to start is not stopped: release the client here
                fs.close();
                fs = null;
                throw e;
            }
        }
        registerHealthCheck();
        // the timer rolls by age and idle time, retries failed commits, and refreshes the heartbeat
        rollTimer = endpoint.getCamelContext().getExecutorServiceManager()
                .newScheduledThreadPool(this, "HdfsRollTimer", 2);
        rollTimer.scheduleWithFixedDelay(writer::rollExpired, config.getCheckIdleInterval(),
                config.getCheckIdleInterval(), TimeUnit.MILLISECONDS);
        if (config.getHeartbeatInterval() > 0) {
            // before the first file is opened: a writer without a heartbeat looks dead to the others
            writer.beat();
            rollTimer.scheduleWithFixedDelay(writer::beat, config.getHeartbeatInterval(), config.getHeartbeatInterval(),
                    TimeUnit.MILLISECONDS);
        }
        endpoint.producerStarted(this);
        LOG.info("hdfs: writing to {} as instance {}", endpoint.location(), naming.instanceId());
    }

    /** Checks that the file system answers and recovers what a previous run left in progress (once). */
    private void ensureReady() throws IOException {
        if (ready) {
            return;
        }
        synchronized (this) {
            if (ready) {
                return;
            }
            try {
                fs.mkdirs(new Path(config.getPath()));
            } catch (IOException e) {
                throw new IOException("hdfs: " + getEndpoint().location() + " cannot be reached: " + e.getMessage(), e);
            }
            if (config.isRecoverOnStartup()) {
                writer.recoverAbandoned();
            }
            ready = true;
        }
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ensureReady();
        if (config.getFileFormat().isWholeFile()) {
            writeWholeFiles(exchange);
            return;
        }
        Map<String, Payload> byPartition = payloads(exchange);
        if (byPartition.isEmpty()) {
            // an empty batch (e.g. a list body with no records) opens no file
            exchange.getMessage().setHeader(HdfsConstants.RECORDS, 0L);
            exchange.getMessage().setHeader(HdfsConstants.PATHS, List.of());
            return;
        }
        List<String> paths = new ArrayList<>();
        List<Long> firstRecordIndexes = new ArrayList<>();
        List<String> committed = new ArrayList<>();
        RollReason rollReason = null;
        long records = 0;
        long bytes = 0;
        for (Map.Entry<String, Payload> entry : byPartition.entrySet()) {
            RollingFileWriter.Written written = writer.write(entry.getKey(), exchange, entry.getValue());
            paths.add(written.finalPath().toUri().getPath());
            firstRecordIndexes.add(written.firstRecordIndex());
            records += written.records();
            bytes += written.bytes();
            for (RollingFileWriter.Committed file : written.committed()) {
                committed.add(file.path().toUri().getPath());
                rollReason = file.reason();
            }
        }
        getEndpoint().getMetrics().exchangeWritten();
        Message message = exchange.getMessage();
        message.setHeader(HdfsConstants.PATH, paths.get(paths.size() - 1));
        message.setHeader(HdfsConstants.PATHS, paths);
        message.setHeader(HdfsConstants.RECORDS, records);
        message.setHeader(HdfsConstants.BYTES, bytes);
        message.setHeader(HdfsConstants.FIRST_RECORD_INDEX, firstRecordIndexes.get(firstRecordIndexes.size() - 1));
        message.setHeader(HdfsConstants.FIRST_RECORD_INDEXES, firstRecordIndexes);
        if (rollReason != null) {
            message.setHeader(HdfsConstants.ROLL_REASON, rollReason);
            message.setHeader(HdfsConstants.COMMITTED_PATHS, committed);
        }
    }

    /** Avro and Parquet: a whole file per partition, committed before the exchange completes. */
    private void writeWholeFiles(Exchange exchange) throws Exception {
        List<Object> records = encoder.records(exchange);
        if (records == null) {
            throw new InvalidPayloadException(exchange, IndexedRecord.class, exchange.getMessage(),
                    new IllegalArgumentException("hdfs: " + config.getFileFormat() + " files take Avro records, not a stream"));
        }
        Map<String, List<IndexedRecord>> byPartition = new LinkedHashMap<>();
        List<IndexedRecord> avroRecords = RecordFiles.avroRecords(exchange, records);
        if (!avroRecords.isEmpty() && (!config.isPartitionPerRecord() || !partitions.isPartitioned())) {
            byPartition.put(partitions.resolve(exchange), avroRecords);
        } else {
            Exchange probe = new DefaultExchange(exchange.getContext());
            probe.getMessage().setHeaders(exchange.getMessage().getHeaders());
            for (IndexedRecord record : avroRecords) {
                probe.getMessage().setBody(record);
                byPartition.computeIfAbsent(partitions.resolve(probe), dir -> new ArrayList<>()).add(record);
            }
        }
        List<String> paths = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<String, List<IndexedRecord>> partition : byPartition.entrySet()) {
            RollingFileWriter.Written written = writer.writeWholeFile(partition.getKey(), exchange, partition.getValue());
            paths.add(written.finalPath().toUri().getPath());
            bytes += written.bytes();
        }
        getEndpoint().getMetrics().exchangeWritten();
        Message message = exchange.getMessage();
        message.setHeader(HdfsConstants.PATHS, paths);
        message.setHeader(HdfsConstants.RECORDS, (long) avroRecords.size());
        if (!paths.isEmpty()) {
            message.setHeader(HdfsConstants.PATH, paths.get(paths.size() - 1));
            message.setHeader(HdfsConstants.BYTES, bytes);
            message.setHeader(HdfsConstants.ROLL_REASON, RollReason.WHOLE_FILE);
            message.setHeader(HdfsConstants.COMMITTED_PATHS, paths);
        }
    }

    private Map<String, Payload> payloads(Exchange exchange) throws Exception {
        List<Object> records = encoder.records(exchange);
        Map<String, Payload> byPartition = new LinkedHashMap<>();
        if (records == null) {
            InputStream in = encoder.stream(exchange);
            byPartition.put(partitions.resolve(exchange), encoder.streamPayload(in));
            return byPartition;
        }
        if (records.isEmpty()) {
            return byPartition;
        }
        if (!config.isPartitionPerRecord() || !partitions.isPartitioned()) {
            byPartition.put(partitions.resolve(exchange), encoder.encode(records));
            return byPartition;
        }
        Map<String, List<Object>> grouped = new LinkedHashMap<>();
        Exchange probe = new DefaultExchange(exchange.getContext());
        probe.getMessage().setHeaders(exchange.getMessage().getHeaders());
        for (Object record : records) {
            probe.getMessage().setBody(record);
            grouped.computeIfAbsent(partitions.resolve(probe), dir -> new ArrayList<>()).add(record);
        }
        for (Map.Entry<String, List<Object>> group : grouped.entrySet()) {
            byPartition.put(group.getKey(), encoder.encode(group.getValue()));
        }
        return byPartition;
    }

    /** Recovers the in-progress files of dead writers (and this instance's own left by a previous run). */
    List<FileRecovery.Recovered> recoverAbandoned() throws IOException {
        ensureReady();
        return writer.recoverAbandoned();
    }

    @Override
    protected void doStop() throws Exception {
        getEndpoint().producerStopped(this);
        if (rollTimer != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(rollTimer);
            rollTimer = null;
        }
        if (writer != null) {
            closeAllWithin(config.getShutdownTimeout());
            writer.release();
        }
        unregisterHealthCheck();
        if (fs != null) {
            fs.close();
            fs = null;
        }
        ready = false;
        super.doStop();
    }

    /** Shutdown commits every open file, but never takes longer than shutdownTimeout. */
    private void closeAllWithin(long timeoutMillis) {
        ExecutorService closer = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newSingleThreadExecutor(this, "HdfsShutdown");
        try {
            Future<List<RollingFileWriter.Committed>> done = closer.submit(() -> writer.closeAll(RollReason.SHUTDOWN));
            List<RollingFileWriter.Committed> committed = done.get(timeoutMillis, TimeUnit.MILLISECONDS);
            LOG.info("hdfs: stopped, {} open file(s) committed under {}", committed.size(), getEndpoint().location());
        } catch (TimeoutException e) {
            LOG.warn("hdfs: open files under {} not committed within {} ms; they are recovered at the next start",
                    getEndpoint().location(), timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("hdfs: committing the open files under {} failed: {}", getEndpoint().location(), e.toString());
        } finally {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(closer);
            try {
                // an interrupted commit ends quickly; what it leaves is released to recovery after it
                getEndpoint().getCamelContext().getExecutorServiceManager().awaitTermination(closer, 2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void registerHealthCheck() {
        if (getEndpoint().getComponent().isHealthCheckProducerEnabled()) {
            healthCheck = HdfsHealthCheck.register(getEndpoint(), "producer", () -> fs);
        }
    }

    private void unregisterHealthCheck() {
        if (healthCheck != null) {
            healthCheck.unregister();
            healthCheck = null;
        }
    }
}
