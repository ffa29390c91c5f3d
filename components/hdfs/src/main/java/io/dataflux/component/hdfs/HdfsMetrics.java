package io.dataflux.component.hdfs;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one endpoint's producer, kept on the endpoint until a metrics registry is wired in. */
public final class HdfsMetrics {

    private final LongAdder records = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder exchanges = new LongAdder();
    private final LongAdder writeErrors = new LongAdder();
    private final Map<RollReason, LongAdder> rolls = new EnumMap<>(RollReason.class);
    private final LongAdder commitFailures = new LongAdder();
    private final LongAdder commitRetries = new LongAdder();
    private final LongAdder truncatedBytes = new LongAdder();
    private final LongAdder discarded = new LongAdder();
    private final Map<String, LongAdder> recoveredByWriter = new java.util.concurrent.ConcurrentHashMap<>();

    HdfsMetrics() {
        for (RollReason reason : RollReason.values()) {
            rolls.put(reason, new LongAdder());
        }
    }

    void written(long recordCount, long byteCount) {
        records.add(recordCount);
        bytes.add(byteCount);
    }

    void exchangeWritten() {
        exchanges.increment();
    }

    void writeFailed() {
        writeErrors.increment();
    }

    void rolled(RollReason reason) {
        rolls.get(reason).increment();
    }

    void commitFailed() {
        commitFailures.increment();
    }

    void commitRetried() {
        commitRetries.increment();
    }

    void truncated(long bytes) {
        truncatedBytes.add(bytes);
    }

    void discarded() {
        discarded.increment();
    }

    void recovered(String writer) {
        recoveredByWriter.computeIfAbsent(writer, w -> new LongAdder()).increment();
    }

    /** Commits (close + rename) that failed; each is retried as a commit, never by writing the records again. */
    public long getCommitFailures() {
        return commitFailures.sum();
    }

    /** Attempts to commit again a file whose commit had failed. */
    public long getCommitRetries() {
        return commitRetries.sum();
    }

    /** Bytes recovery cut off files (torn writes after the last recorded sync). */
    public long getTruncatedBytes() {
        return truncatedBytes.sum();
    }

    /** Unfinished Avro and Parquet files that recovery removed (their records were never acknowledged). */
    public long getDiscarded() {
        return discarded.sum();
    }

    /** In-progress files of dead writers that this endpoint recovered and committed, by the writer's instance id. */
    public Map<String, Long> getRecoveredByWriter() {
        Map<String, Long> result = new java.util.TreeMap<>();
        recoveredByWriter.forEach((writer, count) -> result.put(writer, count.sum()));
        return result;
    }

    public long getRecordsWritten() {
        return records.sum();
    }

    public long getBytesWritten() {
        return bytes.sum();
    }

    public long getExchangesWritten() {
        return exchanges.sum();
    }

    public long getWriteErrors() {
        return writeErrors.sum();
    }

    /** Files committed (rolled) for the given reason. */
    public long getRolls(RollReason reason) {
        return rolls.get(reason).sum();
    }

    /** Files committed for any reason. */
    public long getRolls() {
        return rolls.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
